"""The import report kept in the library: what an importer assumed or skipped, per transcript.

``Library.add`` stores a parsed transcript's warnings here in the same transaction as its rows;
the window shows the undismissed ones as "N things to review" and the library list can filter to
the transcripts that still have some. The functions take the open sqlite3 connection, so the
``Library`` facade stays a thin hook (several people edit it at once).
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence

from intercept_viewer.core.model import ImportWarning, StoredWarning

#: More than this many warnings for one file are summarised in one last line: a 100,000-line
#: file with a remark on every line would bury the remarks that matter.
MAX_STORED = 500


def store_warnings(
    conn: sqlite3.Connection,
    transcript_id: int,
    warnings: Sequence[ImportWarning],
    turn_lines: Sequence[int | None] = (),
) -> None:
    """Store the report; ``turn_lines`` (each turn's source line, in order) lets each remark
    name the turn its line belongs to."""
    known = [(line, seq) for seq, line in enumerate(turn_lines, start=1) if line is not None]
    known.sort()
    starts = [line for line, _seq in known]

    def seq_of(line: int | None) -> int | None:
        if line is None or not known:
            return None
        at = bisect.bisect_right(starts, line) - 1
        return known[max(at, 0)][1]  # above the first turn (a headline): the first turn

    rows = [(transcript_id, w.line, seq_of(w.line), w.message) for w in warnings[:MAX_STORED]]
    if len(warnings) > MAX_STORED:
        rows.append(
            (
                transcript_id,
                None,
                None,
                f"… and {len(warnings) - MAX_STORED} more remarks not listed",
            )
        )
    conn.executemany(
        "INSERT INTO import_warnings (transcript_id, line, seq, message) VALUES (?,?,?,?)", rows
    )


def warnings_for(
    conn: sqlite3.Connection, transcript_id: int, *, include_dismissed: bool = False
) -> list[StoredWarning]:
    """The transcript's warnings in file order (those without a line first)."""
    sql = (
        "SELECT id, transcript_id, line, message, dismissed, seq FROM import_warnings "
        "WHERE transcript_id = ?"
    )
    if not include_dismissed:
        sql += " AND dismissed = 0"
    sql += " ORDER BY line IS NOT NULL, line, id"
    return [
        StoredWarning(r[0], r[1], r[2], r[3], bool(r[4]), r[5])
        for r in conn.execute(sql, [transcript_id]).fetchall()
    ]


def dismiss(conn: sqlite3.Connection, transcript_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark warnings reviewed (all of the transcript's when ``ids`` is None); returns how many."""
    if ids is None:
        cur = conn.execute(
            "UPDATE import_warnings SET dismissed = 1 WHERE transcript_id = ? AND dismissed = 0",
            [transcript_id],
        )
        return cur.rowcount
    n = 0
    for wid in ids:
        n += conn.execute(
            "UPDATE import_warnings SET dismissed = 1 WHERE transcript_id = ? AND id = ?",
            [transcript_id, wid],
        ).rowcount
    return n


def report_of(conn: sqlite3.Connection, transcript_id: int) -> list[ImportWarning]:
    """The undismissed warnings as an importer gives them (for a duplicate import's result)."""
    return [ImportWarning(w.message, w.line) for w in warnings_for(conn, transcript_id)]


def review_counts(conn: sqlite3.Connection) -> dict[int, int]:
    """transcript id -> number of undismissed warnings, for transcripts that have any."""
    rows = conn.execute(
        "SELECT transcript_id, count(*) FROM import_warnings WHERE dismissed = 0 "
        "GROUP BY transcript_id"
    ).fetchall()
    return {int(t): int(n) for t, n in rows}
