"""Opening the library when the window starts, and the rolling daily backup.

A library that can't be opened (not a SQLite file, damaged, locked, needs an upgrade but is
read-only) is never modified: the user reads why and can restore a backup (the bad file is
moved aside by ``restore_backup``), try again (a lock may clear) or quit. The daily backup
runs in a thread with its own connection, since copying a big library takes a moment; it is
skipped at once when today's backup exists.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication

from intercept_viewer.core.backups import (
    KEEP,
    daily_backup,
    daily_backup_path,
    list_backups,
    restore_backup,
)
from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.backup.backup_dialog import RETRY
from intercept_viewer.ui.widgets.prompts import Prompts


def open_library(path: Path) -> Library | None:
    """Open ``path``; on failure explain and offer a backup. None when the user quits."""
    while True:
        try:
            return Library(path)
        except InterceptViewerError as exc:
            message = str(exc)
        backups = list_backups(path)
        choice = Prompts.ask_library_recovery(None, message, backups)
        if choice is None:
            return None
        if choice == RETRY or isinstance(choice, str):
            continue
        try:
            aside = restore_backup(choice, path)
        except InterceptViewerError as exc:
            Prompts.show_error(None, str(exc))
            continue
        if aside is not None:
            Prompts.show_info(
                None,
                f"Restored the backup {choice.label}.\n\nThe file that could not be opened "
                f"was kept, unchanged, as:\n{aside}",
            )


class DailyBackupThread(QThread):
    """Writes today's backup through its own connection (a sqlite3 one belongs to its thread).

    Signals:
        done(path, error): ``path`` of the new backup ("" if none was needed), or ``error``.
    """

    done = Signal(str, str)

    def __init__(
        self,
        library_path: Path,
        today: _dt.date | None = None,
        keep: int = KEEP,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library_path, self.today, self.keep = library_path, today, keep

    def run(self) -> None:
        try:
            with Library(self.library_path) as lib:
                written = (
                    None if lib.read_only else daily_backup(lib, today=self.today, keep=self.keep)
                )
        except InterceptViewerError as exc:
            self.done.emit("", str(exc))
            return
        self.done.emit(str(written) if written else "", "")


def start_daily_backup(
    window: QObject, library: Library, today: _dt.date | None = None, keep: int = KEEP
) -> DailyBackupThread | None:
    """Back ``library`` up once a day in a thread; None when not needed (or read-only).

    The thread is kept as ``window.backup_worker`` so closing or restoring waits for it; its
    outcome goes to the window's status bar (a failed backup is worth saying, not a dialog).
    """
    if library.path is None or library.read_only:
        return None
    if daily_backup_path(library.path, today or _dt.date.today()).exists():
        return None
    thread = DailyBackupThread(library.path, today, keep, window)

    def finished(path: str, error: str) -> None:
        window.backup_worker = None  # type: ignore[attr-defined]
        status = getattr(window, "statusBar", None)
        if status is not None and (path or error):
            status().showMessage(
                f"Daily backup written: {path}" if path else f"Daily backup failed: {error}", 8000
            )

    thread.done.connect(finished)
    thread.finished.connect(thread.deleteLater)
    window.backup_worker = thread  # type: ignore[attr-defined]
    thread.start()
    return thread


def install_error_hook() -> None:
    """Show an uncaught library error (e.g. "database is locked" during an undo) as a message.

    Undo and redo run inside Qt's QUndoStack, where no caller can catch the error; without
    this hook the change would fail silently on the console.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, InterceptViewerError) and QApplication.instance() is not None:
            Prompts.show_error(QApplication.activeWindow(), str(exc))
            return
        previous(kind, exc, tb)

    sys.excepthook = hook
