"""The History dock: every correction of the shown transcript and every change of its
verification status, newest last (issue 15). A table model over ``Library.history``; all
values are plain text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from intercept_viewer.core.corrections import HistoryEntry, value_text
from intercept_viewer.ui.widgets.row_table_model import RowTableModel
from intercept_viewer.ui.widgets.safe_text import isolate, tooltip_html

AnyIndex = QModelIndex | QPersistentModelIndex

#: How each kind of history entry is named in the window.
KIND_LABELS = {
    "text": "Text edited",
    "speaker": "Speaker changed",
    "split": "Turn split",
    "merge": "Turns merged",
    "insert": "Turn inserted",
    "delete": "Turn deleted",
    "time": "Time set",
    "verification": "Status",
}


def when(at: str) -> str:
    """``2026-12-01T09:24:09.123456+00:00`` → ``2026-12-01 09:24:09`` (UTC)."""
    return at[:19].replace("T", " ")


class HistoryModel(RowTableModel):
    columns = ("When (UTC)", "Change", "Turn", "Before", "After", "Reason")

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def entries(self) -> list[HistoryEntry]:
        return list(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.row_at(index)
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                when(e.at),
                KIND_LABELS.get(e.kind, e.kind),
                "" if e.seq is None else str(e.seq),
                value_text(e.before),
                value_text(e.after),
                e.reason or "",
            )
            return isolate(" ".join(values[col].split()))
        if role == Qt.ItemDataRole.ToolTipRole and col in (3, 4, 5):
            return tooltip_html(value_text((e.before, e.after, e.reason)[col - 3]))
        return None


class HistoryPanel(QTableView):
    """Attributes:
    history_model: the HistoryModel shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_panel")
        self.history_model = HistoryModel(self)
        self.setModel(self.history_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((130, 105, 40, 150, 150)):
            self.setColumnWidth(col, width)

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.history_model.set_entries(entries)
        if entries:
            self.scrollToBottom()
