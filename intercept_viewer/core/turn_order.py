"""The order of a transcript's turns: a sparse key in the store, a dense number for people.

``utterances.seq`` is an *ordering key*. An import writes 1..n; a correction that adds a turn
gives it a key between its neighbours' (``key_between``: 5.5 between 5 and 6) and one that
removes a turn leaves a gap, so a split, merge, insert or delete writes only the turns it
changes, never the 50,000 after them. ``passages.first_seq``/``last_seq`` are keys too.

The *turn number* a person sees or types (the window's row + 1, ``edit-turn ID SEQ``, ``show
--json``, the history, exports, "turns 5–7") stays dense, 1..n. While a transcript's keys are
exactly 1..n (``transcripts.turn_order_sparse`` = 0: every transcript as imported, and again
after an undo puts the keys back) the key *is* the number and nothing is computed. Otherwise
``number_of``/``key_at`` derive one from the other without walking the turns: the keys are
always the integers 1..T minus the *gaps* deletes and merges left (``turn_order_gaps``) plus
the REAL keys splits and inserts added (``utterances_real_seq``); both sets are as small as
the number of structural corrections, so a ``Grid`` of them answers in O(log) (see
``Grid.count_below``). ``renumber`` writes 1..n again when keys between two neighbours run
out of precision, which takes about fifty splits at one spot.

Everything here runs on a plain ``sqlite3`` connection, inside the caller's transaction.
"""

from __future__ import annotations

import bisect
import heapq
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def keys_removed(conn: sqlite3.Connection, tid: int, keys: Iterable[Key | None]) -> None:
    """Turns at ``keys`` were deleted: an integral key leaves a gap in the grid."""
    conn.executemany(
        "INSERT OR IGNORE INTO turn_order_gaps (transcript_id, seq) VALUES (?, ?)",
        [(tid, int(k)) for k in keys if k is not None and float(k).is_integer()],
    )


def keys_added(conn: sqlite3.Connection, tid: int, keys: Iterable[Key]) -> None:
    """Turns were written at ``keys``: an integral one fills its gap (an undone delete)."""
    conn.executemany(
        "DELETE FROM turn_order_gaps WHERE transcript_id = ? AND seq = ?",
        [(tid, int(k)) for k in keys if float(k).is_integer()],
    )


def update_flag(conn: sqlite3.Connection, tid: int) -> bool:
    """Recompute ``turn_order_sparse`` after turns were added or removed; returns it.

    The keys are the integers 1..T minus the gaps plus the REAL keys, so they are exactly 1..n
    when there is neither a gap nor a REAL key (two index lookups).
    """
    sparse = bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM utterances INDEXED BY utterances_real_seq "
            "WHERE transcript_id = ? AND typeof(seq) = 'real') OR EXISTS (SELECT 1 FROM "
            "turn_order_gaps WHERE transcript_id = ?)",
            [tid, tid],
        ).fetchone()[0]
    )
    conn.execute(
        "UPDATE transcripts SET turn_order_sparse = ? WHERE id = ? AND turn_order_sparse != ?",
        [int(sparse), tid, int(sparse)],
    )
    return sparse


@dataclass(frozen=True)
class Grid:
    """A sparse transcript's keys, described by what differs from 1..top: ``gaps`` (integers
    in 1..top no turn has) and ``reals`` (the REAL keys), both sorted and small."""

    top: int
    gaps: list[int]
    reals: list[float]

    @classmethod
    def read(cls, conn: sqlite3.Connection, tid: int) -> Grid:
        gaps = [
            int(r[0])
            for r in conn.execute(
                "SELECT seq FROM turn_order_gaps WHERE transcript_id = ? ORDER BY seq", [tid]
            ).fetchall()
        ]
        reals = [
            float(r[0])
            for r in conn.execute(
                "SELECT seq FROM utterances INDEXED BY utterances_real_seq "
                "WHERE transcript_id = ? AND typeof(seq) = 'real' ORDER BY seq",
                [tid],
            ).fetchall()
        ]
        top = conn.execute(
            "SELECT max(seq) FROM utterances WHERE transcript_id = ?", [tid]
        ).fetchone()[0]
        # every integer up to the largest key or gap is a key or a gap
        return cls(max(int((top or 0) // 1), gaps[-1] if gaps else 0), gaps, reals)

    def count_below(self, key: Key) -> int:
        """How many turns have a key < ``key``: the integers 1..top below it, less the gaps
        below it, plus the REAL keys below it."""
        whole = min(math.ceil(key) - 1, self.top)
        ints = 0 if whole <= 0 else whole - bisect.bisect_right(self.gaps, whole)
        return ints + bisect.bisect_left(self.reals, key)

    def count_upto(self, key: Key) -> int:
        """How many turns have a key <= ``key``."""
        whole = min(math.floor(key), self.top)
        ints = 0 if whole <= 0 else whole - bisect.bisect_right(self.gaps, whole)
        return ints + bisect.bisect_right(self.reals, key)

    def keys(self) -> list[Key]:
        """Every key in order, built from the grid (no read of the turns: 100,000 in ~2 ms)."""
        if not self.gaps and not self.reals:
            return list(range(1, self.top + 1))
        if len(self.gaps) + len(self.reals) <= 64:
            out: list[Key] = list(range(1, self.top + 1))
            for g in reversed(self.gaps):
                del out[g - 1]
            for r in self.reals:
                bisect.insort(out, r)
            return out
        gaps = set(self.gaps)
        ints = (i for i in range(1, self.top + 1) if i not in gaps)
        return list(heapq.merge(ints, self.reals))

    def key_at(self, number: int) -> Key | None:
        """The key of turn ``number`` (1-based), None past the last."""
        if number < 1:
            return None
        lo, hi = 1, self.top
        if self.count_upto(hi) < number:
            return None
        while lo < hi:  # the smallest integer x with count_upto(x) >= number
            mid = (lo + hi) // 2
            if self.count_upto(mid) >= number:
                hi = mid
            else:
                lo = mid + 1
        # the turn is among the REAL keys in (lo - 1, lo), or lo itself
        before = self.count_upto(lo - 1)
        i = bisect.bisect_right(self.reals, lo - 1) + (number - before - 1)
        if i < len(self.reals) and self.reals[i] < lo:
            return as_key(self.reals[i])
        return lo


def key_at(conn: sqlite3.Connection, tid: int, number: int, *, sparse: bool | None = None) -> Key:
    """The key of turn ``number`` (1-based); past the last turn, a key after every turn."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return number
    grid = Grid.read(conn, tid)
    key = grid.key_at(max(number, 1))
    return grid.top + 1 if key is None else key


def number_of(conn: sqlite3.Connection, tid: int, key: Key, *, sparse: bool | None = None) -> int:
    """The turn number of the first turn at or after ``key`` (the count of turns before + 1)."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return _dense_number(key)
    return Grid.read(conn, tid).count_below(key) + 1


def last_number_of(
    conn: sqlite3.Connection, tid: int, key: Key, *, sparse: bool | None = None
) -> int:
    """The turn number of the last turn at or before ``key`` (0 when none is)."""
    if not (is_sparse(conn, tid) if sparse is None else sparse):
        return int(key // 1)
    return Grid.read(conn, tid).count_upto(key)


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
    grid = Grid.read(conn, tid)
    return {k: grid.count_below(k) + 1 for k in keys}


def next_key(conn: sqlite3.Connection, tid: int, key: Key) -> Key | None:
    """The key of the turn just after ``key`` (None at the end)."""
    nxt: Key | None = conn.execute(
        "SELECT min(seq) FROM utterances WHERE transcript_id = ? AND seq > ?", [tid, key]
    ).fetchone()[0]
    return nxt


def neighbours(conn: sqlite3.Connection, tid: int, key: Key) -> tuple[Key | None, Key | None]:
    """The keys of the turns just before and just after ``key`` (None at an end)."""
    lo = conn.execute(
        "SELECT max(seq) FROM utterances WHERE transcript_id = ? AND seq < ?", [tid, key]
    ).fetchone()[0]
    return lo, next_key(conn, tid, key)


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
    conn.execute("DELETE FROM turn_order_gaps WHERE transcript_id = ?", [tid])
    conn.execute("UPDATE transcripts SET turn_order_sparse = 0 WHERE id = ?", [tid])
    return mapping
