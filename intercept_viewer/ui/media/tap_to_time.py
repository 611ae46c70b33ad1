"""Tap to time: give times to a transcript that has none, by ear.

Most text releases carry no timestamps. In this mode the user plays the recording and taps
(F8, or the button) as each turn starts: the tap sets that turn's start and the previous
turn's end. Each tap is one undoable command; the write goes through
``Library.set_turn_times`` (which records it in the history). Once timed, a transcript gets
what timed ones have: seek, follow, SRT/VTT export.
"""

from __future__ import annotations

from collections.abc import Callable

from intercept_viewer.core.library import Library
from intercept_viewer.ui.context import WindowContext
from intercept_viewer.ui.transcript.commands import _Applied

TurnTimes = list[tuple[int, int | None, int | None]]
REASON = "tap to time"


class TapCommand(_Applied):
    """One tap, already written when pushed: ``before`` puts the old times back."""

    target: TapToTime

    def __init__(
        self,
        target: TapToTime,
        transcript_id: int,
        changes: TurnTimes,
        before: TurnTimes,
        seq: int,
    ) -> None:
        super().__init__(f"Tap to time: turn {seq}")
        self.target, self.tid, self.changes, self.before, self.seq = (
            target,
            transcript_id,
            changes,
            before,
            seq,
        )

    def apply(self) -> None:
        self.target.write(self.tid, self.changes)
        self.target.next_seq = self.seq + 1

    def revert(self) -> None:
        self.target.write(self.tid, self.before)
        self.target.next_seq = self.seq


class TapToTime:
    """Attributes:
    active: the mode is on. next_seq: the turn the next tap times.
    on_written(transcript_id): called after every write, undo and redo (it broadcasts the
    change and refreshes the times on screen).
    """

    def __init__(self, context: WindowContext, on_written: Callable[[int], None]) -> None:
        self.context = context
        self.undo_stack = context.undo_stack
        self.on_written = on_written
        self.active = False
        self.next_seq = 1

    @property
    def library(self) -> Library:
        return self.context.library  # may be replaced (a restored backup)

    def start(self, from_seq: int = 1) -> None:
        self.active, self.next_seq = True, max(1, from_seq)

    def stop(self) -> None:
        self.active = False

    def write(self, transcript_id: int, changes: TurnTimes) -> TurnTimes:
        before = self.library.set_turn_times(transcript_id, changes, reason=REASON)
        self.on_written(transcript_id)
        return before

    def tap(self, transcript_id: int, ms: int) -> int | None:
        """Time turn ``next_seq`` at ``ms``; returns the seq timed (None past the last)."""
        seq = self.next_seq
        count = self.library.utterance_count(transcript_id)
        if not self.active or not 1 <= seq <= count:
            return None
        this = self.library.utterance(transcript_id, seq)
        end = this.end_ms if this.end_ms is not None and this.end_ms > ms else None
        changes: TurnTimes = [(seq, ms, end)]
        if seq > 1:
            prev = self.library.utterance(transcript_id, seq - 1)
            start = prev.start_ms if prev.start_ms is not None and prev.start_ms <= ms else None
            changes.insert(0, (seq - 1, start, ms))
        before = self.write(transcript_id, changes)
        self.next_seq = seq + 1
        self.undo_stack.push(TapCommand(self, transcript_id, changes, before, seq))
        return seq
