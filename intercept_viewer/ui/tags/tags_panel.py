"""The Tags / Follow-up dock: the tag list and the follow-up queue with their filters and
buttons. ``D`` marks the selected passage done (or open again), Enter edits it, Delete deletes
it; double-click jumps to it. The panel only emits requests; ``ui.tags.tagging`` acts on them.

Signals (TagsPanel):
    jump_requested(passage_id), edit_requested(passage_id), toggle_requested(passage_id),
    delete_requested(passage_id), rename_requested(tag_id), recolor_requested(tag_id),
    describe_requested(tag_id), merge_requested(tag_id), delete_tag_requested(tag_id),
    filters_changed().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import VERIFICATION_STATES, Tag, Transcript
from intercept_viewer.ui.widgets.lazy_combo import LazyComboBox
from intercept_viewer.ui.widgets.style import VERIFICATION_LABELS

if TYPE_CHECKING:
    pass
from intercept_viewer.ui.tags.tag_models import (
    PassageQueueModel,
    QueueRow,
    TagListModel,
    read_queue_rows,
)

#: A queue this long (rows shown now) is read again off the GUI thread.
BACKGROUND_FROM = 500


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
        #: whether the follow-up queue has been read (the window reads it after its first paint)
        self.queue_loaded = False
        #: (filters, apply, failed) -> True when it will read the queue off the GUI thread and
        #: call ``apply`` with the rows, or ``failed`` with the reason (``Tagging`` sets it:
        #: the window's task runner)
        self.read_in_background: (
            Callable[
                [dict[str, Any], Callable[[list[QueueRow]], None], Callable[[str], None]], bool
            ]
            | None
        ) = None
        self._queue_generation = 0
        self._reading_in_background = False
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
        # Its choices (every transcript's title: thousands) are read when it is first
        # opened, focused or set, not with the panel (``refresh`` only marks them stale).
        self.transcript_filter = LazyComboBox(self, self._fill_transcript_choices)
        self.transcript_filter.addItem("All transcripts", None)
        self.transcript_filter.setToolTip("Transcript")
        self.transcript_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.transcript_filter.setMinimumContentsLength(8)
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
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.queue_view.verticalHeader().hide()
        self.queue_view.setAlternatingRowColors(True)
        header = self.queue_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            PassageQueueModel.STATE_COL, QHeaderView.ResizeMode.ResizeToContents
        )
        header.resizeSection(PassageQueueModel.SPEAKER_COL, 90)
        header.resizeSection(PassageQueueModel.TAGS_COL, 110)
        header.resizeSection(PassageQueueModel.TITLE_COL, 150)
        header.resizeSection(PassageQueueModel.STATUS_COL, 110)
        # the quote and the note are what is read: they share whatever width the dock has
        header.setSectionResizeMode(PassageQueueModel.QUOTE_COL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PassageQueueModel.NOTE_COL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
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
        row = QHBoxLayout()
        for combo in (
            self.tag_filter,
            self.state_filter,
            self.verification_filter,
            self.transcript_filter,
        ):
            row.addWidget(combo, 1)
        ql.addLayout(row)
        ql.addWidget(self.queue_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        ql.addLayout(buttons)
        # Side by side in a wide dock under the transcript: the tag list gets its full height
        # and every column of the queue (quote, speaker, tags, note, transcript) stays readable.
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(tags_box)
        splitter.addWidget(queue_box)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 900])  # the queue is the working area; tags just filter it
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

    def refresh(self, *, queue: bool = True) -> None:
        """Re-read tags, the transcript choices and the queue (unless ``queue`` is False),
        keeping filters and selection."""
        self.refresh_tags()
        self.transcript_filter.mark_stale()
        if queue:
            self.reload_queue()

    def refresh_tags(self) -> None:
        """Re-read the tag list (and the tag filter's choices), keeping the tag selected."""
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

    def _fill_transcript_choices(self) -> None:
        self._refill(
            self.transcript_filter,
            [("All transcripts", None)]
            + [(title, tid) for tid, title in self.library.transcript_titles()],
        )

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

    def reload_queue(
        self, transcripts: list[Transcript] | None = None, *, background: bool = False
    ) -> None:
        """Read the queue again. A long one (``BACKGROUND_FROM`` rows or more), or any when
        ``background`` (the first reading, after the window's first paint), is read off the
        GUI thread when ``read_in_background`` is set: thousands of passages took a third of a
        second to quote, after every tag, note or done mark. A short one is read at once, so
        the row just tagged is there when the dialog closes."""
        self.queue_loaded = True
        self._queue_generation += 1
        generation = self._queue_generation
        filters = dict(self.queue_model.filters)
        if (
            transcripts is None
            and self.read_in_background is not None
            and (background or self.queue_model.rowCount() >= BACKGROUND_FROM)
            and self.read_in_background(
                filters,
                lambda rows: self._show_rows(generation, rows),
                lambda why: self._read_failed(generation, why),
            )
        ):
            self._reading_in_background = True
            n = self.queue_model.rowCount()
            self.count_label.setText(f"{n:,} passages, updating…" if n else "Reading the queue…")
            return
        self._show_rows(generation, read_queue_rows(self.library, filters, transcripts))

    def refresh_transcripts(self, transcript_ids: Iterable[int]) -> None:
        """A change inside these transcripts only (a correction, a status): re-read the tags
        and just their rows of the queue. A split or a merge re-read all 4,042 passages of the
        queue after every frame, a third of a second of the GUI thread or, read off it, of
        the GIL the next correction needed."""
        tids = set(transcript_ids)
        self.transcript_filter.mark_stale()
        self.refresh_tags()
        if not self.queue_loaded:
            return
        if self._reading_in_background:  # a full reading is on its way: read it all again
            self.reload_queue()
            return
        filters = dict(self.queue_model.filters)
        wanted = filters.get("transcript_id")
        rows = [r for r in self.queue_model.rows() if r.transcript.id not in tids]
        for tid in sorted(tids):
            if wanted in (None, "", tid):
                rows += read_queue_rows(self.library, {**filters, "transcript_id": tid})
        self._queue_generation += 1
        self._show_rows(self._queue_generation, rows)

    def _read_failed(self, generation: int, why: str) -> None:
        """The queue could not be read: the rows shown stay, and the count says why."""
        if generation != self._queue_generation:
            return
        self._reading_in_background = False
        n = self.queue_model.rowCount()
        self.count_label.setText(f"{n:,} passage{'s' if n != 1 else ''} (not re-read: {why})")

    def _show_rows(self, generation: int, rows: list[QueueRow]) -> None:
        if generation != self._queue_generation:
            return  # a newer reading was asked for since
        self._reading_in_background = False
        pid = self.current_passage_id()
        self.queue_model.set_rows(rows)
        n = self.queue_model.rowCount()
        self.count_label.setText(f"{n:,} passage{'s' if n != 1 else ''}")
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
            if isinstance(combo, LazyComboBox):
                combo.fill()
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)
        if not self.queue_loaded:  # the queue read after the first paint: read it now
            self.reload_queue()

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
