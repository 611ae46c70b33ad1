"""File ▸ Import Telegram export…: a channel export in a worker thread, with progress, Cancel
and a summary (N transcripts, M skipped, and why).

The export never holds a channel's @username, so the window asks once per channel it has not
seen (blank is fine: links are then left out) and the library remembers the answer. The
worker opens its own ``Library(path)`` (a connection belongs to its thread) and drives the
core's ``TelegramImport`` generator; Cancel is ``requestInterruption()``, checked between posts.

Signals (TelegramImportWorker):
    progress(done, total, channel)
    outcome(report): the TelegramImportReport, or None when the export could not be read;
        ``error`` then says why.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QProgressDialog, QWidget

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.widgets.prompts import Prompts

if TYPE_CHECKING:
    # the Telegram readers bring lxml: imported when an import starts, not with the window
    from intercept_viewer.core.telegram.importer import TelegramImportReport
    from intercept_viewer.ui.main_window import MainWindow


class TelegramPrompts:
    """The dialogs of this feature, as classmethods so tests can replace them."""

    @classmethod
    def choose_export(cls, parent: QWidget | None) -> str | None:
        """A result.json / messages.html file, or (when that is cancelled) a folder."""
        path, _ = QFileDialog.getOpenFileName(
            parent,
            "Import Telegram export — choose result.json or messages.html (Cancel: a folder)",
            "",
            "Telegram export (result.json messages*.html);;All files (*)",
        )
        if path:
            return path
        folder = QFileDialog.getExistingDirectory(parent, "Import Telegram export — the folder")
        return folder or None

    @classmethod
    def ask_username(cls, parent: QWidget | None, channel: str) -> str | None:
        """The channel's @username for t.me links; None when the user skips it."""
        text, ok = QInputDialog.getText(
            parent,
            "Telegram channel",
            f"The export doesn't say the @username of “{channel}”.\n"
            "Give it for https://t.me/NAME/ID links (asked once, remembered), or leave blank:",
            QLineEdit.EchoMode.Normal,
            "",
        )
        return text.strip() or None if ok else None

    @classmethod
    def show_summary(cls, parent: QWidget | None, report: TelegramImportReport) -> None:
        Prompts.show_info(parent, summary_text(report))


def summary_text(report: TelegramImportReport) -> str:
    """The summary the window shows: counts, then the reasons, then per-post warnings."""
    lines = [f"Telegram export: {report.summary()}."]
    reasons = Counter(s.reason for s in report.skipped)
    if reasons:
        lines.append("")
        lines.append("Skipped:")
        lines += [f"  {n} × {reason}" for reason, n in reasons.most_common()]
    notes = [f"  post {i.post_id}: {w}" for i in report.imported for w in i.warnings]
    notes += [f"  {w}" for w in report.warnings]
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines += notes[:20]
        if len(notes) > 20:
            lines.append(f"  … and {len(notes) - 20} more")
    return "\n".join(lines)


class TelegramImportWorker(QThread):
    """Imports one export into the library at ``library_path``.

    Attributes:
        report: the import's report once ``outcome`` was emitted (None if it failed).
        error: why the export could not be read or imported, else None.
    """

    progress = Signal(int, int, str)
    outcome = Signal(object)

    def __init__(
        self,
        library_path: Path,
        export: Path,
        usernames: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.export = export
        self.usernames = usernames
        self.report: TelegramImportReport | None = None
        self.error: str | None = None

    def run(self) -> None:
        from intercept_viewer.core.telegram.importer import TelegramImport

        try:
            with Library(self.library_path) as lib:
                job = TelegramImport(
                    lib,
                    self.export,
                    usernames=self.usernames,
                    cancelled=self.isInterruptionRequested,
                )
                for step in job.run():
                    self.progress.emit(step.done, step.total, step.channel)
                self.report = job.report
        except InterceptViewerError as exc:
            self.error = str(exc)
        except Exception as exc:  # report, never kill the app from a worker thread
            self.error = f"unexpected error: {type(exc).__name__}: {exc}"
        self.outcome.emit(self.report)


class TelegramImporter:
    """The window's side: choose, ask usernames, run the worker, show the summary.

    Attributes:
        worker: the running import, if any.
        action: File ▸ Import Telegram export…
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.worker: TelegramImportWorker | None = None
        self._progress: QProgressDialog | None = None
        self.action = QAction("Import &Telegram export…", window)
        self.action.setStatusTip("Import every call posted in a Telegram Desktop channel export")
        self.action.triggered.connect(self.choose_and_import)

    def choose_and_import(self) -> None:
        path = TelegramPrompts.choose_export(self.window)
        if path:
            self.start(Path(path))

    def _usernames(self, export: Path) -> dict[str, str] | None:
        """Ask for the @username of each channel the library doesn't know yet."""
        from intercept_viewer.core.telegram.importer import channels_in_export

        try:
            channels = channels_in_export(self.window.library, export)
        except InterceptViewerError as exc:
            Prompts.show_error(self.window, str(exc))
            return None
        asked: dict[str, str] = {}
        for key, name, remembered in channels:
            if remembered:
                continue
            answer = TelegramPrompts.ask_username(self.window, name)
            if answer:
                asked[key] = answer
        return asked

    def start(self, export: Path) -> TelegramImportWorker | None:
        from intercept_viewer.core.telegram.importer import TelegramImport, is_telegram_export

        window = self.window
        if self.worker is not None:
            Prompts.show_error(window, "A Telegram import is already running.")
            return None
        if not is_telegram_export(export):
            Prompts.show_error(
                window,
                f"{export} is not a Telegram Desktop export (expected result.json, "
                "messages.html or the folder holding them).",
            )
            return None
        usernames = self._usernames(export)
        if usernames is None:
            return None
        if window.library.path is None:  # an in-memory library can't be shared with a thread
            job = TelegramImport(window.library, export, usernames=usernames)
            try:
                for _ in job.run():
                    pass
            except InterceptViewerError as exc:
                Prompts.show_error(window, str(exc))
                return None
            self._finished(job.report)
            return None
        worker = TelegramImportWorker(window.library.path, export, usernames, window)
        progress = QProgressDialog(f"Reading {export.name}…", "Cancel", 0, 0, window)
        progress.setWindowTitle("Import Telegram export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.canceled.connect(worker.requestInterruption)
        worker.progress.connect(self._on_progress)
        worker.outcome.connect(self._on_outcome)
        worker.finished.connect(worker.deleteLater)
        self.worker = worker
        self._progress = progress
        worker.start()
        return worker

    def _on_progress(self, done: int, total: int, channel: str) -> None:
        progress = self._progress  # setValue may deliver the outcome meanwhile
        if progress is None:
            return
        progress.setMaximum(max(1, total))
        progress.setLabelText(f"{channel}: post {done} of {total}")
        progress.setValue(done)

    def _on_outcome(self, report: TelegramImportReport | None) -> None:
        worker = self.worker
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        self.worker = None
        if report is None:
            Prompts.show_error(self.window, worker.error if worker else "The import failed.")
            return
        self._finished(report)

    def _finished(self, report: TelegramImportReport) -> None:
        window = self.window
        window.refresh_library()
        if report.imported:
            window.show_transcript(report.imported[0].transcript_id)
            window.library_changed.emit()
        window.statusBar().showMessage(report.summary(), 10_000)
        TelegramPrompts.show_summary(window, report)


def install_telegram_import(window: MainWindow) -> TelegramImporter:
    """Put File ▸ Import Telegram export… after Import folder."""
    importer = TelegramImporter(window)
    actions = window.file_menu.actions()
    after = actions.index(window.import_folder_action) + 1
    before = actions[after] if after < len(actions) else None
    window.file_menu.insertAction(before, importer.action)  # type: ignore[arg-type]
    return importer
