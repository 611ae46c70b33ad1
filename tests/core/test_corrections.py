"""Corrections of turns (issue 15): each one and its undo, passages across them, search after an
edit, the history, verification events and the transcript as imported."""

from __future__ import annotations

import dataclasses

import pytest

from intercept_viewer.core.corrections import note_says_unverified
from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

LINES = [
    ("Soldier", "Hello, mum. We are near Kupyansk."),
    ("Mother", "Are you safe there?"),
    ("Soldier", "We can't even secure a forest belt here."),
    ("Mother", "Call me tomorrow."),
]


@pytest.fixture
def call(library: Library) -> tuple[Library, int]:
    return library, library.add(make_parsed(LINES, times=True)).id


def state(lib: Library, tid: int) -> tuple:
    """Everything a correction may touch, to compare before and after an undo."""
    utts = [dataclasses.astuple(u) for u in lib.utterances(tid)]
    passages = [
        (p.id, p.first_seq, p.last_seq, p.start_char, p.end_char, p.turns_deleted_at, p.note)
        for p in lib.passages(transcript_id=tid)
    ]
    speakers = [(s.id, s.name, s.utterance_count, s.speaking_ms) for s in lib.speakers(tid)]
    t = lib.transcript(tid)
    return utts, passages, speakers, t.utterance_count, t.has_times


def seqs_found(lib: Library, query: str, tid: int) -> list[int]:
    return sorted(h.seq for h in lib.search(query, tid).hits)


def texts(lib: Library, tid: int) -> list[str]:
    return [u.text for u in lib.utterances(tid)]


# ---------------------------------------------------------------- each correction and its undo


def test_edit_text_keeps_the_original_and_undo_restores_it(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    c = lib.edit_turn_text(tid, 1, "Hello, mum. We are near Izium.", reason="audio says Izium")
    u = lib.utterance(tid, 1)
    assert u.text == "Hello, mum. We are near Izium."
    assert u.original_text == "Hello, mum. We are near Kupyansk." and u.corrected
    assert not lib.utterance(tid, 2).corrected and lib.utterance(tid, 2).original_text is None
    # a second edit keeps the imported text, not the first correction
    lib.edit_turn_text(tid, 1, "Hello, mum. We are at Izium.")
    assert lib.utterance(tid, 1).original_text == "Hello, mum. We are near Kupyansk."
    lib.edit_turn_text(tid, 1, "Hello, mum. We are near Izium.")
    redo = lib.revert_correction(c)
    assert state(lib, tid) == before
    lib.revert_correction(redo)
    assert lib.utterance(tid, 1).text == "Hello, mum. We are near Izium."


def test_search_after_an_edit_finds_new_words_not_old_ones(call) -> None:
    lib, tid = call
    assert seqs_found(lib, "Kupyansk", tid) == [1]
    c = lib.edit_turn_text(tid, 1, "Hello, mum. We are near Izium with the tanks.")
    assert seqs_found(lib, "Kupyansk", tid) == []
    assert seqs_found(lib, "Izium", tid) == [1]
    assert seqs_found(lib, "tank", tid) == [1]  # word forms recomputed (tanks -> tank)
    lib.revert_correction(c)
    assert seqs_found(lib, "Kupyansk", tid) == [1]
    assert seqs_found(lib, "Izium", tid) == []


def test_search_after_split_merge_insert_delete(call) -> None:
    lib, tid = call
    lib.split_turn(tid, 1, len("Hello, mum."))
    assert seqs_found(lib, "Kupyansk", tid) == [2]
    lib.insert_turn(tid, 0, "Connection established near Bakhmut.")
    assert seqs_found(lib, "Bakhmut", tid) == [1]
    assert seqs_found(lib, "Kupyansk", tid) == [3]
    lib.merge_turns(tid, 2)
    assert seqs_found(lib, "Kupyansk", tid) == [2]
    lib.delete_turn(tid, 2)
    assert seqs_found(lib, "Kupyansk", tid) == []
    assert seqs_found(lib, "forest", tid) == [3]


def test_reassign_to_an_existing_and_to_a_new_speaker(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    soldier, _mother = lib.speakers(tid)
    c = lib.reassign_turns(tid, [2, 4], soldier.id, reason="voice")
    assert {lib.utterance(tid, s).speaker_id for s in (1, 2, 3, 4)} == {soldier.id}
    assert lib.utterance(tid, 2).corrected
    stats = {s.name: s.utterance_count for s in lib.speakers(tid)}
    assert stats == {"Soldier": 4, "Mother": 0}
    lib.revert_correction(c)
    assert state(lib, tid) == before

    c = lib.reassign_turns(tid, [3], "Commander")
    names = [s.name for s in lib.speakers(tid)]
    assert names == ["Soldier", "Mother", "Commander"]
    new = lib.speakers(tid)[2]
    assert lib.utterance(tid, 3).speaker_id == new.id and new.utterance_count == 1
    # a name that exists (any case) is that speaker, not a new one
    lib.revert_correction(lib.reassign_turns(tid, [1], "mother"))
    assert len(lib.speakers(tid)) == 3
    redo = lib.revert_correction(c)
    assert state(lib, tid) == before  # the speaker it created is gone again
    lib.revert_correction(redo)
    assert lib.speakers(tid)[2].id == new.id and lib.utterance(tid, 3).speaker_id == new.id


def test_split_and_undo(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    u1 = lib.utterance(tid, 1)
    c = lib.split_turn(tid, 1, len("Hello, mum."))
    assert texts(lib, tid)[:3] == ["Hello, mum.", "We are near Kupyansk.", LINES[1][1]]
    a, b = lib.utterance(tid, 1), lib.utterance(tid, 2)
    assert a.speaker_id == b.speaker_id == u1.speaker_id
    assert a.start_ms == u1.start_ms and a.end_ms is None and b.end_ms == u1.end_ms
    assert a.original_text == b.original_text == u1.text
    assert lib.transcript(tid).utterance_count == 5
    assert [u.seq for u in lib.utterances(tid)] == [1, 2, 3, 4, 5]
    lib.revert_correction(c)
    assert state(lib, tid) == before
    with pytest.raises(ValueError):
        lib.split_turn(tid, 1, 0)


def test_merge_and_undo(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    c = lib.merge_turns(tid, 2)
    assert texts(lib, tid) == [LINES[0][1], f"{LINES[1][1]} {LINES[2][1]}", LINES[3][1]]
    assert lib.transcript(tid).utterance_count == 3
    redo = lib.revert_correction(c)
    assert state(lib, tid) == before
    lib.revert_correction(redo)
    assert len(texts(lib, tid)) == 3
    with pytest.raises(NotFound):
        lib.merge_turns(tid, 3)  # the last turn has nothing after it


def test_insert_and_delete_and_their_undo(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    c = lib.insert_turn(tid, 2, "[inaudible]", speaker="Operator")
    assert texts(lib, tid)[2] == "[inaudible]"
    u = lib.utterance(tid, 3)
    assert u.original_text == "" and u.corrected  # inserted: no original
    lib.revert_correction(c)
    assert state(lib, tid) == before
    c = lib.delete_turn(tid, 1)
    assert texts(lib, tid) == [t for _, t in LINES[1:]]
    redo = lib.revert_correction(c)
    assert state(lib, tid) == before
    lib.revert_correction(redo)
    assert len(texts(lib, tid)) == 3


def test_set_turn_times_returns_previous_values_for_undo(call) -> None:
    lib, tid = call
    before = state(lib, tid)
    old = lib.utterance(tid, 2)
    prev = lib.set_turn_times(tid, [(2, 1500, 2500), (3, None, None)], reason="tap")
    assert prev == [
        (2, old.start_ms, old.end_ms),
        (3, *(lambda u: (u.start_ms, u.end_ms))(lib.imported_utterances(tid)[2])),
    ]
    assert (lib.utterance(tid, 2).start_ms, lib.utterance(tid, 2).end_ms) == (1500, 2500)
    assert lib.utterance(tid, 3).start_ms is None
    assert not lib.utterance(tid, 2).corrected  # times don't mark a turn as corrected
    kinds = [(e.kind, e.seq, e.reason) for e in lib.history(tid)]
    assert kinds == [("time", 2, "tap"), ("time", 3, "tap")]
    lib.set_turn_times(tid, prev)
    assert state(lib, tid) == before
    with pytest.raises(ValueError):
        lib.set_turn_times(tid, [(1, 500, 100)])


def test_clearing_every_time_clears_has_times(library: Library) -> None:
    tid = library.add(make_parsed(LINES[:2], times=True)).id
    assert library.transcript(tid).has_times
    prev = library.set_turn_times(tid, [(1, None, None), (2, None, None)])
    assert not library.transcript(tid).has_times
    library.set_turn_times(tid, prev)
    assert library.transcript(tid).has_times


# ---------------------------------------------------------------- passages follow the turns


def test_passages_follow_a_split(call) -> None:
    lib, tid = call
    cut = len("Hello, mum. ")
    whole = lib.add_passage(tid, 1, 1, ["whole"])
    tail = lib.add_passage(tid, 1, 1, ["tail"], start_char=cut + 3)  # "are near Kupyansk."
    head = lib.add_passage(tid, 1, 1, ["head"], end_char=5)  # "Hello"
    later = lib.add_passage(tid, 2, 3, ["later"])
    c = lib.split_turn(tid, 1, cut)
    p = {x.tags[0]: x for x in lib.passages(transcript_id=tid)}
    assert (p["whole"].first_seq, p["whole"].last_seq) == (1, 2)
    assert (p["tail"].first_seq, p["tail"].last_seq, p["tail"].start_char) == (2, 2, 3)
    assert [t for _, t in lib.passage_text(p["tail"])] == ["are near Kupyansk."]
    assert [t for _, t in lib.passage_text(p["head"])] == ["Hello"]
    assert (p["later"].first_seq, p["later"].last_seq) == (3, 4)
    lib.revert_correction(c)
    assert [lib.passage(x.id) for x in (whole, tail, head, later)] == [
        whole,
        tail,
        head,
        later,
    ]


def test_passages_follow_a_merge(call) -> None:
    lib, tid = call
    second = lib.add_passage(tid, 3, 3, ["second"], start_char=3, end_char=8)  # "can't"
    first = lib.add_passage(tid, 2, 2, ["first"])
    after = lib.add_passage(tid, 4, 4, ["after"])
    c = lib.merge_turns(tid, 2)
    p = {x.tags[0]: x for x in lib.passages(transcript_id=tid)}
    assert [t for _, t in lib.passage_text(p["second"])] == ["can't"]
    assert [t for _, t in lib.passage_text(p["first"])] == [LINES[1][1]]
    assert (p["after"].first_seq, p["after"].last_seq) == (3, 3)
    lib.revert_correction(c)
    assert [lib.passage(x.id) for x in (second, first, after)] == [second, first, after]


def test_a_passage_whose_turns_were_deleted_keeps_its_note_and_says_so(call) -> None:
    lib, tid = call
    only = lib.add_passage(tid, 2, 2, ["check"], note="Which village?")
    span = lib.add_passage(tid, 2, 3, ["span"])
    after = lib.add_passage(tid, 4, 4, ["after"])
    c = lib.delete_turn(tid, 2)
    gone = lib.passage(only.id)
    assert gone.turns_deleted_at and gone.note == "Which village?"
    assert lib.passage_text(gone) == []
    assert [t for _, t in lib.passage_text(lib.passage(span.id))] == [LINES[2][1]]
    assert (lib.passage(after.id).first_seq, lib.passage(after.id).last_seq) == (3, 3)
    lib.revert_correction(c)
    assert lib.passage(only.id) == only and lib.passage(span.id) == span
    assert lib.passage(after.id) == after


def test_passages_move_down_after_an_insert(call) -> None:
    lib, tid = call
    before = lib.add_passage(tid, 1, 1, ["before"])
    around = lib.add_passage(tid, 2, 3, ["around"])
    lib.insert_turn(tid, 2, "[noise]")
    assert lib.passage(before.id).first_seq == 1
    assert (lib.passage(around.id).first_seq, lib.passage(around.id).last_seq) == (2, 4)


# ---------------------------------------------------------------- history and the original


def test_history_lists_every_kind_with_before_and_after(call) -> None:
    lib, tid = call
    lib.edit_turn_text(tid, 1, "Hello, mum.  We are near Izium.", reason="listened again")
    lib.reassign_turns(tid, [2], "Commander")
    lib.split_turn(tid, 1, len("Hello, mum."))
    lib.merge_turns(tid, 1)
    lib.insert_turn(tid, 0, "Beep.")
    lib.delete_turn(tid, 1)
    lib.set_turn_times(tid, [(1, 10, 20)])
    lib.update_transcript(tid, verification="corroborated", reason="two outlets")
    hist = lib.history(tid)
    assert [e.kind for e in hist] == [
        "text",
        "speaker",
        "split",
        "merge",
        "insert",
        "delete",
        "time",
        "verification",
    ]
    text, speaker, split, merge, ins, dele, time, ver = hist
    assert (text.seq, text.before, text.reason) == (1, LINES[0][1], "listened again")
    assert text.after == "Hello, mum.  We are near Izium."
    assert (speaker.before, speaker.after) == ("Mother", "Commander")
    assert split.before == "Hello, mum.  We are near Izium."
    assert split.after == ["Hello, mum.", "We are near Izium."]
    assert merge.after == "Hello, mum. We are near Izium."
    assert (ins.before, ins.after, dele.before, dele.after) == (None, "Beep.", "Beep.", None)
    assert time.after == {"start_ms": 10, "end_ms": 20}
    assert ver.before == {"status": "unverified", "note": None}
    assert ver.after == {"status": "corroborated", "note": None} and ver.reason == "two outlets"
    assert all(e.at for e in hist)
    assert [e.at for e in hist] == sorted(e.at for e in hist)
    # undo is recorded too, with the inverse kind
    lib.revert_correction(lib.merge_turns(tid, 1))
    assert [e.kind for e in lib.history(tid)[-2:]] == ["merge", "split"]
    assert lib.history(tid)[-1].reason == "undo"


def test_verification_events_only_for_status_and_note_changes(call) -> None:
    lib, tid = call
    lib.update_transcript(tid, title="Another title")
    assert lib.verification_history(tid) == []
    lib.update_transcript(tid, verification_note="Matched by two outlets")
    lib.update_transcript(tid, verification="verified")
    lib.update_transcript(tid, verification="verified")  # no change, no event
    events = lib.verification_history(tid)
    assert [(e.before["status"], e.after["status"]) for e in events] == [
        ("unverified", "unverified"),
        ("unverified", "verified"),
    ]
    assert events[0].after["note"] == "Matched by two outlets"


def test_imported_utterances_rebuild_the_transcript_as_it_came_in(call) -> None:
    lib, tid = call
    original = [(u.speaker_id, u.start_ms, u.end_ms, u.text) for u in lib.utterances(tid)]
    lib.edit_turn_text(tid, 1, "Edited.")
    lib.split_turn(tid, 3, 5)
    lib.reassign_turns(tid, [2], "Commander")
    lib.insert_turn(tid, 4, "New.")
    lib.merge_turns(tid, 1)
    lib.delete_turn(tid, 1)
    lib.set_turn_times(tid, [(2, None, 99)])
    assert lib.is_corrected(tid)
    rebuilt = lib.imported_utterances(tid)
    assert [(u.speaker_id, u.start_ms, u.end_ms, u.text) for u in rebuilt] == original
    assert [u.seq for u in rebuilt] == [1, 2, 3, 4]


def test_turn_history_follows_one_turn(call) -> None:
    lib, tid = call
    u = lib.utterance(tid, 2)
    lib.edit_turn_text(tid, 2, "Are you safe?")
    lib.edit_turn_text(tid, 3, "Other.")
    lib.reassign_turns(tid, [2], "Commander")
    assert [e.kind for e in lib.turn_history(tid, u.id)] == ["text", "speaker"]


@pytest.mark.parametrize(
    "note, says",
    [
        ("The recording has not been independently verified.", True),
        ("Unverified claim by HUR", True),
        ("We could not verify the call.", True),
        ("Запись не была проверена.", True),
        ("Запис не вдалося перевірити незалежно", True),
        ("Matched by two outlets", False),
        ("Verified against the video", False),
        (None, False),
    ],
)
def test_note_says_unverified(note, says) -> None:
    assert note_says_unverified(note) is says


def test_read_only_library_refuses_corrections(tmp_path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(make_parsed()).id
    with Library(path, read_only=True) as ro, pytest.raises(Exception, match="read-only"):
        ro.edit_turn_text(tid, 1, "x")
