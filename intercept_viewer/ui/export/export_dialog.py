"""File ▸ Export: a whole transcript (TXT/SRT/WebVTT/JSON/Markdown, chosen by the file filter)
or the follow-up queue as it is filtered (CSV/JSON/Markdown).

The UI only gathers options; ``core.exporters`` writes (atomically). An export is a task of
the window's runner (``ui.tasks``) with its own read-only connection; an in-memory library is
exported on the GUI thread. When done, the window's status
bar and a message say where the file was written, with the exporter's warnings.

Signals (Exporter):
    finished(path, message): an export ended; ``message`` is empty on success, else the error.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.ui.context import WindowContext
from intercept_viewer.ui.tasks import Task, TaskHandle

if TYPE_CHECKING:
    from intercept_viewer.core.exporters import ExportResult

# ``core.exporters`` (every writer, csv among them) is imported when an export is asked for,
# not with the window: the start pays only for the menu entries.

TRANSCRIPT_FILTERS: dict[str, str] = {
    "txt": "Plain text, Speaker: text (*.txt)",
    "srt": "SubRip subtitles (*.srt)",
    "vtt": "WebVTT subtitles with voices (*.vtt)",
    "json": "Intercept Viewer JSON, re-importable (*.json)",
    "md": "Markdown (*.md)",
}
PASSAGE_FILTERS: dict[str, str] = {
    "csv": "CSV spreadsheet (*.csv)",
    "csv-excel": "CSV for Excel, UTF-8 with BOM (*.csv)",
    "json": "JSON (*.json)",
    "md": "Markdown (*.md)",
}

ExportJob = Callable[[Library], "ExportResult"]


def safe_file_stem(title: str) -> str:
    """A file name from a title: no path separators or control characters, not too long."""
    keep = "".join(c if c.isalnum() or c in " -_." else "_" for c in title).strip(" ._")
    return (keep or "export")[:80]


def resolve_choice(path: str, selected_filter: str, filters: dict[str, str]) -> tuple[str, str]:
    """The format (from the file's ending, else the chosen filter) and the path with its ending.

    Where the chosen filter's ending matches the file's (two CSV flavours), the filter wins.
    """
    suffixes = _suffixes(filters)
    chosen = next((k for k, v in filters.items() if v == selected_filter), None)
    if chosen is not None and path.lower().endswith(suffixes[chosen]):
        return path, chosen
    from intercept_viewer.core.exporters import format_for_path

    fmt = format_for_path(path, suffixes)
    if fmt is None:
        fmt = next((k for k, v in filters.items() if v == selected_filter), next(iter(filters)))
        path += _suffixes(filters)[fmt]
    return path, fmt


#: Where the last export went (QSettings key): the next Save dialog starts there.
K_EXPORT_FOLDER = "export/last_folder"


def export_folder(settings: QSettings) -> Path:
    """The folder a Save dialog starts in: the last export's, else Documents, else home.

    Never the process's current folder, which for a desktop launch is wherever the launcher
    happened to be (often ``/`` or the install folder).
    """
    last = settings.value(K_EXPORT_FOLDER)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def _suffixes(filters: dict[str, str]) -> dict[str, str]:
    from intercept_viewer.core.exporters import PASSAGE_FORMATS, TRANSCRIPT_FORMATS

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


def export_task(job: ExportJob) -> Task:
    """The runner's task for one export: it reads the library (its own connection)."""

    def op(library: Library) -> Generator[None, None, ExportResult]:
        yield from ()
        return job(library)

    return Task("export", op, access="read")


class Exporter(QObject):
    """File ▸ Export… actions of the window; each export is a task of the window's runner.

    Attributes:
        context: the window's context. passage_filters: callable giving the queue's current
            filters (the tags dock's). handle: the running export, if any.
        export_transcript_action (Ctrl+E), export_original_action (the transcript as
        imported, without corrections), export_passages_action (Ctrl+Shift+E).
    """

    finished = Signal(str, str)

    def __init__(
        self,
        context: WindowContext,
        passage_filters: Callable[[], dict[str, Any]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.host = context.host
        self.handle: TaskHandle | None = None
        self.passage_filters = passage_filters or (lambda: {})
        self.export_transcript_action = QAction("&Export transcript…", self)
        self.export_transcript_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_transcript_action.triggered.connect(self.export_transcript)
        self.export_original_action = QAction("Export transcript as &imported…", self)
        self.export_original_action.setToolTip("Without the corrections made since the import")
        self.export_original_action.triggered.connect(lambda: self.export_transcript(original=True))
        self.export_passages_action = QAction("Export &passages (queue as filtered)…", self)
        self.export_passages_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_passages_action.triggered.connect(self.export_passages)

    def export_transcript(self, *, original: bool = False) -> bool:
        """Export the shown transcript; ``original``: as imported, without corrections."""
        tid = self.context.current_transcript_id
        try:
            t = self.context.library.transcript(tid) if tid is not None else None
        except NotFound:
            t = None
        if t is None:
            self.context.show_status("Open a transcript to export it.", 5000)
            return False
        title = "Export transcript as imported" if original else "Export transcript"
        filters = (
            {k: v for k, v in TRANSCRIPT_FILTERS.items() if k != "json"}
            if original
            else TRANSCRIPT_FILTERS
        )
        choice = ExportDialogs.ask_path(
            self.host, title, str(self._folder() / (safe_file_stem(t.title) + ".txt")), filters
        )
        if choice is None:
            return False
        path, fmt = choice
        self._remember(path)
        from intercept_viewer.core.exporters import export_transcript

        return self._run(
            path, lambda lib: export_transcript(lib, t.id, fmt, path, original=original)
        )

    def export_passages(self) -> bool:
        filters = {k: v for k, v in self.passage_filters().items() if v not in (None, "")}
        choice = ExportDialogs.ask_path(
            self.host,
            "Export passages (the queue as filtered)",
            str(self._folder() / "passages.csv"),
            PASSAGE_FILTERS,
        )
        if choice is None:
            return False
        path, fmt = choice
        self._remember(path)
        from intercept_viewer.core.exporters import export_passages

        return self._run(path, lambda lib: export_passages(lib, lib.passages(**filters), fmt, path))

    def _folder(self) -> Path:
        return export_folder(self.context.settings)

    def _remember(self, path: str) -> None:
        self.context.settings.setValue(K_EXPORT_FOLDER, str(Path(path).parent))

    def _run(self, path: str, job: ExportJob) -> bool:
        if self.handle is not None:
            self.context.show_status("An export is already running.", 5000)
            return False
        self.context.show_status(f"Exporting to {path}…")
        handle = self.context.tasks.submit(
            export_task(job),
            on_done=lambda result: self._done(path, result, ""),
            on_failed=lambda error: self._done(path, None, error),
            on_cancelled=lambda: self._done(path, None, "the export was stopped"),
        )
        self.handle = None if handle.is_finished else handle
        return True

    def _done(self, path: str, result: ExportResult | None, error: str) -> None:
        self.handle = None
        if result is None:
            self.context.show_status(f"Export failed: {error}", 10000)
            ExportDialogs.show_written(self.host, f"Export failed:\n\n{error}", True)
        else:
            n = result.items
            text = f"Exported {n} item{'s' if n != 1 else ''} ({result.format}) to\n{path}"
            if result.warnings:
                text += "\n\n" + "\n".join(result.warnings)
            self.context.show_status(text.replace("\n", " "), 15000)
            ExportDialogs.show_written(self.host, text, False)
        self.finished.emit(path, error)
