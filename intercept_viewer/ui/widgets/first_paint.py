"""Run work once a widget has painted for the first time: what a start defers.

Loading the word-form dictionaries or checking a big library in a background thread is still
Python holding the GIL: started with the window, it slows the window's own start (every row the
main thread reads waits for the GIL back). Deferred to just after the first paint, the user
sees the window as soon as it could be shown, and the work follows at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly
#: If the widget never paints (hidden, minimised, a test that never shows it), run anyway.
FALLBACK_MS = 3000


class _FirstPaint(QObject):
    """Event filter on one widget: on its first Paint event, queue the callbacks once."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callbacks: list[Callable[[], object]] = []
        self.done = False
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and not self.done:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, self, self._fire)  # after this paint has finished
            elif event.type() == QEvent.Type.Close:
                self._drop()  # closed before it painted: what it would start is not wanted
        return False

    def _drop(self) -> None:
        self.done = True
        self.callbacks = []
        self.widget.removeEventFilter(self)

    def _fire(self) -> None:
        if self.done:
            return
        self.done = True
        self.widget.removeEventFilter(self)
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once, in the GUI thread, right after ``widget`` first paints (or
    ``FALLBACK_MS`` after this call if it never does; at once if it has painted already)."""
    hook = widget.findChild(_FirstPaint, options=_DIRECT)
    if hook is None:
        hook = _FirstPaint(widget)
    if hook.done:
        callback()
        return
    hook.callbacks.append(callback)
