"""The project JSON carries a corrected transcript's history and originals, and a re-import
puts them back (issue 15): the re-imported transcript is still marked corrected, lists the
same history, rebuilds the same transcript as imported, and exports the same document."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.exporters import export_transcript
from intercept_viewer.core.importers import parse_path
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

LINES = [
    ("Soldier", "Hello, mum. We are near Kupyansk."),
    ("Mother", "Are you safe there?"),
    ("Soldier", "We can't even secure a forest belt here."),
    ("Mother", "Call me tomorrow."),
]


def corrected(lib: Library) -> int:
    tid = lib.add(make_parsed(LINES, times=True)).id
    lib.edit_turn_text(tid, 1, "Hello, mum. We are near Izium.", reason="listened again")
    lib.split_turn(tid, 1, len("Hello, mum."))
    lib.reassign_turns(tid, [3], "Commander")
    lib.insert_turn(tid, 0, "[beep]")
    lib.merge_turns(tid, 4)
    lib.delete_turn(tid, 5)
    lib.set_turn_times(tid, [(2, 100, 900)], reason="tap to time")
    lib.update_transcript(tid, verification="corroborated", reason="two outlets")
    return tid


def shown(lib: Library, tid: int) -> list[tuple]:
    return [(u.seq, u.text, u.original_text, u.start_ms, u.end_ms) for u in lib.utterances(tid)]


def as_imported(lib: Library, tid: int) -> list[tuple]:
    names = {s.id: s.name for s in lib.speakers(tid, with_stats=False)}
    return [
        (names.get(u.speaker_id), u.start_ms, u.end_ms, u.text)
        for u in lib.imported_utterances(tid)
    ]


def test_a_reimported_project_keeps_its_history_and_originals(
    library: Library, tmp_path: Path
) -> None:
    tid = corrected(library)
    first = tmp_path / "project.json"
    export_transcript(library, tid, "json", first)
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert all("turns" in e for e in doc["history"] if e["kind"] != "verification")
    with Library(tmp_path / "other.sqlite") as other:
        new = other.add(parse_path(first, format="json").parsed).id
        assert other.is_corrected(new)
        assert shown(other, new) == shown(library, tid)
        before = [
            dataclasses.replace(e, utterance_id=None, revision_id=None)
            for e in library.history(tid)
        ]
        after = [
            dataclasses.replace(e, utterance_id=None, revision_id=None) for e in other.history(new)
        ]
        assert after == before
        assert as_imported(other, new) == as_imported(library, tid)
        assert [r[3] for r in as_imported(other, new)] == [t for _, t in LINES]
        assert other.verification_history(new)[0].after["status"] == "corroborated"
        again = io.StringIO()
        export_transcript(other, new, "json", again)
    assert json.loads(again.getvalue()) == doc


@pytest.mark.parametrize(
    "entry",
    [
        {"at": "2026-01-01", "kind": "rename", "seq": 1},
        {"at": 5, "kind": "text", "seq": 1},
        {"at": "2026-01-01", "kind": "text", "seq": 0, "turns": {"before": [], "after": []}},
        {"at": "2026-01-01", "kind": "text", "seq": 1, "turns": {"before": [{"text": 3}]}},
        {"at": "2026-01-01", "kind": "verification", "before": {}, "after": {"status": "maybe"}},
    ],
)
def test_a_malformed_history_is_refused_with_its_path(tmp_path: Path, entry: dict) -> None:
    path = tmp_path / "bad.json"
    doc = {
        "intercept_viewer": 1,
        "transcript": {"title": "x"},
        "speakers": [],
        "utterances": [{"seq": 1, "text": "Hello."}],
        "history": [entry],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"history\[0\]"):
        parse_path(path, format="json")


def test_merging_speakers_is_in_the_history_and_travels(library: Library, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from intercept_viewer.cli import cli

    tid = library.add(make_parsed(LINES)).id
    soldier, mother = library.speakers(tid)
    keys = library.merge_speakers(soldier.id, mother.id)
    library.unmerge_speakers(soldier.id, mother, keys)
    library.merge_speakers(soldier.id, mother.id, reason="one voice")
    entries = [(e.kind, e.seq, e.before, e.after, e.reason) for e in library.history(tid)]
    assert entries == [
        ("speaker", None, "Mother", "Soldier", None),
        ("speaker", None, "Soldier", "Mother", "undo"),
        ("speaker", None, "Mother", "Soldier", "one voice"),
    ]
    assert not library.is_corrected(tid)  # no turn's text changed
    out = CliRunner().invoke(cli, ["--library", str(library.path), "history", str(tid), "--json"])
    assert out.exit_code == 0, out.output
    assert [(e["kind"], e["seq"], e["after"]) for e in json.loads(out.output)][-1] == (
        "speaker",
        None,
        "Soldier",
    )
    first = tmp_path / "project.json"
    export_transcript(library, tid, "json", first)
    with Library(tmp_path / "other.sqlite") as other:
        new = other.add(parse_path(first, format="json").parsed).id
        assert [(e.kind, e.before, e.after, e.reason) for e in other.history(new)] == [
            (k, b, a, r) for k, _s, b, a, r in entries
        ]
