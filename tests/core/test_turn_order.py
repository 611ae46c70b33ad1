"""Turns ordered by a sparse key (issue 15, ``core.turn_order``): a structural correction writes
only the turns it changes, however long the transcript; the turn numbers people see stay 1..n
everywhere; passages follow; keys that run out of precision are renumbered once."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from intercept_viewer.core import turn_order
from intercept_viewer.core.corrections import Correction
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed


def long_call(lib: Library, n: int) -> int:
    lines = [("Soldier" if i % 2 else "Mother", f"Turn {i} about tanks.") for i in range(1, n + 1)]
    return lib.add(make_parsed(lines, times=True)).id


@contextmanager
def rows_written(conn: sqlite3.Connection) -> Iterator[dict[str, set[int]]]:
    """The ids of the utterance and passage rows written inside the block (temp triggers)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched (tbl TEXT, id INTEGER)")
    conn.execute("DELETE FROM temp.touched")
    for table in ("utterances", "passages"):
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS count_{table}_{event} AFTER {event} "
                f"ON main.{table} BEGIN INSERT INTO touched VALUES ('{table}', {row}.id); END"
            )
    out: dict[str, set[int]] = {"utterances": set(), "passages": set()}
    yield out
    for tbl, rid in conn.execute("SELECT tbl, id FROM temp.touched").fetchall():
        out[tbl].add(rid)
    for table in ("utterances", "passages"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(f"DROP TRIGGER IF EXISTS temp.count_{table}_{event}")


def state(lib: Library, tid: int) -> tuple:
    utts = [dataclasses.astuple(u) for u in lib.utterances(tid)]
    passages = [dataclasses.astuple(p) for p in lib.passages(transcript_id=tid)]
    return utts, passages, lib.transcript(tid).utterance_count


CORRECTIONS: dict[str, Callable[[Library, int, int], Correction]] = {
    "split": lambda lib, tid, at: lib.split_turn(tid, at, len("Turn")),
    "merge": lambda lib, tid, at: lib.merge_turns(tid, at),
    "insert": lambda lib, tid, at: lib.insert_turn(tid, at, "Inserted turn."),
    "delete": lambda lib, tid, at: lib.delete_turn(tid, at),
}


@pytest.mark.parametrize("kind", sorted(CORRECTIONS))
def test_a_structural_correction_writes_the_same_few_rows_at_any_length(
    memory_library: Library, kind: str
) -> None:
    lib = memory_library
    conn = lib.db.conn
    written: list[tuple[int, int, int, int]] = []
    for n in (60, 1200):
        tid = long_call(lib, n)
        middle = n // 2
        lib.add_passage(tid, middle - 5, middle + 5, ["around"])
        lib.add_passage(tid, middle + 10, middle + 20, ["after"])
        before = state(lib, tid)
        with rows_written(conn) as fwd:
            c = CORRECTIONS[kind](lib, tid, middle)
        with rows_written(conn) as back:
            lib.revert_correction(c)
        assert state(lib, tid) == before
        written.append((len(fwd["utterances"]), len(back["utterances"]), len(fwd["passages"]), n))
    (small_fwd, small_back, small_p, _), (big_fwd, big_back, big_p, _) = written
    assert (small_fwd, small_back) == (big_fwd, big_back)  # independent of the length
    assert 1 <= big_fwd <= 2 and 1 <= big_back <= 2  # only the turns changed
    assert small_p == big_p == 0  # the passages around and after need nothing


def test_turn_numbers_stay_dense_and_keys_sparse(memory_library: Library) -> None:
    lib = memory_library
    tid = long_call(lib, 10)
    conn = lib.db.conn
    assert not lib.turn_order_sparse(tid)
    lib.split_turn(tid, 5, len("Turn"))
    lib.insert_turn(tid, 0, "At the top.")
    lib.delete_turn(tid, 9)
    assert lib.turn_order_sparse(tid)
    utts = lib.utterances(tid)
    assert [u.seq for u in utts] == list(range(1, 12))
    assert [u.text for u in utts[:7]] == [
        "At the top.",
        *(f"Turn {i} about tanks." for i in range(1, 5)),
        "Turn",
        "5 about tanks.",
    ]
    keys = lib.turn_keys(tid)
    assert keys == sorted(keys) and any(isinstance(k, float) for k in keys)
    # pages from any turn number read the right turns, numbered
    page = lib.utterances(tid, 6, 3)
    assert [(u.seq, u.text) for u in page] == [
        (6, "Turn"),
        (7, "5 about tanks."),
        (8, "Turn 6 about tanks."),
    ]
    assert lib.utterance(tid, 11).text == "Turn 10 about tanks."
    assert [r[0] for r in lib.turn_outline(tid)] == list(range(1, 12))
    # search hits and F3 steps speak turn numbers
    assert sorted(h.seq for h in lib.search("tanks", tid).hits) == [2, 3, 4, 5, 7, 8, 9, 10, 11]
    from intercept_viewer.core.search import step_in_transcript

    assert step_in_transcript(lib, "tanks", tid, 5) == 7
    assert step_in_transcript(lib, "tanks", tid, 7, -1) == 5
    assert turn_order.number_of(conn, tid, keys[6]) == 7


def test_undo_makes_a_transcript_dense_again(memory_library: Library) -> None:
    lib = memory_library
    tid = long_call(lib, 8)
    for make in CORRECTIONS.values():
        c = make(lib, tid, 4)
        assert lib.turn_order_sparse(tid)
        lib.revert_correction(c)
        assert not lib.turn_order_sparse(tid)
        assert lib.turn_keys(tid) == list(range(1, 9))
    # appending at the end keeps the keys 1..n
    lib.insert_turn(tid, 8, "The last word.")
    assert not lib.turn_order_sparse(tid) and lib.turn_keys(tid) == list(range(1, 10))


def test_passages_across_structural_corrections_and_their_undo(memory_library: Library) -> None:
    lib = memory_library
    tid = long_call(lib, 12)
    around = lib.add_passage(tid, 3, 8, ["around"], start_char=2, end_char=4)
    first_end = lib.add_passage(tid, 5, 7, ["starts at 5"])
    last_end = lib.add_passage(tid, 2, 5, ["ends at 5"])
    only = lib.add_passage(tid, 5, 5, ["only 5"], note="Who says this?")
    after = lib.add_passage(tid, 10, 11, ["after"])
    original = [lib.passage(p.id) for p in (around, first_end, last_end, only, after)]

    def spans() -> dict[str, tuple[int, int]]:
        return {p.tags[0]: (p.first_seq, p.last_seq) for p in lib.passages(transcript_id=tid)}

    done = [lib.insert_turn(tid, 4, "Inserted inside.")]  # a new turn 5, inside "around"
    assert spans() == {
        "around": (3, 9),
        "starts at 5": (6, 8),
        "ends at 5": (2, 6),
        "only 5": (6, 6),
        "after": (11, 12),
    }
    assert "Inserted inside." in [u.text for u, _ in lib.passage_text(lib.passage(around.id))]
    done.append(lib.split_turn(tid, 6, len("Turn")))  # turn 5 of the import, cut in two
    assert spans()["only 5"] == (6, 7) and spans()["around"] == (3, 10)
    assert spans()["after"] == (12, 13)
    done.append(lib.merge_turns(tid, 6))  # and put together again
    assert spans()["only 5"] == (6, 6)
    done.append(lib.delete_turn(tid, 6))  # then deleted: "only 5" keeps its note
    gone = lib.passage(only.id)
    assert gone.turns_deleted_at and gone.note == "Who says this?" and lib.passage_text(gone) == []
    assert spans()["starts at 5"] == (6, 7) and spans()["ends at 5"] == (2, 5)
    assert spans()["around"] == (3, 8) and spans()["after"] == (10, 11)
    quoted = [t for _, t in lib.passage_text(lib.passage(around.id))]
    assert quoted[0] == "Turn 3 about tanks."[2:] and quoted[-1] == "Turn 8 about tanks."[:4]
    for c in reversed(done):
        lib.revert_correction(c)
    assert [lib.passage(p.id) for p in original] == original
    assert not lib.turn_order_sparse(tid)


def test_cli_and_exports_number_turns_densely_after_corrections(tmp_path) -> None:
    import io

    from click.testing import CliRunner

    from intercept_viewer.cli import cli
    from intercept_viewer.core.exporters.project_json import transcript_document
    from intercept_viewer.core.exporters.transcript_text import write_markdown

    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = long_call(lib, 6)
        lib.split_turn(tid, 2, len("Turn"))  # T1 Turn|2 T3 T4 T5 T6
        lib.insert_turn(tid, 0, "Top.")  # Top T1 Turn|2 T3 T4 T5 T6
        lib.delete_turn(tid, 6)  # Top T1 Turn|2 T3 T5 T6
        lib.add_passage(tid, 3, 4, ["split"])

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--library", str(path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    shown = json.loads(run("show", str(tid), "--json"))["utterances"]
    assert [u["seq"] for u in shown] == list(range(1, 8))
    assert [u["text"] for u in shown] == [
        "Top.",
        "Turn 1 about tanks.",
        "Turn",
        "2 about tanks.",
        "Turn 3 about tanks.",
        "Turn 5 about tanks.",
        "Turn 6 about tanks.",
    ]
    history = json.loads(run("history", str(tid), "--json"))
    assert [(e["kind"], e["seq"]) for e in history] == [("split", 2), ("insert", 1), ("delete", 6)]
    assert "   6 " in run("edit-turn", str(tid), "6", "--text", "Turn five about tanks.")
    assert json.loads(run("show", str(tid), "--json"))["utterances"][5]["text"] == (
        "Turn five about tanks."
    )
    passages = json.loads(run("passages", "--json"))
    assert [(p["first_seq"], p["last_seq"]) for p in passages] == [(3, 4)]
    with Library(path) as lib:
        doc = transcript_document(lib, tid)
        md = io.StringIO()
        write_markdown(lib, tid, md)
    assert [u["seq"] for u in doc["utterances"]] == list(range(1, 8))
    assert [(p["first_seq"], p["last_seq"]) for p in doc["passages"]] == [(3, 4)]
    assert "Utterances 3–4" in md.getvalue()


def test_keys_that_run_out_of_precision_are_renumbered_once(
    memory_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = memory_library
    tid = long_call(lib, 6)
    around = lib.add_passage(tid, 3, 4, ["around"])
    after = lib.add_passage(tid, 5, 6, ["after"])
    before = state(lib, tid)
    renumbered: list[int] = []
    real = turn_order.renumber

    def counting(conn: sqlite3.Connection, t: int) -> dict:
        renumbered.append(t)
        return real(conn, t)

    monkeypatch.setattr(turn_order, "renumber", counting)
    # each insert lands between turn 3 and the turn inserted just before: halving the gap
    done = [lib.insert_turn(tid, 3, f"Inserted {i}.") for i in range(70)]
    assert renumbered == [tid]  # once, when no double was left between the two
    texts = [u.text for u in lib.utterances(tid)]
    assert texts[:3] == [f"Turn {i} about tanks." for i in (1, 2, 3)]
    assert texts[3:73] == [f"Inserted {i}." for i in reversed(range(70))]
    assert [u.seq for u in lib.utterances(tid)] == list(range(1, 77))
    assert (lib.passage(around.id).first_seq, lib.passage(around.id).last_seq) == (3, 74)
    assert (lib.passage(after.id).first_seq, lib.passage(after.id).last_seq) == (75, 76)
    # undo, newest first, across the renumber, puts everything back
    for c in reversed(done):
        lib.revert_correction(c)
    assert state(lib, tid) == before


def test_key_between() -> None:
    assert turn_order.key_between(None, None) == 1
    assert turn_order.key_between(7, None) == 8  # appending keeps integers
    assert turn_order.key_between(None, 1) == 0.5
    assert turn_order.key_between(5, 6) == 5.5
    assert turn_order.key_between(4, 6) == 5 and isinstance(turn_order.key_between(4, 6), int)
    assert turn_order.key_between(1.0, 1.0000000000000002) is None  # no double between
    assert turn_order.as_key(6.0) == 6 and isinstance(turn_order.as_key(6.0), int)


def test_numbers_from_the_grid_match_counting_the_keys(memory_library: Library) -> None:
    """Random splits, merges, inserts and deletes (and undos): turn numbers derived from the
    gaps and REAL keys are those of counting every key, and back."""
    import random

    lib = memory_library
    conn = lib.db.conn
    tid = long_call(lib, 40)
    rng = random.Random(15)
    done: list[Correction] = []
    for step in range(160):
        n = lib.utterance_count(tid)
        kind = rng.choice(["split", "merge", "insert", "delete", "undo"])
        at = rng.randint(1, max(1, n - 1))
        if kind == "undo" and done:
            lib.revert_correction(done.pop())
        elif kind == "split" and len(lib.utterance(tid, at).text.split()) > 1:
            done.append(lib.split_turn(tid, at, lib.utterance(tid, at).text.index(" ")))
        elif kind == "merge" and n > 2:
            done.append(lib.merge_turns(tid, at))
        elif kind == "insert":
            done.append(lib.insert_turn(tid, rng.randint(0, n), f"New {step}."))
        elif kind == "delete" and n > 2:
            done.append(lib.delete_turn(tid, at))
        keys = turn_order.all_keys(conn, tid)
        assert len(keys) == lib.utterance_count(tid)
        grid = turn_order.Grid.read(conn, tid)
        assert grid.keys() == keys == turn_order.all_keys(conn, tid)
        sparse = lib.turn_order_sparse(tid)
        assert sparse == (keys != list(range(1, len(keys) + 1)))
        if not sparse:
            continue
        for i, k in enumerate(keys):
            assert grid.count_below(k) == i and grid.count_upto(k) == i + 1
            assert grid.key_at(i + 1) == k
            between = (k + keys[i + 1]) / 2 if i + 1 < len(keys) else k + 0.5
            assert grid.count_below(between) == i + 1
        assert grid.key_at(len(keys) + 1) is None
    while done:
        lib.revert_correction(done.pop())
    assert not lib.turn_order_sparse(tid) and lib.turn_keys(tid) == list(range(1, 41))


def test_publishing_numbers_the_turns_of_a_corrected_transcript(tmp_path) -> None:
    """The published copy (datasette) and the publishing records (FollowTheMoney) show turn
    numbers, not the ordering keys, for a transcript corrections made sparse."""
    from intercept_viewer.core.publish.datasette import publish_datasette
    from intercept_viewer.core.publish.records import releases

    lib = Library(tmp_path / "lib.sqlite")
    try:
        tid = long_call(lib, 8)
        dense = long_call(lib, 3)
        lib.split_turn(tid, 2, len("Turn"))  # a REAL key
        lib.delete_turn(tid, 6)  # a gap
        p = lib.add_passage(tid, 3, 4, ["split"])
        gone = lib.add_passage(tid, 7, 7, ["gone"], note="kept")
        lib.delete_turn(tid, 7)
        assert lib.turn_order_sparse(tid) and not lib.turn_order_sparse(dense)
        report = publish_datasette(lib, tmp_path / "site")
        release = {r.transcript.id: r for r in releases(lib)}
        assert [line.seq for line in release[tid].lines] == list(range(1, 8))
        assert [line.seq for line in release[dense].lines] == [1, 2, 3]
    finally:
        lib.close()
    pub = sqlite3.connect(report.db_path)
    seqs = [
        r[0]
        for r in pub.execute(
            "SELECT seq FROM utterances WHERE transcript_id = ? ORDER BY seq", [tid]
        ).fetchall()
    ]
    assert seqs == list(range(1, 8)) and all(isinstance(s, int) for s in seqs)
    spans = dict(
        pub.execute(
            "SELECT id, first_seq || '-' || last_seq FROM passages WHERE transcript_id = ?", [tid]
        ).fetchall()
    )
    assert spans == {p.id: "3-4", gone.id: "7-7"}
    text = pub.execute("SELECT text FROM passages WHERE id = ?", [p.id]).fetchone()[0]
    assert text == "2 about tanks. Turn 3 about tanks."


def test_grid_keys_with_many_gaps_and_reals() -> None:
    gaps = list(range(2, 150, 2))
    reals = [i + 0.5 for i in range(0, 150, 3)]
    grid = turn_order.Grid(200, gaps, reals)
    expected = sorted([i for i in range(1, 201) if i not in set(gaps)] + reals)
    assert grid.keys() == expected
    small = turn_order.Grid(10, [3, 7], [0.5, 6.5])
    assert small.keys() == [0.5, 1, 2, 4, 5, 6, 6.5, 8, 9, 10]
    assert [small.key_at(i) for i in range(1, 11)] == small.keys()


def test_a_library_from_schema_v1_corrects_with_sparse_keys(tmp_path) -> None:
    """An old library (keys 1..n, passages by number) upgrades with dense keys and no gaps; a
    split and a delete then keep its passage on its turns, numbered 1..n."""
    import shutil

    from tests.reliability.helpers import V1_LIBRARY

    path = tmp_path / "library.sqlite"
    shutil.copyfile(V1_LIBRARY, path)
    with Library(path) as lib:
        (p,) = lib.passages(transcript_id=2)  # turn 1 of a three-turn call
        assert (p.first_seq, p.last_seq) == (1, 1) and not lib.turn_order_sparse(2)
        first = lib.utterance(2, 1).text
        lib.split_turn(2, 1, first.index(" "))
        lib.delete_turn(2, 4)  # the last turn
        assert lib.turn_order_sparse(2)
        assert [u.seq for u in lib.utterances(2)] == [1, 2, 3]
        p = lib.passage(p.id)
        assert (p.first_seq, p.last_seq) == (1, 2)
        assert " ".join(t for _, t in lib.passage_text(p)) == first
