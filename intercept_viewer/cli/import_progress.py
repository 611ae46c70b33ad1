"""The import command's progress bar: on stderr, for long imports, only on a terminal.

A bar is noise in a log file or a pipe, and it would corrupt nothing but still clutter the
stream a script reads, so it shows only when stderr is a terminal, never with ``--json``, and
only for an import long enough to wait for (several files, or one big file). It moves with
the bytes imported (``Library.import_files(progress=...)``), so one 100,000-turn call moves it
too, not only a folder of files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO

import click

#: An import of this many bytes, or of this many files, is long enough for a bar.
LONG_IMPORT_BYTES = 1024 * 1024
LONG_IMPORT_FILES = 3


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def wants_bar(files: Sequence[str], stream: IO[str], as_json: bool) -> bool:
    """Show a bar? Only on a terminal, without --json, for a long import."""
    if as_json:
        return False
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return len(files) >= LONG_IMPORT_FILES or sum(map(_size, files)) >= LONG_IMPORT_BYTES


@contextlib.contextmanager
def import_progress(
    files: Sequence[str], stream: IO[str], as_json: bool
) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``progress(done, total)`` callback drawing the bar, or None for no bar."""
    if not wants_bar(files, stream, as_json):
        yield None
        return
    with click.progressbar(  # type: ignore[call-overload]
        length=1000, label="Importing", file=stream, show_percent=True, show_pos=False
    ) as bar:

        def progress(done: int, total: int) -> None:
            target = 1000 * done // max(1, total)
            if target > bar.pos:
                bar.update(target - bar.pos)

        yield progress
