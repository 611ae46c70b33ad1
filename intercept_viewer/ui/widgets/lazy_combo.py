"""A combo box whose choices are read when someone needs them, not when it is built.

The follow-up queue's transcript filter lists every transcript of the library: thousands of
``addItem`` calls and a query, paid at every start and after every import, for a list most
sessions never open. ``LazyComboBox`` keeps what it shows until then and calls ``fill`` the
first time it is opened, focused (the arrow keys step through the choices without a popup),
scrolled over or set from code, and again after ``mark_stale``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFocusEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QWidget


class LazyComboBox(QComboBox):
    """A ``QComboBox`` that ``filler`` fills on demand (it must keep the current choice)."""

    def __init__(self, parent: QWidget | None, filler: Callable[[], None]) -> None:
        super().__init__(parent)
        self._filler = filler
        self.stale = True

    def mark_stale(self) -> None:
        """The choices may have changed: read them again when next needed."""
        self.stale = True

    def fill(self) -> None:
        """Read the choices now if they are stale."""
        if self.stale:
            self.stale = False
            self._filler()

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()
        super().focusInEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.fill()
        super().wheelEvent(event)
