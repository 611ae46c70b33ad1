"""Times as people write them in transcripts: parsing and formatting milliseconds."""

from __future__ import annotations

import datetime as _dt


def now_iso() -> str:
    """The current UTC time as an ISO string with seconds, for created/updated stamps."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def format_ms(ms: int | None, *, always_hours: bool = False) -> str:
    """``83500`` → ``1:23``; ``3723000`` → ``1:02:03``; None → ''."""
    if ms is None:
        return ""
    total = max(0, int(ms)) // 1000
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    if h or always_hours:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def parse_ms(text: str) -> int | None:
    """``1:23`` → 83000, ``1:02:03.5`` → 3723500, ``83.5`` → 83500, '' → None.

    Raises ValueError for anything else (the window says what it expected).
    """
    text = text.strip().replace(",", ".")
    if not text:
        return None
    parts = text.split(":")
    if len(parts) > 3 or any(not p for p in parts):
        raise ValueError(f"{text!r} is not a time like 1:23 or 1:02:03.5.")
    try:
        seconds = float(parts[-1])
        whole = [int(p) for p in parts[:-1]]
    except ValueError:
        raise ValueError(f"{text!r} is not a time like 1:23 or 1:02:03.5.") from None
    if seconds < 0 or any(w < 0 for w in whole) or (whole and seconds >= 60):
        raise ValueError(f"{text!r} is not a time like 1:23 or 1:02:03.5.")
    total = seconds
    for i, w in enumerate(reversed(whole)):
        total += w * 60 ** (i + 1)
    return round(total * 1000)
