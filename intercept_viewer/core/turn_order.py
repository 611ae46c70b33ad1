"""The order of a transcript's turns: a sparse key in the store, a dense number for people.

``utterances.seq`` is an *ordering key*. An import writes 1..n; a correction that adds a turn
gives it a key between its neighbours' (``key_between``: 5.5 between 5 and 6) and one that
removes a turn leaves a gap, so a split, merge, insert or delete writes only the turns it
changes, never the 50,000 after them. ``passages.first_seq``/``last_seq`` are keys too.

The *turn number* a person sees or types (the window's row + 1, ``edit-turn ID SEQ``, ``show
--json``, the history, exports, "turns 5–7") stays dense, 1..n. While a transcript's keys are
exactly 1..n (``transcripts.turn_order_sparse`` = 0: every transcript as imported, and again
after an undo puts the keys back) the key *is* the number and nothing is computed. Otherwise
``number_of``/``key_at`` derive one from the other with one index range count (a covering
index walk in C, no row read) and ``renumber`` writes 1..n again when keys between two
neighbours run out of precision, which takes about fifty splits at one spot.

Everything here runs on a plain ``sqlite3`` connection, inside the caller's transaction.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence

#: A key as SQLite returns it: an int while the turn's place is an import's, a float otherwise.
Key = int | float


def as_key(value: float) -> Key:
    """``value`` as the column keeps it: an integral float becomes an int (5.0 is stored as 5)."""
    return int(value) if float(value).is_integer() else value


def key_between(lo: Key | None, hi: Key | None) -> Key | None:
    """A key strictly between ``lo`` and ``hi`` (None: no turn on that side); None when no
    double fits between them (time to ``renumber``).

    After the last turn the next integer is taken, so turns appended at the end keep the
    transcript dense; before the first, half of its key.
    """
    if lo is None and hi is None:
        return 1
    if hi is None:
        assert lo is not None
        return as_key(float(int(lo) + 1))
    low = 0.0 if lo is None else float(lo)
    mid = (low + float(hi)) / 2
    if not low < mid < float(hi):
        return None
    return as_key(mid)


def is_sparse(conn: sqlite3.Connection, tid: int) -> bool:
    """True while the transcript's keys are not exactly 1..n (read from the flag)."""
    row = conn.execute("SELECT turn_order_sparse FROM transcripts WHERE id = ?", [tid]).fetchone()
    return bool(row and row[0])


def sparse_among(conn: sqlite3.Connection, tids: Iterable[int]) -> set[int]:
    """Which of ``tids`` have sparse keys (one query; usually none)."""
    ids = sorted({int(t) for t in tids})
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        int(r[0])
        for r in conn.execute(
            f"SELECT id FROM transcripts WHERE id IN ({marks}) AND turn_order_sparse = 1", ids
        ).fetchall()
    }


def update_flag(conn: sqlite3.Connection, tid: int) -> bool:
    """Recompute ``turn_order_sparse`` after turns were added or removed; returns it.

    The keys are distinct and positive, so they are exactly 1..n when none is REAL (the
    partial index ``utterances_real_seq`` answers that) and the largest is the count.
    """
    real = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM utterances INDEXED BY utterances_real_seq "
        "WHERE transcript_id = ? AND typeof(seq) = 'real')",
        [tid],
    ).fetchone()[0]
    if real:
        sparse = True
    else:
        top = conn.execute(
            "SELECT max(seq) FROM utterances WHERE transcript_id = ?", [tid]
        ).fetchone()[0]
        count = conn.execute(
            "SELECT utterance_count FROM transcripts WHERE id = ?", [tid]
        ).fetchone()[0]
        sparse = (top or 0) != count
    conn.execute(
        "UPDATE transcripts SET turn_order_sparse = ? WHERE id = ? AND turn_order_sparse != ?",
        [int(sparse), tid, int(sparse)],
    )
    return sparse


def key_at(conn: sqlite3.Connection, tid: int, number: int, *, sparse: bool | None = None) -> Key:
    """The key of turn ``number`` (1-based); the caller checks that such a turn exists."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return number
    row = conn.execute(
        "SELECT seq FROM utterances WHERE transcript_id = ? ORDER BY seq LIMIT 1 OFFSET ?",
        [tid, max(number - 1, 0)],
    ).fetchone()
    if row is None:  # past the end: a key after every turn
        top = conn.execute(
            "SELECT max(seq) FROM utterances WHERE transcript_id = ?", [tid]
        ).fetchone()[0]
        return (top or 0) + 1
    key: Key = row[0]
    return key


def number_of(conn: sqlite3.Connection, tid: int, key: Key, *, sparse: bool | None = None) -> int:
    """The turn number of the first turn at or after ``key`` (the count of turns before + 1)."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return _dense_number(key)
    before = conn.execute(
        "SELECT count(*) FROM utterances WHERE transcript_id = ? AND seq < ?", [tid, key]
    ).fetchone()[0]
    return int(before) + 1


def last_number_of(
    conn: sqlite3.Connection, tid: int, key: Key, *, sparse: bool | None = None
) -> int:
    """The turn number of the last turn at or before ``key`` (0 when none is)."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return int(key // 1)
    n = conn.execute(
        "SELECT count(*) FROM utterances WHERE transcript_id = ? AND seq <= ?", [tid, key]
    ).fetchone()[0]
    return int(n)


def _dense_number(key: Key) -> int:
    """In a dense transcript turn k has key k; a key between turns belongs to the next one."""
    whole = int(key // 1)
    return whole if whole == key else whole + 1


def all_keys(conn: sqlite3.Connection, tid: int) -> list[Key]:
    """Every key of the transcript in order (a covering index walk; 100,000 cost ~20 ms)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT seq FROM utterances WHERE transcript_id = ? ORDER BY seq", [tid]
        ).fetchall()
    ]


def numbers_for(conn: sqlite3.Connection, tid: int, keys: Sequence[Key]) -> dict[Key, int]:
    """Turn numbers for several keys of one transcript (each the first turn at or after it)."""
    if not is_sparse(conn, tid):
        return {k: _dense_number(k) for k in keys}
    if len(keys) <= 8:
        return {k: number_of(conn, tid, k, sparse=True) for k in keys}
    ordered = all_keys(conn, tid)
    return {k: bisect.bisect_left(ordered, k) + 1 for k in keys}


def neighbours(conn: sqlite3.Connection, tid: int, key: Key) -> tuple[Key | None, Key | None]:
    """The keys of the turns just before and just after ``key`` (None at an end)."""
    lo = conn.execute(
        "SELECT max(seq) FROM utterances WHERE transcript_id = ? AND seq < ?", [tid, key]
    ).fetchone()[0]
    hi = conn.execute(
        "SELECT min(seq) FROM utterances WHERE transcript_id = ? AND seq > ?", [tid, key]
    ).fetchone()[0]
    return lo, hi


def renumber(conn: sqlite3.Connection, tid: int) -> dict[Key, Key]:
    """Write keys 1..n again (O(n): only when keys ran out of precision); returns old -> new.

    Through negative numbers, which no key uses, so UNIQUE (transcript_id, seq) never trips.
    Passages' keys move with their turns; one whose turns were deleted (its key may name no
    turn) keeps its place between the same neighbours.
    """
    old = all_keys(conn, tid)
    mapping: dict[Key, Key] = {k: i for i, k in enumerate(old, start=1)}
    conn.execute(
        "UPDATE utterances SET seq = -r.n FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n "
        "FROM utterances WHERE transcript_id = ?) AS r WHERE utterances.id = r.id",
        [tid],
    )
    conn.execute("UPDATE utterances SET seq = -seq WHERE transcript_id = ? AND seq < 0", [tid])
    passages = conn.execute(
        "SELECT id, first_seq, last_seq FROM passages WHERE transcript_id = ?", [tid]
    ).fetchall()
    for pid, first, last in passages:
        new_first = mapping.get(first)
        if new_first is None:  # between turns: keep it between the same two
            new_first = bisect.bisect_left(old, first) + 0.5
        new_last = mapping.get(last)
        if new_last is None:
            new_last = bisect.bisect_right(old, last) + 0.5
        conn.execute(
            "UPDATE passages SET first_seq = ?, last_seq = ? WHERE id = ?",
            [as_key(new_first), as_key(max(new_last, new_first)), pid],
        )
    conn.execute("UPDATE transcripts SET turn_order_sparse = 0 WHERE id = ?", [tid])
    return mapping
