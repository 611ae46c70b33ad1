"""Imports off the GUI thread (a folder, or files big enough to make the window wait): the
files to import, and the import as a runner task.

The task runs on the runner's write lane with its own read-write ``Library(path)`` (a sqlite3
connection belongs to the thread that opened it; the library is in WAL mode so the GUI keeps
reading meanwhile). The parsing itself runs in worker processes (``core.import_pool``), so the
lane mostly waits and writes and the GUI thread keeps the interpreter to itself. Each file's
outcome is yielded as progress; ``fraction`` hears how far the bytes and the rows of a long
file are; ``cancelled`` is asked between files, between chunks of a long file (which is then
rolled back) and while a worker still parses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable
from pathlib import Path

from intercept_viewer.core import import_pipeline
from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.formats import accepted_suffixes
from intercept_viewer.core.library import AddResult, Library
from intercept_viewer.ui.tasks import Task

#: Files together at least this big import in the background; smaller ones (a few thousand
#: turns, a fraction of a second) import at once, so the new transcript shows without a wait.
BACKGROUND_FROM_BYTES = 256 * 1024


def wants_background(paths: Iterable[Path]) -> bool:
    """A folder, or files big enough that importing them would stall the window."""
    total = 0
    for p in paths:
        if p.is_dir():
            return True
        try:
            total += os.stat(p).st_size
        except OSError:
            continue
    return total >= BACKGROUND_FROM_BYTES


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every importable file under the folders (recursively).

    Sidecar ``NAME.meta.json`` files and hidden files are metadata, not transcripts.
    """
    suffixes = set(accepted_suffixes())
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if (
                    f.is_file()
                    and f.suffix.lower() in suffixes
                    and not f.name.lower().endswith(".meta.json")
                ):
                    out.append(f)
        else:
            out.append(path)
    return out


def import_task(
    files: list[Path],
    format: str | None = None,
    *,
    cancelled: Callable[[], bool] | None = None,
    fraction: Callable[[int], None] | None = None,
) -> Task:
    """The runner's write task importing ``files``: it yields ``(done, total, path, outcome)``
    after each file (an AddResult or the ImportFailed), so a cancel stops between files and
    what was imported before it is still reported. ``fraction(permille)`` is called from the
    lane's thread (a Qt signal's ``emit`` reaches the GUI queued)."""
    last = [-1]

    def bytes_done(done: int, total: int) -> None:
        permille = 1000 * done // max(1, total)
        if fraction is not None and permille != last[0]:  # at most a thousand calls
            last[0] = permille
            fraction(permille)

    def op(library: Library) -> Generator[tuple[int, int, Path, AddResult | ImportFailed]]:
        total = len(files)
        outcomes = import_pipeline.import_files(
            library, files, format, cancelled=cancelled, progress=bytes_done
        )
        for done, (path, outcome) in enumerate(outcomes, start=1):
            yield done, total, path, outcome

    return Task("import", op, access="write")
