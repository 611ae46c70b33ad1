"""The utterance list view: a QListView tuned for long transcripts of wrapped text.

* Batched layout, per-pixel scrolling, no ``uniformItemSizes`` (rows differ in height).
* Width changes are debounced: heights are re-measured once the user stops resizing.
* When the model reads a page whose rows are taller than their estimate, one relayout is
  scheduled for all such pages together, keeping the top visible row where it was.
* Alt+Up / Alt+Down jump to the previous / next speaker turn (actions set up by the window).

Signals:
    visible_range_changed(first_row, last_row): the rows on screen changed (for the strip).
    painted(): the viewport was painted (the window loads slower extras after the first).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from intercept_viewer.ui.utterance_delegate import UtteranceDelegate
from intercept_viewer.ui.utterance_model import UtteranceListModel

RESIZE_DEBOUNCE_MS = 150
BATCH_SIZE = 250


class UtteranceView(QListView):
    """Attributes:
    utterance_delegate: the row painter (holds the height cache).
    """

    visible_range_changed = Signal(int, int)
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(BATCH_SIZE)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setMouseTracking(False)
        self.utterance_delegate = UtteranceDelegate(self)
        self.setItemDelegate(self.utterance_delegate)
        self._speaker_ids: list[int | None] = []
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DEBOUNCE_MS)
        self._resize_timer.timeout.connect(self._apply_width)
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(0)
        self._relayout_timer.timeout.connect(self._relayout)
        self.verticalScrollBar().valueChanged.connect(self._emit_visible_range)
        self.verticalScrollBar().rangeChanged.connect(self._emit_visible_range)
        self.utterance_delegate.set_row_width(self.viewport().width())

    # ---------------------------------------------------------------- model wiring

    def set_utterance_model(self, model: UtteranceListModel) -> None:
        self.setModel(model)
        model.page_loaded.connect(self._on_page_loaded)
        model.modelReset.connect(self._on_reset)

    def utterance_model(self) -> UtteranceListModel:
        model = self.model()
        assert isinstance(model, UtteranceListModel)
        return model

    def set_turn_speakers(self, speaker_ids: list[int | None]) -> None:
        """Who speaks each row (from the library's turn outline), for Alt+Up/Down."""
        self._speaker_ids = speaker_ids

    def _on_reset(self) -> None:
        self.utterance_delegate.invalidate()

    def _on_page_loaded(self, first: int, last: int) -> None:
        model = self.utterance_model()
        d = self.utterance_delegate
        est = d.estimated_height()
        for row in range(first, last + 1):
            h = d.height_for_row(model, row)
            if h is not None and h != est:
                self._relayout_timer.start()
                return

    def _top_anchor(self) -> tuple[int, int]:
        idx = self.indexAt(QPoint(4, 1))
        if not idx.isValid():
            return -1, 0
        return idx.row(), self.visualRect(idx).top()

    def _relayout(self) -> None:
        """Re-run the layout with the measured heights, keeping the top row in place."""
        row, offset = self._top_anchor()
        self.doItemsLayout()
        if row >= 0:
            idx = self.model().index(row, 0)
            self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtTop)
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - offset)
        self._emit_visible_range()

    # ---------------------------------------------------------------- width and heights

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            if self.utterance_delegate.row_width() <= 120 or not self.isVisible():
                self._apply_width()
            else:
                self._resize_timer.start()

    def _apply_width(self) -> None:
        if self.utterance_delegate.set_row_width(self.viewport().width()):
            self._relayout()

    def relayout_now(self) -> None:
        """Forget heights and lay out again (font, speaker column or decorations changed)."""
        self.utterance_delegate.invalidate()
        self._relayout()

    # ---------------------------------------------------------------- what is on screen

    def visible_rows(self) -> tuple[int, int]:
        """First and last rows at least partly on screen, (-1, -1) when none is laid out."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return -1, -1
        top = self.indexAt(QPoint(4, 1))
        if not top.isValid():
            return -1, -1
        bottom = self.indexAt(QPoint(4, self.viewport().height() - 2))
        if bottom.isValid():
            return top.row(), bottom.row()
        last = model.rowCount() - 1
        if self.visualRect(model.index(last, 0)).isValid():
            return top.row(), last  # the list ends above the bottom edge
        return top.row(), top.row()  # the rows below are not laid out yet

    def _emit_visible_range(self, *_: object) -> None:
        first, last = self.visible_rows()
        self.visible_range_changed.emit(first, last)

    def go_to_row(self, row: int, *, select: bool = True) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        idx = model.index(row, 0)
        if select:
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Current
            )
            self.selectionModel().setCurrentIndex(idx, flags)
        self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._emit_visible_range()

    def jump_turn(self, direction: int) -> int:
        """Move to the previous (-1) / next (+1) row where the speaker changes; returns row."""
        n = len(self._speaker_ids)
        cur = self.currentIndex().row() if self.currentIndex().isValid() else -1
        if n == 0:
            return cur
        row = max(cur, 0) if cur >= 0 else 0
        if direction > 0:
            me = self._speaker_ids[row] if cur >= 0 else object()
            target = row if cur < 0 else None
            for r in range(row + 1, n):
                if self._speaker_ids[r] != me:
                    target = r
                    break
        else:
            # back to the start of the previous speaker's turn
            r = row
            me = self._speaker_ids[r]
            while r > 0 and self._speaker_ids[r - 1] == me:
                r -= 1
            if r == row and r > 0:  # already at a turn start: go to the previous turn's start
                r -= 1
                me = self._speaker_ids[r]
                while r > 0 and self._speaker_ids[r - 1] == me:
                    r -= 1
            target = r
        if target is None:
            return cur
        self.go_to_row(target)
        return target

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.selectionModel().selectedIndexes())
