"""The turn strip's view of time: which part of the call is on screen, and where a
millisecond of the recording falls.

The strip lays turns out in 0..1 ("frac"). A layout by time knows the time frame of that
range (``t0_ms``, ``span_ms``); a recording adds its own duration, which may start before the
first turn and end after the last. The clock maps between the three (ms, frac, pixel), holds
the zoomed window (``view``) and draws what belongs to the recording: the waveform lane and
the playhead. No widget: the strip owns one and asks it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QPalette

#: The narrowest window zoom reaches: a couple of seconds of the call (a few words).
MIN_VIEW_MS = 2000
#: Without times, the narrowest window is this many turns.
MIN_VIEW_TURNS = 5
PLAYHEAD_COLOR = QColor("#E11D48")


class StripClock:
    """Attributes:
    view: the (start, end) frac range on screen; the whole call when not zoomed.
    duration_ms: the recording's length (None without one).
    peaks, peaks_rate: the recording's waveform (``core.waveform.Peaks`` data), if decoded.
    playhead_ms: the player's position while a recording is loaded.
    """

    def __init__(self) -> None:
        self.by_time = False
        self.t0_ms = 0.0
        self.span_ms = 0.0
        self.turns = 0
        self.duration_ms: int | None = None
        self.peaks: bytes | None = None
        self.peaks_rate = 0
        self.playhead_ms: int | None = None
        self.view: tuple[float, float] = (0.0, 1.0)
        self._wave_cache: tuple[object, list[int]] | None = None

    # ---------------------------------------------------------------- frames

    def set_frame(self, by_time: bool, t0_ms: float, span_ms: float, turns: int) -> None:
        """A new layout: keep the zoom when it still fits, else show the whole call."""
        had_turns = self.turns > 0
        self.by_time, self.t0_ms, self.span_ms, self.turns = by_time, t0_ms, span_ms, turns
        self._wave_cache = None
        if had_turns and self.is_zoomed():
            self.set_view(*self.view)
        else:
            self.view = self.full_range()

    def set_recording(self, duration_ms: int | None) -> None:
        self.duration_ms = duration_ms if duration_ms and duration_ms > 0 else None
        if self.duration_ms is None:
            self.peaks, self.playhead_ms = None, None
        self._wave_cache = None
        self.view = self.full_range()

    def set_peaks(self, data: bytes | None, rate: int) -> None:
        self.peaks, self.peaks_rate = (data, rate) if data and rate > 0 else (None, 0)
        self._wave_cache = None

    @property
    def has_recording(self) -> bool:
        return self.duration_ms is not None

    def has_clock(self) -> bool:
        """Milliseconds can be placed on the strip."""
        return (self.by_time and self.span_ms > 0) or self.duration_ms is not None

    def ms_to_frac(self, ms: float) -> float | None:
        if self.by_time and self.span_ms > 0:
            return (ms - self.t0_ms) / self.span_ms
        if self.duration_ms:
            return ms / self.duration_ms
        return None

    def frac_to_ms(self, frac: float) -> int | None:
        if self.by_time and self.span_ms > 0:
            return int(self.t0_ms + frac * self.span_ms)
        if self.duration_ms:
            return int(frac * self.duration_ms)
        return None

    def full_range(self) -> tuple[float, float]:
        """The whole call: every turn, and the whole recording when there is one."""
        lo, hi = 0.0, 1.0
        if self.by_time and self.span_ms > 0 and self.duration_ms:
            lo = min(lo, (0 - self.t0_ms) / self.span_ms)
            hi = max(hi, (self.duration_ms - self.t0_ms) / self.span_ms)
        return lo, hi

    def min_width(self) -> float:
        lo, hi = self.full_range()
        if self.has_clock():
            a, b = self.ms_to_frac(0), self.ms_to_frac(MIN_VIEW_MS)
            assert a is not None and b is not None
            width = b - a
        else:
            width = MIN_VIEW_TURNS / max(1, self.turns)
        return min(hi - lo, max(width, 1e-9))

    # ---------------------------------------------------------------- zoom

    def is_zoomed(self) -> bool:
        lo, hi = self.full_range()
        return self.view[1] - self.view[0] < (hi - lo) * 0.999

    def set_view(self, start: float, end: float) -> None:
        lo, hi = self.full_range()
        width = min(hi - lo, max(self.min_width(), end - start))
        start = min(max(lo, start), hi - width)
        self.view = (start, start + width)
        self._wave_cache = None

    def zoom(self, factor: float, around: float) -> None:
        """Narrow (factor < 1) or widen the view, keeping ``around`` where it is."""
        v0, v1 = self.view
        width = v1 - v0
        new = width * factor
        lo, hi = self.full_range()
        new = min(hi - lo, max(self.min_width(), new))
        start = around - (around - v0) * (new / width)
        self.set_view(start, start + new)

    def pan(self, fraction: float) -> None:
        v0, v1 = self.view
        shift = (v1 - v0) * fraction
        self.set_view(v0 + shift, v1 + shift)

    def keep_in_view(self, frac: float) -> bool:
        """When zoomed, page the view so ``frac`` (the playhead) stays on screen."""
        v0, v1 = self.view
        if not self.is_zoomed() or v0 <= frac <= v1:
            return False
        width = v1 - v0
        self.set_view(frac - width * 0.1, frac + width * 0.9)
        return True

    # ---------------------------------------------------------------- pixels

    def x_of(self, frac: float, plot: QRect) -> int:
        v0, v1 = self.view
        x = plot.left() + (frac - v0) / (v1 - v0) * plot.width()
        return int(max(-1e6, min(1e6, x)))

    def frac_at(self, x: float, plot: QRect) -> float:
        v0, v1 = self.view
        return v0 + (x - plot.left()) / max(1, plot.width()) * (v1 - v0)

    def frac_per_pixel(self, plot: QRect) -> float:
        return (self.view[1] - self.view[0]) / max(1, plot.width())

    # ---------------------------------------------------------------- painting

    def wave_columns(self, plot: QRect) -> list[int]:
        """Per pixel column of the plot, the loudest peak (0..255) it covers."""
        key = (plot.left(), plot.width(), self.view, self.t0_ms, self.span_ms, id(self.peaks))
        if self._wave_cache is not None and self._wave_cache[0] == key:
            return self._wave_cache[1]
        data, rate = self.peaks or b"", self.peaks_rate
        out: list[int] = []
        n = len(data)
        for x in range(plot.width()):
            a = self.frac_to_ms(self.frac_at(plot.left() + x, plot))
            b = self.frac_to_ms(self.frac_at(plot.left() + x + 1, plot))
            if a is None or b is None or n == 0 or b <= 0:
                out.append(0)
                continue
            i0 = max(0, a * rate // 1000)
            i1 = min(n, max(i0 + 1, b * rate // 1000))
            out.append(max(data[i0:i1]) if i0 < i1 else 0)
        self._wave_cache = (key, out)
        return out

    def paint_wave(self, p: QPainter, lane: QRect, plot: QRect, pal: QPalette) -> None:
        """The waveform lane: a mirrored bar per pixel column, the recording's extent shaded."""
        if not self.has_recording:
            return
        base = pal.color(QPalette.ColorRole.AlternateBase)
        a = self.ms_to_frac(0)
        b = self.ms_to_frac(self.duration_ms or 0)
        if a is not None and b is not None:
            x0 = max(plot.left(), self.x_of(a, plot))
            x1 = min(plot.right() + 1, self.x_of(b, plot))
            p.fillRect(QRect(x0, lane.top(), max(0, x1 - x0), lane.height()), base)
        if not self.peaks:
            return
        color = QColor(pal.color(QPalette.ColorRole.Text))
        color.setAlpha(150)
        mid = lane.top() + lane.height() / 2
        half = (lane.height() - 2) / 2
        for x, v in enumerate(self.wave_columns(plot)):
            if v:
                h = max(1, int(v / 255 * half))
                p.fillRect(plot.left() + x, int(mid - h), 1, 2 * h, color)

    def paint_playhead(self, p: QPainter, plot: QRect, height: int) -> None:
        if self.playhead_ms is None:
            return
        frac = self.ms_to_frac(self.playhead_ms)
        if frac is None:
            return
        x = self.x_of(frac, plot)
        if plot.left() - 1 <= x <= plot.right() + 1:
            p.fillRect(QRect(x - 1, 0, 2, height), PLAYHEAD_COLOR)
