"""The turn strip: a bird's-eye view of who speaks when.

One lane per speaker, one block per turn, placed by time when the transcript has timestamps
and by position otherwise. A 100,000-turn transcript is not 100,000 rectangles: for the
current width each lane is reduced to a row of pixel columns, drawn as runs. The part of the
transcript on screen in the list is shaded; other panels may add marks (search hits, tags).

Signals:
    seq_clicked(seq): the user clicked a turn.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from intercept_viewer.core.model import Speaker
from intercept_viewer.ui.safe_text import tooltip_html as safe_tooltip_html

LANE_MIN, LANE_MAX = 6, 16
MAX_HEIGHT = 110
LABEL_WIDTH = 96
MARK_HEIGHT = 5
TOOLTIP_CHARS = 300
_RUNS = re.compile(rb"\x01+")

Outline = list[tuple[int, int | None, int | None, int | None]]


def tooltip_html(text: str) -> str:
    """Plain text for a tooltip: escaped and wrapped in <p> so Qt never renders it as HTML;
    directional overrides are kept inside an isolate (``ui.safe_text``)."""
    return safe_tooltip_html(text)


class TurnStrip(QWidget):
    """Attributes:
    text_for_seq: callback giving ``Speaker: words`` for the hover tooltip (set by the owner).
    """

    seq_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.text_for_seq: Callable[[int], str] | None = None
        self._lanes: list[int | None] = []
        self._lane_of: dict[int | None, int] = {}
        self._colors: list[QColor] = []
        self._names: list[str] = []
        self._seqs: list[int] = []
        self._lane_idx: list[int] = []
        self._x0: list[float] = []
        self._x1: list[float] = []
        self._visible: tuple[int, int] | None = None
        self._marks: dict[str, list[tuple[int, QColor]]] = {}
        self._runs_cache: tuple[int, list[list[tuple[int, int]]]] | None = None
        self.by_time = False

    # ---------------------------------------------------------------- data

    def set_turns(self, outline: Outline, speakers: list[Speaker], has_times: bool) -> None:
        """Lay the turns out once (normalised 0..1); drawing scales them to the width."""
        self._lanes = [s.id for s in speakers]
        self._names = [s.name for s in speakers]
        self._colors = [QColor(s.color) for s in speakers]
        if any(sid is None for _, sid, _, _ in outline):
            self._lanes.append(None)
            self._names.append("?")
            self._colors.append(QColor("#808080"))
        self._lane_of = {sid: i for i, sid in enumerate(self._lanes)}
        self._seqs = [row[0] for row in outline]
        self._lane_idx = [self._lane_of.get(row[1], len(self._lanes) - 1) for row in outline]
        self.by_time = has_times and any(row[2] is not None for row in outline)
        self._x0, self._x1 = self._positions(outline)
        self._runs_cache = None
        self._visible = None
        self.updateGeometry()
        self.update()

    def _positions(self, outline: Outline) -> tuple[list[float], list[float]]:
        n = len(outline)
        if n == 0:
            return [], []
        if not self.by_time:
            return [i / n for i in range(n)], [(i + 1) / n for i in range(n)]
        starts: list[float] = []
        ends: list[float] = []
        last = 0.0
        for _seq, _sid, start, end in outline:
            s = float(start) if start is not None else last
            e = float(end) if end is not None and end >= s else s
            starts.append(s)
            ends.append(e)
            last = max(last, e, s)
        t0 = min(starts)
        t1 = max(max(ends), max(starts))
        span = (t1 - t0) or 1.0
        x0 = [(s - t0) / span for s in starts]
        x1 = [(e - t0) / span for e in ends]
        # monotone starts are needed for bisecting the hover position
        for i in range(1, n):
            if x0[i] < x0[i - 1]:
                x0[i] = x0[i - 1]
        return x0, x1

    def set_speakers(self, speakers: list[Speaker]) -> None:
        """Names and colours changed (rename / recolour): no new layout needed."""
        for s in speakers:
            i = self._lane_of.get(s.id)
            if i is not None:
                self._names[i] = s.name
                self._colors[i] = QColor(s.color)
        self.update()

    def set_visible_range(self, first_seq: int, last_seq: int) -> None:
        self._visible = (first_seq, last_seq) if first_seq > 0 else None
        self.update()

    def set_marks(self, key: str, marks: list[tuple[int, QColor]]) -> None:
        """Extra ticks over the strip (e.g. ``"search"`` hits); an empty list removes them."""
        if marks:
            self._marks[key] = marks
        else:
            self._marks.pop(key, None)
        self.update()

    def turn_count(self) -> int:
        return len(self._seqs)

    # ---------------------------------------------------------------- geometry

    def _lane_height(self) -> int:
        n = max(1, len(self._lanes))
        return max(LANE_MIN, min(LANE_MAX, (MAX_HEIGHT - MARK_HEIGHT - 4) // n))

    def sizeHint(self) -> QSize:
        return QSize(400, MARK_HEIGHT + 4 + self._lane_height() * max(1, len(self._lanes)))

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.sizeHint().height())

    def _plot_rect(self) -> QRect:
        return QRect(
            LABEL_WIDTH,
            MARK_HEIGHT + 2,
            max(1, self.width() - LABEL_WIDTH - 4),
            self._lane_height() * max(1, len(self._lanes)),
        )

    def _x_of(self, frac: float, plot: QRect) -> int:
        return plot.left() + int(frac * plot.width())

    def _runs(self, width: int) -> list[list[tuple[int, int]]]:
        """Per lane, the (start, length) pixel runs covered by turns at this width."""
        if self._runs_cache is not None and self._runs_cache[0] == width:
            return self._runs_cache[1]
        cols = [bytearray(width) for _ in self._lanes]
        for lane, a, b in zip(self._lane_idx, self._x0, self._x1, strict=True):
            p0 = min(width - 1, int(a * width))
            p1 = min(width, max(p0 + 1, math.ceil(b * width)))
            cols[lane][p0:p1] = b"\x01" * (p1 - p0)
        runs = [[(m.start(), m.end() - m.start()) for m in _RUNS.finditer(c)] for c in cols]
        self._runs_cache = (width, runs)
        return runs

    def _index_at(self, pos: QPoint) -> int | None:
        """The turn under the mouse: nearest by x, preferring the lane under the pointer."""
        if not self._seqs:
            return None
        plot = self._plot_rect()
        if not plot.adjusted(-3, -3, 3, 3).contains(pos):
            return None
        frac = (pos.x() - plot.left()) / plot.width()
        lane = min(len(self._lanes) - 1, max(0, (pos.y() - plot.top()) // self._lane_height()))
        i = max(0, bisect.bisect_right(self._x0, frac) - 1)
        tol = 3 / plot.width()
        best = None
        # look at the turns around that x for one in the lane under the pointer
        j = i
        while j >= 0 and self._x0[j] >= frac - tol - (self._x1[j] - self._x0[j]):
            if self._lane_idx[j] == lane and self._x0[j] - tol <= frac <= self._x1[j] + tol:
                best = j
                break
            j -= 1
            if i - j > 2000:
                break
        if best is None:
            for k in range(i, min(len(self._seqs), i + 50)):
                if self._x0[k] > frac + tol:
                    break
                if self._lane_idx[k] == lane:
                    best = k
                    break
        return best if best is not None else i

    # ---------------------------------------------------------------- events

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        plot = self._plot_rect()
        lh = self._lane_height()
        fm = p.fontMetrics()
        for lane, name in enumerate(self._names):
            y = plot.top() + lane * lh
            if lane % 2:
                p.fillRect(
                    QRect(0, y, self.width(), lh), pal.color(QPalette.ColorRole.AlternateBase)
                )
            if lh >= fm.height() - 4:
                p.setPen(pal.color(QPalette.ColorRole.Text))
                label = fm.elidedText(name, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 10)
                p.drawText(
                    QRect(4, y, LABEL_WIDTH - 8, lh), int(Qt.AlignmentFlag.AlignVCenter), label
                )
        if self._seqs:
            runs = self._runs(plot.width())
            for lane, lane_runs in enumerate(runs):
                color = self._colors[lane]
                y = plot.top() + lane * lh + 1
                for x, w in lane_runs:
                    p.fillRect(plot.left() + x, y, w, lh - 2, color)
        if self._visible and self._seqs:
            n = len(self._seqs)
            a = max(0, min(n - 1, self._visible[0] - 1))
            b = max(0, min(n - 1, self._visible[1] - 1))
            x0 = self._x_of(self._x0[a], plot)
            x1 = max(x0 + 2, self._x_of(self._x1[b], plot))
            hl = QColor(pal.color(QPalette.ColorRole.Highlight))
            hl.setAlpha(60)
            p.fillRect(QRect(x0, 0, x1 - x0, self.height()), hl)
            hl.setAlpha(220)
            p.setPen(hl)
            p.drawRect(QRect(x0, 0, x1 - x0, self.height() - 1))
        for marks in self._marks.values():
            n = len(self._seqs)
            for seq, color in marks:
                if 1 <= seq <= n:
                    x = self._x_of(self._x0[seq - 1], plot)
                    p.fillRect(QRect(x, 0, 2, MARK_HEIGHT), color)
        p.end()

    def event(self, e: object) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QHelpEvent.Type.ToolTip:
            i = self._index_at(e.pos())
            if i is None:
                QToolTip.hideText()
                e.ignore()
                return True
            seq = self._seqs[i]
            text = self.text_for_seq(seq) if self.text_for_seq else f"#{seq}"
            if len(text) > TOOLTIP_CHARS:
                text = text[:TOOLTIP_CHARS] + "…"
            QToolTip.showText(e.globalPos(), tooltip_html(text), self)
            return True
        return super().event(e)  # type: ignore[arg-type]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            i = self._index_at(event.position().toPoint())
            if i is not None:
                self.seq_clicked.emit(self._seqs[i])
                return
        super().mousePressEvent(event)

    def seq_at(self, pos: QPoint) -> int | None:
        i = self._index_at(pos)
        return None if i is None else self._seqs[i]

    def point_for_seq(self, seq: int) -> QPoint:
        """The centre of ``seq``'s block (tests click there)."""
        plot = self._plot_rect()
        i = seq - 1
        x = (
            self._x_of(self._x0[i], plot)
            + max(self._x_of(self._x0[i], plot) + 1, self._x_of(self._x1[i], plot))
        ) // 2
        y = plot.top() + self._lane_idx[i] * self._lane_height() + self._lane_height() // 2
        return QPoint(x, y)
