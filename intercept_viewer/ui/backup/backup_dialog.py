"""File ▸ Restore backup… and the "library can't be opened" dialog at start.

Both list the library's backups (``core.backups.list_backups``): when, kind and size. Restoring
never destroys anything: ``restore_backup`` moves the current file aside, and the window shows
where it went. ``restore_into_window`` does the window's part: stop every thread that holds a
connection, close the library, restore, reopen and let every panel re-read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.backups import Backup, list_backups, restore_backup
from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library

if TYPE_CHECKING:
    from intercept_viewer.ui.context import WindowContext

#: What ``BackupDialog.exec_choice`` returns when the user asks to try opening again.
RETRY = "retry"


def size_text(size: int) -> str:
    """``1.2 MB`` / ``840 KB``: enough to tell a full backup from an empty one."""
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def backup_row(b: Backup) -> list[str]:
    """The columns of one backup: when, kind, size, file name."""
    when = (
        b.taken_at.date().isoformat()
        if b.kind == "daily"
        else b.taken_at.strftime("%Y-%m-%d %H:%M:%S")
    )
    kind = "daily" if b.kind == "daily" else "before upgrade"
    return [when, kind, size_text(b.size), b.path.name]


class BackupDialog(QDialog):
    """A list of backups with Restore (and, at start, Try again / Quit).

    Attributes:
        message_label: the plain-text explanation above the list.
        tree: one row per backup, newest first. restore_button, retry_button (or None).
    """

    def __init__(
        self,
        backups: list[Backup],
        message: str,
        *,
        at_start: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Library can't be opened" if at_start else "Restore backup")
        self.backups = backups
        self.choice: Backup | str | None = None
        layout = QVBoxLayout(self)
        self.message_label = QLabel(message, self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # paths are untrusted text
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Taken", "Kind", "Size", "File"])
        self.tree.setRootIsDecorated(False)
        for b in backups:
            item = QTreeWidgetItem(backup_row(b))
            item.setData(0, Qt.ItemDataRole.UserRole, str(b.path))
            self.tree.addTopLevelItem(item)
        for col in range(3):
            self.tree.resizeColumnToContents(col)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        else:
            self.tree.setEnabled(False)
        self.tree.itemDoubleClicked.connect(lambda *_: self._restore())
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Restore…" if not at_start else "Restore this backup")
        self.restore_button.setEnabled(bool(backups))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.clicked.connect(self._restore)
        self.retry_button: QPushButton | None = None
        if at_start:
            self.retry_button = QPushButton("Try again")
            buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.retry_button.clicked.connect(self._retry)
            close = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        else:
            close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def selected(self) -> Backup | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        path = item.data(0, Qt.ItemDataRole.UserRole)
        return next((b for b in self.backups if str(b.path) == path), None)

    def _restore(self) -> None:
        self.choice = self.selected()
        if self.choice is not None:
            self.accept()

    def _retry(self) -> None:
        self.choice = RETRY
        self.accept()

    def exec_choice(self) -> Backup | str | None:
        """Show modally; the chosen Backup, ``RETRY``, or None (closed / quit)."""
        self.exec()
        return self.choice


class BackupPrompts:
    """The backup questions, as classmethods tests replace (like ``Prompts``)."""

    @classmethod
    def ask_library_recovery(
        cls, parent: QWidget | None, message: str, backups: Sequence[Backup]
    ) -> Backup | str | None:
        """The library can't be opened: a backup to restore, ``RETRY``, or None (quit)."""
        text = message + (
            "\n\nRestore a backup? The file is moved aside, never overwritten."
            if backups
            else "\n\nThere is no backup of this library."
        )
        return BackupDialog(list(backups), text, at_start=True, parent=parent).exec_choice()

    @classmethod
    def choose_backup(cls, parent: QWidget | None, backups: Sequence[Backup]) -> Backup | None:
        text = "Choose the backup to restore. The library as it is now is kept beside it."
        choice = BackupDialog(list(backups), text, parent=parent).exec_choice()
        return choice if not isinstance(choice, str) else None


def stop_library_users(context: WindowContext) -> None:
    """Commit pending edits, then stop every task with its own connection to the library and
    wait for it (an export or a backup may finish first)."""
    context.flush_edits.emit()
    context.tasks.stop_all(keep=("export", "backup"))


def restore_into_window(context: WindowContext, backup: Backup) -> Path | None:
    """Restore ``backup`` over the window's library and show it; where the old file went.

    The window's library is closed first (restore_backup needs every connection gone) and a
    library is always reopened after, the restored one or, if restoring failed, the one that
    was there (restore_backup checks the backup before it touches anything).
    """
    from intercept_viewer.ui.widgets.prompts import Prompts

    window = context.host
    path = context.library.path
    if path is None:
        Prompts.show_error(window, "An in-memory library has no backups.")
        return None
    stop_library_users(context)
    context.library.close()
    aside: Path | None = None
    error = ""
    try:
        aside = restore_backup(backup, path)
    except InterceptViewerError as exc:
        error = str(exc)
    try:
        library = Library(path)
    except InterceptViewerError as exc:
        Prompts.show_error(window, f"{error}\n\nThe library can't be reopened: {exc}".strip())
        window.close()
        return aside
    context.set_library(library)
    if error:
        Prompts.show_error(window, error)
        return None
    kept = f"\n\nThe library as it was has been kept as:\n{aside}" if aside else ""
    Prompts.show_info(window, f"Restored the backup {backup_row(backup)[0]}.{kept}")
    context.show_status(
        f"Restored the backup of {backup_row(backup)[0]}"
        + (f"; the previous library is kept as {aside}" if aside else "")
    )
    return aside


def restore_backup_dialog(context: WindowContext) -> Path | None:
    """File ▸ Restore backup…: choose a backup, confirm, restore it into the window."""
    from intercept_viewer.ui.widgets.prompts import Prompts

    window = context.host
    path = context.library.path
    if path is None:
        Prompts.show_error(window, "An in-memory library has no backups.")
        return None
    backups = list_backups(path)
    if not backups:
        Prompts.show_error(window, f"There are no backups of {path} yet.")
        return None
    backup = BackupPrompts.choose_backup(window, backups)
    if backup is None:
        return None
    if not Prompts.confirm_restore(window, backup, path):
        return None
    return restore_into_window(context, backup)
