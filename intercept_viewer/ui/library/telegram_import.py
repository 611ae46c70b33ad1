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
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QProgressDialog, QWidget

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.context import Change
from intercept_viewer.ui.tasks import Task, TaskHandle
from intercept_viewer.ui.widgets.prompts import Prompts

if TYPE_CHECKING:
    # the Telegram readers bring lxml: imported when an import starts, not with the window
    from PySide6.QtWidgets import QWidget

    from intercept_viewer.core.telegram.importer import TelegramImportReport, TelegramProgress
    from intercept_viewer.ui.context import WindowContext


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
    notes = [f"  post {i.post_id}: {w.message}" for i in report.imported for w in i.warnings]
    notes += [f"  {w}" for w in report.warnings]
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines += notes[:20]
        if len(notes) > 20:
            lines.append(f"  … and {len(notes) - 20} more")
    return "\n".join(lines)


def telegram_task(export: Path, usernames: dict[str, str]) -> Task:
    """The runner's write task importing one export. It yields ``(step, report)`` after each
    post — the report so far, so a cancelled import (stopped at a yield, every finished post
    committed) still says what it did — and returns the final report."""

    def op(
        library: Library,
    ) -> Generator[tuple[TelegramProgress, TelegramImportReport], None, TelegramImportReport]:
        from intercept_viewer.core.telegram.importer import TelegramImport

        job = TelegramImport(library, export, usernames=usernames)
        for step in job.run():
            yield step, job.report
        return job.report

    return Task("telegram-import", op, access="write")


class TelegramImporter:
    """The window's side: choose, ask usernames, run the task, show the summary.

    Attributes:
        task: the running import's handle, if any.
        report: the last report seen (final, or as far as a cancelled import got).
        action: File ▸ Import Telegram export…
    """

    def __init__(self, context: WindowContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.window = context.host  # the parent of its dialogs
        self.task: TaskHandle | None = None
        self.report: TelegramImportReport | None = None
        self._cancelled = False
        self._progress: QProgressDialog | None = None
        self.action = QAction("Import &Telegram export…", parent)
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
            channels = channels_in_export(self.context.library, export)
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

    def start(self, export: Path) -> TaskHandle | None:
        """Import ``export`` as a write task with a progress dialog and Cancel; None when it
        could not start (or, for an in-memory library, has already finished)."""
        from intercept_viewer.core.telegram.importer import is_telegram_export

        window = self.window
        if self.task is not None:
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
        self.report = None
        self._cancelled = False
        progress = QProgressDialog(f"Reading {export.name}…", "Cancel", 0, 0, window)
        progress.setWindowTitle("Import Telegram export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self._progress = progress
        handle = self.context.tasks.submit(
            telegram_task(export, usernames),
            on_progress=self._on_progress,
            on_done=self._on_done,
            on_failed=self._on_failed,
            on_cancelled=self._on_cancelled,
        )
        if handle.is_finished:  # an in-memory library imported before submit returned
            self._ended()
            return None
        progress.canceled.connect(handle.cancel)
        handle.finished.connect(self._ended)
        self.task = handle
        return handle

    def _on_progress(self, value: tuple[TelegramProgress, TelegramImportReport]) -> None:
        step, self.report = value
        progress = self._progress  # setValue may deliver the end meanwhile
        if progress is None:
            return
        progress.setMaximum(max(1, step.total))
        progress.setLabelText(f"{step.channel}: post {step.done} of {step.total}")
        progress.setValue(step.done)

    def _on_done(self, report: TelegramImportReport) -> None:
        self.report = report

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        Prompts.show_error(self.window, message)

    def _on_cancelled(self) -> None:
        self._cancelled = True
        if self.report is not None:
            self.report.cancelled = True

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _ended(self) -> None:
        self._close_progress()
        self.task = None
        report = self.report
        if report is None:
            return
        window = self.window
        if report.imported:
            self.context.notify(Change.of("transcripts", "speakers", "utterances"))
            self.context.navigate(report.imported[0].transcript_id, 1)
        self.context.show_status(report.summary(), 10_000)
        TelegramPrompts.show_summary(window, report)
