"""`edit-turn`, `history` and the corrected fields of `show --json`: the CLI contract of
issue 15."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from intercept_viewer.cli import cli
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed


@pytest.fixture
def lib_path(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(make_parsed()).id
    return path, tid


def run(path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(path), *args])


def show(path: Path, tid: int) -> dict:
    result = run(path, "show", str(tid), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_show_json_has_original_text_and_corrected(lib_path) -> None:
    path, tid = lib_path
    utts = show(path, tid)["utterances"]
    assert all(u["original_text"] is None and u["corrected"] is False for u in utts)
    result = run(path, "edit-turn", str(tid), "1", "--text", "Hello, mum. We are near Izium.")
    assert result.exit_code == 0, result.output
    assert "Izium" in result.output
    u1, u2 = show(path, tid)["utterances"][:2]
    assert u1["text"] == "Hello, mum. We are near Izium." and u1["corrected"] is True
    assert u1["original_text"] == "Hello, mum. We are near Kupyansk."
    assert u2["original_text"] is None and u2["corrected"] is False


def test_edit_turn_speaker_creates_a_new_speaker(lib_path) -> None:
    path, tid = lib_path
    result = run(path, "edit-turn", str(tid), "2", "--speaker", "Commander", "--reason", "voice")
    assert result.exit_code == 0, result.output
    doc = show(path, tid)
    assert [s["name"] for s in doc["speakers"]] == ["Soldier", "Mother", "Commander"]
    assert doc["utterances"][1]["speaker"] == "Commander"
    # an existing name is that speaker
    assert run(path, "edit-turn", str(tid), "3", "--speaker", "mother").exit_code == 0
    doc = show(path, tid)
    assert len(doc["speakers"]) == 3 and doc["utterances"][2]["speaker"] == "Mother"


def test_history_json_lists_entries_with_the_contract_keys(lib_path) -> None:
    path, tid = lib_path
    assert json.loads(run(path, "history", str(tid), "--json").output) == []
    run(path, "edit-turn", str(tid), "1", "--text", "Corrected.", "--reason", "audio")
    run(path, "edit-turn", str(tid), "2", "--speaker", "Commander")
    run(path, "set", str(tid), "--verification", "disputed", "--reason", "voice mismatch")
    with Library(path) as lib:
        lib.split_turn(tid, 3, 3)
        lib.merge_turns(tid, 3)
        lib.insert_turn(tid, 0, "Beep.")
        lib.delete_turn(tid, 1)
        lib.set_turn_times(tid, [(1, 0, 1000)])
    result = run(path, "history", str(tid), "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert all(set(e) == {"at", "kind", "seq", "before", "after", "reason"} for e in entries)
    assert [e["kind"] for e in entries] == [
        "text",
        "speaker",
        "verification",
        "split",
        "merge",
        "insert",
        "delete",
        "time",
    ]
    text, speaker, verification = entries[:3]
    assert (text["seq"], text["before"], text["after"], text["reason"]) == (
        1,
        "Hello, mum. We are near Kupyansk.",
        "Corrected.",
        "audio",
    )
    assert (speaker["before"], speaker["after"]) == ("Mother", "Commander")
    assert verification["after"]["status"] == "disputed"
    assert verification["reason"] == "voice mismatch"
    human = run(path, "history", str(tid))
    assert human.exit_code == 0 and "Kupyansk. → Corrected.  (audio)" in human.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["1"], "Nothing to change"),
        (["9", "--text", "x"], "has turns 1..3"),
        (["1", "--text", "   "], "needs some text"),
    ],
)
def test_edit_turn_errors_exit_2_with_a_message(lib_path, args, message) -> None:
    path, tid = lib_path
    result = run(path, "edit-turn", str(tid), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_history_of_an_unknown_transcript(lib_path) -> None:
    path, _ = lib_path
    result = run(path, "history", "99")
    assert result.exit_code == 2 and "No transcript with id 99" in result.output


def test_export_marks_corrected_lines_and_exports_the_original(lib_path) -> None:
    path, tid = lib_path
    run(path, "edit-turn", str(tid), "1", "--text", "Hello, mum. We are near Izium.")
    corrected = run(path, "export", str(tid), "--format", "txt").output
    assert "Soldier: Hello, mum. We are near Izium. [corrected]" in corrected
    assert "Mother: Are you safe there?\n" in corrected
    original = run(path, "export", str(tid), "--format", "txt", "--original").output
    assert "Soldier: Hello, mum. We are near Kupyansk.\n" in original
    assert "[corrected]" not in original.split("---")[-1]
    refused = run(path, "export", str(tid), "--format", "json", "--original")
    assert refused.exit_code == 2 and "project JSON" in refused.output
