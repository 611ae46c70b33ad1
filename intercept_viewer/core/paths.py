"""Where the library lives: ``--library``, then ``INTERCEPT_VIEWER_LIBRARY``, then the user
data folder. Kept apart from ``core.library`` so the window's start can find the file before
it imports SQLite's wrapper."""

from __future__ import annotations

import os
from pathlib import Path

ENV_LIBRARY = "INTERCEPT_VIEWER_LIBRARY"


def default_library_path() -> Path:
    """The library used when neither ``--library`` nor the environment names one."""
    from platformdirs import user_data_path

    return user_data_path("intercept-viewer", appauthor=False) / "library.sqlite"


def resolve_library_path(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """Return (path, is_default). ``--library`` wins, then the environment variable."""
    if explicit:
        return Path(explicit).expanduser(), False
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser(), False
    return default_library_path(), True
