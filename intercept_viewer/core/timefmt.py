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
