"""Opening the library when the window starts, and the rolling daily backup.

A library that can't be opened (not a SQLite file, damaged, locked, needs an upgrade but is
read-only) is never modified: the user reads why and can restore a backup (the bad file is
moved aside by ``restore_backup``), try again (a lock may clear) or quit. The daily backup
is a task of the window's runner with its own connection, since copying a big library takes a
moment; it is skipped at once when today's backup exists.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Generator
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication

from intercept_viewer.core.backups import (
    KEEP,
    daily_backup,
    daily_backup_path,
    list_backups,
    restore_backup,
)
from intercept_viewer.core.errors import DiskFull, InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.backup.backup_dialog import RETRY, BackupPrompts
from intercept_viewer.ui.context import WindowContext
from intercept_viewer.ui.tasks import Task, TaskHandle
from intercept_viewer.ui.widgets.prompts import Prompts


def open_library(path: Path) -> Library | None:
    """Open ``path``; on failure explain and offer a backup. None when the user quits."""
    while True:
        try:
            return Library(path)
        except DiskFull as exc:
            # nothing is wrong with the library: say the disk is full, and read it meanwhile
            try:
                library = Library(path, read_only=True)
            except InterceptViewerError:
                library = None
            if library is not None:
                Prompts.show_info(
                    None,
                    f"{exc}\n\nThe library is open for reading only until there is room again.",
                )
                return library
            Prompts.show_error(None, f"{exc}\n\nFree some space, then start again.")
            return None
        except InterceptViewerError as exc:
            message = str(exc)
        backups = list_backups(path)
        choice = BackupPrompts.ask_library_recovery(None, message, backups)
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


def daily_backup_task(today: _dt.date | None = None, keep: int = KEEP) -> Task:
    """The runner's task writing today's backup through its own connection (a write task:
    it queues behind an import rather than copying a library half-way through one)."""

    def op(library: Library) -> Generator[None, None, Path | None]:
        yield from ()
        return None if library.read_only else daily_backup(library, today=today, keep=keep)

    return Task("backup", op, access="write")


def start_daily_backup(
    context: WindowContext, today: _dt.date | None = None, keep: int = KEEP
) -> TaskHandle | None:
    """Back the context's library up once a day as a task; None when not needed (or
    read-only). Closing or restoring lets it finish (``TaskRunner.stop_all(keep=...)``); its
    outcome goes to the status bar (a failed backup is worth saying, not a dialog)."""
    library = context.library
    if library.path is None or library.read_only:
        return None
    if daily_backup_path(library.path, today or _dt.date.today()).exists():
        return None

    # a written backup is routine (File ▸ Restore backup lists them): not worth a newcomer's
    # first message; a failed one is
    return context.tasks.submit(
        daily_backup_task(today, keep),
        on_done=lambda _path: None,
        on_failed=lambda error: context.show_status(f"Daily backup failed: {error}", 8000),
    )


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
