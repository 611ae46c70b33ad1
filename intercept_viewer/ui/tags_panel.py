"""The Tags / Follow-up dock and the tagging controller that wires it into the window.

* ``TagListModel``: every tag with its passage count and colour.
* ``PassageQueueModel``: the follow-up queue across the whole library, one row per passage
  (state, quoted text, speaker, transcript, verification badge, date), filtered by tag,
  state, transcript and verification status and sortable by any column (date by default).
* ``TagsPanel``: the two views with their filters and buttons. ``D`` marks the selected
  passage done (or open again), Enter edits it, Delete deletes it; double-click jumps to it.
* ``Tagging``: owns the panel, the Ctrl+T action, the list's context menu and chip clicks, and
  applies every tagging action through the window's QUndoStack (``ui.tag_commands``).

All text from transcripts and notes is shown as plain text; tooltips are escaped.

Signals (TagsPanel):
    jump_requested(passage_id), edit_requested(passage_id), toggle_requested(passage_id),
    delete_requested(passage_id), rename_requested(tag_id), recolor_requested(tag_id),
    merge_requested(tag_id), delete_tag_requested(tag_id), filters_changed().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QHelpEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.errors import InterceptViewerError, NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import VERIFICATION_STATES, Passage, Tag, Transcript
from intercept_viewer.ui.prompts import Prompts
from intercept_viewer.ui.roles import UtteranceRole
from intercept_viewer.ui.style import VERIFICATION_LABELS, text_color_on, verification_color
from intercept_viewer.ui.tag_commands import (
    AddPassageCommand,
    DeletePassageCommand,
    DeleteTagCommand,
    EditPassageCommand,
    MergeTagsCommand,
    UpdateTagCommand,
)
from intercept_viewer.ui.tag_dialog import TagDialog, TagRequest
from intercept_viewer.ui.turn_strip import tooltip_html

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from intercept_viewer.ui.main_window import MainWindow

AnyIndex = QModelIndex | QPersistentModelIndex
QUOTE_CHARS = 240
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
        value, ok = QInputDialog.getMultiLineText(
            parent, "Describe tag", f"What is “{tag.name}” for?", tag.description or ""
        )
        return value.strip() if ok else None

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


# ---------------------------------------------------------------------------- models


class TagListModel(QAbstractListModel):
    """Tags by name: ``name (count)``, a colour swatch, the description as tooltip."""

    TagRole = int(Qt.ItemDataRole.UserRole) + 40

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tags: list[Tag] = []

    def set_tags(self, tags: list[Tag]) -> None:
        self.beginResetModel()
        self._tags = list(tags)
        self.endResetModel()

    def tags(self) -> list[Tag]:
        return list(self._tags)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tags)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tags):
            return None
        tag = self._tags[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{tag.name} ({tag.passage_count})"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(tag.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(tag.description) if tag.description else None
        if role == self.TagRole:
            return tag
        return None


@dataclass
class QueueRow:
    passage: Passage
    quote: str
    speakers: str
    transcript: Transcript


class PassageQueueModel(QAbstractTableModel):
    """The follow-up queue: passages across the library, with the current filters.

    Attributes:
        filters: keyword arguments of ``Library.passages`` (tag, state, transcript_id,
            verification); set by the panel's combo boxes.
    """

    COLUMNS = ("", "Status", "Quote", "Speaker", "Transcript", "Tagged")
    #: the badge comes early so a narrow dock never scrolls it out of sight
    STATE_COL, STATUS_COL, QUOTE_COL, SPEAKER_COL, TITLE_COL, DATE_COL = range(6)
    PassageRole = int(Qt.ItemDataRole.UserRole) + 41
    IdRole = int(Qt.ItemDataRole.UserRole) + 42

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.filters: dict[str, Any] = {}
        self._rows: list[QueueRow] = []
        self._sort = (self.DATE_COL, Qt.SortOrder.DescendingOrder)

    def reload(self, transcripts: list[Transcript] | None = None) -> None:
        """Read the queue again (after any tagging action or filter change); ``transcripts``
        when the caller has just read them."""
        lib = self.library
        if transcripts is None:
            transcripts = lib.transcripts()
        by_id = {t.id: t for t in transcripts}
        names: dict[int, dict[int | None, str]] = {}
        rows = []
        for p in lib.passages(**{k: v for k, v in self.filters.items() if v not in (None, "")}):
            t = by_id.get(p.transcript_id)
            if t is None:
                continue
            if p.transcript_id not in names:
                names[p.transcript_id] = {s.id: s.name for s in lib.speakers(p.transcript_id)}
            parts = lib.passage_text(p)
            quote = " / ".join(" ".join(text.split()) for _u, text in parts)
            who = list(
                dict.fromkeys(names[p.transcript_id].get(u.speaker_id, "?") for u, _ in parts)
            )
            rows.append(QueueRow(p, quote, ", ".join(who), t))
        self.beginResetModel()
        self._rows = rows
        self._sort_rows()
        self.endResetModel()

    def rows(self) -> list[QueueRow]:
        return list(self._rows)

    def passage_at(self, row: int) -> Passage | None:
        return self._rows[row].passage if 0 <= row < len(self._rows) else None

    def row_of(self, passage_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.passage.id == passage_id:
                return i
        return -1

    def _key(self, r: QueueRow) -> Any:
        col = self._sort[0]
        if col == self.STATE_COL:
            return (r.passage.state, r.passage.created_at or "", r.passage.id)
        if col == self.QUOTE_COL:
            return (r.quote.casefold(), r.passage.id)
        if col == self.SPEAKER_COL:
            return (r.speakers.casefold(), r.passage.id)
        if col == self.TITLE_COL:
            return (r.transcript.title.casefold(), r.passage.first_seq, r.passage.id)
        if col == self.STATUS_COL:
            return (VERIFICATION_STATES.index(r.transcript.verification), r.passage.id)
        return (r.passage.created_at or "", r.passage.id)

    def _sort_rows(self) -> None:
        self._rows.sort(key=self._key, reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = [r.passage.id for r in self._rows]
        self._sort = (column, order)
        self._sort_rows()
        after = {r.passage.id: i for i, r in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [
            self.index(after[before[i.row()]], i.column()) if i.isValid() else QModelIndex()
            for i in old
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == self.STATE_COL:
                return "Follow-up: ○ open, ✓ done (press D to toggle)"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        p, col = r.passage, index.column()
        if role == self.PassageRole:
            return p
        if role == self.IdRole:
            return p.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.STATE_COL:
                return "✓" if p.state == "done" else "○"
            if col == self.QUOTE_COL:
                q = r.quote if len(r.quote) <= QUOTE_CHARS else r.quote[:QUOTE_CHARS] + "…"
                return f"“{q}”"
            if col == self.SPEAKER_COL:
                return r.speakers
            if col == self.TITLE_COL:
                return r.transcript.title
            if col == self.STATUS_COL:
                v = r.transcript.verification
                return VERIFICATION_LABELS.get(v, v.upper())
            if col == self.DATE_COL:
                return (p.created_at or "")[:16].replace("T", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [r.quote, "", f"Tags: {', '.join(p.tags)}"]
            if p.note:
                lines += ["", p.note]
            lines += ["", f"{r.transcript.title} — utterance {p.first_seq}"]
            return tooltip_html("\n".join(lines))
        if col == self.STATUS_COL and role == Qt.ItemDataRole.BackgroundRole:
            return verification_color(r.transcript.verification)
        if col == self.STATUS_COL and role == Qt.ItemDataRole.ForegroundRole:
            return text_color_on(verification_color(r.transcript.verification))
        if col == self.STATE_COL and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


# ---------------------------------------------------------------------------- views


class QueueView(QTableView):
    """The queue table; D toggles done, Enter edits, Delete deletes the current passage."""

    key_action = Signal(str, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        idx = self.currentIndex()
        pid = idx.data(PassageQueueModel.IdRole) if idx.isValid() else None
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if pid is not None and mods == Qt.KeyboardModifier.NoModifier:
            key = event.key()
            if key == Qt.Key.Key_D:
                self.key_action.emit("toggle", pid)
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.key_action.emit("edit", pid)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.key_action.emit("delete", pid)
                return
        super().keyPressEvent(event)


def _combo(parent: QWidget, items: list[tuple[str, Any]], tip: str) -> QComboBox:
    combo = QComboBox(parent)
    for text, value in items:
        combo.addItem(text, value)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class TagsPanel(QWidget):
    """Attributes:
    tag_model, tag_view, queue_model, queue_view, tag_filter, state_filter,
    transcript_filter, verification_filter, done_button, edit_button, delete_button,
    rename_button, recolor_button, merge_button, delete_tag_button, count_label.
    """

    jump_requested = Signal(int)
    edit_requested = Signal(int)
    toggle_requested = Signal(int)
    delete_requested = Signal(int)
    rename_requested = Signal(int)
    recolor_requested = Signal(int)
    describe_requested = Signal(int)
    merge_requested = Signal(int)
    delete_tag_requested = Signal(int)
    filters_changed = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.tag_model = TagListModel(self)
        self.tag_view = QListView(self)
        self.tag_view.setModel(self.tag_model)
        self.tag_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tag_view.setToolTip("Click a tag to show its passages in the queue.")
        self.tag_view.clicked.connect(self._tag_clicked)
        self.tag_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tag_view.customContextMenuRequested.connect(self._tag_menu)
        self.rename_button = QPushButton("Rename…", self)
        self.recolor_button = QPushButton("Colour…", self)
        self.merge_button = QPushButton("Merge…", self)
        self.delete_tag_button = QPushButton("Delete…", self)
        for button, signal in (
            (self.rename_button, self.rename_requested),
            (self.recolor_button, self.recolor_requested),
            (self.merge_button, self.merge_requested),
            (self.delete_tag_button, self.delete_tag_requested),
        ):
            button.clicked.connect(lambda _=False, s=signal: self._emit_tag(s))
        tag_buttons = QHBoxLayout()
        for b in (self.rename_button, self.recolor_button, self.merge_button):
            tag_buttons.addWidget(b)
        tag_buttons.addWidget(self.delete_tag_button)

        self.tag_filter = _combo(self, [("All tags", None)], "Show passages with this tag")
        self.state_filter = _combo(
            self, [("Open", "open"), ("Done", "done"), ("Open and done", None)], "Follow-up state"
        )
        self.verification_filter = _combo(
            self,
            [("Any status", None)]
            + [(VERIFICATION_LABELS[v].capitalize(), v) for v in VERIFICATION_STATES],
            "Verification status of the transcript",
        )
        self.transcript_filter = _combo(self, [("All transcripts", None)], "Transcript")
        for combo in (
            self.tag_filter,
            self.state_filter,
            self.verification_filter,
            self.transcript_filter,
        ):
            combo.currentIndexChanged.connect(self._filters_edited)

        self.queue_model = PassageQueueModel(library, self)
        self.queue_view = QueueView(self)
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_view.setSortingEnabled(True)
        self.queue_view.sortByColumn(PassageQueueModel.DATE_COL, Qt.SortOrder.DescendingOrder)
        self.queue_view.setWordWrap(False)
        self.queue_view.verticalHeader().hide()
        self.queue_view.setAlternatingRowColors(True)
        header = self.queue_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            PassageQueueModel.STATE_COL, QHeaderView.ResizeMode.ResizeToContents
        )
        header.resizeSection(PassageQueueModel.QUOTE_COL, 220)
        header.resizeSection(PassageQueueModel.SPEAKER_COL, 80)
        header.resizeSection(PassageQueueModel.TITLE_COL, 120)
        header.resizeSection(PassageQueueModel.STATUS_COL, 96)
        self.queue_view.doubleClicked.connect(self._jump)
        self.queue_view.setToolTip("Double-click: jump to the passage. D: done/reopen.")
        self.queue_view.key_action.connect(self._key_action)

        self.done_button = QPushButton("Done / reopen (D)", self)
        self.done_button.setToolTip("Mark the selected passage done, or open again (key: D)")
        self.edit_button = QPushButton("Edit… (Enter)", self)
        self.delete_button = QPushButton("Delete (Del)", self)
        self.done_button.clicked.connect(lambda: self._emit_passage(self.toggle_requested))
        self.edit_button.clicked.connect(lambda: self._emit_passage(self.edit_requested))
        self.delete_button.clicked.connect(lambda: self._emit_passage(self.delete_requested))
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        tags_box = QWidget(self)
        tl = QVBoxLayout(tags_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tag_view)
        tl.addLayout(tag_buttons)
        queue_box = QWidget(self)
        ql = QVBoxLayout(queue_box)
        ql.setContentsMargins(0, 0, 0, 0)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        row1.addWidget(self.tag_filter, 1)
        row1.addWidget(self.state_filter, 1)
        row2.addWidget(self.verification_filter, 1)
        row2.addWidget(self.transcript_filter, 1)
        ql.addLayout(row1)
        ql.addLayout(row2)
        ql.addWidget(self.queue_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        ql.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(tags_box)
        splitter.addWidget(queue_box)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([90, 400])  # the queue is the working area; tags just filter it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        # the queue is read by the first refresh() (Tagging does it): reading it here too
        # cost a second pass over every transcript at start
        self.queue_model.filters = self.filters()

    # ---------------------------------------------------------------- contents

    def set_library(self, library: Library) -> None:
        self.library = library
        self.queue_model.library = library

    def refresh(self) -> None:
        """Re-read tags, the transcript choices and the queue, keeping filters and selection."""
        tags = self.library.tags()
        keep_tag = self.current_tag()
        self.tag_model.set_tags(tags)
        self._refill(self.tag_filter, [("All tags", None)] + [(t.name, t.name) for t in tags])
        if keep_tag is not None:
            self.tag_view.setCurrentIndex(
                self.tag_model.index(
                    next((i for i, t in enumerate(tags) if t.id == keep_tag.id), -1), 0
                )
            )
        transcripts = self.library.transcripts()
        self._refill(
            self.transcript_filter,
            [("All transcripts", None)] + [(t.title, t.id) for t in transcripts],
        )
        self.reload_queue(transcripts)

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        i = combo.findData(current)
        combo.setCurrentIndex(i if i >= 0 else 0)
        combo.blockSignals(False)

    def reload_queue(self, transcripts: list[Transcript] | None = None) -> None:
        pid = self.current_passage_id()
        self.queue_model.reload(transcripts)
        n = self.queue_model.rowCount()
        self.count_label.setText(f"{n} passage{'s' if n != 1 else ''}")
        if pid is not None:
            self.select_passage(pid)

    def filters(self) -> dict[str, Any]:
        """The queue's filters, as ``Library.passages`` keywords (used by Export passages)."""
        return {
            "tag": self.tag_filter.currentData(),
            "state": self.state_filter.currentData(),
            "transcript_id": self.transcript_filter.currentData(),
            "verification": self.verification_filter.currentData(),
        }

    def set_filter(self, **values: Any) -> None:
        """Set filters by value (tests, and clicking a tag); unknown values are ignored."""
        combos = {
            "tag": self.tag_filter,
            "state": self.state_filter,
            "transcript_id": self.transcript_filter,
            "verification": self.verification_filter,
        }
        for key, value in values.items():
            combo = combos[key]
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)

    def _filters_edited(self) -> None:
        self.queue_model.filters = self.filters()
        self.reload_queue()
        self.filters_changed.emit()

    # ---------------------------------------------------------------- selection

    def current_tag(self) -> Tag | None:
        idx = self.tag_view.currentIndex()
        return idx.data(TagListModel.TagRole) if idx.isValid() else None

    def current_passage_id(self) -> int | None:
        idx = self.queue_view.currentIndex()
        return idx.data(PassageQueueModel.IdRole) if idx.isValid() else None

    def select_passage(self, passage_id: int) -> bool:
        row = self.queue_model.row_of(passage_id)
        if row < 0:
            return False
        self.queue_view.selectRow(row)
        self.queue_view.setCurrentIndex(self.queue_model.index(row, 1))
        return True

    def _tag_clicked(self, index: QModelIndex) -> None:
        tag = index.data(TagListModel.TagRole)
        if tag is not None:
            self.set_filter(tag=tag.name)

    def _emit_tag(self, signal: Any) -> None:
        tag = self.current_tag()
        if tag is not None:
            signal.emit(tag.id)

    def _tag_menu(self, pos: QPoint) -> None:
        """Right-click on a tag: every tag action, Describe… included (it has no button)."""
        if self.current_tag() is None:
            return
        menu = QMenu(self)
        for label, signal in (
            ("Rename…", self.rename_requested),
            ("Colour…", self.recolor_requested),
            ("Describe…", self.describe_requested),
            ("Merge…", self.merge_requested),
            ("Delete…", self.delete_tag_requested),
        ):
            menu.addAction(label).triggered.connect(lambda _=False, s=signal: self._emit_tag(s))
        menu.exec(self.tag_view.viewport().mapToGlobal(pos))

    def _emit_passage(self, signal: Any) -> None:
        pid = self.current_passage_id()
        if pid is not None:
            signal.emit(pid)

    def _jump(self, index: QModelIndex) -> None:
        pid = index.data(PassageQueueModel.IdRole)
        if pid is not None:
            self.jump_requested.emit(pid)

    def _key_action(self, what: str, pid: int) -> None:
        {
            "toggle": self.toggle_requested,
            "edit": self.edit_requested,
            "delete": self.delete_requested,
        }[what].emit(pid)


# ---------------------------------------------------------------------------- controller


class Tagging(QObject):
    """Tagging in the window: Ctrl+T, the context menu, chips, the dock, undo.

    Attributes:
        window: the MainWindow. panel, dock: the Tags / Follow-up dock.
        tag_action (Ctrl+T), tag_part_action, edit_passage_action: on the list's context menu.
        chip_passages: for each seq of the shown transcript, the passage behind each chip.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.panel = TagsPanel(window.library, window)
        self.dock = window.add_dock(
            self.panel, "Tags / Follow-up", Qt.DockWidgetArea.LeftDockWidgetArea, "tags"
        )
        # A third tab beside Library and Search: the queue needs the height, and stacking it
        # under the library left room for only a handful of transcripts.
        window.tabifyDockWidget(window.library_dock, self.dock)
        window.library_dock.raise_()
        self.chip_passages: dict[int, list[Passage]] = {}
        view = window.list_view
        self.tag_action = QAction("&Tag selection…", window)
        self.tag_action.setShortcut(QKeySequence("Ctrl+T"))
        self.tag_action.triggered.connect(lambda: self.tag_selection())
        window.addAction(self.tag_action)
        self.tag_part_action = QAction("Tag &part of this utterance…", window)
        self.tag_part_action.triggered.connect(lambda: self.tag_selection(part=True))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.viewport().installEventFilter(self)

        p = self.panel
        p.jump_requested.connect(self.jump_to_passage)
        p.edit_requested.connect(self.edit_passage)
        p.toggle_requested.connect(self.toggle_done)
        p.delete_requested.connect(self.delete_passage)
        p.rename_requested.connect(self.rename_tag)
        p.recolor_requested.connect(self.recolor_tag)
        p.describe_requested.connect(self.describe_tag)
        p.merge_requested.connect(self.merge_tag)
        p.delete_tag_requested.connect(self.delete_tag)
        window.current_transcript_changed.connect(lambda _tid: self.refresh_chips())
        window.library_changed.connect(self.panel.refresh)
        self.panel.refresh()
        self.refresh_chips()

    # ---------------------------------------------------------------- refresh

    @property
    def undo_stack(self) -> QUndoStack:
        """TagTarget: the window's undo history (a failed undo or redo clears it)."""
        return self.window.undo_stack

    def tagging_changed(self) -> None:
        """TagTarget: the library's tags or passages changed (action, undo or redo)."""
        self.panel.refresh()
        self.refresh_chips()

    def refresh_chips(self) -> None:
        """Load the shown transcript's passages once; map each seq to its chips and marks."""
        model = self.window.transcript_view.model
        tid = model.transcript_id
        chips: dict[int, list[tuple[str, str]]] = {}
        owners: dict[int, list[Passage]] = {}
        marks = []
        if tid is not None:
            colors = {t.name: t.color for t in self.library.tags()}
            for p in self.library.passages(transcript_id=tid):
                for seq in range(p.first_seq, p.last_seq + 1):
                    for name in p.tags:
                        label = ("✓ " if p.state == "done" else "") + name
                        chips.setdefault(seq, []).append((label, colors.get(name, "#888888")))
                        owners.setdefault(seq, []).append(p)
                    if p.tags:
                        marks.append((seq, QColor(colors.get(p.tags[0], "#888888"))))
        had = bool(self.chip_passages) or bool(chips)
        self.chip_passages = owners
        model.set_tag_chips(chips)
        self.window.transcript_view.strip.set_marks("tags", marks)
        if had:
            self.window.list_view.relayout_now()

    # ---------------------------------------------------------------- tagging

    def _try(self, fn: Any) -> Any:
        try:
            return fn()
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.window, str(exc))
            return None

    def _new_tags(self, names: list[str]) -> set[str]:
        known = {t.name.casefold() for t in self.library.tags()}
        return {n.casefold() for n in names if n.casefold() not in known}

    def _created(self, names: set[str]) -> list[Tag]:
        return [t for t in self.library.tags() if t.name.casefold() in names]

    def tag_selection(self, *, part: bool = False) -> Passage | None:
        """Ask for tags, note and state for the selected utterances; add the passage."""
        w = self.window
        tid = w.current_transcript_id()
        rows = w.list_view.selected_rows()
        if not rows and w.list_view.currentIndex().isValid():
            rows = [w.list_view.currentIndex().row()]
        if tid is None or not rows:
            w.statusBar().showMessage("Select utterances to tag first.", 5000)
            return None
        if part:
            rows = [
                w.list_view.currentIndex().row()
                if w.list_view.currentIndex().isValid()
                else rows[0]
            ]
        first, last = rows[0] + 1, rows[-1] + 1
        model = w.transcript_view.model
        utts = [model.utterance_at(r) for r in range(rows[0], rows[-1] + 1)]
        if first == last:
            quote = utts[0].text if utts[0] else ""
        else:
            quote = "\n".join(f"{model.speaker_name(u)}: {u.text}" for u in utts if u)
        answer = TagDialog.ask(
            w,
            TagRequest(quote=quote, selectable=first == last),
            [t.name for t in self.library.tags()],
        )
        if answer is None or not answer.tags:
            return None
        new = self._new_tags(answer.tags)
        passage = self._try(
            lambda: self.library.add_passage(
                tid,
                first,
                last,
                answer.tags,
                note=answer.note or None,
                state=answer.state,
                start_char=answer.start_char,
                end_char=answer.end_char,
            )
        )
        if passage is None:
            return None
        w.undo_stack.push(AddPassageCommand(self, passage, self._created(new)))
        self.tagging_changed()
        return passage

    def _passage(self, passage_id: int) -> Passage | None:
        try:
            return self.library.passage(passage_id)
        except NotFound:
            return None

    def edit_passage(self, passage_id: int) -> None:
        """The same dialog, filled in, with a Delete button."""
        before = self._passage(passage_id)
        if before is None:
            return
        quote = "\n".join(text for _u, text in self.library.passage_text(before))
        answer = TagDialog.ask(
            self.window,
            TagRequest(
                quote=quote,
                tags=before.tags,
                note=before.note or "",
                state=before.state,
                editing=True,
            ),
            [t.name for t in self.library.tags()],
        )
        if answer is None:
            return
        if answer.delete:
            self.delete_passage(passage_id)
            return
        new = self._new_tags(answer.tags)
        after = self._try(
            lambda: self.library.update_passage(
                passage_id, tags=answer.tags, note=answer.note, state=answer.state
            )
        )
        if after is None:
            return
        self.window.undo_stack.push(EditPassageCommand(self, before, after, self._created(new)))
        self.tagging_changed()

    def toggle_done(self, passage_id: int) -> None:
        before = self._passage(passage_id)
        if before is None:
            return
        state = "open" if before.state == "done" else "done"
        after = self._try(lambda: self.library.update_passage(passage_id, state=state))
        if after is None:
            return
        text = "Mark passage done" if state == "done" else "Reopen passage"
        self.window.undo_stack.push(EditPassageCommand(self, before, after, [], text))
        self.tagging_changed()
        self.window.statusBar().showMessage(f"{text} (Ctrl+Z undoes).", 4000)

    def delete_passage(self, passage_id: int) -> None:
        gone = self._try(lambda: self.library.delete_passage(passage_id))
        if gone is None:
            return
        self.window.undo_stack.push(DeletePassageCommand(self, gone))
        self.tagging_changed()
        self.window.statusBar().showMessage("Passage deleted (Ctrl+Z undoes).", 4000)

    def jump_to_passage(self, passage_id: int) -> None:
        p = self._passage(passage_id)
        if p is None:
            return
        highlight = None
        if p.first_seq == p.last_seq and (p.start_char is not None or p.end_char is not None):
            start = p.start_char or 0
            end = (
                p.end_char
                if p.end_char is not None
                else len(self.library.utterance(p.transcript_id, p.first_seq).text)
            )
            highlight = [(start, end - start)]
        self.window.show_utterance(p.transcript_id, p.first_seq, highlight=highlight)
        if p.last_seq > p.first_seq:
            view = self.window.list_view
            sel = view.selectionModel()
            model = view.model()
            sel.select(
                QItemSelection(model.index(p.first_seq - 1, 0), model.index(p.last_seq - 1, 0)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )

    # ---------------------------------------------------------------- tags

    def _tag(self, tag_id: int) -> Tag | None:
        try:
            return self.library.tag(tag_id)
        except NotFound:
            return None

    def rename_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        name = TagPrompts.ask_name(self.window, tag.name) if tag else None
        if tag is None or not name or name == tag.name:
            return
        if self._try(lambda: self.library.update_tag(tag_id, name=name)) is not None:
            self.window.undo_stack.push(UpdateTagCommand(self, tag, name=name))
            self.tagging_changed()

    def describe_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        text = TagPrompts.ask_description(self.window, tag) if tag else None
        if tag is None or text is None or text == (tag.description or ""):
            return
        if self._try(lambda: self.library.update_tag(tag_id, description=text)) is not None:
            self.window.undo_stack.push(UpdateTagCommand(self, tag, description=text))
            self.tagging_changed()

    def recolor_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        color = TagPrompts.ask_color(self.window, tag.color) if tag else None
        if tag is None or not color:
            return
        if self._try(lambda: self.library.update_tag(tag_id, color=color)) is not None:
            self.window.undo_stack.push(UpdateTagCommand(self, tag, color=color))
            self.tagging_changed()

    def merge_tag(self, tag_id: int) -> None:
        """Merge the selected tag into another: its passages get the other tag."""
        tag = self._tag(tag_id)
        if tag is None:
            return
        others = [t for t in self.library.tags() if t.id != tag_id]
        if not others:
            self.window.statusBar().showMessage("There is no other tag to merge with.", 5000)
            return
        name = TagPrompts.ask_merge_target(self.window, tag, [t.name for t in others])
        keep = next((t for t in others if t.name == name), None)
        if keep is None:
            return
        merge = self._try(lambda: self.library.merge_tags(keep.id, tag_id))
        if merge is not None:
            self.window.undo_stack.push(MergeTagsCommand(self, keep, merge))
            self.tagging_changed()

    def delete_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        choice = TagPrompts.ask_delete(self.window, tag) if tag else None
        if choice is None:
            return
        with_passages = choice == DELETE_PASSAGES
        deletion = self._try(lambda: self.library.delete_tag(tag_id, delete_passages=with_passages))
        if deletion is not None:
            self.window.undo_stack.push(DeleteTagCommand(self, deletion, with_passages))
            self.tagging_changed()

    # ---------------------------------------------------------------- list interaction

    def _context_menu(self, pos: QPoint) -> None:
        view = self.window.list_view
        menu = QMenu(view)
        menu.addAction(self.tag_action)
        menu.addAction(self.tag_part_action)
        idx = view.indexAt(pos)
        for p in dict.fromkeys(self.chip_passages.get(idx.row() + 1, []) if idx.isValid() else []):
            act = menu.addAction(f"Edit passage: {', '.join(p.tags)}…")
            act.triggered.connect(lambda _=False, pid=p.id: self.edit_passage(pid))
        menu.addSeparator()
        menu.addAction(self.window.copy_action)
        menu.popup(view.viewport().mapToGlobal(pos))

    def chip_at(self, pos: QPoint) -> Passage | None:
        """The passage whose chip is under ``pos`` (viewport coordinates), if any."""
        view = self.window.list_view
        idx = view.indexAt(pos)
        if not idx.isValid():
            return None
        chips = idx.data(UtteranceRole.TagChips) or []
        owners = self.chip_passages.get(idx.row() + 1, [])
        rects = view.utterance_delegate.tag_chip_rects(view.visualRect(idx), chips)
        for rect, p in zip(rects, owners, strict=False):
            if rect.contains(pos.toPointF()):
                return p
        return None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            p = self.chip_at(event.pos())
            if p is not None:
                text = f"{', '.join(p.tags)} — {p.state}\n\n{p.note or '(no note)'}"
                text += "\n\nClick to edit."
                QToolTip.showText(event.globalPos(), tooltip_html(text), self.window.list_view)
                return True
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            p = self.chip_at(event.position().toPoint())
            if p is not None:
                self.edit_passage(p.id)
                return True
        return False


def install_tagging(window: MainWindow) -> Tagging:
    """Create the Tags / Follow-up dock, Ctrl+T and File ▸ Export… in ``window``."""
    from intercept_viewer.ui.export_dialog import Exporter

    tagging = Tagging(window)
    exporter = Exporter(window, tagging.panel.filters)
    tagging.exporter = exporter
    window.edit_menu.addSeparator()
    window.edit_menu.addAction(tagging.tag_action)
    window.edit_menu.addAction(tagging.tag_part_action)
    tagging.export_transcript_action = QAction("&Export transcript…", window)
    tagging.export_transcript_action.setShortcut(QKeySequence("Ctrl+E"))
    tagging.export_transcript_action.triggered.connect(exporter.export_transcript)
    tagging.export_passages_action = QAction("Export &passages (queue as filtered)…", window)
    tagging.export_passages_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    tagging.export_passages_action.triggered.connect(exporter.export_passages)
    for action in (tagging.export_transcript_action, tagging.export_passages_action):
        window.addAction(action)
        window.file_menu.insertAction(window.delete_action, action)
    window.file_menu.insertSeparator(window.delete_action)
    return tagging
