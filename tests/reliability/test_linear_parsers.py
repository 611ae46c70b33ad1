"""Parsers stay linear: a budget that grows with the size of the file, at two sizes.

A parse that is quadratic somewhere (a per-line re-scan, a search from the top for every turn)
passes on a short file and hangs on a long one; the budget here is generous per line, so it
catches that, not a slow machine (``time_budget``: SIGALRM, a hang fails with the input).
The shapes are the ones that reach the per-line code paths: plain turns, one-off labels (the
"few turns" pairing), remarks after a known label, dash turns, subtitles and Whisper JSON.
"""

from __future__ import annotations

import json

import pytest

from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.registry import parse_source
from tests.reliability.helpers import time_budget

pytestmark = pytest.mark.slow

#: Seconds: a fixed start plus this much per line. Parsing runs at ~30 µs a line here.
BASE_S = 3.0
PER_LINE_S = 150e-6


def _labelled(n: int) -> str:
    return "".join(
        f"{'Soldier' if i % 2 else 'Mother'}: We stay near Kupyansk, {i}.\n" for i in range(n)
    )


def _one_off_labels(n: int) -> str:
    # every label different: the "a few turns" rule pairs neighbours, for every line
    return "".join(f"Person{i}: a line of its own {i}\n" for i in range(n))


def _remarks(n: int) -> str:
    head = "".join(f"— строка без метки {i}\n" for i in range(n // 2))
    turns = "".join(
        f"Soldier: line {i}\n" if i % 3 else f"Soldier (laughing): line {i}\n"
        for i in range(n - n // 2)
    )
    return head + turns


def _dash(n: int) -> str:
    return "".join(f"— Мам, мы под Бахмутом, {i}.\n" for i in range(n))


def _srt(n: int) -> str:
    return "".join(
        f"{i + 1}\n00:{i // 3600 % 60:02d}:{i % 60:02d},000 --> 00:{i // 3600 % 60:02d}:"
        f"{i % 60:02d},900\nSOLDIER: line {i}\n\n"
        for i in range(n)
    )


def _whisper(n: int) -> str:
    segs = [{"start": i, "end": i + 0.9, "text": f" line {i}"} for i in range(n)]
    return json.dumps({"text": "", "segments": segs, "language": "en"})


SHAPES = {
    "labelled.txt": _labelled,
    "one_off_labels.txt": _one_off_labels,
    "remarks.txt": _remarks,
    "dash.txt": _dash,
    "call.srt": _srt,
    "whisper.json": _whisper,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("lines", [2_000, 30_000])
def test_parse_time_grows_linearly(name: str, lines: int) -> None:
    data = SHAPES[name](lines).encode("utf-8")
    source = SourceFile(name=name, data=data)
    with time_budget(BASE_S + PER_LINE_S * lines, f"{name} with {lines} lines"):
        try:
            parse_source(source)
        except Exception as exc:  # only the time matters here, but a parse must not crash
            assert type(exc).__name__ == "ImportFailed", exc
