"""Say in the status bar what just happened, for every undoable change.

Every edit of the window goes through the undo stack, so listening to the stack confirms a
tagging, a status change or a rename in one place, in the words of the command itself
("Tag Kupyansk", "Edit verification"), with how to take it back.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStatusBar

#: How long a confirmation stays (ms): long enough to read, gone before it is stale.
FEEDBACK_MS = 5000


class UndoFeedback(QObject):
    """Shows "Done: …" / "Undone: …" for each step the stack takes."""

    def __init__(self, stack: QUndoStack, status: QStatusBar) -> None:
        super().__init__(stack)
        self.stack, self.status = stack, status
        self._index = stack.index()
        stack.indexChanged.connect(self._moved)

    def _moved(self, index: int) -> None:
        before, self._index = self._index, index
        if not (shiboken6.isValid(self.stack) and shiboken6.isValid(self.status)):
            return  # the window is going away: its stack clears itself on the way out
        if index > before:
            text = self.stack.text(index - 1)
            if text:
                self.status.showMessage(f"{text} — done (Ctrl+Z undoes).", FEEDBACK_MS)
        elif index < before:
            text = self.stack.text(index)
            if text:
                self.status.showMessage(f"Undone: {text} (Ctrl+Shift+Z redoes).", FEEDBACK_MS)
