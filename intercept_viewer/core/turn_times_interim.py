"""INTERIM, to be replaced at merge: ``Library.set_turn_times`` until issue 15 lands.

Issue 15 (corrections) adds ``Library.set_turn_times(transcript_id, changes, *, reason=None)``
with history recording. Tap-to-time (issue 18) writes through that one call; this module is a
minimal stand-in with the same contract (no history), so the feature works and is tested
before that branch is on main. At merge: delete this module and the interim method in
``core/library.py``; keep issue 15's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

TurnTimes = tuple[int, int | None, int | None]


def set_turn_times(
    library: Library,
    transcript_id: int,
    changes: Sequence[TurnTimes],
    *,
    reason: str | None = None,
) -> list[TurnTimes]:
    """Write (seq, start_ms, end_ms) for each change in one transaction; returns the values
    they had, in the same order, so applying the result undoes the call."""
    del reason  # issue 15's version records it in the history
    library._writable()
    count = library.utterance_count(transcript_id)
    for seq, start, end in changes:
        if not 1 <= seq <= count:
            raise ValueError(f"Transcript {transcript_id} has utterances 1..{count}; got {seq}.")
        if (start is not None and start < 0) or (end is not None and end < 0):
            raise ValueError("A time can't be negative.")
    conn = library.db.conn
    before: list[TurnTimes] = []
    with library.db.atomic():
        for seq, start, end in changes:
            row = conn.execute(
                "SELECT start_ms, end_ms FROM utterances WHERE transcript_id = ? AND seq = ?",
                [transcript_id, seq],
            ).fetchone()
            before.append((seq, row[0], row[1]))
            conn.execute(
                "UPDATE utterances SET start_ms = ?, end_ms = ? WHERE transcript_id = ? "
                "AND seq = ?",
                [start, end, transcript_id, seq],
            )
        conn.execute(
            "UPDATE transcripts SET has_times = EXISTS (SELECT 1 FROM utterances WHERE "
            "transcript_id = ? AND start_ms IS NOT NULL) WHERE id = ?",
            [transcript_id, transcript_id],
        )
    return before
