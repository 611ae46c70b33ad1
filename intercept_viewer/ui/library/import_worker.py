"""Imports off the GUI thread: a folder, or files big enough to make the window wait.

The worker opens its own ``Library(path)``: a sqlite3 connection belongs to the thread that
opened it, and the library is in WAL mode so the GUI keeps reading meanwhile. The parsing
itself runs in worker processes (``core.import_pool``), so this thread mostly waits and writes
and the GUI thread keeps the interpreter to itself. Progress and the outcome travel back by
queued signals; Cancel is ``requestInterruption()``, checked between files and between chunks
of a long file (which is then rolled back).

Signals:
    progress(done, total, file_name): files done.
    fraction(permille): how far the whole import is, by bytes and by rows of a long file.
    outcome(results, failures): lists of (path, transcript id) and of ImportFailed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from intercept_viewer.core.errors import ImportFailed, InterceptViewerError
from intercept_viewer.core.importers import accepted_suffixes
from intercept_viewer.core.library import AddResult, Library

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


class FolderImportWorker(QThread):
    """Imports ``files`` into the library at ``library_path``.

    Attributes:
        results: (path, transcript id) of each imported (or already known) file.
        failures: the ImportFailed of each file that could not be imported.
    """

    progress = Signal(int, int, str)
    fraction = Signal(int)
    outcome = Signal(list, list)

    def __init__(self, library_path: Path, files: list[Path], parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.library_path = library_path
        self.files = files
        self.results: list[tuple[str, int]] = []
        self.failures: list[ImportFailed] = []
        self._permille = -1

    def _bytes_done(self, done: int, total: int) -> None:
        permille = 1000 * done // max(1, total)
        if permille != self._permille:  # at most a thousand signals, whatever the size
            self._permille = permille
            self.fraction.emit(permille)

    def run(self) -> None:
        total = len(self.files)
        try:
            lib = Library(self.library_path)
        except InterceptViewerError as exc:
            self.failures.append(ImportFailed(str(exc), file=str(self.library_path)))
            self.outcome.emit(self.results, self.failures)
            return
        try:
            outcomes = lib.import_files(
                self.files, cancelled=self.isInterruptionRequested, progress=self._bytes_done
            )
            for done, (path, result) in enumerate(outcomes, start=1):
                if isinstance(result, AddResult):
                    self.results.append((str(path), result.id))
                else:
                    self.failures.append(result)
                self.progress.emit(done, total, path.name)
        except Exception as exc:  # report, never kill the app from a worker thread
            self.failures.append(ImportFailed(f"unexpected error: {exc}", file="(import)"))
        finally:
            lib.close()
        self.outcome.emit(self.results, self.failures)
