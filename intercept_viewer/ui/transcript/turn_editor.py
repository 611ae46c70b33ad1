"""The in-place editor of a turn's text: plain text only, keyboard first.

Enter commits, Shift+Enter starts a new line, Escape cancels (the view's delegate handles it),
Ctrl+Shift+Enter splits the turn at the cursor.

Signals:
    commit_requested(): Enter was pressed.
    split_requested(position): Ctrl+Shift+Enter at this character position.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: Keys the editor keeps while it is open, though the list's correction actions have them as
#: shortcuts (the editor sits inside the list): typing must never merge or delete turns.
_KEPT = (
    *_ENTER,
    Qt.Key.Key_Insert,
    Qt.Key.Key_F2,
    Qt.Key.Key_Delete,
    Qt.Key.Key_R,
    Qt.Key.Key_M,
    Qt.Key.Key_T,
)


class TurnEditor(QPlainTextEdit):
    """Attributes:
    loaded: the turn's text was put in (the view may ask again; typing must survive it).
    committed: the text was handed over (commit or split); later requests are ignored.
    """

    commit_requested = Signal()
    split_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("turn_editor")
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.loaded = False
        self.committed = False

    def insertFromMimeData(self, source) -> None:  # type: ignore[no-untyped-def]
        # Pasting rich text keeps only its characters.
        if source.hasText():
            self.insertPlainText(source.text())

    def event(self, e: QEvent) -> bool:
        kept = isinstance(e, QKeyEvent) and e.key() in _KEPT
        if e.type() == QEvent.Type.ShortcutOverride and kept:
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers()
        if event.key() in _ENTER:
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            if ctrl and shift:
                self.split_requested.emit(self.textCursor().position())
                return
            if not shift:
                self.commit_requested.emit()
                return
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)
