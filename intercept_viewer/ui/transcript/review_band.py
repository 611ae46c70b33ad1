"""The band "N things to review" above a transcript whose import report has remarks.

An importer decides on the reader's behalf (a headline, a label seen once, a translation line,
a quote attributed by proximity) and says so in the import report; this band lists those
remarks for the transcript on screen until the user dismisses them. Clicking a remark jumps to
the turn its line belongs to. The remarks are untrusted-derived text (they quote the file), so
everything is plain text: a ``QStringListModel`` under a ``QListView``, never HTML.

Signals:
    jump_requested(seq): show this turn.
    dismiss_requested(transcript_id): the user has reviewed the remarks; hide them for good.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.model import StoredWarning
from intercept_viewer.ui.widgets.style import text_color_on

REVIEW_COLOR = "#f3e2a9"
#: Rows the list shows before it scrolls.
VISIBLE_ROWS = 6


def warning_text(w: StoredWarning) -> str:
    where = f"line {w.line}: " if w.line is not None else ""
    return f"{where}{w.message}"


class ReviewBand(QFrame):
    """Attributes:
    summary: the "N things to review" label. toggle: shows or hides the list.
    dismiss_button, list_view, model (a QStringListModel of the remarks).
    """

    jump_requested = Signal(int)
    dismiss_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewBand")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, REVIEW_COLOR)
        pal.setColor(QPalette.ColorRole.WindowText, text_color_on(REVIEW_COLOR))
        self.setPalette(pal)
        self._transcript_id: int | None = None
        self._warnings: list[StoredWarning] = []
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.toggle = QPushButton("Show", self)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.setToolTip("Mark these as reviewed: the band won't come back")
        self.dismiss_button.clicked.connect(self._dismiss)
        self.model = QStringListModel(self)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setWordWrap(True)
        self.list_view.setUniformItemSizes(False)
        self.list_view.activated.connect(self._activated)
        self.list_view.clicked.connect(self._activated)
        self.list_view.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.toggle)
        top.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list_view)
        self.hide()

    def set_warnings(self, transcript_id: int | None, warnings: list[StoredWarning]) -> None:
        """Show the undismissed remarks of ``transcript_id`` (hidden when there are none)."""
        if transcript_id != self._transcript_id:
            self.toggle.setChecked(False)
        self._transcript_id = transcript_id
        self._warnings = list(warnings)
        self.model.setStringList([warning_text(w) for w in self._warnings])
        n = len(self._warnings)
        self.summary.setText(f"⚑ {n} thing{'s' if n != 1 else ''} to review from the import")
        self.setVisible(transcript_id is not None and n > 0)
        self._fit_list()

    def warnings(self) -> list[StoredWarning]:
        return list(self._warnings)

    def _fit_list(self) -> None:
        rows = min(VISIBLE_ROWS, max(1, len(self._warnings)))
        self.list_view.setMaximumHeight(rows * (self.list_view.fontMetrics().height() + 6) + 8)

    def _toggled(self, shown: bool) -> None:
        self.toggle.setText("Hide" if shown else "Show")
        self.list_view.setVisible(shown)

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid() or not 0 <= index.row() < len(self._warnings):
            return
        seq = self._warnings[index.row()].seq
        if seq is not None:
            self.jump_requested.emit(seq)

    def _dismiss(self) -> None:
        if self._transcript_id is not None:
            self.dismiss_requested.emit(self._transcript_id)
