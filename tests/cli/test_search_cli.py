"""`intercept-viewer search` end to end with CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from intercept_viewer.cli import cli
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed


@pytest.fixture
def lib_path(tmp_path: Path) -> str:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        lib.add(
            make_parsed(
                [("Солдат", "Мама, мы под Бахмутом."), ("Мать", "Сынок, береги себя.")],
                title="Звонок матери",
                language="ru",
                times=True,
            )
        )
        tid = lib.add(make_parsed([("Soldier", "We left Bakhmut, mum.")], title="Verified call")).id
        lib.update_transcript(tid, verification="verified")
    return str(path)


def run(lib_path: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", lib_path, "search", *args])


def test_json_output(lib_path: str) -> None:
    result = run(lib_path, "--json", "--exact", "бахмуте")
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit == {
        "transcript_id": 1,
        "title": "Звонок матери",
        "seq": 1,
        "speaker": "Солдат",
        "start_ms": 0,
        "text": "Мама, мы под Бахмутом.",
        "snippet": "Мама, мы под **Бахмутом**.",
        "verification": "unverified",
    }


def test_other_spellings_come_after_the_word_unless_exact(lib_path: str) -> None:
    hits = json.loads(run(lib_path, "--json", "бахмуте").stdout)
    assert [h["text"] for h in hits] == ["Мама, мы под Бахмутом.", "We left Bakhmut, mum."]
    hits = json.loads(run(lib_path, "--json", "exact:Bakhmut").stdout)
    assert [h["text"] for h in hits] == ["We left Bakhmut, mum."]


def test_human_output_flags_every_unverified_hit(lib_path: str) -> None:
    result = run(lib_path, "Бахмут", "OR", "Bakhmut")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    unverified = [line for line in lines if "Бахмутом" in line]
    verified = [line for line in lines if "Bakhmut" in line]
    assert unverified[0].startswith("[UNVERIFIED] 1:1 [0:00] Звонок матери — Солдат:")
    assert "[" not in verified[0].split(" ")[0]
    assert "2 of 2 hits" in result.stderr


def test_speaker_option_limit_and_transcript(lib_path: str) -> None:
    result = run(lib_path, "--json", "--speaker", "мать")
    assert [h["text"] for h in json.loads(result.stdout)] == ["Сынок, береги себя."]
    result = run(lib_path, "--json", "--limit", "1", "speaker:солдат")
    assert len(json.loads(result.stdout)) == 1
    result = run(lib_path, "--json", "--transcript", "2", "Bakhmut")
    assert [h["transcript_id"] for h in json.loads(result.stdout)] == [2]


def test_excluded_word_is_not_taken_for_an_option(lib_path: str) -> None:
    result = run(lib_path, "--json", "speaker:Солдат", "-бахмут")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("query", [["status:maybe"], [], ["OR"]])
def test_unreadable_query_exits_2_with_the_message(lib_path: str, query: list[str]) -> None:
    result = run(lib_path, *query)
    assert result.exit_code == 2
    assert "can't read this query" in result.stderr
    assert result.stdout == ""
