"""The tagging controller: Ctrl+T, tag chips, and the Tags / Follow-up dock's actions.

``Tagging`` owns the panel (``ui.tags.tags_panel``), the Ctrl+T action, the list's context
menu and chip clicks, and applies every tagging action through the window's QUndoStack
(``ui.tags.tag_commands``). All text from transcripts and notes is shown as plain text;
tooltips are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPoint,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QHelpEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Passage, Tag
from intercept_viewer.ui.context import Change, WindowContext
from intercept_viewer.ui.tags.tag_commands import (
    AddPassageCommand,
    DeletePassageCommand,
    DeleteTagCommand,
    EditPassageCommand,
    MergeTagsCommand,
    UpdateTagCommand,
)
from intercept_viewer.ui.tags.tag_dialog import TagDialog, TagRequest
from intercept_viewer.ui.tags.tag_models import QueueRow, read_queue_rows
from intercept_viewer.ui.tags.tag_prompts import DELETE_PASSAGES, TagPrompts
from intercept_viewer.ui.tags.tags_panel import TagsPanel
from intercept_viewer.ui.tasks import Task
from intercept_viewer.ui.transcript.transcript_view import TranscriptView
from intercept_viewer.ui.widgets.roles import UtteranceRole
from intercept_viewer.ui.widgets.safe_text import tooltip_html

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

T = TypeVar("T")
#: What a tagging action changes.
TAGGING = ("passages", "tags")


class Tagging(QObject):
    """Tagging in the window: Ctrl+T, the context menu, chips, the dock, undo.

    Every write goes through the context (``WindowContext.write``), whose ``changed`` broadcast
    refreshes the dock and the chips; undo and redo report through ``tagging_changed``.

    Attributes:
        context: the window's context. view: the TranscriptView whose list is tagged.
        panel: the Tags / Follow-up dock's widget (the window docks it).
        tag_action (Ctrl+T), tag_part_action: for the Edit menu and the list's context menu.
        menu_actions: more actions for the list's context menu (the window's Copy).
        chip_passages: for each seq of the shown transcript, the passage behind each chip.
    """

    def __init__(
        self, context: WindowContext, view: TranscriptView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.view = view
        self.host = context.host
        self.panel = TagsPanel(context.library, parent)
        self.panel.read_in_background = self._read_queue_in_background
        self.menu_actions: list[QAction] = []
        self.chip_passages: dict[int, list[Passage]] = {}
        list_view = view.list_view
        self.tag_action = QAction("&Tag selection…", self)
        self.tag_action.setShortcut(QKeySequence("Ctrl+T"))
        self.tag_action.triggered.connect(lambda: self.tag_selection())
        self.tag_part_action = QAction("Tag &part of this utterance…", self)
        self.tag_part_action.triggered.connect(lambda: self.tag_selection(part=True))
        list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        list_view.customContextMenuRequested.connect(self._context_menu)
        list_view.viewport().installEventFilter(self)

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
        context.current_changed.connect(lambda _tid: self.refresh_chips())
        context.changed.connect(self._changed)
        context.library_replaced.connect(self._library_replaced)
        # The queue quotes every passage (thousands, in a library tagged for months): it is
        # read once the window has painted; the tag list and the filters are there at once.
        self.panel.refresh(queue=False)
        context.after_first_paint(self._first_queue)
        self.refresh_chips()

    # ---------------------------------------------------------------- refresh

    def _read_queue_in_background(
        self,
        filters: dict[str, Any],
        apply: Callable[[list[QueueRow]], None],
        failed: Callable[[str], None],
    ) -> bool:
        """Read the queue as a task of the window's runner (its own read-only connection);
        False for a library in memory, which only this connection sees."""
        if self.context.library.path is None:
            return False

        def op(library: Library) -> Generator[None, None, list[QueueRow]]:
            yield from ()
            return read_queue_rows(library, filters)

        self.context.tasks.submit(
            Task("queue", op, access="read", lane="read"),
            supersede=True,
            on_done=apply,
            on_failed=failed,
        )
        return True

    def _first_queue(self) -> None:
        """After the first paint: the queue, unless something has read it already."""
        if not self.panel.queue_loaded and not self.context.library.closed:
            self.panel.reload_queue(background=True)

    @property
    def library(self) -> Library:
        """TagTarget: the window's library."""
        return self.context.library

    @property
    def undo_stack(self) -> QUndoStack:
        """TagTarget: the window's undo history (a failed undo or redo clears it)."""
        return self.context.undo_stack

    def tagging_changed(self) -> None:
        """TagTarget: an undo or redo changed the library's tags or passages."""
        self.context.notify(Change.of(*TAGGING))

    def _changed(self, change: Change) -> None:
        if change.touches("passages", "tags", "transcripts", "verification"):
            # the queue shows titles and statuses too; a change scoped to some transcripts
            # (a correction, a status) re-reads only their rows, a tag's re-reads them all
            if change.transcript_ids and not change.everything and not change.touches("tags"):
                self.panel.refresh_transcripts(change.transcript_ids)
            else:
                self.panel.refresh()
        if change.touches("passages", "tags", "utterances") and change.touches_transcript(
            self.view.model.transcript_id
        ):
            self.refresh_chips()

    def _library_replaced(self) -> None:
        self.panel.set_library(self.context.library)
        self.panel.refresh()
        self.refresh_chips()

    def refresh_chips(self) -> None:
        """Load the shown transcript's passages once; map each seq to its chips and marks."""
        model = self.view.model
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
        self.view.strip.set_marks("tags", marks)
        if had:
            self.view.list_view.relayout_now()

    # ---------------------------------------------------------------- tagging

    def _try(self, fn: Callable[[], T]) -> T | None:
        """Run one tagging write through the context: broadcast, or shown why not (None)."""
        return self.context.write(lambda _library: fn(), Change.of(*TAGGING))

    def _new_tags(self, names: list[str]) -> set[str]:
        known = {t.name.casefold() for t in self.library.tags()}
        return {n.casefold() for n in names if n.casefold() not in known}

    def _created(self, names: set[str]) -> list[Tag]:
        return [t for t in self.library.tags() if t.name.casefold() in names]

    def tag_selection(self, *, part: bool = False) -> Passage | None:
        """Ask for tags, note and state for the selected utterances; add the passage."""
        lv = self.view.list_view
        tid = self.context.current_transcript_id
        rows = lv.selected_rows()
        if not rows and lv.currentIndex().isValid():
            rows = [lv.currentIndex().row()]
        if tid is None or not rows:
            self.context.show_status("Select utterances to tag first.", 5000)
            return None
        if part:
            rows = [lv.currentIndex().row() if lv.currentIndex().isValid() else rows[0]]
        first, last = rows[0] + 1, rows[-1] + 1
        model = self.view.model
        utts = [model.utterance_at(r) for r in range(rows[0], rows[-1] + 1)]
        if first == last:
            quote = utts[0].text if utts[0] else ""
        else:
            quote = "\n".join(f"{model.speaker_name(u)}: {u.text}" for u in utts if u)
        answer = TagDialog.ask(
            self.host,
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
        self.undo_stack.push(AddPassageCommand(self, passage, self._created(new)))
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
            self.host,
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
        self.undo_stack.push(EditPassageCommand(self, before, after, self._created(new)))

    def toggle_done(self, passage_id: int) -> None:
        before = self._passage(passage_id)
        if before is None:
            return
        state = "open" if before.state == "done" else "done"
        after = self._try(lambda: self.library.update_passage(passage_id, state=state))
        if after is None:
            return
        text = "Mark passage done" if state == "done" else "Reopen passage"
        self.undo_stack.push(EditPassageCommand(self, before, after, [], text))
        self.context.show_status(f"{text} (Ctrl+Z undoes).", 4000)

    def delete_passage(self, passage_id: int) -> None:
        gone = self._try(lambda: self.library.delete_passage(passage_id))
        if gone is None:
            return
        self.undo_stack.push(DeletePassageCommand(self, gone))
        self.context.show_status("Passage deleted (Ctrl+Z undoes).", 4000)

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
        self.context.navigate(p.transcript_id, p.first_seq, highlight)
        if p.last_seq > p.first_seq:
            view = self.view.list_view
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
        name = TagPrompts.ask_name(self.host, tag.name) if tag else None
        if tag is None or not name or name == tag.name:
            return
        if self._try(lambda: self.library.update_tag(tag_id, name=name)) is not None:
            self.undo_stack.push(UpdateTagCommand(self, tag, name=name))

    def describe_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        text = TagPrompts.ask_description(self.host, tag) if tag else None
        if tag is None or text is None or text == (tag.description or ""):
            return
        if self._try(lambda: self.library.update_tag(tag_id, description=text)) is not None:
            self.undo_stack.push(UpdateTagCommand(self, tag, description=text))

    def recolor_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        color = TagPrompts.ask_color(self.host, tag.color) if tag else None
        if tag is None or not color:
            return
        if self._try(lambda: self.library.update_tag(tag_id, color=color)) is not None:
            self.undo_stack.push(UpdateTagCommand(self, tag, color=color))

    def merge_tag(self, tag_id: int) -> None:
        """Merge the selected tag into another: its passages get the other tag."""
        tag = self._tag(tag_id)
        if tag is None:
            return
        others = [t for t in self.library.tags() if t.id != tag_id]
        if not others:
            self.context.show_status("There is no other tag to merge with.", 5000)
            return
        name = TagPrompts.ask_merge_target(self.host, tag, [t.name for t in others])
        keep = next((t for t in others if t.name == name), None)
        if keep is None:
            return
        merge = self._try(lambda: self.library.merge_tags(keep.id, tag_id))
        if merge is not None:
            self.undo_stack.push(MergeTagsCommand(self, keep, merge))

    def delete_tag(self, tag_id: int) -> None:
        tag = self._tag(tag_id)
        choice = TagPrompts.ask_delete(self.host, tag) if tag else None
        if choice is None:
            return
        with_passages = choice == DELETE_PASSAGES
        deletion = self._try(lambda: self.library.delete_tag(tag_id, delete_passages=with_passages))
        if deletion is not None:
            self.undo_stack.push(DeleteTagCommand(self, deletion, with_passages))

    # ---------------------------------------------------------------- list interaction

    def _context_menu(self, pos: QPoint) -> None:
        view = self.view.list_view
        menu = QMenu(view)
        menu.addAction(self.tag_action)
        menu.addAction(self.tag_part_action)
        idx = view.indexAt(pos)
        for p in dict.fromkeys(self.chip_passages.get(idx.row() + 1, []) if idx.isValid() else []):
            act = menu.addAction(f"Edit passage: {', '.join(p.tags)}…")
            act.triggered.connect(lambda _=False, pid=p.id: self.edit_passage(pid))
        if self.menu_actions:
            menu.addSeparator()
        for action in self.menu_actions:
            menu.addAction(action)
        menu.popup(view.viewport().mapToGlobal(pos))

    def chip_at(self, pos: QPoint) -> Passage | None:
        """The passage whose chip is under ``pos`` (viewport coordinates), if any."""
        view = self.view.list_view
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
                QToolTip.showText(event.globalPos(), tooltip_html(text), self.view.list_view)
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
