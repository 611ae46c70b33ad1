"""The library panel: every transcript as a row, a filter box, sorting, multi-select.

``TranscriptTableModel`` holds ``core.model.Transcript`` rows (all of them: thousands are a
few hundred KB) and sorts itself with Python key functions over those rows (numbers as
numbers, unknown dates last). A ``QSortFilterProxyModel`` on top only filters: sorting there
would call ``data()`` a dozen times per row (26,000 calls for 2,000 transcripts, a quarter
of a second at start), and with an empty filter it passes rows through untouched. The status
column is painted as a coloured badge.

Signals (LibraryPanel):
    transcript_selected(id): the current row changed to this transcript.
    delete_requested(ids): the user pressed Delete on the selected rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.model import Transcript
from intercept_viewer.ui.widgets.roles import TranscriptRole
from intercept_viewer.ui.widgets.row_table_model import RowTableModel
from intercept_viewer.ui.widgets.safe_text import tooltip_html
from intercept_viewer.ui.widgets.style import VERIFICATION_LABELS, text_color_on, verification_color

AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Publisher", "Released", "Turns", "Status")
TITLE, PUBLISHER, RELEASED, COUNT, STATUS = range(5)
BADGE_SCALE = 0.8
#: Padding inside a badge (left + right) and the margin around it in its cell.
BADGE_PAD, BADGE_MARGIN = 12, 4
_STATUS_ORDER = ("disputed", "unverified", "corroborated", "verified")


def sort_key(t: Transcript, column: int) -> Any:
    """What column ``column`` sorts ``t`` by (also served as ``TranscriptRole.Sort``)."""
    if column == COUNT:
        return t.utterance_count
    if column == RELEASED:
        return t.released_on or "0000"  # unknown dates sort as the oldest
    if column == STATUS:
        return _STATUS_ORDER.index(t.verification) if t.verification in _STATUS_ORDER else 0
    if column == PUBLISHER:
        return (t.publisher or "").casefold()
    return (t.title or "").casefold()


class TranscriptTableModel(RowTableModel):
    """The library's transcripts, one per row."""

    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Transcript] = []
        self._sort_column = -1  # -1: the order the rows were given in
        self._sort_order = Qt.SortOrder.AscendingOrder

    def set_transcripts(self, rows: list[Transcript]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def update_transcript(self, t: Transcript) -> None:
        for i, row in enumerate(self._rows):
            if row.id == t.id:
                self._rows[i] = t
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                if self._sort_column >= 0 and sort_key(row, self._sort_column) != sort_key(
                    t, self._sort_column
                ):
                    self.sort(self._sort_column, self._sort_order)
                return

    def _sorted(self, rows: list[Transcript]) -> list[Transcript]:
        """A stable sort (ties keep their given order, as the proxy's sort did)."""
        column = self._sort_column
        if column < 0:
            return list(rows)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return sorted(rows, key=lambda t: sort_key(t, column), reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (the view's header calls this through the proxy)."""
        if not -1 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._rows[i.row()].id if 0 <= i.row() < len(self._rows) else None for i in old]
        self._rows = self._sorted(self._rows)
        if old:
            where = {t.id: i for i, t in enumerate(self._rows)}
            self.changePersistentIndexList(
                old,
                [
                    self.index(where[tid], i.column()) if tid in where else QModelIndex()
                    for tid, i in zip(ids, old, strict=True)
                ],
            )
        self.layoutChanged.emit()

    def row_of(self, transcript_id: int) -> int:
        for i, t in enumerate(self._rows):
            if t.id == transcript_id:
                return i
        return -1

    def transcripts(self) -> list[Transcript]:
        return list(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        t = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                t.title,
                t.publisher or "",
                t.released_on or "",
                t.utterance_count,
                VERIFICATION_LABELS.get(t.verification, t.verification).lower(),
            )[col]
        if role == TranscriptRole.Sort:
            return sort_key(t, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            note = f"\n{t.verification}: {t.verification_note}" if t.verification_note else ""
            origin = "\nQuoted from a news article" if t.origin == "article" else ""
            where = " · ".join(x for x in (t.publisher, t.released_on) if x)
            where = f"\n{where}" if where else ""
            return tooltip_html(f"{t.title}{where}{origin}{note}")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TranscriptRole.Id:
            return t.id
        if role == TranscriptRole.Verification:
            return t.verification
        if role == TranscriptRole.Transcript:
            return t
        return None


class FilterProxyModel(QSortFilterProxyModel):
    """Filters on every column; sorting is handed to the source model, which sorts its
    cached rows with key functions instead of asking ``data()`` for every comparison.

    ``review_only`` keeps only transcripts whose import report still has remarks (the
    "Needs review" switch); ``review_counts`` says which those are."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.review_counts: dict[int, int] = {}
        self.review_only = False

    def set_review(self, counts: dict[int, int] | None = None, only: bool | None = None) -> None:
        self.beginFilterChange()  # Qt 6.10+: invalidateFilter() is deprecated
        if counts is not None:
            self.review_counts = dict(counts)
        if only is not None:
            self.review_only = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self.review_only:
            source = self.sourceModel()
            tid = source.index(source_row, 0, source_parent).data(TranscriptRole.Id)
            if not self.review_counts.get(tid):
                return False
        return super().filterAcceptsRow(source_row, source_parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(font.pointSizeF() * BADGE_SCALE)
    font.setBold(True)
    return font


def badge_column_width(base: QFont) -> int:
    """Wide enough for the widest label (CORROBORATED, not UNVERIFIED) with its padding."""
    fm = QFontMetrics(badge_font(base))
    widest = max(fm.horizontalAdvance(label) for label in VERIFICATION_LABELS.values())
    return widest + BADGE_PAD + 2 * BADGE_MARGIN + 2


class BadgeDelegate(QStyledItemDelegate):
    """Paints the verification status as a coloured pill with readable text.

    The pill is sized to its own label; on a selected row it gets a ring in the selection's
    text colour, so a blue CORROBORATED pill still stands out on a blue selection.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        state = index.data(TranscriptRole.Verification)
        if state is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        if widget is not None:
            widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        label = VERIFICATION_LABELS.get(state, state.upper())
        font = badge_font(option.font)
        fm = QFontMetrics(font)
        w = fm.horizontalAdvance(label) + BADGE_PAD
        h = fm.height() + 2
        r = option.rect
        pill = QRectF(
            r.left() + BADGE_MARGIN,
            r.top() + (r.height() - h) / 2,
            min(w, r.width() - 2 * BADGE_MARGIN),
            h,
        )
        bg = verification_color(state)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if option.state & QStyle.StateFlag.State_Selected:
            ring = option.palette.color(option.palette.ColorRole.HighlightedText)
            painter.setPen(QPen(ring, 1.5))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(pill, h / 2, h / 2)
        painter.setPen(text_color_on(bg))
        painter.setFont(font)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.restore()


#: Columns given up, in this order, when the panel is too narrow for the title to read.
FOLD_ORDER = (COUNT, PUBLISHER, RELEASED)
#: The share of the table's width the title keeps before a column is folded away.
TITLE_SHARE = 0.45


def columns_to_hide(viewport: int, widths: dict[int, int], chosen_hidden: set[int]) -> set[int]:
    """Which optional columns to fold so the title keeps ``TITLE_SHARE`` of ``viewport``.

    ``widths`` are the other columns' widths; ``chosen_hidden`` are hidden by the user anyway.
    The status column is never folded: the flag must stay in sight.
    """
    hidden = set(chosen_hidden)
    for col in FOLD_ORDER:
        others = sum(w for c, w in widths.items() if c not in hidden)
        if viewport - others >= TITLE_SHARE * viewport:
            break
        hidden.add(col)
    return hidden


class LibraryPanel(QWidget):
    """Filter box over a sortable, multi-select table of transcripts.

    The title comes first and stretches; when the dock is narrow, the turn count, publisher
    and date fold away (they stay in each row's tooltip) so the title keeps enough room to be
    told apart from its neighbours. Right-click the header to choose columns.
    """

    transcript_selected = Signal(int)
    delete_requested = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranscriptTableModel(self)
        self.proxy = FilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by title, publisher, date, status…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.review_check = QCheckBox("Needs review", self)
        self.review_check.setToolTip(
            "Only transcripts whose import report still has things to review"
        )
        self.review_check.toggled.connect(lambda on: self.proxy.set_review(only=on))
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(RELEASED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        # "Перехват ГУР: «…»" titles share their start: eliding in the middle keeps the end
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(STATUS, BadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        fm = self.table.fontMetrics()
        widths = {
            PUBLISHER: fm.horizontalAdvance("Publisher") + 8,
            RELEASED: fm.horizontalAdvance("2024-12-31") + 12,
            COUNT: fm.horizontalAdvance("Turns") + 14,
            STATUS: badge_column_width(self.table.font()),
        }
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self._column_widths = widths
        #: optional columns the user hid from the header's menu
        self.user_hidden: set[int] = set()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for col in (PUBLISHER, RELEASED, COUNT):
            toggle = QAction(COLUMNS[col], header)
            toggle.setCheckable(True)
            toggle.setChecked(True)
            toggle.toggled.connect(lambda on, c=col: self.set_column_shown(c, on))
            header.addAction(toggle)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.delete_action = QAction("&Delete transcripts…", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self._request_delete)
        self.table.addAction(self.delete_action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.review_check)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide an optional column (the header's context menu)."""
        (self.user_hidden.discard if shown else self.user_hidden.add)(column)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Fold optional columns so the title stays readable at the current width."""
        width = self.table.viewport().width()
        hidden = columns_to_hide(width, self._column_widths, self.user_hidden)
        for col in (PUBLISHER, RELEASED, COUNT):
            self.table.setColumnHidden(col, col in hidden)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def set_review_counts(self, counts: dict[int, int]) -> None:
        """Transcript id -> remarks still to review (for the "Needs review" filter)."""
        self.proxy.set_review(counts=counts)

    def set_transcripts(self, rows: list[Transcript], keep_id: int | None = None) -> None:
        self.table.selectionModel().blockSignals(True)
        self.model.set_transcripts(rows)
        self.table.selectionModel().blockSignals(False)
        if keep_id is not None:
            self.select_transcript(keep_id, emit=False)

    def select_transcript(self, transcript_id: int, *, emit: bool = True) -> None:
        row = self.model.row_of(transcript_id)
        if row < 0:
            return
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            self.filter_edit.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        sm = self.table.selectionModel()
        if not emit:
            sm.blockSignals(True)
        self.table.selectRow(proxy_index.row())
        sm.setCurrentIndex(
            proxy_index,
            sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows | sm.SelectionFlag.Current,
        )
        if not emit:
            sm.blockSignals(False)
            self.table.viewport().update()
        self.table.scrollTo(proxy_index)

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.proxy.index(r, 0).data(TranscriptRole.Id) for r in sorted(rows)]

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.transcript_selected.emit(current.data(TranscriptRole.Id))

    def _request_delete(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)
