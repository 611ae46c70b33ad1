"""Whether QtMultimedia can play here, and if not, why (in words for the user).

PySide6's QtMultimedia brings its own FFmpeg but needs the system's PulseAudio client library
(Debian: ``libpulse0``) to load at all, even with no sound server running. Where it can't
load, the window still runs: the player shows this reason instead of its controls.
``INTERCEPT_VIEWER_NO_MULTIMEDIA=1`` pretends it can't (tests, and users whose sound stack
misbehaves).
"""

from __future__ import annotations

import os
from functools import cache

ENV_DISABLE = "INTERCEPT_VIEWER_NO_MULTIMEDIA"


@cache
def _load() -> str | None:
    try:
        from PySide6 import QtMultimedia, QtMultimediaWidgets  # noqa: F401
    except ImportError as exc:
        detail = str(exc)
        hint = (
            " Install the PulseAudio client library (Debian/Ubuntu: apt-get install libpulse0)."
            if "pulse" in detail
            else ""
        )
        return f"Playback is unavailable: Qt's multimedia module could not load ({detail}).{hint}"
    return None


def unavailable_reason() -> str | None:
    """None when QtMultimedia loads; else a sentence saying why playback is off."""
    if os.environ.get(ENV_DISABLE, "").strip() not in ("", "0"):
        return f"Playback is turned off ({ENV_DISABLE} is set)."
    return _load()
