"""`export` and `export-passages`, end to end through click."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pysubs2
import pytest
from click.testing import CliRunner, Result

from intercept_viewer.cli import cli
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        a = lib.add(make_parsed(publisher="HUR", source_url="https://t.me/DIUkraine/1")).id
        b = lib.add(
            make_parsed(
                [("Боєць", "Ми під Бахмутом."), ("Мати", "Бережи себе.")],
                title="Дзвінок",
                times=True,
                verification="verified",
            )
        ).id
        lib.add_passage(a, 1, 2, ["Kupyansk"], note="check")
        lib.add_passage(b, 1, 1, ["Бахмут"], state="done")
    return path


def run(lib_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib_path), *args])


def ok(lib_path: Path, *args: str) -> Result:
    result = run(lib_path, *args)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "json", "md"])
def test_export_to_stdout_and_to_a_file_agree(lib_path: Path, tmp_path: Path, fmt: str) -> None:
    shown = ok(lib_path, "export", "1", "--format", fmt).stdout
    target = tmp_path / f"out.{fmt}"
    result = ok(lib_path, "export", "1", "-o", str(target))  # format from the ending
    assert target.read_text(encoding="utf-8") == shown
    assert result.stdout == ""
    assert f"to {target}" in result.stderr
    assert "UNVERIFIED" in shown or fmt == "json"


def test_export_formats_parse(lib_path: Path) -> None:
    doc = json.loads(ok(lib_path, "export", "2", "--format", "json").stdout)
    assert [u["text"] for u in doc["utterances"]] == ["Ми під Бахмутом.", "Бережи себе."]
    assert doc["passages"][0]["tags"] == ["Бахмут"] and doc["passages"][0]["state"] == "done"
    srt = pysubs2.SSAFile.from_string(ok(lib_path, "export", "2", "--format", "srt").stdout)
    assert [e.plaintext for e in srt] == ["Боєць: Ми під Бахмутом.", "Мати: Бережи себе."]
    vtt = ok(lib_path, "export", "2", "--format", "vtt").stdout
    assert "<v Боєць>Ми під Бахмутом.</v>" in vtt
    txt = ok(lib_path, "export", "2", "--format", "txt").stdout
    assert "[0:05] Мати: Бережи себе." in txt.splitlines()


def test_estimated_times_are_announced_on_stderr(lib_path: Path) -> None:
    result = ok(lib_path, "export", "1", "--format", "srt")
    assert "estimated" in result.stderr
    assert result.stdout.startswith("1\n00:00:00,000 --> ")


def test_export_passages_csv_with_filters(lib_path: Path, tmp_path: Path) -> None:
    out = ok(lib_path, "export-passages", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["passage_id"], r["verification"]) for r in rows] == [
        ("1", "unverified"),
        ("2", "verified"),
    ]
    assert rows[0]["quote"].startswith("[UNVERIFIED] Soldier: Hello, mum.")
    assert rows[0]["source_url"] == "https://t.me/DIUkraine/1"
    only = ok(lib_path, "export-passages", "--format", "csv", "--tag", "БАХМУТ").stdout
    assert [r["passage_id"] for r in csv.DictReader(io.StringIO(only))] == ["2"]
    target = tmp_path / "queue.csv"
    ok(lib_path, "export-passages", "--state", "open", "-o", str(target))
    with target.open(newline="", encoding="utf-8") as fh:
        assert [r["passage_id"] for r in csv.DictReader(fh)] == ["1"]


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_export_passages_json_and_md(lib_path: Path, fmt: str) -> None:
    out = ok(lib_path, "export-passages", "--format", fmt, "--verification", "unverified").stdout
    if fmt == "json":
        [record] = json.loads(out)["passages"]
        assert record["verification"] == "unverified" and record["note"] == "check"
    else:
        assert "> **\\[UNVERIFIED\\]** **Soldier**: Hello, mum." in out
        assert "Бахмут" not in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "9", "--format", "txt"], "No transcript with id 9"),
        (["export", "1"], "Give --format"),
        (["export", "1", "-o", "call.docx"], "Give --format"),
        (["export", "1", "--format", "md", "-o", "/nonexistent/dir/x.md"], "Can't write"),
        (["export-passages", "--tag", "nobody", "--format", "csv"], "No tag 'nobody'"),
        (["export-passages"], "Give --format"),
    ],
)
def test_export_errors(lib_path: Path, args: list[str], message: str) -> None:
    result = run(lib_path, *args)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert message in result.stderr and result.stdout == ""


def test_bad_format_is_a_usage_error(lib_path: Path) -> None:
    result = run(lib_path, "export", "1", "--format", "docx")
    assert result.exit_code == 2 and "docx" in result.stderr
