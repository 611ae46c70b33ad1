"""File ▸ Export: a whole transcript (TXT/SRT/WebVTT/JSON/Markdown, chosen by the file filter)
or the follow-up queue as it is filtered (CSV/JSON/Markdown).

The UI only gathers options; ``core.exporters`` writes (atomically). A long export runs in an
``ExportWorker`` thread that opens its own ``Library(path)`` (a sqlite3 connection belongs to
its thread); an in-memory library is exported on the GUI thread. When done, the window's status
bar and a message say where the file was written, with the exporter's warnings.

Signals (Exporter):
    finished(path, message): an export ended; ``message`` is empty on success, else the error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.exporters import (
    PASSAGE_FORMATS,
    TRANSCRIPT_FORMATS,
    ExportResult,
    export_passages,
    export_transcript,
    format_for_path,
)
from intercept_viewer.core.library import Library

if TYPE_CHECKING:
    from intercept_viewer.ui.main_window import MainWindow

TRANSCRIPT_FILTERS: dict[str, str] = {
    "txt": "Plain text, Speaker: text (*.txt)",
    "srt": "SubRip subtitles (*.srt)",
    "vtt": "WebVTT subtitles with voices (*.vtt)",
    "json": "Intercept Viewer JSON, re-importable (*.json)",
    "md": "Markdown (*.md)",
}
PASSAGE_FILTERS: dict[str, str] = {
    "csv": "CSV spreadsheet (*.csv)",
    "json": "JSON (*.json)",
    "md": "Markdown (*.md)",
}

ExportJob = Callable[[Library], ExportResult]


def safe_file_stem(title: str) -> str:
    """A file name from a title: no path separators or control characters, not too long."""
    keep = "".join(c if c.isalnum() or c in " -_." else "_" for c in title).strip(" ._")
    return (keep or "export")[:80]


def resolve_choice(path: str, selected_filter: str, filters: dict[str, str]) -> tuple[str, str]:
    """The format (from the file's ending, else the chosen filter) and the path with its ending."""
    fmt = format_for_path(path, {k: v for k, v in _suffixes(filters).items()})
    if fmt is None:
        fmt = next((k for k, v in filters.items() if v == selected_filter), next(iter(filters)))
        path += _suffixes(filters)[fmt]
    return path, fmt


def _suffixes(filters: dict[str, str]) -> dict[str, str]:
    return {k: (TRANSCRIPT_FORMATS | PASSAGE_FORMATS)[k] for k in filters}


class ExportDialogs:
    """The questions File ▸ Export asks, as classmethods tests replace."""

    @classmethod
    def ask_path(
        cls, parent: QWidget | None, title: str, default: str, filters: dict[str, str]
    ) -> tuple[str, str] | None:
        """(path, format) from a Save dialog; the file filter picks the format."""
        path, chosen = QFileDialog.getSaveFileName(
            parent, title, default, ";;".join(filters.values())
        )
        if not path:
            return None
        return resolve_choice(path, chosen, filters)

    @classmethod
    def show_written(cls, parent: QWidget | None, text: str, error: bool) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical if error else QMessageBox.Icon.Information,
            "Export",
            text,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()


class ExportWorker(QThread):
    """Runs one export job against its own Library; reports by the ``done`` signal."""

    done = Signal(object, str)  # ExportResult | None, error message

    def __init__(self, library_path: Path, job: ExportJob, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_path, self.job = library_path, job

    def run(self) -> None:
        try:
            lib = Library(self.library_path)
        except InterceptViewerError as exc:
            self.done.emit(None, str(exc))
            return
        try:
            self.done.emit(self.job(lib), "")
        except (InterceptViewerError, OSError, ValueError) as exc:
            self.done.emit(None, str(exc))
        except Exception as exc:  # report, never kill the app from a worker thread
            self.done.emit(None, f"unexpected error: {exc}")
        finally:
            lib.close()


class Exporter(QObject):
    """File ▸ Export… actions of the window.

    Attributes:
        worker: the running export, if any. last_path: where the last export was written.
        passage_filters: callable giving the queue's current filters (set by the tags dock).
    """

    finished = Signal(str, str)

    def __init__(
        self, window: MainWindow, passage_filters: Callable[[], dict[str, Any]] | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.worker: ExportWorker | None = None
        self.last_path: str | None = None
        self.passage_filters = passage_filters or (lambda: {})

    def export_transcript(self) -> bool:
        t = self.window.current_transcript()
        if t is None:
            self.window.statusBar().showMessage("Open a transcript to export it.", 5000)
            return False
        choice = ExportDialogs.ask_path(
            self.window, "Export transcript", safe_file_stem(t.title) + ".txt", TRANSCRIPT_FILTERS
        )
        if choice is None:
            return False
        path, fmt = choice
        tid = t.id
        return self._run(path, lambda lib: export_transcript(lib, tid, fmt, path))

    def export_passages(self) -> bool:
        filters = {k: v for k, v in self.passage_filters().items() if v not in (None, "")}
        choice = ExportDialogs.ask_path(
            self.window, "Export passages (the queue as filtered)", "passages.csv", PASSAGE_FILTERS
        )
        if choice is None:
            return False
        path, fmt = choice
        return self._run(path, lambda lib: export_passages(lib, lib.passages(**filters), fmt, path))

    def _run(self, path: str, job: ExportJob) -> bool:
        lib = self.window.library
        if lib.path is None:  # an in-memory library can't be opened by a thread
            try:
                result: ExportResult | None = job(lib)
                error = ""
            except (InterceptViewerError, OSError, ValueError) as exc:
                result, error = None, str(exc)
            self._done(path, result, error)
            return True
        if self.worker is not None:
            self.window.statusBar().showMessage("An export is already running.", 5000)
            return False
        self.window.statusBar().showMessage(f"Exporting to {path}…")
        worker = ExportWorker(lib.path, job, self)
        worker.done.connect(lambda result, error: self._done(path, result, error))
        worker.finished.connect(self._worker_gone)
        self.worker = worker
        worker.start()
        return True

    def _worker_gone(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
            self.worker = None

    def _done(self, path: str, result: ExportResult | None, error: str) -> None:
        if result is None:
            self.window.statusBar().showMessage(f"Export failed: {error}", 10000)
            ExportDialogs.show_written(self.window, f"Export failed:\n\n{error}", True)
        else:
            self.last_path = path
            n = result.items
            text = f"Exported {n} item{'s' if n != 1 else ''} ({result.format}) to\n{path}"
            if result.warnings:
                text += "\n\n" + "\n".join(result.warnings)
            self.window.statusBar().showMessage(text.replace("\n", " "), 15000)
            ExportDialogs.show_written(self.window, text, False)
        self.finished.emit(path, error)

    def wait(self) -> None:
        """Let a running export finish (window closing)."""
        if self.worker is not None:
            self.worker.wait()
