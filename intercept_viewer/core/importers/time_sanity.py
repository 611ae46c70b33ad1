"""Absurd times are clear errors, not crashes further down.

An ELAN time slot of 10^29 ms, a subtitle at hour 99,999,999 or a speech-to-text ``start`` of
1e300 parses as a number, then overflows SQLite's 64-bit integer when stored ("the importer failed
unexpectedly (OverflowError)"). Every parsed turn's times are checked here, once, for every
format: a time must be a whole number of milliseconds between 0 and ``MAX_MS``.
"""

from __future__ import annotations

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.model import ParsedTranscript

#: No recording of a call is 1000 hours long.
MAX_HOURS = 1000
MAX_MS = MAX_HOURS * 3600 * 1000


def check_times(parsed: ParsedTranscript) -> None:
    """Raise ImportFailed (with the turn's line when known) for an impossible time."""
    for n, u in enumerate(parsed.utterances, 1):
        for what, value in (("start", u.start_ms), ("end", u.end_ms)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MS:
                shown = str(value)
                shown = shown if len(shown) <= 40 else f"{shown[:20]}…({len(shown)} digits)"
                raise ImportFailed(
                    f"turn {n} has an impossible {what} time ({shown} ms): times must lie "
                    f"between 0 and {MAX_HOURS} hours",
                    line=getattr(u, "line", None),
                )
