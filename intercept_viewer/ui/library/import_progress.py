"""The status bar's import progress: a bar and a Cancel button that never block the window.

A modal progress dialog would keep the user from reading while a long call imports; this sits
in the status bar instead, so the library, the open transcript and the search stay usable.

Signals:
    cancel_requested: the user pressed Cancel.
    fraction(permille): emit from any thread to move the bar (delivered queued).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from intercept_viewer.ui.widgets.safe_text import tooltip_html


class ImportProgress(QWidget):
    """``Importing call.txt… [=====    ] Cancel`` for the running import."""

    cancel_requested = Signal()
    fraction = Signal(int)

    def __init__(self, files: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = files
        self.label = QLabel(f"Importing {files} file{'s' if files != 1 else ''}…")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # file names are untrusted text
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(200)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the import; what is already imported is kept")
        self.cancel_button.clicked.connect(self._cancel)
        self.fraction.connect(self.set_fraction)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel_button):
            layout.addWidget(w)

    def set_fraction(self, permille: int) -> None:
        self.bar.setValue(max(0, min(1000, permille)))

    def set_files_done(self, done: int, total: int, name: str) -> None:
        self.label.setText(f"Imported {done} of {total}: {name}" if total > 1 else name)
        self.label.setToolTip(tooltip_html(name))

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")
        self.cancel_requested.emit()
