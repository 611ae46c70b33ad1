"""The questions the tags dock asks (rename, describe, recolour, merge, delete a tag), as
classmethods tests replace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from intercept_viewer.core.model import Tag
from intercept_viewer.ui.widgets.dialog_keys import multiline_text_dialog

if TYPE_CHECKING:
    pass

#: Answers of ``TagPrompts.ask_delete``.
KEEP_PASSAGES, DELETE_PASSAGES = "keep", "delete"


class TagPrompts:
    """The questions the tags dock asks, as classmethods tests replace."""

    @classmethod
    def ask_name(cls, parent: QWidget | None, current: str) -> str | None:
        value, ok = QInputDialog.getText(parent, "Rename tag", "New name:", text=current)
        return value.strip() if ok and value.strip() else None

    @classmethod
    def ask_description(cls, parent: QWidget | None, tag: Tag) -> str | None:
        """The tag's description (what the tag is for); None when cancelled, "" clears it."""
        dialog = multiline_text_dialog(
            parent,
            "Describe tag",
            f"What is “{tag.name}” for? (Ctrl+Enter saves)",
            tag.description or "",
        )
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.textValue().strip() if ok else None

    @classmethod
    def ask_color(cls, parent: QWidget | None, current: str) -> str | None:
        color = QColorDialog.getColor(QColor(current), parent, "Tag colour")
        return color.name() if color.isValid() else None

    @classmethod
    def ask_merge_target(cls, parent: QWidget | None, tag: Tag, others: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(
            parent, "Merge tag", f"Merge “{tag.name}” into:", others, 0, False
        )
        return value if ok and value in others else None

    @classmethod
    def ask_delete(cls, parent: QWidget | None, tag: Tag) -> str | None:
        """KEEP_PASSAGES (they lose the tag), DELETE_PASSAGES (those left untagged go), None."""
        n = tag.passage_count
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete tag",
            f"Delete the tag “{tag.name}”?"
            + (f"\n\n{n} passage{'s' if n != 1 else ''} carry it." if n else ""),
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        keep = box.addButton(
            "Delete tag, keep passages" if n else "Delete", QMessageBox.ButtonRole.AcceptRole
        )
        drop = (
            box.addButton(
                "Delete tag and passages left without tags",
                QMessageBox.ButtonRole.DestructiveRole,
            )
            if n
            else None
        )
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return KEEP_PASSAGES
        if drop is not None and clicked is drop:
            return DELETE_PASSAGES
        return None
