"""Folder import off the GUI thread.

The worker opens its own ``Library(path)``: a sqlite3 connection belongs to the thread that
opened it, and the library is in WAL mode so the GUI keeps reading meanwhile. Progress and the
outcome travel back by queued signals; Cancel is ``requestInterruption()``, checked between
files by ``Library.import_files``.

Signals:
    progress(done, total, file_name)
    outcome(results, failures): lists of (path, transcript id) and of ImportFailed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from intercept_viewer.core.errors import ImportFailed, InterceptViewerError
from intercept_viewer.core.importers import accepted_suffixes
from intercept_viewer.core.library import AddResult, Library


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
    outcome = Signal(list, list)

    def __init__(self, library_path: Path, files: list[Path], parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.library_path = library_path
        self.files = files
        self.results: list[tuple[str, int]] = []
        self.failures: list[ImportFailed] = []

    def run(self) -> None:
        total = len(self.files)
        try:
            lib = Library(self.library_path)
        except InterceptViewerError as exc:
            self.failures.append(ImportFailed(str(exc), file=str(self.library_path)))
            self.outcome.emit(self.results, self.failures)
            return
        try:
            outcomes = lib.import_files(self.files, cancelled=self.isInterruptionRequested)
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
