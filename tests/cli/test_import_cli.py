"""`import --json` and `show --json`: the contract scripts rely on, on the text samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from intercept_viewer.cli import cli

TEXT = Path(__file__).parents[1] / "fixtures" / "importers" / "text"


def _run(library: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", str(library), *args])


def test_import_json_keys_and_duplicate(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    files = [str(TEXT / "en_front_matter.txt"), str(TEXT / "ru_dash.txt")]
    result = _run(lib, "import", "--json", *files)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    keys = {"id", "title", "utterances", "speakers", "duplicate", "warnings"}
    assert [set(r) for r in rows] == [keys] * 2
    assert rows[0]["title"] == "Soldier tells wife the unit was sent in without armour"
    assert (rows[0]["utterances"], rows[0]["speakers"], rows[0]["duplicate"]) == (5, 2, False)
    again = json.loads(_run(lib, "import", "--json", files[1]).stdout)
    assert again[0]["id"] == rows[1]["id"] and again[0]["duplicate"] is True


def test_failing_file_reports_file_and_line_and_others_still_import(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    bad = tmp_path / "prose.txt"
    shutil.copy(TEXT / "prose_with_colons.txt", bad)
    result = _run(
        lib, "import", "--json", "--format", "labelled", str(bad), str(TEXT / "mixed_styles.md")
    )
    assert result.exit_code == 2
    assert f"{bad}:1: expected dialogue lines" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    rows = json.loads(result.stdout)
    assert [r["title"] for r in rows] == ["Intercepted call, markdown transcript"]


def test_binary_file_reports_without_line(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.txt"
    bad.write_bytes(bytes(range(256)) * 16)
    result = _run(tmp_path / "lib.sqlite", "import", "--json", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}: ")
    assert json.loads(result.stdout) == []


def test_show_json_keys(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    rows = json.loads(
        _run(lib, "import", "--json", str(TEXT / "ru_timestamps_cp1251_crlf.txt")).stdout
    )
    result = _run(lib, "show", "--json", str(rows[0]["id"]))
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    expected = {
        "id", "title", "publisher", "channel", "source_url", "released_on", "language",
        "verification", "verification_note", "description", "speakers", "utterances",
    }  # fmt: skip
    assert expected <= set(shown)
    assert shown["verification"] == "unverified"
    assert shown["language"] == "ru"
    assert [set(s) >= {"id", "label", "name", "color"} for s in shown["speakers"]] == [True, True]
    first = shown["utterances"][0]
    assert set(first) >= {"seq", "speaker", "start_ms", "end_ms", "text"}
    assert (first["speaker"], first["start_ms"], first["end_ms"]) == ("Оккупант", 1000, 4000)
    assert first["text"] == "Мам, привет, это я."


I14 = Path(__file__).parents[1] / "fixtures" / "importers" / "i14"


def test_import_json_reports_warnings_and_show_json_has_translations(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    bilingual = str(I14 / "bilingual" / "ru_uk_italic.srt")
    dated = str(I14 / "date_and_headline" / "date_dots_uk.txt")
    rows = json.loads(_run(lib, "import", "--json", bilingual, dated).stdout)
    for row in rows:
        assert row["warnings"] and all(set(w) == {"line", "message"} for w in row["warnings"])
    assert any("translation" in w["message"] for w in rows[0]["warnings"])
    assert {"line": 1, "message": "taken as the release date (2024-03-14)"} in rows[1]["warnings"]
    shown = json.loads(_run(lib, "show", "--json", str(rows[0]["id"])).stdout)
    assert [u["translation"] for u in shown["utterances"]] == [
        "Мамо, тут взагалі жах.",
        "Що сталося, синку?",
        "Нас погнали на штурм без броні.",
    ]
    text = _run(lib, "show", str(rows[0]["id"])).output
    assert "(Мамо, тут взагалі жах.)" in text


def test_list_needs_review_filters_to_transcripts_with_warnings(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    clean = tmp_path / "clean.json"
    clean.write_text(
        json.dumps({"segments": [{"start": 0, "end": 1, "text": "Алло"}]}), encoding="utf-8"
    )
    dated = str(I14 / "date_and_headline" / "date_dots_uk.txt")
    rows = json.loads(_run(lib, "import", "--json", str(clean), dated).stdout)
    assert rows[0]["warnings"] == []
    listed = json.loads(_run(lib, "list", "--json", "--needs-review").stdout)
    assert [t["id"] for t in listed] == [rows[1]["id"]]
    assert listed[0]["to_review"] == len(rows[1]["warnings"])
    everything = json.loads(_run(lib, "list", "--json").stdout)
    assert len(everything) == 2
