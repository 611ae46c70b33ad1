"""The first-run welcome: what the sample library is and how to bring in your own calls.

Shown once, without blocking (a newcomer may want to look at the window behind it first);
Help ▸ Welcome brings it back.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

SETTINGS_KEY = "help/welcome_shown"

WELCOME_TEXT = """\
The library on the left holds ten sample releases, one of each shape the app reads: \
labelled and dash dialogue in Russian, Ukrainian and English, subtitles, an ELAN file, \
speech-to-text JSON, a Word document and a news article that quotes a call. They were \
written for this app to show how it works; none is a real intercept.

Each release is marked UNVERIFIED until you say otherwise, and the flag goes with its text \
into search results, copies and exports.

To add your own: File ▸ Open (Ctrl+O) for files, File ▸ Import folder (Ctrl+Shift+O) for a \
folder, or drop files on the window. Ctrl+F searches every word form; Ctrl+T tags the \
selected turns for follow-up. Help ▸ Keyboard shortcuts lists every key."""


class WelcomeDialog(QDialog):
    """Plain text and three ways in: open files, import a folder, close."""

    def __init__(self, parent: QWidget, open_action: QAction, folder_action: QAction) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Intercept Viewer")
        text = QLabel(WELCOME_TEXT, self)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.open_button = QPushButton("Open files…", self)
        self.folder_button = QPushButton("Import a folder…", self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(lambda: (self.accept(), open_action.trigger()))
        self.folder_button.clicked.connect(lambda: (self.accept(), folder_action.trigger()))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)


def show_welcome_once(
    parent: QWidget, settings: QSettings, open_action: QAction, folder_action: QAction
) -> WelcomeDialog | None:
    """Show the welcome (non-modal) the first time; None on later runs."""
    if settings.value(SETTINGS_KEY, False, type=bool):
        return None
    settings.setValue(SETTINGS_KEY, True)
    dialog = WelcomeDialog(parent, open_action, folder_action)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
