"""Recordings made inside the tests: a few seconds of tone (``wave``) and a short video (PyAV).

Nothing is read from outside ``tests/``: each test writes the recording it needs, with a
known loudness per second, so the waveform's shape can be checked against what was written.
"""

from __future__ import annotations

import math
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

RATE = 16000


def write_wav(path: Path, loudness: Sequence[float], *, rate: int = RATE) -> Path:
    """One second of a 440 Hz tone per entry of ``loudness`` (0..1 of full scale)."""
    samples = array("h")
    step = 2 * math.pi * 440 / rate
    for level in loudness:
        amp = int(32767 * level)
        samples.extend(int(amp * math.sin(i * step)) for i in range(rate))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def write_video(path: Path, seconds: float = 2.0, *, loudness: float = 0.5) -> Path:
    """A small MP4/MKV/WebM-by-ending video: moving grey frames and a tone (PyAV encodes)."""
    import av

    fps = 10
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame(64, 48, "gray")
            frame.planes[0].update(bytes([(i * 20) % 256]) * frame.planes[0].buffer_size)
            for packet in video.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        step = 2 * math.pi * 440 / RATE
        total = int(seconds * RATE)
        chunk = 1024
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            pcm = array(
                "h", (int(32767 * loudness * math.sin((start + i) * step)) for i in range(n))
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=n)
            frame.planes[0].update(pcm.tobytes() + bytes(frame.planes[0].buffer_size - 2 * n))
            frame.sample_rate = RATE
            frame.pts = start
            for packet in audio.encode(frame):
                out.mux(packet)
        for packet in audio.encode(None):
            out.mux(packet)
    return path
