"""Paints one utterance: time, a speaker chip in the speaker's colour, wrapped plain text,
its translation under it (muted), search-hit highlights and tag chips. Never rich text:
``drawText`` / ``QTextLayout`` only.

Row heights are the costly part of a long list: QListView asks ``sizeHint`` for every row on
each layout. Heights are cached per row for the current text width, measured with a single
``QFontMetrics.boundingRect(..., TextWordWrap, ...)`` call, and rows whose page has not been
read yet get an estimate (one line) instead of being fetched just to be measured.

A turn corrected after import gets a small "edited" badge at the right (the model's tooltip
shows the original). Editing a turn (F2, double-click) opens a plain-text ``TurnEditor`` over
the text; what it commits goes to ``commit_text``, never into the model directly, so the
window can record it as an undoable correction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.ui.transcript.turn_editor import TurnEditor
from intercept_viewer.ui.widgets.highlight_layout import highlighted_layout
from intercept_viewer.ui.widgets.roles import UtteranceRole
from intercept_viewer.ui.widgets.style import text_color_on

AnyIndex = QModelIndex | QPersistentModelIndex

PAD = 6
GAP = 8
CHIP_MAX = 170
TAG_GAP = 4
EDITED_LABEL = "edited"
#: Amber: noticeable beside the text without reading as a warning band.
EDITED_COLOR = "#B45309"


class UtteranceDelegate(QStyledItemDelegate):
    """Draws utterance rows and remembers their heights for one text width.

    Attributes:
        measured: how many rows were measured with boundingRect (tests and profiling).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font = QFont(parent.font()) if parent is not None else QFont()
        self._fm = QFontMetrics(self._font)
        self._heights: dict[int, int] = {}
        self._row_width = 600
        self._chip_width = self._fm.horizontalAdvance("Speaker") + 2 * PAD
        self._time_width = self._fm.horizontalAdvance("0:00:00")
        self._show_time = True
        self._small = QFont(self._font)
        self._small.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        self._mark_width = 0
        #: called with (row, text) when an edit is committed; set by the corrections
        self.commit_text: Callable[[int, str], None] | None = None
        #: called with (row, text, cursor position) for "split at the cursor" in the editor
        self.split_at: Callable[[int, str, int], None] | None = None
        self.measured = 0
        self._estimate_size = QSize(self._row_width, self.estimated_height())

    # ---------------------------------------------------------------- geometry

    def set_longest_time(self, longest_ms: int | None) -> bool:
        """Size the time column for the transcript's latest time (``50:32:49`` needs more than
        ``0:00:00``); True when the width changed and rows must be laid out again."""
        sample = format_ms(longest_ms) if longest_ms is not None else ""
        width = max(self._fm.horizontalAdvance("0:00:00"), self._fm.horizontalAdvance(sample))
        if width == self._time_width:
            return False
        self._time_width = width
        self.invalidate()
        return True

    def set_speaker_names(self, names: list[str], *, has_times: bool) -> None:
        """Size the chip column for these names (capped) and show times only when known."""
        widest = max((self._fm.horizontalAdvance(n) for n in names), default=0)
        widest = max(widest, self._fm.horizontalAdvance("?")) + 2  # +2: elision rounding
        self._chip_width = min(CHIP_MAX, widest) + 2 * PAD
        self._show_time = has_times
        self.invalidate()

    def set_show_marks(self, show: bool) -> bool:
        """Reserve room for the "edited" badge (only once a transcript has corrections);
        returns True when the layout changed."""
        width = QFontMetrics(self._small).horizontalAdvance(EDITED_LABEL) + 2 * PAD if show else 0
        if width == self._mark_width:
            return False
        self._mark_width = width
        self.invalidate()
        return True

    def set_row_width(self, width: int) -> bool:
        """The viewport width changed; returns True when cached heights were dropped."""
        width = max(width, 120)
        if width == self._row_width:
            return False
        self._row_width = width
        self.invalidate()
        return True

    def invalidate(self, rows: list[int] | None = None) -> None:
        """Forget measured heights (all, or of ``rows``)."""
        if rows is None:
            self._heights.clear()
            self._estimate_size = QSize(self._row_width, self.estimated_height())
        else:
            for r in rows:
                self._heights.pop(r, None)

    def shift_rows(self, first: int, delta: int) -> None:
        """Rows were inserted at ``first`` (``delta`` > 0) or ``-delta`` rows removed from
        ``first``: the cached heights of the rows after them move with them."""
        self._heights = shifted_rows(self._heights, first, delta)

    def row_width(self) -> int:
        return self._row_width

    def text_left(self) -> int:
        left = PAD
        if self._show_time:
            left += self._time_width + GAP
        return left + self._chip_width + GAP

    def text_width(self) -> int:
        return max(40, self._row_width - self.text_left() - PAD - self._mark_width)

    def mark_rect(self, row_rect: QRect) -> QRect:
        """Where the "edited" badge of a row is drawn (hover shows the original)."""
        h = QFontMetrics(self._small).height()
        return QRect(
            row_rect.right() - self._mark_width + GAP // 2,
            row_rect.top() + PAD,
            self._mark_width - GAP // 2 - PAD // 2,
            h,
        )

    def line_height(self) -> int:
        return self._fm.height()

    def estimated_height(self) -> int:
        return self._fm.height() + 2 * PAD

    def _tags_height(self) -> int:
        return self._fm.height() + TAG_GAP

    def _wrapped_height(self, text: str) -> int:
        rect = self._fm.boundingRect(
            QRect(0, 0, self.text_width(), 1_000_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return max(rect.height(), self._fm.height())

    def translation_height(self, translation: str | None) -> int:
        """Height of the translation block under the text (0 without one)."""
        return self._wrapped_height(translation) + TAG_GAP if translation else 0

    def measure(self, text: str, has_tags: bool, translation: str | None = None) -> int:
        self.measured += 1
        h = self._wrapped_height(text) + 2 * PAD + self.translation_height(translation)
        if has_tags:
            h += self._tags_height()
        return h

    def height_for_row(self, model: Any, row: int) -> int | None:
        """The cached or measurable height of ``row``; None when its text isn't loaded."""
        h = self._heights.get(row)
        if h is not None:
            return h
        u = model.peek(row) if hasattr(model, "peek") else None
        if u is None:
            return None
        h = self.measure(u.text, bool(model.tags_for(u.seq)), getattr(u, "translation", None))
        self._heights[row] = h
        return h

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        # Hot path: QListView calls this for every row on each layout (100,000 times for a
        # long transcript), so the common cases are a dict hit or an unloaded page.
        row = index.row()
        h = self._heights.get(row)
        if h is None:
            h = self.height_for_row(index.model(), row)
            if h is None:
                return self._estimate_size
        return QSize(self._row_width, h)

    # ---------------------------------------------------------------- painting

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws only the background and focus; we draw the text
        widget = option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        fg_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        fg = option.palette.color(fg_role)
        r = option.rect
        painter.setFont(self._font)
        fm = self._fm
        x = r.left() + PAD
        top = r.top() + PAD
        if self._show_time:
            painter.setPen(
                option.palette.color(QPalette.ColorRole.PlaceholderText) if not selected else fg
            )
            painter.drawText(
                QRect(x, top, self._time_width, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                index.data(UtteranceRole.Time) or "",
            )
            x += self._time_width + GAP
        name = index.data(UtteranceRole.SpeakerName) or "?"
        color = index.data(UtteranceRole.SpeakerColor) or QColor("#808080")
        chip_text = fm.elidedText(name, Qt.TextElideMode.ElideRight, self._chip_width - 2 * PAD)
        chip_w = fm.horizontalAdvance(chip_text) + 2 * PAD
        chip = QRectF(x, top - 1, chip_w, fm.height() + 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(chip, 4, 4)
        painter.setPen(text_color_on(color))
        painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), chip_text)

        text_rect = QRect(r.left() + self.text_left(), top, self.text_width(), r.height() - 2 * PAD)
        tags = index.data(UtteranceRole.TagChips) or []
        if tags:
            text_rect.setHeight(text_rect.height() - self._tags_height())
        translation = index.data(UtteranceRole.Translation)
        if translation:
            below = self.translation_height(translation)
            text_rect.setHeight(text_rect.height() - below)
            muted = QPalette.ColorRole.PlaceholderText if not selected else fg_role
            painter.setPen(option.palette.color(muted))
            painter.drawText(
                QRect(text_rect.left(), text_rect.bottom() + 1 + TAG_GAP, text_rect.width(), below),
                int(Qt.TextFlag.TextWordWrap),
                translation,
            )
        spans = index.data(UtteranceRole.Highlights) or []
        painter.setPen(fg)
        if spans:
            self._draw_highlighted(painter, text_rect, text, spans, fg)
        else:
            painter.drawText(text_rect, int(Qt.TextFlag.TextWordWrap), text)
        if tags:
            self._draw_tags(painter, self.tag_chip_rects(r, tags), tags)
        if self._mark_width and index.data(UtteranceRole.Corrected):
            self._draw_mark(painter, self.mark_rect(r), fg, selected)
        painter.restore()

    def _draw_mark(self, painter: QPainter, rect: QRect, fg: QColor, selected: bool) -> None:
        painter.setFont(self._small)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = fg if selected else QColor(EDITED_COLOR)
        painter.setPen(color)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), EDITED_LABEL)
        painter.setFont(self._font)
        painter.setPen(fg)

    # ---------------------------------------------------------------- editing in place

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = TurnEditor(parent)
        editor.setFont(self._font)
        row = index.row()
        editor.commit_requested.connect(lambda: self._commit(editor))
        editor.split_requested.connect(lambda pos: self._split(editor, row, pos))
        return editor

    def _commit(self, editor: TurnEditor) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def _split(self, editor: TurnEditor, row: int, pos: int) -> None:
        text = editor.toPlainText()
        editor.committed = True  # the split carries the edited text: no second commit
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
        if self.split_at is not None:
            self.split_at(row, text, pos)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, TurnEditor) and not editor.loaded:
            editor.setPlainText(index.data(Qt.ItemDataRole.DisplayRole) or "")
            editor.moveCursor(editor.textCursor().MoveOperation.End)
            editor.loaded = True

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:
        if not isinstance(editor, TurnEditor) or editor.committed:
            return
        editor.committed = True
        text = editor.toPlainText()
        if text != (index.data(Qt.ItemDataRole.DisplayRole) or "") and self.commit_text:
            self.commit_text(index.row(), text)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        r = option.rect
        left = r.left() + self.text_left() - PAD
        height = max(r.height(), self._fm.height() * 3 + 2 * PAD)
        editor.setGeometry(QRect(left, r.top(), self.text_width() + 2 * PAD, height))

    def _draw_highlighted(
        self, painter: QPainter, rect: QRect, text: str, spans: list[tuple[int, int]], fg: QColor
    ) -> None:
        """Plain text with background ranges, laid out by QTextLayout (no HTML anywhere)."""
        layout, _lines = highlighted_layout(text, self._font, spans, rect.width())
        painter.setPen(fg)
        painter.save()
        painter.setClipRect(rect)
        layout.draw(painter, rect.topLeft())
        painter.restore()

    def tag_chip_rects(self, row_rect: QRect, tags: list[tuple[str, str]]) -> list[QRectF]:
        """Where each tag chip of a row goes (the tags panel hit-tests clicks and tooltips).

        Chips sit in one line under the text; names are elided, chips past the row's end are
        dropped rather than drawn over the next column."""
        fm = self._fm
        h = fm.height()
        x = float(row_rect.left() + self.text_left())
        right = row_rect.left() + self.text_left() + self.text_width()
        y = float(row_rect.bottom() - PAD - h)
        out: list[QRectF] = []
        for name, _color in tags:
            w = fm.horizontalAdvance(self._chip_label(name)) + 2 * PAD
            if out and x + w > right:
                break
            out.append(QRectF(x, y, w, h))
            x += w + TAG_GAP
        return out

    def _chip_label(self, name: str) -> str:
        return self._fm.elidedText(name, Qt.TextElideMode.ElideRight, CHIP_MAX)

    def _draw_tags(
        self, painter: QPainter, rects: list[QRectF], tags: list[tuple[str, str]]
    ) -> None:
        fm = self._fm
        for chip, (name, color) in zip(rects, tags, strict=False):
            bg = QColor(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(chip, fm.height() / 2, fm.height() / 2)
            painter.setPen(text_color_on(bg))
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), self._chip_label(name))


def shifted_rows(by_row: dict[int, int], first: int, delta: int) -> dict[int, int]:
    """``by_row`` after ``delta`` rows were inserted at ``first`` (or ``-delta`` removed
    from it): rows before ``first`` stay, removed rows go, the others move by ``delta``."""
    gone_end = first - delta if delta < 0 else first
    return {
        (r + delta if r >= first else r): h for r, h in by_row.items() if r < first or r >= gone_end
    }
