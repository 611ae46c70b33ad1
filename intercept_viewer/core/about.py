"""What Help ▸ About reports: our version and the versions of what we run on.

In core so the CLI (``--version``) and the window say the same; Qt's own versions are added
by the window, which is the only place Qt is loaded.
"""

from __future__ import annotations

import platform
import sqlite3

from intercept_viewer import __version__


def versions() -> dict[str, str]:
    """Name → version of the app, Python and the SQLite library linked into it."""
    return {
        "Intercept Viewer": __version__,
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }
