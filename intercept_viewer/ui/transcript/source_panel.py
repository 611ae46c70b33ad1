"""The source panel: every metadata field of the current transcript, editable.

Edits are reported, not written: the window turns ``field_edited`` into an undoable command
that writes the library. A line edit reports when editing finishes; the multi-line fields when
they lose focus (or before another transcript is shown: ``commit_pending``). The source URL
opens only from the explicit "Open…" button, only for http/https, after the window shows the
full address.

Signals:
    field_edited(field, value): the user changed a field (value is None when cleared).
    open_url_requested(url)
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.model import VERIFICATION_STATES, Transcript
from intercept_viewer.ui.widgets.safe_text import isolate

LINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("publisher", "Publisher"),
    ("channel", "Channel"),
    ("source_url", "Source URL"),
    ("archive_url", "Archive URL"),
    ("released_on", "Released on"),
    ("recorded_on", "Recorded on"),
    ("language", "Language"),
    ("original_language", "Original language"),
    ("translator", "Translator"),
    ("media_path", "Media file"),
)
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("verification_note", "Verification note"),
    ("description", "Description"),
)
READ_ONLY: tuple[tuple[str, str], ...] = (
    ("file_name", "File"),
    ("format", "Format"),
    ("file_sha256", "SHA-256"),
    ("media_sha256", "Recording SHA-256"),
    ("imported_at", "Imported at"),
    ("origin", "Origin"),
)


def safe_web_url(text: str | None) -> QUrl | None:
    """``text`` as a URL when it is a plain http(s) address; None for anything else."""
    if not text or not text.strip():
        return None
    url = QUrl(text.strip(), QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in ("http", "https") or not url.host():
        return None
    return url


class SourcePanel(QScrollArea):
    """Attributes:
    edits: field name -> its editor widget (QLineEdit, QPlainTextEdit or the QComboBox).
    info: read-only field name -> QLabel.
    """

    field_edited = Signal(str, object)
    open_url_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # in a narrow dock a field goes under its label instead of off the panel's edge
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._transcript: Transcript | None = None
        self.edits: dict[str, QWidget] = {}
        self.info: dict[str, QLabel] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        self.verification = QComboBox(self)
        for state in VERIFICATION_STATES:
            self.verification.addItem(state, state)
        self.verification.activated.connect(self._verification_chosen)
        self.edits["verification"] = self.verification
        for name, label in LINE_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setMinimumWidth(60)
            edit.editingFinished.connect(lambda n=name: self._line_finished(n))
            self.edits[name] = edit
            if name in ("source_url", "archive_url"):
                row = QHBoxLayout()
                row.addWidget(edit)
                button = QPushButton("Open…", self)
                button.setToolTip("Open this address in your web browser (asks first)")
                button.clicked.connect(lambda _=False, n=name: self._open_clicked(n))
                self.open_buttons[name] = button
                row.addWidget(button)
                form.addRow(label, row)
            else:
                form.addRow(label, edit)
            if name == "title":
                form.addRow("Verification", self.verification)
        for name, label in TEXT_FIELDS:
            text = QPlainTextEdit(self)
            text.setObjectName(name)
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 12)
            text.installEventFilter(self)
            self.edits[name] = text
            form.addRow(label, text)
        for name, label in READ_ONLY:
            value = QLabel(self)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            # A SHA-256 or a long file name is one unbreakable word: let the label be
            # narrower than it (clipped, still selectable) instead of widening the panel.
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value.setMinimumWidth(40)
            self.info[name] = value
            form.addRow(label, value)
        # Every change of status or note, oldest first (issue 15): plain text, filled by the
        # corrections controller through set_verification_history.
        self.verification_history = QLabel(self)
        self.verification_history.setObjectName("verification_history")
        self.verification_history.setTextFormat(Qt.TextFormat.PlainText)
        self.verification_history.setWordWrap(True)
        self.verification_history.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.verification_history.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        form.addRow("Status history", self.verification_history)
        self.set_verification_history([])
        outer = QVBoxLayout(body)
        outer.addLayout(form)
        outer.addStretch(1)
        self.setWidget(body)
        self.set_transcript(None)

    # ---------------------------------------------------------------- filling

    def set_transcript(self, t: Transcript | None) -> None:
        """Show ``t``'s fields; nothing is reported while filling."""
        self._transcript = t
        for name, widget in self.edits.items():
            widget.setEnabled(t is not None)
            value = getattr(t, name) if t is not None else None
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.setText(value or "")
                widget.setCursorPosition(0)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value or "unverified")))
            widget.blockSignals(False)
        for name, label in self.info.items():
            value = getattr(t, name) if t is not None else None
            label.setText(isolate(str(value)) if value else "—")
        self._update_buttons()

    def set_verification_history(self, lines: list[str]) -> None:
        """One line per change of status or note, oldest first."""
        self.verification_history.setText(
            isolate("\n".join(lines)) if lines else "No change since import."
        )

    def _update_buttons(self) -> None:
        for name, button in self.open_buttons.items():
            edit = self.edits[name]
            assert isinstance(edit, QLineEdit)
            button.setEnabled(safe_web_url(edit.text()) is not None)

    def transcript(self) -> Transcript | None:
        return self._transcript

    # ---------------------------------------------------------------- reporting edits

    def _report(self, name: str, value: str | None) -> None:
        t = self._transcript
        if t is None:
            return
        if (getattr(t, name) or None) == (value or None):
            return
        self.field_edited.emit(name, value)

    def _line_finished(self, name: str) -> None:
        edit = self.edits[name]
        assert isinstance(edit, QLineEdit)
        self._report(name, edit.text().strip() or None)
        self._update_buttons()

    def _verification_chosen(self, _index: int) -> None:
        self._report("verification", self.verification.currentData())

    def commit_pending(self) -> None:
        """Report multi-line edits not yet committed (called before switching transcript)."""
        for name, _label in TEXT_FIELDS:
            edit = self.edits[name]
            assert isinstance(edit, QPlainTextEdit)
            self._report(name, edit.toPlainText().strip() or None)
        for name, _label in LINE_FIELDS:
            edit = self.edits[name]
            assert isinstance(edit, QLineEdit)
            if edit.isModified():
                edit.setModified(False)
                self._report(name, edit.text().strip() or None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            self._report(watched.objectName(), watched.toPlainText().strip() or None)
        return super().eventFilter(watched, event)

    def _open_clicked(self, name: str) -> None:
        edit = self.edits[name]
        assert isinstance(edit, QLineEdit)
        url = safe_web_url(edit.text())
        if url is not None:
            self.open_url_requested.emit(url.toString())
