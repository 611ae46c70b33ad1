"""Every modal question the window asks, in one place tests can monkeypatch.

A test replaces e.g. ``Prompts.confirm_delete`` with a lambda instead of clicking a blocking
QMessageBox (pytest-qt's advice for dialogs). Messages show file text as plain text only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox, QWidget

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.ui.widgets.import_messages import (
    FORMAT_LABELS,
    describe_for_window,
    window_message,
)

if TYPE_CHECKING:
    from intercept_viewer.core.backups import Backup

#: Answers of ``confirm_delete``.
DELETE_TRANSCRIPTS = "transcripts"
DELETE_WITH_PASSAGES = "with_passages"


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def describe_failure(exc: ImportFailed) -> str:
    """``file, line N: reason`` for a dialog (the same facts as the CLI's FILE:LINE: message)."""
    where = exc.file or "?"
    if exc.line is not None:
        where += f", line {exc.line}"
    return f"{where}:\n    {exc.message}"


class Prompts:
    """Modal dialogs, as classmethods so tests can replace them."""

    @classmethod
    def show_import_errors(
        cls, parent: QWidget | None, failures: Sequence[ImportFailed]
    ) -> str | None:
        """Say, in the window's words, why files failed; offer "Import as…".

        Returns the format the user chose to import them as, or None.
        """
        n = len(failures)
        box = _box(
            parent,
            QMessageBox.Icon.Warning,
            "Import failed",
            f"{n} file{'s' if n != 1 else ''} could not be imported:\n\n"
            + "\n\n".join(describe_for_window(f) for f in failures[:20])
            + ("\n\n…" if n > 20 else ""),
        )
        details = []
        for f in failures:
            details.append(str(f))
            extra = window_message(f)[1]
            if extra:
                details.append(f"    {extra}")
        box.setDetailedText("\n".join(details))
        import_as = box.addButton("Import as…", QMessageBox.ButtonRole.ActionRole)
        import_as.setToolTip("Import these files as a format you choose")
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is import_as:
            return cls.choose_format(parent)
        return None

    @classmethod
    def choose_format(cls, parent: QWidget | None) -> str | None:
        """A format name from a list of what each one is, or None."""
        labels = list(FORMAT_LABELS.values())
        value, ok = QInputDialog.getItem(
            parent, "Import as", "Read the files as:", labels, 0, False
        )
        if not ok:
            return None
        return next((k for k, v in FORMAT_LABELS.items() if v == value), None)

    @classmethod
    def show_error(cls, parent: QWidget | None, message: str) -> None:
        box = _box(parent, QMessageBox.Icon.Critical, "Intercept Viewer", message)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()

    @classmethod
    def show_info(cls, parent: QWidget | None, message: str) -> None:
        box = _box(parent, QMessageBox.Icon.Information, "Intercept Viewer", message)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()

    @classmethod
    def confirm_restore(cls, parent: QWidget | None, backup: Backup, library: Path) -> bool:
        box = _box(
            parent,
            QMessageBox.Icon.Question,
            "Restore backup",
            f"Replace the library with the backup {backup.label}?\n\n{backup.path}\n\n"
            f"The library as it is now ({library}) is moved aside, not deleted. Changes made "
            "since the backup will only be in that file.",
        )
        yes = box.addButton("Restore", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is yes

    @classmethod
    def confirm_delete(cls, parent: QWidget | None, count: int, passages: int) -> str | None:
        """Ask before deleting; passages go only if the user picks that button explicitly."""
        text = f"Delete {count} transcript{'s' if count != 1 else ''} from the library?"
        if passages:
            text += (
                f"\n\n{passages} tagged passage{'s' if passages != 1 else ''} with notes belong "
                "to them. They can only be deleted together."
            )
        box = _box(parent, QMessageBox.Icon.Question, "Delete transcripts", text)
        if passages:
            yes = box.addButton(
                f"Delete with {passages} passage{'s' if passages != 1 else ''}",
                QMessageBox.ButtonRole.DestructiveRole,
            )
        else:
            yes = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is not yes:
            return None
        return DELETE_WITH_PASSAGES if passages else DELETE_TRANSCRIPTS

    @classmethod
    def confirm_open_url(cls, parent: QWidget | None, url: str) -> bool:
        box = _box(
            parent,
            QMessageBox.Icon.Question,
            "Open in browser",
            f"Open this address in your web browser?\n\n{url}",
        )
        yes = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is yes

    @classmethod
    def ask_text(cls, parent: QWidget | None, title: str, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None

    @classmethod
    def ask_color(cls, parent: QWidget | None, initial: str) -> str | None:
        color = QColorDialog.getColor(QColor(initial), parent, "Speaker colour")
        return color.name() if color.isValid() else None

    @classmethod
    def choose(
        cls, parent: QWidget | None, title: str, label: str, items: Sequence[str]
    ) -> int | None:
        value, ok = QInputDialog.getItem(parent, title, label, list(items), 0, False)
        return list(items).index(value) if ok and value in items else None
