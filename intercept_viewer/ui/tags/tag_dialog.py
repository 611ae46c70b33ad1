"""The small dialog behind Ctrl+T: tags (comma-separated, completed from existing tags), a
multi-line note and the follow-up state, for a new passage or one being edited.

When a single utterance is tagged, its text is shown in a read-only QPlainTextEdit: selecting
words there narrows the passage to that character range (the list itself selects whole rows).
Everything is plain text. ``TagDialog.ask`` is the one entry point, a classmethod tests replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.ui.widgets.dialog_keys import save_on_ctrl_enter


def split_tags(text: str) -> list[str]:
    """``"claim, Купянск ,,unit"`` → ``["claim", "Купянск", "unit"]`` (duplicates dropped,
    case-insensitively, first spelling kept)."""
    out: dict[str, str] = {}
    for part in text.split(","):
        name = part.strip()
        if name and name.casefold() not in out:
            out[name.casefold()] = name
    return list(out.values())


@dataclass
class TagRequest:
    """What the dialog starts from.

    Attributes:
        quote: the text being tagged (shown, never editable).
        selectable: the quote is one utterance; selecting part of it narrows the passage.
        tags, note, state: initial values (an existing passage when ``editing``).
        start_char, end_char: an initial selection inside ``quote``.
    """

    quote: str
    selectable: bool = False
    tags: list[str] = field(default_factory=list)
    note: str = ""
    state: str = "open"
    start_char: int | None = None
    end_char: int | None = None
    editing: bool = False


@dataclass
class TagAnswer:
    """What the user chose. ``delete`` means "delete this passage" (edit mode only)."""

    tags: list[str]
    note: str
    state: str
    start_char: int | None = None
    end_char: int | None = None
    delete: bool = False


class TagCompleter(QCompleter):
    """Completes the tag after the last comma, keeping the ones typed before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: object) -> str:
        chosen = super().pathFromIndex(index)  # type: ignore[arg-type]
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = [p.strip() for p in text.split(",")[:-1] if p.strip()]
        return ", ".join([*head, chosen]) + ", "


class TagDialog(QDialog):
    """Attributes:
    tags_edit, note_edit, quote_edit, open_radio, done_radio, delete_button.
    """

    def __init__(
        self, request: TagRequest, tag_names: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.request = request
        self.deleted = False
        self.setWindowTitle("Edit passage" if request.editing else "Tag passage")
        self.setMinimumWidth(460)

        self.quote_edit = QPlainTextEdit(self)
        self.quote_edit.setReadOnly(True)
        self.quote_edit.setPlainText(request.quote)
        self.quote_edit.setMaximumHeight(120)
        self.quote_edit.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        if request.selectable and request.start_char is not None:
            cur = self.quote_edit.textCursor()
            cur.setPosition(request.start_char)
            end = request.end_char if request.end_char is not None else len(request.quote)
            cur.setPosition(end, cur.MoveMode.KeepAnchor)
            self.quote_edit.setTextCursor(cur)
        hint = QLabel(
            "Select words above to tag only that part; nothing selected tags the whole utterance."
            if request.selectable
            else "",
            self,
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setVisible(request.selectable and not request.editing)

        self.tags_edit = QLineEdit(", ".join(request.tags), self)
        self.tags_edit.setPlaceholderText("e.g. unit to identify, claim to check (comma-separated)")
        completer = TagCompleter(QStringListModel(tag_names, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags_edit.setCompleter(completer)
        self.note_edit = QPlainTextEdit(request.note, self)
        self.note_edit.setPlaceholderText("Note (plain text, several lines allowed)")
        self.note_edit.setTabChangesFocus(True)
        self.open_radio = QRadioButton("Open", self)
        self.done_radio = QRadioButton("Done", self)
        group = QButtonGroup(self)
        group.addButton(self.open_radio)
        group.addButton(self.done_radio)
        (self.done_radio if request.state == "done" else self.open_radio).setChecked(True)
        state_row = QHBoxLayout()
        state_row.addWidget(self.open_radio)
        state_row.addWidget(self.done_radio)
        state_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Tags:", self.tags_edit)
        form.addRow("Note:", self.note_edit)
        form.addRow("Follow-up:", state_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Save" if request.editing else "Tag"
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.delete_button = QPushButton("Delete passage", self)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setVisible(request.editing)
        self.delete_button.clicked.connect(self._delete)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #B91C1C")
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.quote_edit)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        save_on_ctrl_enter(self, self._accept)  # from the note field too
        self.tags_edit.setFocus()

    def _accept(self) -> None:
        if not split_tags(self.tags_edit.text()):
            self.error_label.setText("Give the passage at least one tag.")
            self.error_label.show()
            return
        self.accept()

    def _delete(self) -> None:
        self.deleted = True
        self.accept()

    def answer(self) -> TagAnswer:
        start = end = None
        if self.request.selectable:
            cur = self.quote_edit.textCursor()
            a, b = cur.selectionStart(), cur.selectionEnd()
            # a selection of the whole text is the whole utterance, not a range
            if b > a and not (a == 0 and b == len(self.request.quote)):
                start, end = a, b
        return TagAnswer(
            tags=split_tags(self.tags_edit.text()),
            note=self.note_edit.toPlainText().strip(),
            state="done" if self.done_radio.isChecked() else "open",
            start_char=start,
            end_char=end,
            delete=self.deleted,
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, request: TagRequest, tag_names: list[str]
    ) -> TagAnswer | None:
        """Show the dialog modally; None when cancelled."""
        dialog = cls(request, tag_names, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.answer()
        finally:
            dialog.deleteLater()
