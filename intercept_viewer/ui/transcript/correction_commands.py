"""Undoable corrections of turns (issue 15) on the window's QUndoStack.

A correction is made on the library before its command is pushed (``_Applied``, as every edit
in ``ui.transcript.commands``). The library returns, for each correction, the ``Correction``
that undoes it; reverting returns the one that redoes it, so undo and redo are the same call
(``Library.revert_correction``) on the list in reverse order. Times go through
``Library.set_turn_times``, which returns the previous values: calling it with them undoes.

After each step the target is told which turns were replaced, so the list updates those rows
only (``CorrectionTarget.turns_replaced``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtGui import QUndoStack

from intercept_viewer.core.corrections import Correction
from intercept_viewer.core.library import Library
from intercept_viewer.ui.transcript.commands import _Applied


class CorrectionTarget(Protocol):
    @property
    def library(self) -> Library: ...

    @property
    def undo_stack(self) -> QUndoStack: ...

    def corrections_applied(self, transcript_id: int, steps: Sequence[Correction]) -> None: ...

    def times_applied(self, transcript_id: int, seqs: Sequence[int]) -> None: ...


class CorrectionCommand(_Applied):
    """One user action made of one or more corrections (e.g. an edit then a split)."""

    target: CorrectionTarget

    def __init__(self, target: CorrectionTarget, text: str, done: Sequence[Correction]) -> None:
        super().__init__(text)
        self.target = target
        self.transcript_id = done[0].transcript_id if done else 0
        #: what undo calls, in the order the corrections were made
        self._undo: list[Correction] = list(done)
        self._redo: list[Correction] = []

    def revert(self) -> None:
        lib = self.target.library
        self._redo = [lib.revert_correction(c) for c in reversed(self._undo)]
        self.target.corrections_applied(self.transcript_id, self._redo)

    def apply(self) -> None:
        lib = self.target.library
        self._undo = [lib.revert_correction(c, reason="redo") for c in reversed(self._redo)]
        self.target.corrections_applied(self.transcript_id, self._undo)


class TurnTimesCommand(_Applied):
    """Set or clear turns' start/end times; ``previous`` is what ``set_turn_times`` returned."""

    target: CorrectionTarget

    def __init__(
        self,
        target: CorrectionTarget,
        transcript_id: int,
        changes: Sequence[tuple[int, int | None, int | None]],
        previous: Sequence[tuple[int, int | None, int | None]],
    ) -> None:
        super().__init__("Set time" if len(changes) == 1 else f"Set {len(changes)} times")
        self.target, self.transcript_id = target, transcript_id
        self.changes, self.previous = list(changes), list(previous)

    def revert(self) -> None:
        self.target.library.set_turn_times(self.transcript_id, self.previous, reason="undo")
        self.target.times_applied(self.transcript_id, [c[0] for c in self.previous])

    def apply(self) -> None:
        self.target.library.set_turn_times(self.transcript_id, self.changes, reason="redo")
        self.target.times_applied(self.transcript_id, [c[0] for c in self.changes])
