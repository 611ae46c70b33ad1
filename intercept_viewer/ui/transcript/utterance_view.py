"""The utterance list view: an item view that keeps row heights itself.

QListView cannot open a 100,000-row list of wrapped text quickly: every layout (reset, insert,
resize) asks the delegate's ``sizeHint`` for every row, and the batched layout paints only once
the whole list is laid out. This view lays out nothing up front:

* every row starts with an estimated height (one line, from the delegate); a row is measured
  (one ``boundingRect`` through the delegate's cached ``sizeHint``) only when it comes on screen,
  so the work per paint is O(rows on screen) and opening costs the same for 100 or 100,000 rows;
* row offsets are ``row * estimate + (sum of measured rows' differences from the estimate)``,
  the differences held in a Fenwick tree (``RowHeights``): offset and row-at-y are O(log n);
* the scroll stays anchored: when rows above the row the user was looking at get measured (say,
  while scrolling up into rows never seen), the scroll value moves by the difference so nothing
  jumps on screen; width changes re-measure once the user stops resizing (debounced), keeping
  the top visible row in place;
* per-pixel scrolling; the selection model, the delegate, keyboard navigation (``moveCursor``)
  and the model stay Qt's own, so multi-select, Shift ranges and PageUp/PageDown/Home/End work
  as in any item view.

The view reads a page of the model only for rows on screen: it asks the model's ``peek`` (no
read) before ``utterance_at`` (reads the row's page), and never touches rows off screen.

Alt+Up / Alt+Down jump to the previous / next speaker turn (actions set up by the window).

Signals:
    visible_range_changed(first_row, last_row): the rows on screen changed (for the strip).
    painted(): the viewport was painted (the window loads slower extras after the first).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

from intercept_viewer.ui.transcript.utterance_delegate import UtteranceDelegate, shifted_rows
from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel

RESIZE_DEBOUNCE_MS = 150
MAX_LAYOUT_PASSES = 8

AnyIndex = QModelIndex | QPersistentModelIndex
CursorAction = QAbstractItemView.CursorAction
ScrollHint = QAbstractItemView.ScrollHint


class RowHeights:
    """Heights and offsets of ``n`` rows where most rows still have the estimated height.

    Measured rows keep their height in ``known``; their difference from the estimate goes into
    a Fenwick (binary indexed) tree, so the offset of a row and the row at a y position cost
    O(log n) however many rows were measured, and building costs one C-speed list allocation.
    """

    def __init__(self, count: int, estimate: int) -> None:
        self.count = max(0, count)
        self.estimate = max(1, estimate)
        self.known: dict[int, int] = {}
        self._tree = [0] * (self.count + 1)
        self._extra = 0
        self._top_bit = 1 << (self.count.bit_length() - 1) if self.count else 0

    def height(self, row: int) -> int:
        return self.known.get(row, self.estimate)

    def is_known(self, row: int) -> bool:
        return row in self.known

    def set(self, row: int, height: int) -> int:
        """Record a measured height; returns how much it differs from what was assumed."""
        height = max(1, height)
        diff = height - self.known.get(row, self.estimate)
        self.known[row] = height
        if diff:
            self._extra += diff
            i = row + 1
            tree = self._tree
            while i <= self.count:
                tree[i] += diff
                i += i & -i
        return diff

    def shifted(self, first: int, delta: int) -> RowHeights:
        """These heights after ``delta`` rows were inserted at ``first`` (or ``-delta``
        removed from it): every measured row keeps its height (O(measured rows × log n))."""
        out = RowHeights(self.count + delta, self.estimate)
        for row, h in shifted_rows(self.known, first, delta).items():
            out.set(row, h)
        return out

    def forget(self, row: int) -> None:
        """Back to the estimate (its text or decorations changed)."""
        if row in self.known:
            self.set(row, self.estimate)
            del self.known[row]

    def offset(self, row: int) -> int:
        """Top of ``row`` in content pixels (``offset(count)`` is the total height)."""
        row = min(max(row, 0), self.count)
        s = row * self.estimate
        i = row
        tree = self._tree
        while i > 0:
            s += tree[i]
            i -= i & -i
        return s

    def total(self) -> int:
        return self.count * self.estimate + self._extra

    def row_at(self, y: int) -> int:
        """The row covering content pixel ``y`` (clamped to the first/last row); -1 if empty."""
        if self.count == 0:
            return -1
        if y <= 0:
            return 0
        pos, acc, step = 0, 0, self._top_bit
        tree, est, n = self._tree, self.estimate, self.count
        while step:
            nxt = pos + step
            if nxt <= n and nxt * est + acc + tree[nxt] <= y:
                pos = nxt
                acc += tree[nxt]
            step >>= 1
        return min(pos, n - 1)


class UtteranceView(QAbstractItemView):
    """Attributes:
    utterance_delegate: the row painter (holds the delegate's own height cache).
    heights: the RowHeights of the current model and width (rows measured so far).
    """

    visible_range_changed = Signal(int, int)
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Everything the overridden virtuals read exists before the first Qt setter below:
        # QAbstractItemView's setters call updateGeometries/scrollTo back into Python.
        self.utterance_delegate = UtteranceDelegate(self)
        self.heights = RowHeights(0, self.utterance_delegate.estimated_height())
        self._speaker_ids: list[int | None] = []
        # (row, its content offset when last laid out): rows measured above it move the scroll
        self._anchor: tuple[int, int] | None = None
        self._in_layout = False
        self._last_range = (-1, -1)
        self.setItemDelegate(self.utterance_delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setMouseTracking(False)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DEBOUNCE_MS)
        self._resize_timer.timeout.connect(self._apply_width)
        self.verticalScrollBar().valueChanged.connect(self._emit_visible_range)
        self.verticalScrollBar().rangeChanged.connect(self._emit_visible_range)
        self.utterance_delegate.set_row_width(self.viewport().width())

    # ---------------------------------------------------------------- model wiring

    def set_utterance_model(self, model: UtteranceListModel) -> None:
        self.setModel(model)
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_removed)
        for sig in (model.rowsMoved, model.layoutChanged):
            sig.connect(self._structure_changed)

    def utterance_model(self) -> UtteranceListModel:
        model = self.model()
        assert isinstance(model, UtteranceListModel)
        return model

    def set_turn_speakers(self, speaker_ids: list[int | None]) -> None:
        """Who speaks each row (from the library's turn outline), for Alt+Up/Down."""
        self._speaker_ids = speaker_ids

    def _row_count(self) -> int:
        model = self.model()
        return model.rowCount() if model is not None else 0

    def reset(self) -> None:
        """The model was reset: every height back to the estimate, scrolled to the top."""
        super().reset()
        self.utterance_delegate.invalidate()
        self.heights = RowHeights(self._row_count(), self.utterance_delegate.estimated_height())
        self._anchor = None
        self._last_range = (-2, -2)  # announce the new transcript's range even if equal
        self._sync_scrollbar()
        self.verticalScrollBar().setValue(0)
        self.viewport().update()

    def _on_reset(self) -> None:
        self.utterance_delegate.invalidate()

    def _structure_changed(self, *_: object) -> None:
        """Rows were moved or laid out anew: measure again, keeping the top row's number."""
        self._remeasure_all()

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._rows_shifted(first, last - first + 1)

    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._rows_shifted(first, -(last - first + 1))

    def _rows_shifted(self, first: int, delta: int) -> None:
        """Rows were inserted at ``first`` (``delta`` > 0) or removed from it (a correction):
        the measured heights move with their rows, so nothing is measured again but the new
        rows on screen; what was on screen stays there unless the change is on screen, and
        only the rows from the change down are repainted."""
        if self.heights.count + delta != self._row_count():
            self._remeasure_all()  # out of step (several changes at once): start again
            return
        hs = self.heights
        bar = self.verticalScrollBar()
        v = bar.value()
        top = hs.row_at(v) if hs.count else 0
        into = v - hs.offset(top) if hs.count else 0
        if first < top:  # above the screen: the rows on screen keep their place
            top = max(first, top + delta)
            if top == first and delta < 0:
                into = 0
        self.utterance_delegate.shift_rows(first, delta)
        self.heights = hs.shifted(first, delta)
        hs = self.heights
        self._sync_scrollbar()
        if hs.count:
            self._in_layout = True
            try:
                bar.setValue(hs.offset(min(top, hs.count - 1)) + into)
            finally:
                self._in_layout = False
            self._anchor = (min(top, hs.count - 1), hs.offset(min(top, hs.count - 1)))
        self._ensure_layout()
        vp = self.viewport()
        y = hs.offset(min(first, hs.count)) - bar.value()
        if y < vp.height():
            vp.update(QRect(0, max(0, y), vp.width(), vp.height()))

    def dataChanged(
        self, top_left: AnyIndex, bottom_right: AnyIndex, roles: Sequence[int] = ()
    ) -> None:
        """Text, tags or speakers of rows changed: forget their heights (only measured ones)
        and repaint only what changed.

        Changed rows on screen are measured again at once: when they keep their heights only
        their own rectangles are repainted (a corrected turn in a 100,000-row list repaints
        one row); when a height changed, the rows from there down move and are repainted."""
        first, last = top_left.row(), bottom_right.row()
        old = {r: h for r, h in self.heights.known.items() if first <= r <= last}
        if old:
            self.utterance_delegate.invalidate(list(old))
            for r in old:
                self.heights.forget(r)
        super().dataChanged(top_left, bottom_right, list(roles))
        on_first, on_last = self.visible_rows()
        lo, hi = max(first, on_first), min(last, on_last)
        if on_first < 0 or lo > hi or self._in_layout:
            self.viewport().update()  # nothing of it on screen (or mid-layout): cheap anyway
            return
        same = True
        for r in range(lo, hi + 1):
            same = self._measure(r) == old.get(r) and same
        model = self.model()
        top = self.visualRect(model.index(lo, 0))
        if same:
            bottom = self.visualRect(model.index(hi, 0))
            self.viewport().update(top.united(bottom))
            return
        self._ensure_layout()
        top = self.visualRect(model.index(lo, 0))
        vp = self.viewport()
        vp.update(QRect(0, max(0, top.top()), vp.width(), vp.height()))

    # ---------------------------------------------------------------- measuring and layout

    def _measure(self, row: int) -> int:
        """The height of ``row``, measuring it (and reading its page) if it was never measured.

        Only called for rows on screen (or the one scrolled to), so a page is read only when
        its rows are about to be painted anyway."""
        h = self.heights.known.get(row)
        if h is not None:
            return h
        model = self.model()
        peek = getattr(model, "peek", None)
        if peek is not None and peek(row) is None:
            model.utterance_at(row)  # type: ignore[attr-defined]
        opt = QStyleOptionViewItem()
        opt.rect = QRect(0, 0, self.viewport().width(), self.heights.estimate)
        h = self.utterance_delegate.sizeHint(opt, model.index(row, 0)).height()
        self.heights.set(row, h)
        return h

    def _sync_scrollbar(self) -> None:
        bar = self.verticalScrollBar()
        vh = self.viewport().height()
        bar.setPageStep(max(1, vh))
        bar.setSingleStep(max(1, self.heights.estimate))
        bar.setRange(0, max(0, self.heights.total() - vh))

    def _ensure_layout(self) -> None:
        """Measure the rows on screen and settle the scroll value (O(rows on screen)).

        Rows measured above the anchor row (the top row of the last layout, or the row just
        scrolled to) shift the scroll value by their growth so the anchor stays where it was."""
        if self._in_layout or self.heights.count == 0:
            return
        self._in_layout = True
        try:
            hs = self.heights
            bar = self.verticalScrollBar()
            vh = max(1, self.viewport().height())
            for _ in range(MAX_LAYOUT_PASSES):
                v = bar.value()
                top = hs.row_at(v)
                anchor = self._anchor
                # the anchor counts while it is on screen (judged before measuring moves it)
                if anchor is not None and not top <= anchor[0] <= hs.row_at(v + vh - 1) + 1:
                    anchor = None
                y, row = hs.offset(top), top
                while row < hs.count and y < v + vh:
                    y += self._measure(row)
                    row += 1
                self._sync_scrollbar()
                target = bar.value()
                if anchor is not None:
                    moved = hs.offset(anchor[0]) - anchor[1]
                    if moved:
                        target += moved
                        self._anchor = (anchor[0], anchor[1] + moved)
                target = min(max(target, bar.minimum()), bar.maximum())
                if target == v:
                    break
                bar.setValue(target)
            top = hs.row_at(bar.value())
            self._anchor = (top, hs.offset(top))
        finally:
            self._in_layout = False
        self._emit_visible_range()

    def _remeasure_all(self) -> None:
        """Forget every height (width, font or decorations changed); keep the top row in place."""
        hs = self.heights
        bar = self.verticalScrollBar()
        top = hs.row_at(bar.value()) if hs.count else -1
        into = (bar.value() - hs.offset(top)) / max(1, hs.height(top)) if top >= 0 else 0.0
        self.utterance_delegate.invalidate()
        self.heights = RowHeights(self._row_count(), self.utterance_delegate.estimated_height())
        hs = self.heights
        self._sync_scrollbar()
        if 0 <= top < hs.count:
            h = self._measure(top)
            start = hs.offset(top)
            self._sync_scrollbar()
            self._anchor = (top, start)
            self._in_layout = True  # the value is final here; lay out once below
            try:
                bar.setValue(start + min(int(into * h), h - 1))
            finally:
                self._in_layout = False
        else:
            self._anchor = None
        self._ensure_layout()
        self.viewport().update()

    def updateGeometries(self) -> None:
        self._sync_scrollbar()
        super().updateGeometries()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # No blitting: a scroll may re-measure rows and shift the value again within one paint.
        self._ensure_layout()
        self.viewport().update()

    # ---------------------------------------------------------------- QAbstractItemView geometry

    def visualRect(self, index: AnyIndex) -> QRect:
        if not index.isValid() or index.model() is not self.model():
            return QRect()
        row = index.row()
        if not 0 <= row < self.heights.count:
            return QRect()
        top = self.heights.offset(row) - self.verticalScrollBar().value()
        return QRect(0, top, self.viewport().width(), self.heights.height(row))

    def _row_at_viewport_y(self, y: int) -> int:
        """The row at viewport ``y`` anywhere in the content; -1 below the last row or empty."""
        hs = self.heights
        cy = y + self.verticalScrollBar().value()
        if hs.count == 0 or cy < 0 or cy >= hs.total():
            return -1
        return hs.row_at(cy)

    def indexAt(self, point: QPoint) -> QModelIndex:
        row = self._row_at_viewport_y(point.y())
        model = self.model()
        if row < 0 or model is None or not 0 <= point.x() < self.viewport().width():
            return QModelIndex()
        return model.index(row, 0)

    def scrollTo(self, index: AnyIndex, hint: ScrollHint = ScrollHint.EnsureVisible) -> None:
        if not index.isValid() or not 0 <= index.row() < self.heights.count:
            return
        row = index.row()
        hs = self.heights
        was_measured = hs.is_known(row)
        before = self.verticalScrollBar().value()
        h = self._measure(row)
        self._sync_scrollbar()
        bar = self.verticalScrollBar()
        vh = self.viewport().height()
        top = hs.offset(row)
        v = bar.value()
        if hint == ScrollHint.PositionAtTop:
            v = top
        elif hint == ScrollHint.PositionAtBottom:
            v = top + h - vh
        elif hint == ScrollHint.PositionAtCenter:
            v = top + h // 2 - vh // 2
        elif top < v:
            v = top
        elif top + h > v + vh:
            v = top + min(h, vh) - vh
        v = min(max(v, bar.minimum()), bar.maximum())
        self._anchor = (row, top)
        self._in_layout = True
        try:
            bar.setValue(v)
        finally:
            self._in_layout = False
        self._ensure_layout()
        if bar.value() != before or not was_measured:
            # a row already on screen and in place (the current row after a correction)
            # needs no repaint: the change repaints what it changed itself
            self.viewport().update()

    def scrollToTop(self) -> None:
        if self.heights.count:
            self.scrollTo(self.model().index(0, 0), ScrollHint.PositionAtTop)

    def scrollToBottom(self) -> None:
        if self.heights.count:
            self.scrollTo(
                self.model().index(self.heights.count - 1, 0), ScrollHint.PositionAtBottom
            )

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: AnyIndex) -> bool:
        return False

    def moveCursor(
        self, cursor_action: CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        n = self.heights.count
        if model is None or n == 0:
            return QModelIndex()
        current = self.currentIndex()
        if not current.isValid():
            return model.index(0, 0)
        row = current.row()
        if cursor_action in (CursorAction.MoveUp, CursorAction.MovePrevious):
            row -= 1
        elif cursor_action in (CursorAction.MoveDown, CursorAction.MoveNext):
            row += 1
        elif cursor_action == CursorAction.MoveHome:
            row = 0
        elif cursor_action == CursorAction.MoveEnd:
            row = n - 1
        elif cursor_action in (CursorAction.MovePageUp, CursorAction.MovePageDown):
            hs = self.heights
            step = max(1, self.viewport().height() - hs.estimate)
            sign = -1 if cursor_action == CursorAction.MovePageUp else 1
            row = hs.row_at(hs.offset(row) + sign * step)
            if row == current.row():
                row += sign
        row = min(max(row, 0), n - 1)
        return model.index(row, 0)

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model = self.model()
        hs = self.heights
        if model is None or hs.count == 0 or self.selectionModel() is None:
            return
        r = rect.normalized()
        v = self.verticalScrollBar().value()
        if r.top() + v >= hs.total() or r.bottom() + v < 0:
            first = last = -1
        else:
            first = hs.row_at(r.top() + v)
            last = hs.row_at(r.bottom() + v)
        if first < 0:
            self.selectionModel().select(QItemSelection(), command)
            return
        sel = QItemSelection(model.index(first, 0), model.index(last, 0))
        self.selectionModel().select(sel, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        view = self.viewport().rect()
        for rng in selection:  # type: ignore[attr-defined]
            top = self.visualRect(self.model().index(rng.top(), 0))
            bottom = self.visualRect(self.model().index(rng.bottom(), 0))
            if top.isValid() and bottom.isValid():
                region += QRect(top.topLeft(), bottom.bottomRight()).intersected(view)
        return region

    # ---------------------------------------------------------------- painting and width

    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_layout()
        hs = self.heights
        model = self.model()
        if model is not None and hs.count:
            self._paint_rows(event.rect(), model)  # type: ignore[arg-type]
        self.painted.emit()

    def _paint_rows(self, area: QRect, model: UtteranceListModel) -> None:
        hs = self.heights
        v = self.verticalScrollBar().value()
        width = self.viewport().width()
        opt = QStyleOptionViewItem()
        self.initViewItemOption(opt)
        base_state = opt.state
        sm = self.selectionModel()
        current = self.currentIndex()
        focus = self.hasFocus()
        alternate = self.alternatingRowColors()
        style = self.style()
        delegate = self.utterance_delegate
        painter = QPainter(self.viewport())
        try:
            row = hs.row_at(area.top() + v)
            y = hs.offset(row) - v
            while row < hs.count and y <= area.bottom():
                h = hs.height(row)
                idx = model.index(row, 0)
                opt.rect = QRect(0, y, width, h)
                state = base_state
                if sm is not None and sm.isSelected(idx):
                    state |= QStyle.StateFlag.State_Selected
                if focus and idx == current:
                    state |= QStyle.StateFlag.State_HasFocus
                opt.state = state
                if alternate and row % 2:
                    opt.features |= QStyleOptionViewItem.ViewItemFeature.Alternate
                else:
                    opt.features &= ~QStyleOptionViewItem.ViewItemFeature.Alternate
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewRow, opt, painter, self)
                delegate.paint(painter, opt, idx)
                y += h
                row += 1
        finally:
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            if self.utterance_delegate.row_width() <= 120 or not self.isVisible():
                self._apply_width()
            else:
                self._resize_timer.start()
        self._sync_scrollbar()
        self._ensure_layout()

    def _apply_width(self) -> None:
        if self.utterance_delegate.set_row_width(self.viewport().width()):
            self._remeasure_all()

    def relayout_now(self) -> None:
        """Forget heights and lay out again (font, speaker column or decorations changed)."""
        self._remeasure_all()

    # ---------------------------------------------------------------- what is on screen

    def visible_rows(self) -> tuple[int, int]:
        """First and last rows at least partly on screen, (-1, -1) when there are none."""
        hs = self.heights
        if hs.count == 0:
            return -1, -1
        v = self.verticalScrollBar().value()
        top = hs.row_at(v)
        last = hs.row_at(v + max(1, self.viewport().height()) - 1)
        return top, last

    def _emit_visible_range(self, *_: object) -> None:
        """Tell the strip which rows are on screen, only when that changed."""
        rng = self.visible_rows()
        if rng != self._last_range:
            self._last_range = rng
            self.visible_range_changed.emit(*rng)

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
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})
