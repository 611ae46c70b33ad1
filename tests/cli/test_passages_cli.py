"""`tag`, `passages`, `done` and the tag commands, end to end through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from intercept_viewer.cli import cli
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())  # 1: unverified
        lib.add(
            make_parsed(
                [("Солдат", "Мы под Купянском."), ("Мать", "Береги себя.")],
                title="Звонок",
                times=True,
                verification="verified",
            )
        )
    return path


def run(lib_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib_path), *args])


def ok(lib_path: Path, *args: str) -> str:
    result = run(lib_path, *args)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def fails(lib_path: Path, *args: str) -> str:
    result = run(lib_path, *args)
    assert result.exit_code == 2, result.output
    # a deliberate exit, not an exception escaping
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.stderr


def test_tag_prints_the_new_id_and_passages_lists_it(lib_path: Path) -> None:
    first = ok(lib_path, "tag", "1", "--from", "1", "--to", "2", "--tag", "Kupyansk", "--tag",
               "Проверить", "--note", "which unit?")  # fmt: skip
    second = ok(lib_path, "tag", "2", "--from", "1", "--tag", "проверить")
    assert first.strip() == "1" and second.strip() == "2"
    rows = json.loads(ok(lib_path, "passages", "--json"))
    assert rows == [
        {
            "id": 1,
            "transcript_id": 1,
            "title": "Call about Kupyansk",
            "first_seq": 1,
            "last_seq": 2,
            "tags": ["Kupyansk", "Проверить"],
            "note": "which unit?",
            "state": "open",
            "text": "[UNVERIFIED] Soldier: Hello, mum. We are near Kupyansk.\n"
            "[UNVERIFIED] Mother: Are you safe there?",
            "verification": "unverified",
        },
        {
            "id": 2,
            "transcript_id": 2,
            "title": "Звонок",
            "first_seq": 1,
            "last_seq": 1,
            "tags": ["Проверить"],
            "note": None,
            "state": "open",
            "text": "Солдат [0:00]: Мы под Купянском.",
            "verification": "verified",
        },
    ]
    text = ok(lib_path, "passages")
    assert "[UNVERIFIED] Soldier: Hello, mum." in text and "note: which unit?" in text


def test_done_reopen_and_filters(lib_path: Path) -> None:
    ok(lib_path, "tag", "1", "--from", "1", "--tag", "unit")
    ok(lib_path, "tag", "1", "--from", "3", "--tag", "UNIT", "--tag", "forest")
    ok(lib_path, "tag", "2", "--from", "2", "--tag", "мама")
    assert ok(lib_path, "done", "1").strip() == "1: done"

    def ids(*args: str) -> list[int]:
        return [r["id"] for r in json.loads(ok(lib_path, "passages", "--json", *args))]

    assert ids("--state", "done") == [1]
    assert ids("--state", "open") == [2, 3]
    assert ids("--tag", "Unit") == [1, 2]
    assert ids("--tag", "unit", "--state", "open") == [2]
    assert ids("--transcript", "2") == [3]
    assert ids("--verification", "verified") == [3]
    assert ids("--newest-first") == [3, 2, 1]
    ok(lib_path, "reopen", "1")
    assert ids("--state", "done") == []


def test_tag_with_state_and_character_range(lib_path: Path) -> None:
    pid = ok(lib_path, "tag", "1", "--from", "1", "--tag", "place", "--start-char", "19",
             "--end-char", "33", "--state", "done")  # fmt: skip
    [row] = json.loads(ok(lib_path, "passages", "--json"))
    assert row["id"] == int(pid) and row["state"] == "done"
    assert row["text"] == "[UNVERIFIED] Soldier: …near Kupyansk."


@pytest.mark.parametrize(
    "args, message",
    [
        (["tag", "1", "--from", "9", "--tag", "x"], "utterances 1..3"),
        (["tag", "7", "--from", "1", "--tag", "x"], "No transcript with id 7"),
        (["tag", "1", "--from", "1", "--tag", "x", "--end-char", "500"], "outside"),
        (["tag", "1", "--from", "1", "--tag", "  "], "needs a name"),
        (["done", "42"], "No passage with id 42"),
        (["reopen", "42"], "No passage with id 42"),
        (["untag", "42"], "No passage with id 42"),
        (["passages", "--tag", "nobody"], "No tag 'nobody'"),
        (["rename-tag", "nobody", "x"], "No tag"),
        (["merge-tags", "nobody", "x"], "No tag"),
        (["delete-tag", "nobody"], "No tag"),
    ],
)
def test_errors_are_one_clear_line_and_exit_2(lib_path: Path, args, message) -> None:
    assert message in fails(lib_path, *args)


def test_usage_errors_exit_2(lib_path: Path) -> None:
    assert run(lib_path, "tag", "1", "--from", "1").exit_code == 2  # no --tag
    assert run(lib_path, "passages", "--state", "later").exit_code == 2


def test_done_checks_every_id_before_changing_any(lib_path: Path) -> None:
    ok(lib_path, "tag", "1", "--from", "1", "--tag", "a")
    fails(lib_path, "done", "1", "99")
    assert json.loads(ok(lib_path, "passages", "--json"))[0]["state"] == "open"


def test_note_and_untag(lib_path: Path) -> None:
    ok(lib_path, "tag", "1", "--from", "1", "--tag", "a")
    ok(lib_path, "note", "1", "нотатка\nрядок 2")
    assert json.loads(ok(lib_path, "passages", "--json"))[0]["note"] == "нотатка\nрядок 2"
    assert "Deleted 1 passage" in ok(lib_path, "untag", "1")
    assert json.loads(ok(lib_path, "passages", "--json")) == []
    # the tag stays, with no passages
    assert json.loads(ok(lib_path, "tags", "--json"))[0]["passages"] == 0


def test_tags_rename_merge_delete(lib_path: Path) -> None:
    ok(lib_path, "tag", "1", "--from", "1", "--tag", "Купянск")
    ok(lib_path, "tag", "1", "--from", "2", "--tag", "kupiansk", "--tag", "mother")
    ok(lib_path, "tag", "2", "--from", "1", "--tag", "КУПЯНСК")
    tags = json.loads(ok(lib_path, "tags", "--json"))
    assert {t["name"]: t["passages"] for t in tags} == {"kupiansk": 1, "mother": 1, "Купянск": 2}
    assert "Купянск" in ok(lib_path, "tags")

    assert "refused" not in fails(lib_path, "rename-tag", "kupiansk", "купянск")
    ok(lib_path, "rename-tag", "kupiansk", "Kupyansk", "--color", "#112233")
    ok(lib_path, "merge-tags", "Kupyansk", "купянск")
    tags = json.loads(ok(lib_path, "tags", "--json"))
    assert {t["name"]: t["passages"] for t in tags} == {"Kupyansk": 3, "mother": 1}
    assert tags[0]["color"] == "#112233"

    out = ok(lib_path, "delete-tag", "MOTHER", "--with-passages")
    assert "Deleted tag mother" in out
    assert [r["id"] for r in json.loads(ok(lib_path, "passages", "--json"))] == [1, 2, 3]
    ok(lib_path, "delete-tag", "kupyansk")
    rows = json.loads(ok(lib_path, "passages", "--json"))
    assert [r["tags"] for r in rows] == [[], [], []]


def test_tags_on_an_empty_library(lib_path: Path) -> None:
    assert "No tags yet" in ok(lib_path, "tags")
    assert "No passages" in ok(lib_path, "passages")
