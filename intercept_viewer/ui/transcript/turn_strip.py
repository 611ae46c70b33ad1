"""The turn strip: a bird's-eye view of who speaks when.

One lane per speaker, one block per turn, placed by time when the transcript has timestamps
and by position otherwise. A 100,000-turn transcript is not 100,000 rectangles: the layout
(``layout_turns``, plain Python that a worker thread runs) reduces each lane to runs of
RESOLUTION columns once, and painting scales those runs to the current width. The part of the
transcript on screen in the list is shaded; other panels may add marks (search hits, tags).

With a recording (``set_recording``) a waveform lane sits above the speakers' lanes and a
playhead follows the player; the turn being heard is outlined (``set_current_seq``). Ctrl+wheel
zooms from the whole call down to a few seconds, the wheel then pans; lanes, waveform, marks
and the shaded range stay in step (``ui.media.strip_clock`` holds the view and the times).

Signals:
    seq_clicked(seq): the user clicked a turn.
    time_clicked(ms): the user clicked the waveform lane (a recording is loaded).
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice
from operator import ge, itemgetter, le

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from intercept_viewer.core.model import Speaker
from intercept_viewer.ui.media.strip_clock import StripClock
from intercept_viewer.ui.widgets.safe_text import tooltip_html as safe_tooltip_html

LANE_MIN, LANE_MAX = 6, 16
MAX_HEIGHT = 110
LABEL_WIDTH = 96
#: Width of a search-hit or tag tick, in pixels: 2 px vanished among 100,000 turns.
MARK_WIDTH = 3
MARK_HEIGHT = 5
WAVE_HEIGHT = 26
#: Zoomed in to at most this many turns, each is drawn as itself (sharper than the columns).
DRAW_EACH_TURN_UP_TO = 4000
TOOLTIP_CHARS = 300
# Columns of the precomputed coverage of each lane; painting scales them to the strip's width
# (more than any screen gives the strip, so scaling only ever merges columns).
RESOLUTION = 4096

Outline = Sequence[tuple[int, int | None, int | None, int | None]]
Runs = list[list[tuple[int, int]]]


def tooltip_html(text: str) -> str:
    """Plain text for a tooltip: escaped and wrapped in <p> so Qt never renders it as HTML;
    directional overrides are kept inside an isolate (``ui.widgets.safe_text``)."""
    return safe_tooltip_html(text)


# ---------------------------------------------------------------- layout (no Qt: worker-safe)


@dataclass(frozen=True)
class TurnLayout:
    """Where every turn goes, normalised to 0..1. Computed once per transcript (off the GUI
    thread for a library file); drawing only scales it.

    Attributes:
        lanes: the speaker id of each lane (None: turns without a known speaker).
        seqs, lane_idx, x0, x1: per turn its seq, lane, start and end; x0 never decreases,
            so the turn under the mouse can be found by bisection.
        speaker_ids: per turn its speaker id (the list's Alt+Up/Down needs it).
        by_time: placed by timestamps, else by position.
        coverage: per lane, the merged ``[start, end)`` runs of RESOLUTION columns it covers.
        t0_ms, span_ms: for a layout by time, the time at 0 and the time 0..1 spans (so a
            recording's playhead and waveform can be drawn in step with the turns).
    """

    lanes: list[int | None] = field(default_factory=list)
    seqs: Sequence[int] = ()
    lane_idx: Sequence[int] = ()
    x0: Sequence[float] = ()
    x1: Sequence[float] = ()
    speaker_ids: list[int | None] = field(default_factory=list)
    by_time: bool = False
    coverage: Runs = field(default_factory=list)
    t0_ms: float = 0.0
    span_ms: float = 0.0


def layout_turns(outline: Outline, speaker_ids: Sequence[int], has_times: bool) -> TurnLayout:
    """Lay ``outline`` (``(seq, speaker_id, start_ms, end_ms)`` rows in seq order) out in lanes.

    One lane per id of ``speaker_ids`` in that order, plus a last one for turns without a
    (known) speaker. The per-turn work runs in C (``zip``, ``map``, ``accumulate``, ``array``)
    but for the coverage pass: 100,000 turns take tens of milliseconds, and the arrays of
    doubles take a quarter of the memory of lists of floats.
    """
    lanes: list[int | None] = list(speaker_ids)
    if not outline:
        return TurnLayout(lanes=lanes, coverage=[[] for _ in lanes])
    seqs, sids, starts, ends = (list(map(itemgetter(i), outline)) for i in range(4))
    lane_of: dict[int | None, int] = {sid: i for i, sid in enumerate(lanes)}
    strays = set(sids).difference(lane_of)
    if strays:
        lanes.append(None)
        lane_of.update(dict.fromkeys(strays, len(lanes) - 1))
    lane_idx = array("H", map(lane_of.__getitem__, sids))
    by_time = has_times and any(s is not None for s in starts)
    n = len(seqs)
    t0_ms = span_ms = 0.0
    if by_time:
        x0, x1, t0_ms, span_ms = _time_positions(starts, ends)
    else:
        step = 1.0 / n
        x0 = array("d", [i * step for i in range(n)])
        x1 = array("d", [i * step for i in range(1, n + 1)])
    return TurnLayout(
        lanes=lanes,
        seqs=array("q", seqs),
        lane_idx=lane_idx,
        x0=x0,
        x1=x1,
        speaker_ids=list(sids),
        by_time=by_time,
        coverage=_coverage(len(lanes), lane_idx, x0, x1),
        t0_ms=t0_ms,
        span_ms=span_ms,
    )


def _time_positions(
    starts: Sequence[int | None], ends: Sequence[int | None]
) -> tuple[array[float], array[float], float, float]:
    """Normalised start and end of each turn, and the time frame (t0, span) in ms. A turn
    without a start begins where the ones before it ended; an end before the start (or none)
    is the start."""
    s_vals: Sequence[float]
    e_vals: Sequence[float]
    if None in starts or None in ends:
        s_list: list[float] = []
        e_list: list[float] = []
        last = 0.0
        for start, end in zip(starts, ends, strict=True):
            s = float(start) if start is not None else last
            e = float(end) if end is not None and end >= s else s
            s_list.append(s)
            e_list.append(e)
            last = max(last, e)
        s_vals, e_vals = s_list, e_list
    else:  # the usual case: checks and fixes run in C
        s_vals = starts  # type: ignore[assignment]
        e_vals = ends  # type: ignore[assignment]
        if not all(map(ge, e_vals, s_vals)):
            e_vals = list(map(max, e_vals, s_vals))
    t0 = float(min(s_vals))
    span = (float(max(e_vals)) - t0) or 1.0
    scale = 1.0 / span
    # starts never decrease, whatever order the file gave the times in: a running max
    if not all(map(le, s_vals, islice(s_vals, 1, None))):
        s_vals = list(accumulate(s_vals, max))
    x0 = array("d", [(v - t0) * scale for v in s_vals])
    x1 = array("d", [(v - t0) * scale for v in e_vals])
    return x0, x1, t0, span


def _coverage(
    lanes: int, lane_idx: Sequence[int], x0: Sequence[float], x1: Sequence[float]
) -> Runs:
    """Per lane, the merged runs of RESOLUTION columns covered by its turns.

    Every turn covers at least one column. x0 is sorted, so one pass that extends each lane's
    open run (or closes it and opens the next) yields merged runs."""
    res = float(RESOLUTION)
    b0s = map(int, map(res.__mul__, x0))
    b1s = map(math.ceil, map(res.__mul__, x1))
    runs: Runs = [[] for _ in range(lanes)]
    open_a = [0] * lanes
    open_b = [-1] * lanes
    last_col = RESOLUTION - 1
    for lane, a, b in zip(lane_idx, b0s, b1s, strict=True):
        if a > last_col:
            a = last_col
        if b <= a:
            b = a + 1
        if a <= open_b[lane]:  # touches or overlaps the lane's open run
            if b > open_b[lane]:
                open_b[lane] = b
        else:
            if open_b[lane] >= 0:
                runs[lane].append((open_a[lane], open_b[lane]))
            open_a[lane] = a
            open_b[lane] = b
    for lane in range(lanes):
        if open_b[lane] >= 0:
            runs[lane].append((open_a[lane], min(open_b[lane], RESOLUTION)))
    return runs


def scale_runs(coverage: Runs, width: int) -> Runs:
    """``coverage`` at ``width`` pixels: per lane, merged ``(x, length)`` runs, each at least a
    pixel wide. A few thousand runs at most, whatever the number of turns."""
    out: Runs = []
    for lane_runs in coverage:
        pixels: list[tuple[int, int]] = []
        start = end = -1
        for a, b in lane_runs:
            p0 = min(width - 1, a * width // RESOLUTION)
            p1 = min(width, max(p0 + 1, -(-b * width // RESOLUTION)))
            if p0 <= end:
                end = max(end, p1)
            else:
                if end >= 0:
                    pixels.append((start, end - start))
                start, end = p0, p1
        if end >= 0:
            pixels.append((start, end - start))
        out.append(pixels)
    return out


# ---------------------------------------------------------------- the widget


class TurnStrip(QWidget):
    """Attributes:
    text_for_seq: callback giving ``Speaker: words`` for the hover tooltip (set by the owner).
    by_time: the turns are placed by time.
    """

    seq_clicked = Signal(int)
    time_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.text_for_seq: Callable[[int], str] | None = None
        self._lanes: list[int | None] = []
        self._lane_of: dict[int | None, int] = {}
        self._colors: list[QColor] = []
        self._names: list[str] = []
        self._seqs: Sequence[int] = ()
        self._lane_idx: Sequence[int] = ()
        self._x0: Sequence[float] = ()
        self._x1: Sequence[float] = ()
        self._coverage: Runs = []
        self._visible: tuple[int, int] | None = None
        self._marks: dict[str, list[tuple[int, QColor]]] = {}
        self._runs_cache: tuple[int, Runs] | None = None
        self.by_time = False
        self.clock = StripClock()
        self._current_seq: int | None = None

    # ---------------------------------------------------------------- data

    def set_turns(self, outline: Outline, speakers: list[Speaker], has_times: bool) -> None:
        """Lay the turns out here and now (small outlines; big ones go through a worker)."""
        self.set_layout(layout_turns(outline, [s.id for s in speakers], has_times), speakers)

    def set_layout(self, layout: TurnLayout, speakers: list[Speaker]) -> None:
        """Show a computed layout; ``speakers`` give the lanes' names and colours."""
        by_id = {s.id: s for s in speakers}
        self._lanes = list(layout.lanes)
        self._names = []
        self._colors = []
        for sid in self._lanes:
            s = by_id.get(sid) if sid is not None else None
            self._names.append(s.name if s is not None else "?")
            self._colors.append(QColor(s.color if s is not None else "#808080"))
        self._lane_of = {sid: i for i, sid in enumerate(self._lanes)}
        self._seqs = layout.seqs
        self._lane_idx = layout.lane_idx
        self._x0, self._x1 = layout.x0, layout.x1
        self._coverage = layout.coverage
        self.by_time = layout.by_time
        self._runs_cache = None
        self._visible = None
        self.clock.set_frame(layout.by_time, layout.t0_ms, layout.span_ms, len(layout.seqs))
        self.updateGeometry()
        self.update()

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

    # ---------------------------------------------------------------- the recording

    def set_recording(self, duration_ms: int | None) -> None:
        """A recording of ``duration_ms`` is loaded (None: none): the waveform lane shows."""
        self.clock.set_recording(duration_ms)
        self.updateGeometry()
        self.update()

    def set_peaks(self, data: bytes | None, rate: int) -> None:
        self.clock.set_peaks(data, rate)
        self.update()

    def set_playhead(self, ms: int | None) -> None:
        """Where the player is; a zoomed strip pages along so the playhead stays in view."""
        self.clock.playhead_ms = ms
        if ms is not None:
            frac = self.clock.ms_to_frac(ms)
            if frac is not None:
                self.clock.keep_in_view(frac)
        self.update()

    def set_current_seq(self, seq: int | None) -> None:
        """Outline the turn being heard (None: none)."""
        if seq != self._current_seq:
            self._current_seq = seq
            self.update()

    def current_seq(self) -> int | None:
        return self._current_seq

    def seq_at_ms(self, ms: int) -> int | None:
        """The turn being heard at ``ms``: the last one started by then (timed layouts only).

        In a pause between turns the previous turn stays current, so the highlight does not
        flicker off and on between every two turns."""
        if not self._seqs or not self.by_time:
            return None
        frac = self.clock.ms_to_frac(ms)
        if frac is None:
            return None
        i = bisect.bisect_right(self._x0, frac + 1e-12) - 1
        return self._seqs[i] if i >= 0 else None

    def start_ms_of(self, seq: int) -> int | None:
        """When turn ``seq`` starts, as laid out (timed layouts only)."""
        if not self.by_time or not 1 <= seq <= len(self._seqs):
            return None
        return self.clock.frac_to_ms(self._x0[seq - 1])

    # ---------------------------------------------------------------- zoom

    def zoom(self, factor: float, around_x: float | None = None) -> None:
        """Zoom by ``factor`` (< 1 narrows) around a pixel x (default: the middle)."""
        plot = self._plot_rect()
        x = plot.center().x() if around_x is None else around_x
        self.clock.zoom(factor, self.clock.frac_at(x, plot))
        self.update()

    def reset_zoom(self) -> None:
        self.clock.view = self.clock.full_range()
        self.update()

    def view_ms(self) -> tuple[int, int] | None:
        """The time range on screen, when the strip has times."""
        a, b = (self.clock.frac_to_ms(f) for f in self.clock.view)
        return (a, b) if a is not None and b is not None else None

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = (event.angleDelta().y() or event.angleDelta().x()) / 120
        if not steps:
            return super().wheelEvent(event)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(0.8**steps, event.position().x())
            event.accept()
        elif self.clock.is_zoomed():
            self.clock.pan(-0.15 * steps)
            self.update()
            event.accept()
        else:
            super().wheelEvent(event)

    # ---------------------------------------------------------------- geometry

    def _lane_height(self) -> int:
        n = max(1, len(self._lanes))
        return max(LANE_MIN, min(LANE_MAX, (MAX_HEIGHT - MARK_HEIGHT - 4) // n))

    def _wave_height(self) -> int:
        return WAVE_HEIGHT if self.clock.has_recording else 0

    def sizeHint(self) -> QSize:
        return QSize(
            400,
            MARK_HEIGHT + 4 + self._wave_height() + self._lane_height() * max(1, len(self._lanes)),
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.sizeHint().height())

    def _plot_rect(self) -> QRect:
        """The speakers' lanes (the waveform lane sits just above them)."""
        return QRect(
            LABEL_WIDTH,
            MARK_HEIGHT + 2 + self._wave_height(),
            max(1, self.width() - LABEL_WIDTH - 4),
            self._lane_height() * max(1, len(self._lanes)),
        )

    def wave_rect(self) -> QRect:
        plot = self._plot_rect()
        return QRect(plot.left(), MARK_HEIGHT + 2, plot.width(), self._wave_height() - 2)

    def _x_of(self, frac: float, plot: QRect) -> int:
        return self.clock.x_of(frac, plot)

    def _runs(self, width: int) -> Runs:
        """Per lane, the (start, length) pixel runs covered by turns at this width."""
        if self._runs_cache is None or self._runs_cache[0] != width:
            self._runs_cache = (width, scale_runs(self._coverage, width))
        return self._runs_cache[1]

    def _index_at(self, pos: QPoint) -> int | None:
        """The turn under the mouse: nearest by x, preferring the lane under the pointer."""
        if not self._seqs:
            return None
        plot = self._plot_rect()
        if not plot.adjusted(-3, -3, 3, 3).contains(pos):
            return None
        frac = self.clock.frac_at(pos.x(), plot)
        lane = min(len(self._lanes) - 1, max(0, (pos.y() - plot.top()) // self._lane_height()))
        i = max(0, bisect.bisect_right(self._x0, frac) - 1)
        tol = 3 * self.clock.frac_per_pixel(plot)
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
        if self.clock.has_recording:
            wave = self.wave_rect()
            if fm.height() - 4 <= wave.height():
                p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
                p.drawText(
                    QRect(4, wave.top(), LABEL_WIDTH - 8, wave.height()),
                    int(Qt.AlignmentFlag.AlignVCenter),
                    "Sound",
                )
            self.clock.paint_wave(p, wave, plot, pal)
        if self._seqs and self.clock.view == (0.0, 1.0):
            runs = self._runs(plot.width())
            for lane, lane_runs in enumerate(runs):
                color = self._colors[lane]
                y = plot.top() + lane * lh + 1
                for x, w in lane_runs:
                    p.fillRect(plot.left() + x, y, w, lh - 2, color)
        elif self._seqs:
            p.save()
            p.setClipRect(plot.adjusted(0, -self._wave_height(), 0, 0))
            self._paint_zoomed(p, plot, lh)
            p.restore()
        if self._current_seq is not None and 1 <= self._current_seq <= len(self._seqs):
            i = self._current_seq - 1
            x0 = self._x_of(self._x0[i], plot)
            x1 = max(x0 + 3, self._x_of(self._x1[i], plot))
            y = plot.top() + self._lane_idx[i] * lh
            p.setPen(QPen(pal.color(QPalette.ColorRole.Text), 2))
            p.drawRect(QRect(x0, y, x1 - x0, lh - 1))
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
                    if plot.left() - MARK_WIDTH <= x <= plot.right() + 1:
                        # centred on the turn, wide enough to see (and hit) at 100,000 turns
                        p.fillRect(QRect(x - MARK_WIDTH // 2, 0, MARK_WIDTH, MARK_HEIGHT), color)
        self.clock.paint_playhead(p, plot, self.height())
        p.end()

    def _paint_zoomed(self, p: QPainter, plot: QRect, lh: int) -> None:
        """The lanes when zoomed: each turn on screen drawn as itself when they are few,
        else the precomputed columns stretched to the view."""
        v0, v1 = self.clock.view
        first = max(0, bisect.bisect_right(self._x0, v0) - 1)
        last = bisect.bisect_right(self._x0, v1)
        if last - first <= DRAW_EACH_TURN_UP_TO:
            for i in range(first, last):
                if self._x1[i] < v0:
                    continue
                lane = self._lane_idx[i]
                x0 = self._x_of(self._x0[i], plot)
                x1 = max(x0 + 1, self._x_of(self._x1[i], plot))
                p.fillRect(x0, plot.top() + lane * lh + 1, x1 - x0, lh - 2, self._colors[lane])
            return
        for lane, lane_runs in enumerate(self._coverage):
            color = self._colors[lane]
            y = plot.top() + lane * lh + 1
            for a, b in lane_runs:
                fa, fb = a / RESOLUTION, b / RESOLUTION
                if fb < v0 or fa > v1:
                    continue
                x0 = self._x_of(fa, plot)
                p.fillRect(x0, y, max(1, self._x_of(fb, plot) - x0), lh - 2, color)

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
            pos = event.position().toPoint()
            if self.clock.has_recording and self.wave_rect().adjusted(0, -3, 0, 0).contains(pos):
                ms = self.clock.frac_to_ms(self.clock.frac_at(pos.x(), self._plot_rect()))
                if ms is not None:
                    self.time_clicked.emit(max(0, min(ms, self.clock.duration_ms or ms)))
                    return
            i = self._index_at(pos)
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
