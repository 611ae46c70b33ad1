"""Fuzz the subtitle parser (SRT, WebVTT, ASS/SSA through pysubs2 and our speaker reading).

.venv/bin/python fuzz/fuzz_subtitles.py -max_total_time=60
"""

from __future__ import annotations

from _harness import run

FORMATS = [
    ("subtitles", "call.srt"),
    ("subtitles", "call.vtt"),
    ("subtitles", "call.ass"),
    ("", "call.srt"),
    ("", "call.vtt"),
]

if __name__ == "__main__":
    run("subtitles", (".srt", ".vtt", ".ass", ".ssa"), FORMATS)
