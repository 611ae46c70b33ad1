"""`import` on a Telegram export: one JSON row per transcript with its channel and post id,
the skip summary on stderr, and a second run adding nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from intercept_viewer.cli import cli

TG = Path(__file__).parents[1] / "fixtures" / "telegram"


def _run(library: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", str(library), *args])


def test_import_export_folder_json_rows(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    result = _run(
        lib, "import", "--json", "--telegram-username", "sbu_intercepts", str(TG / "channel_ru")
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["telegram"] for r in rows][:2] == [
        {"channel_id": "1234567890", "post_id": 2},
        {"channel_id": "1234567890", "post_id": 3},
    ]
    assert len(rows) == 6 and all(r["utterances"] >= 2 for r in rows)
    assert "6 transcripts, 5 skipped" in result.stderr
    assert "no call in the text" in result.stderr
    shown = json.loads(_run(lib, "show", "--json", str(rows[0]["id"])).stdout)
    assert shown["source_url"] == "https://t.me/sbu_intercepts/2"

    again = _run(lib, "import", "--json", str(TG / "channel_ru" / "result.json"))
    assert again.exit_code == 0 and json.loads(again.stdout) == []
    assert "0 transcripts, 11 skipped (6 already in the library" in again.stderr


def test_export_and_plain_files_in_one_call(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    plain = Path(__file__).parents[1] / "fixtures" / "importers" / "text" / "ru_dash.txt"
    result = _run(lib, "import", str(TG / "html_uk"), str(plain))
    assert result.exit_code == 0, result.output
    assert "2 transcripts, 3 skipped" in result.stderr
    rows = [line for line in result.stdout.splitlines() if " utterances, " in line]
    assert len(rows) == 3
    assert "things to review" in result.stdout  # the importers' report, as for any file
