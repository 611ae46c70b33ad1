"""The speakers panel: colour, display name, turns and speaking time of each speaker.

Rename changes the display name only (the label as written in the file is kept and shown in
the tooltip); recolour picks any colour; merge folds one speaker's turns into another.
The panel asks the questions (through ``Prompts``) and reports the answers; the window makes
the undoable edits.

Signals:
    rename_requested(speaker_id, name)
    recolor_requested(speaker_id, "#rrggbb")
    merge_requested(keep_id, merge_id)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.model import Speaker
from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.ui.transcript.outline_worker import OutlineResult
from intercept_viewer.ui.transcript.utterance_model import UNKNOWN_COLOR
from intercept_viewer.ui.widgets.prompts import Prompts
from intercept_viewer.ui.widgets.row_table_model import RowTableModel
from intercept_viewer.ui.widgets.safe_text import tooltip_html

AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Speaker", "Turns", "Time")
SPEAKER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 40


#: The row for turns without a speaker: not a speaker in the library, so no real id.
UNKNOWN_ID = -1
UNKNOWN_NAME = "Unknown speaker"


class SpeakersModel(RowTableModel):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Speaker] = []
        self.has_times = False
        self.stats_pending = False

    def set_speakers(
        self, speakers: list[Speaker], has_times: bool, *, stats_pending: bool = False
    ) -> None:
        """``stats_pending``: the counts are not read yet (shown as "…" until ``update_stats``)."""
        self.beginResetModel()
        self._rows = list(speakers)
        self.has_times = has_times
        self.stats_pending = stats_pending
        self.endResetModel()

    def update_stats(
        self, speakers: list[Speaker], unknown_turns: int = 0, unknown_ms: int = 0
    ) -> None:
        """Fill in turn counts and speaking time (by speaker id) without a reset, so the
        selection and scroll position stay. Turns with no known speaker (the strip's "?"
        lane) get a row of their own at the end, listed but not selectable: there is no
        speaker to rename or merge."""
        stats = {s.id: (s.utterance_count, s.speaking_ms) for s in speakers}
        had_unknown = self._unknown_row() is not None
        if had_unknown and not unknown_turns:
            last = len(self._rows) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            self._rows.pop()
            self.endRemoveRows()
        for i, row in enumerate(self._rows):
            if row.id in stats:
                count, ms = stats[row.id]
                self._rows[i] = replace(row, utterance_count=count, speaking_ms=ms)
        if unknown_turns:
            unknown = Speaker(
                UNKNOWN_ID, -1, "", UNKNOWN_NAME, None, UNKNOWN_COLOR, unknown_turns, unknown_ms
            )
            if had_unknown:
                self._rows[-1] = unknown
            else:
                n = len(self._rows)
                self.beginInsertRows(QModelIndex(), n, n)
                self._rows.append(unknown)
                self.endInsertRows()
        self.stats_pending = False
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 2))

    def _unknown_row(self) -> Speaker | None:
        return self._rows[-1] if self._rows and self._rows[-1].id == UNKNOWN_ID else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._rows[index.row()].id == UNKNOWN_ID:
            flags &= ~Qt.ItemFlag.ItemIsSelectable
        return flags

    def speaker_at(self, row: int) -> Speaker:
        return self._rows[row]

    def speakers(self) -> list[Speaker]:
        """The real speakers (not the unknown-speaker row)."""
        return [s for s in self._rows if s.id != UNKNOWN_ID]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return s.name
            if col > 0 and self.stats_pending:
                return "…"
            if col == 1:
                return s.utterance_count
            return format_ms(s.speaking_ms) if self.has_times else "—"
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return QColor(s.color)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            if s.id == UNKNOWN_ID:
                return tooltip_html("Turns the file gives no speaker for (the strip's ? lane)")
            return tooltip_html(f"{s.name}\nIn the file: {s.label}")
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SPEAKER_ID_ROLE:
            return s.id
        return None


class SpeakersPanel(QWidget):
    rename_requested = Signal(int, str)
    recolor_requested = Signal(int, str)
    merge_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SpeakersModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._double_clicked)
        self.rename_button = QPushButton("Rename…", self)
        self.recolor_button = QPushButton("Colour…", self)
        self.merge_button = QPushButton("Merge…", self)
        self.rename_button.setToolTip("Change the display name (the label in the file stays)")
        self.merge_button.setToolTip("Select two speakers to merge them into one")
        self.rename_button.clicked.connect(self.rename_selected)
        self.recolor_button.clicked.connect(self.recolor_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        buttons = QHBoxLayout()
        for b in (self.rename_button, self.recolor_button, self.merge_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def set_speakers(
        self, speakers: list[Speaker], has_times: bool, *, stats_pending: bool = False
    ) -> None:
        self.model.set_speakers(speakers, has_times, stats_pending=stats_pending)
        self._update_buttons()

    def update_stats(self, outline: OutlineResult) -> None:
        """Counts and speaking time, read after the transcript was shown."""
        self.model.update_stats(outline.speakers, outline.unknown_turns, outline.unknown_ms)

    def selected(self) -> list[Speaker]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.speaker_at(r) for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        sm = self.table.selectionModel()
        sm.clearSelection()
        for r in rows:
            sm.select(
                self.model.index(r, 0),
                sm.SelectionFlag.Select | sm.SelectionFlag.Rows,
            )

    def _update_buttons(self, *_: object) -> None:
        n = len(self.selected())
        self.rename_button.setEnabled(n == 1)
        self.recolor_button.setEnabled(n == 1)
        self.merge_button.setEnabled(n == 2)

    def _double_clicked(self, index: QModelIndex) -> None:
        self.select_rows([index.row()])
        if index.column() == 0 and index.data(Qt.ItemDataRole.DecorationRole) is not None:
            self.rename_selected()

    def rename_selected(self) -> None:
        sel = self.selected()
        if len(sel) != 1:
            return
        s = sel[0]
        name = Prompts.ask_text(self, "Rename speaker", f"Display name for “{s.label}”:", s.name)
        if name is not None and name.strip() and name.strip() != s.name:
            self.rename_requested.emit(s.id, name.strip())

    def recolor_selected(self) -> None:
        sel = self.selected()
        if len(sel) != 1:
            return
        color = Prompts.ask_color(self, sel[0].color)
        if color and color.lower() != sel[0].color.lower():
            self.recolor_requested.emit(sel[0].id, color)

    def merge_selected(self) -> None:
        sel = self.selected()
        if len(sel) != 2:
            return
        keep = Prompts.choose(
            self,
            "Merge speakers",
            "Keep which speaker? The other's turns move to it.",
            [s.name for s in sel],
        )
        if keep is None:
            return
        self.merge_requested.emit(sel[keep].id, sel[1 - keep].id)
