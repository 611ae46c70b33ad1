"""Ctrl+Enter saves a dialog, even from a multi-line field.

In a note field Enter starts a new line, so without this the only way to save from the
keyboard is Tab, Tab, Space. Every text-editing tool people compare us with takes
Ctrl+Enter for "done". An event filter on the dialog's fields rather than a QShortcut: a
text edit takes the key before a shortcut sees it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _CtrlEnter(QObject):
    def __init__(self, dialog: QDialog, save: Callable[[], None]) -> None:
        super().__init__(dialog)
        self.save = save

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.save()
            return True
        return False


def save_on_ctrl_enter(dialog: QDialog, save: Callable[[], None]) -> QObject:
    """Make Ctrl+Return / Ctrl+Enter (keypad) in ``dialog`` or any of its text fields call
    ``save``. Call after the fields exist."""
    keys = _CtrlEnter(dialog, save)
    dialog.installEventFilter(keys)
    for field in dialog.findChildren(QWidget):
        if isinstance(field, QPlainTextEdit | QTextEdit | QLineEdit):
            field.installEventFilter(keys)
    return keys


def multiline_text_dialog(
    parent: QWidget | None, title: str, label: str, text: str
) -> QInputDialog:
    """A multi-line QInputDialog that Ctrl+Enter saves (the static helper can't be given keys)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, True)
    dialog.setTextValue(text)
    dialog.ensurePolished()
    save_on_ctrl_enter(dialog, dialog.accept)
    return dialog
