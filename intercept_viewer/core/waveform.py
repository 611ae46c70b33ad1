"""Reading recordings with PyAV: how long they are, whether they have video, their waveform.

PyAV brings its own FFmpeg, so any container the releases come in (WAV, MP3, M4A, Ogg/Opus,
MP4, WebM, MKV — video too: only the audio stream is decoded) is read the same way on every
machine. Nothing here touches Qt: the window runs ``decode_peaks`` on a worker thread and
stores the result in the library, so a recording is decoded once, not on every open.

The waveform is kept small: ``PEAKS_PER_SECOND`` bytes per second of sound, each the loudest
sample of its slice scaled to 0..255 (50 a second: an hour is 180 KB, and a strip zoomed to a
few seconds still gets a column every few pixels).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from intercept_viewer.core.errors import MediaError

PEAKS_PER_SECOND = 50
#: Decoding resamples to this rate, mono, 16-bit: plenty for a waveform, and cheap to scan.
DECODE_RATE = 8000
_SLICE = DECODE_RATE // PEAKS_PER_SECOND


@dataclass(frozen=True)
class MediaInfo:
    """What a quick look at a recording's header says."""

    duration_ms: int | None
    has_video: bool
    has_audio: bool


@dataclass(frozen=True)
class Peaks:
    """A waveform: ``rate`` values a second, each 0..255 (``data[i]`` covers
    ``i / rate .. (i + 1) / rate`` seconds). ``duration_ms`` is the decoded sound's length."""

    rate: int
    data: bytes
    duration_ms: int

    def at_ms(self, ms: int) -> int:
        """The peak at ``ms`` (0 outside the recording)."""
        i = ms * self.rate // 1000
        return self.data[i] if 0 <= i < len(self.data) else 0


def _open(path: Path):  # type: ignore[no-untyped-def]
    import av

    try:
        return av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: not a recording PyAV can read ({exc})") from None


def probe(path: Path) -> MediaInfo:
    """Duration and streams from the container's header (no decoding: milliseconds)."""
    container = _open(path)
    try:
        audio = container.streams.audio
        video = [s for s in container.streams.video if not _is_cover_art(s)]
        if not audio and not video:
            raise MediaError(f"{path}: the file has no sound or picture to play")
        duration_ms: int | None = None
        if container.duration is not None and container.duration > 0:
            duration_ms = int(container.duration // 1000)  # microseconds (AV_TIME_BASE)
        else:
            for s in (*audio, *video):
                if s.duration is not None and s.time_base is not None:
                    duration_ms = int(s.duration * s.time_base * 1000)
                    break
        return MediaInfo(duration_ms, bool(video), bool(audio))
    finally:
        container.close()


def _is_cover_art(stream: object) -> bool:
    """An MP3's or M4A's embedded cover picture is a 'video' stream of one frame."""
    disposition = getattr(stream, "disposition", None)
    try:
        import av

        return bool(disposition is not None and disposition & av.stream.Disposition.attached_pic)
    except (AttributeError, TypeError):
        return False


def decode_peaks(
    path: Path,
    *,
    rate: int = PEAKS_PER_SECOND,
    cancelled: Callable[[], bool] | None = None,
) -> Peaks:
    """Decode the first audio stream and reduce it to ``rate`` peaks a second.

    ``cancelled()`` is checked between decoded frames; a cancelled decode raises MediaError.
    """
    steps = iter_decode_peaks(path, rate=rate)
    try:
        while True:
            next(steps)
            if cancelled is not None and cancelled():
                steps.close()
                raise MediaError(f"{path}: decoding the waveform was stopped")
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


def iter_decode_peaks(
    path: Path, *, rate: int = PEAKS_PER_SECOND
) -> Generator[float, None, Peaks]:
    """``decode_peaks`` as a generator op: yields the fraction done (0..1) between frames,
    returns the Peaks; closing it stops the decode (the task runner's cancel).

    A recording without sound (a silent video) gives empty peaks and its header's duration.
    """
    import av

    slice_len = DECODE_RATE // rate
    container = _open(path)
    try:
        if not container.streams.audio:
            info = probe(path)
            return Peaks(rate, b"", info.duration_ms or 0)
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        total_s = (container.duration or 0) / 1_000_000
        resampler = av.AudioResampler(format="s16", layout="mono", rate=DECODE_RATE)
        out = bytearray()
        pending = array("h")
        total = 0

        def take(frames: list[av.AudioFrame]) -> None:
            nonlocal total
            for f in frames:
                n = f.samples
                pending.frombytes(bytes(f.planes[0])[: n * 2])
                total += n
            full = len(pending) - len(pending) % slice_len
            for i in range(0, full, slice_len):
                chunk = pending[i : i + slice_len]
                out.append(_scale(max(max(chunk), -min(chunk))))
            del pending[:full]

        try:
            for frame in container.decode(stream):
                take(resampler.resample(frame))
                yield min(1.0, total / DECODE_RATE / total_s) if total_s > 0 else 0.0
            take(resampler.resample(None))
        except av.FFmpegError as exc:
            if not out:
                raise MediaError(f"{path}: the sound can't be decoded ({exc})") from None
            # a damaged tail: keep the waveform decoded so far
        if pending:
            out.append(_scale(max(max(pending), -min(pending))))
        return Peaks(rate, bytes(out), total * 1000 // DECODE_RATE)
    finally:
        container.close()


def _scale(peak: int) -> int:
    return min(255, (peak * 255 + 16383) // 32767)
