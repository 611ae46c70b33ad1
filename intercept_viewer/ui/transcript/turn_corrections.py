"""Correcting a transcript in the window (issue 15): edit, reassign, split, merge, insert,
delete and time turns, all undoable; the transcript as imported; the History dock.

``TurnCorrections`` owns the actions (Edit ▸ Correct turn, and the list's context menu), the
in-place editor wiring (F2 / double-click; Enter commits, Ctrl+Shift+Enter splits at the
cursor), View ▸ Show as imported and the History dock. Every correction goes to the library
first, then onto the undo stack as a ``CorrectionCommand``; the list is patched row by row
(``UtteranceListModel.turns_replaced``) instead of being reloaded, and the slower extras (strip
outline, speaker stats, tag chips, history) are refreshed once, just after the repaint.

Keyboard first: F2 edits, Ctrl+R opens the speaker menu (then the speaker's number, or N for a
new name), Ctrl+M merges with the next turn (or the selected turns), Insert adds a turn after,
Ctrl+Delete deletes, Ctrl+Shift+T sets the time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QMenu, QWidget

from intercept_viewer.core.corrections import Correction, note_says_unverified, value_text
from intercept_viewer.core.errors import InterceptViewerError, NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Utterance
from intercept_viewer.core.timefmt import format_ms, parse_ms
from intercept_viewer.ui.context import Change, WindowContext
from intercept_viewer.ui.transcript.commands import EditTranscriptCommand, field_change
from intercept_viewer.ui.transcript.correction_commands import CorrectionCommand, TurnTimesCommand
from intercept_viewer.ui.transcript.history_panel import KIND_LABELS, HistoryPanel, when
from intercept_viewer.ui.widgets.prompts import Prompts

if TYPE_CHECKING:
    from intercept_viewer.ui.transcript.source_panel import SourcePanel
    from intercept_viewer.ui.transcript.speakers_panel import SpeakersPanel
    from intercept_viewer.ui.transcript.transcript_view import TranscriptView

#: Statuses that a note saying "unverified" contradicts.
CONFIRMING = ("verified", "corroborated")


class CorrectionPrompts:
    """The questions corrections ask (tests replace these classmethods)."""

    @classmethod
    def ask_new_speaker(cls, parent: QWidget | None) -> str | None:
        return Prompts.ask_text(parent, "New speaker", "Name of the speaker:", "")

    @classmethod
    def ask_turn_text(cls, parent: QWidget | None, after_seq: int) -> str | None:
        where = "at the top" if after_seq == 0 else f"after turn {after_seq}"
        value, ok = QInputDialog.getMultiLineText(parent, "Insert turn", f"Text {where}:", "")
        return value if ok else None

    @classmethod
    def ask_times(cls, parent: QWidget | None, seq: int, current: str) -> str | None:
        return Prompts.ask_text(
            parent,
            "Set time",
            f"Start – end of turn {seq} (like 1:23 – 1:27; leave empty to clear):",
            current,
        )

    @classmethod
    def ask_note_update(cls, parent: QWidget | None, status: str, note: str) -> str | None:
        """The new note, or None to keep the old one."""
        value, ok = QInputDialog.getMultiLineText(
            parent,
            "Update the verification note?",
            f"The status becomes {status}, but the note still says the release is "
            "unverified. Update the note (Cancel keeps it as it is):",
            note,
        )
        return value if ok and value.strip() != note.strip() else None


class TurnCorrections(QObject):
    """Corrections of the shown transcript.

    Attributes:
        context: the window's context. view, speakers_panel, source_panel: what it corrects
        and shows corrections in. history_panel: the History dock's widget (the window docks
        it).
        edit_action (F2), reassign_action (Ctrl+R), split_action (Ctrl+Shift+Return),
        merge_action (Ctrl+M), insert_action (Insert), delete_action (Ctrl+Delete),
        times_action (Ctrl+Shift+T), show_imported_action (View ▸ Show as imported).
        menu: Edit ▸ Correct turn (also in the list's context menu).
    """

    def __init__(
        self,
        context: WindowContext,
        view: TranscriptView,
        speakers_panel: SpeakersPanel,
        source_panel: SourcePanel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.host = context.host
        self.view = view
        self.speakers_panel = speakers_panel
        self.source_panel = source_panel
        list_view = view.list_view
        self.edit_action = self._action("&Edit text", self.edit_current, "F2")
        self.reassign_action = self._action(
            "&Give to speaker…", lambda: self.reassign_selection(), "Ctrl+R"
        )
        self.split_action = self._action(
            "&Split at cursor", self.split_current, "Ctrl+Shift+Return"
        )
        self.merge_action = self._action("&Merge with next", self.merge_selection, "Ctrl+M")
        self.insert_action = self._action("&Insert turn after…", self.insert_after, "Insert")
        self.delete_action = self._action("&Delete turn", self.delete_selection, "Ctrl+Delete")
        self.times_action = self._action("Set &time…", self.set_time_dialog, "Ctrl+Shift+T")
        self.show_imported_action = QAction("Show as &imported", self)
        self.show_imported_action.setCheckable(True)
        self.show_imported_action.toggled.connect(self.show_as_imported)
        self.menu = QMenu("Co&rrect turn", parent)
        for a in (
            self.edit_action,
            self.reassign_action,
            self.split_action,
            self.merge_action,
            self.insert_action,
            self.delete_action,
            self.times_action,
        ):
            self.menu.addAction(a)
        self.history_panel = HistoryPanel(parent)
        list_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        delegate = list_view.utterance_delegate
        delegate.commit_text = self._commit_text
        delegate.split_at = self._split_from_editor
        view.model.history_tip = self._history_tip
        # From the speaker list too: right-click a speaker to give it the selected turns.
        table = speakers_panel.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._speaker_list_menu)
        context.current_changed.connect(self._transcript_shown)
        context.changed.connect(self._library_changed)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._refresh_extras)
        self._structure_changed = False

    def _action(self, text: str, slot: Callable[[], object], shortcut: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        # Only while the list has the focus: Insert, F2 and Ctrl+Delete mean other things in
        # the panels' text fields.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.view.list_view.addAction(action)
        return action

    # ---------------------------------------------------------------- what is shown

    @property
    def library(self) -> Library:
        return self.context.library

    @property
    def undo_stack(self) -> QUndoStack:
        return self.context.undo_stack

    def _tid(self) -> int | None:
        if self.view.model.showing_fixed:
            Prompts.show_info(
                self.host,
                "The transcript is shown as imported (View ▸ Show as imported); turn that off "
                "to correct it.",
            )
            return None
        return self.context.current_transcript_id

    def _rows(self) -> list[int]:
        view = self.view.list_view
        rows = view.selected_rows()
        if not rows and view.currentIndex().isValid():
            rows = [view.currentIndex().row()]
        return rows

    def _current_row(self) -> int | None:
        view = self.view.list_view
        idx = view.currentIndex()
        if idx.isValid():
            return idx.row()
        rows = view.selected_rows()
        return rows[0] if rows else None

    def _utterance(self, row: int) -> Utterance | None:
        return self.view.model.utterance_at(row)

    def _transcript_shown(self, tid: int) -> None:
        self.show_imported_action.blockSignals(True)
        self.show_imported_action.setChecked(False)
        self.show_imported_action.blockSignals(False)
        self._update_marks(tid if tid >= 0 else None)
        self.refresh_history()

    def _library_changed(self, change: Change) -> None:
        """Another write (a status edit, an undo, another panel): the history may have grown."""
        tid = self.context.current_transcript_id
        if change.touches("utterances", "verification", "transcripts") and (
            change.touches_transcript(tid)
        ):
            self.refresh_history()

    def _update_marks(self, tid: int | None) -> None:
        view = self.view.list_view
        show = tid is not None and self.library.is_corrected(tid)
        if view.utterance_delegate.set_show_marks(show):
            view.relayout_now()

    def refresh_history(self) -> None:
        """The History dock and the source panel's status history, for the shown transcript."""
        tid = self.context.current_transcript_id
        try:
            entries = self.library.history(tid) if tid is not None else []
        except NotFound:  # deleted (here or by another process) before the view moved on
            entries = []
        self.history_panel.set_entries(entries)
        lines = [
            f"{when(e.at)}: {value_text(e.before)} → {value_text(e.after)}"
            + (f" — {e.reason}" if e.reason else "")
            for e in entries
            if e.kind == "verification"
        ]
        self.source_panel.set_verification_history(lines)

    def _history_tip(self, u: Utterance) -> str:
        """The turn's own history, for the tooltip of its "edited" mark."""
        entries = self.library.turn_history(u.transcript_id, u.id)
        return "\n".join(
            f"{when(e.at)} {KIND_LABELS.get(e.kind, e.kind)}: {value_text(e.before)} → "
            f"{value_text(e.after)}" + (f" ({e.reason})" if e.reason else "")
            for e in entries[-8:]
        )

    # ---------------------------------------------------------------- doing

    def _run(self, label: str, make: Callable[[], list[Correction]]) -> list[Correction]:
        """Make corrections on the library, push them as one undoable command, update the
        list. A refused correction (read-only, bad value) is explained and leaves no trace."""
        try:
            done = [c for c in make() if c.steps]
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.host, str(exc))
            return []
        if done:
            self.undo_stack.push(CorrectionCommand(self, label, done))
            self.corrections_applied(done[0].transcript_id, done)
        return done

    def edit_current(self) -> None:
        """F2: edit the current turn's text in place."""
        view = self.view.list_view
        row = self._current_row()
        if row is None or self._tid() is None:
            return
        view.edit(view.model().index(row, 0))

    def _commit_text(self, row: int, text: str) -> None:
        tid = self._tid()
        if tid is None:
            return
        self._run(f"Edit turn {row + 1}", lambda: [self.library.edit_turn_text(tid, row + 1, text)])

    def speaker_menu(self) -> QMenu:
        """Ctrl+R's menu: the transcript's speakers numbered 1…9 (press the number), then
        New speaker… (N)."""
        menu = QMenu(self.view.list_view)
        for i, sp in enumerate(self.view.model.speakers(), start=1):
            key = f"&{i} " if i <= 9 else ""
            act = menu.addAction(f"{key}{sp.name.replace('&', '&&')}")
            act.triggered.connect(lambda _=False, sid=sp.id: self.reassign_selection(sid))
        menu.addSeparator()
        new = menu.addAction("&New speaker…")
        new.triggered.connect(self._reassign_new)
        return menu

    def reassign_selection(self, speaker: int | str | None = None) -> None:
        """Give the selected turns to ``speaker`` (an id or a new name); None opens the menu."""
        tid = self._tid()
        rows = self._rows()
        if tid is None or not rows:
            return
        if speaker is None:
            view = self.view.list_view
            rect = view.visualRect(view.model().index(rows[0], 0))
            self.speaker_menu().popup(view.viewport().mapToGlobal(rect.topLeft() + QPoint(40, 0)))
            return
        seqs = [r + 1 for r in rows]
        label = (
            f"Give turn {seqs[0]} to another speaker"
            if len(seqs) == 1
            else (f"Give {len(seqs)} turns to another speaker")
        )
        self._run(label, lambda: [self.library.reassign_turns(tid, seqs, speaker)])

    def speaker_list_menu(self, row: int) -> QMenu | None:
        """The Speakers panel's context menu for ``row``: give it the selected turns."""
        model = self.speakers_panel.model
        if not 0 <= row < model.rowCount():
            return None
        sp = model.speaker_at(row)
        n = len(self._rows())
        menu = QMenu(self.speakers_panel)
        act = menu.addAction(
            f"Give the selected turn{'s' if n != 1 else ''} to {sp.name.replace('&', '&&')}"
        )
        act.setEnabled(n > 0 and not self.view.model.showing_fixed)
        act.triggered.connect(lambda _=False, sid=sp.id: self.reassign_selection(sid))
        return menu

    def _speaker_list_menu(self, pos: QPoint) -> None:
        table = self.speakers_panel.table
        menu = self.speaker_list_menu(table.indexAt(pos).row())
        if menu is not None:
            menu.popup(table.viewport().mapToGlobal(pos))

    def _reassign_new(self) -> None:
        name = CorrectionPrompts.ask_new_speaker(self.host)
        if name and name.strip():
            self.reassign_selection(name.strip())

    def split_current(self) -> None:
        """Ctrl+Shift+Enter outside the editor: open it, so the cursor can be placed."""
        self.edit_current()
        self.context.show_status(
            "Place the cursor where the turn splits and press Ctrl+Shift+Enter.", 6000
        )

    def _split_from_editor(self, row: int, text: str, pos: int) -> None:
        tid = self._tid()
        u = self._utterance(row)
        if tid is None or u is None:
            return
        seq = row + 1
        stripped = text.strip()
        offset = pos - (len(text) - len(text.lstrip()))

        steps: list[Callable[[], Correction]] = []
        if stripped != u.text:
            steps.append(lambda: self.library.edit_turn_text(tid, seq, stripped))
        steps.append(lambda: self.library.split_turn(tid, seq, offset))
        self._run(f"Split turn {seq}", lambda: self._all_or_nothing(steps))

    def _all_or_nothing(self, steps: Sequence[Callable[[], Correction]]) -> list[Correction]:
        """Make several corrections as one action: a failure half-way undoes those made."""
        done: list[Correction] = []
        try:
            for step in steps:
                done.append(step())
        except (InterceptViewerError, ValueError):
            for c in reversed(done):
                self.library.revert_correction(c, reason="cancelled")
            raise
        return done

    def merge_selection(self) -> None:
        """Merge the current turn with the next one, or the selected adjacent turns."""
        tid = self._tid()
        rows = self._rows()
        if tid is None or not rows:
            return
        if rows != list(range(rows[0], rows[-1] + 1)):
            Prompts.show_error(self.host, "Only adjacent turns can be merged.")
            return
        first, times = rows[0] + 1, max(1, len(rows) - 1)

        steps = [lambda: self.library.merge_turns(tid, first)] * times
        label = f"Merge turns {first}–{first + times}"
        if self._run(label, lambda: self._all_or_nothing(steps)):
            self.view.list_view.go_to_row(first - 1)

    def insert_after(self) -> None:
        """Insert a turn after the current one (same speaker; give it to another after)."""
        tid = self._tid()
        row = self._current_row()
        if tid is None:
            return
        after = row + 1 if row is not None else 0
        text = CorrectionPrompts.ask_turn_text(self.host, after)
        if not text or not text.strip():
            return
        if self._run(
            f"Insert turn after {after}",
            lambda: [self.library.insert_turn(tid, after, text)],
        ):
            self.view.list_view.go_to_row(after)

    def delete_selection(self) -> None:
        """Delete the selected turns (undoable; their passages keep their notes)."""
        tid = self._tid()
        rows = self._rows()
        if tid is None or not rows:
            return

        steps = [
            (lambda seq=r + 1: self.library.delete_turn(tid, seq))
            for r in sorted(rows, reverse=True)
        ]
        label = f"Delete {len(rows)} turn{'s' if len(rows) != 1 else ''}"
        self._run(label, lambda: self._all_or_nothing(steps))

    def set_time_dialog(self) -> None:
        """Ask for the current turn's start – end (empty clears them)."""
        tid = self._tid()
        row = self._current_row()
        u = self._utterance(row) if row is not None else None
        if tid is None or u is None:
            return
        current = " – ".join(format_ms(x) for x in (u.start_ms, u.end_ms) if x is not None)
        answer = CorrectionPrompts.ask_times(self.host, u.seq, current)
        if answer is None:
            return
        try:
            parts = [p for p in answer.replace("–", "-").split("-")] if answer.strip() else []
            if len(parts) > 2:
                raise ValueError("Give a start and an end, like 1:23 – 1:27.")
            start = parse_ms(parts[0]) if parts else None
            end = parse_ms(parts[1]) if len(parts) == 2 else None
        except ValueError as exc:
            Prompts.show_error(self.host, str(exc))
            return
        self.set_times(tid, [(u.seq, start, end)])

    def set_times(self, tid: int, changes: Sequence[tuple[int, int | None, int | None]]) -> bool:
        """Set or clear times through ``Library.set_turn_times``, undoably."""
        try:
            previous = self.library.set_turn_times(tid, changes)
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.host, str(exc))
            return False
        self.undo_stack.push(TurnTimesCommand(self, tid, changes, previous))
        self.times_applied(tid, [c[0] for c in changes])
        return True

    # ---------------------------------------------------------------- as imported

    def show_as_imported(self, on: bool) -> None:
        """View ▸ Show as imported: the whole transcript as it came in (read-only)."""
        tid = self.context.current_transcript_id
        model = self.view.model
        if tid is None:
            return
        model.set_fixed_rows(self.library.imported_utterances(tid) if on else None)
        for a in self.menu.actions():
            a.setEnabled(not on)
        self.context.show_status(
            "Showing the transcript as imported (read-only)." if on else "", 0 if on else 1
        )

    # ---------------------------------------------------------------- CorrectionTarget

    def corrections_applied(self, transcript_id: int, steps: Sequence[Correction]) -> None:
        """The library made ``steps`` (a correction, undo or redo): patch the list's rows."""
        if transcript_id != self.context.current_transcript_id:
            return
        model = self.view.model
        for c in steps:
            for s in c.steps:
                model.turns_replaced(s.seq, len(s.before), len(s.after), s.keys_after)
            if c.row_delta or c.kind in ("speaker", "split", "merge"):
                self._structure_changed = True
            if c.created_speakers or c.removed_speakers:
                # names and colours only: the rows were patched above, no reload
                self.context.notify(Change.of("speakers", transcripts=[transcript_id]))
        self._after_change(transcript_id)

    def times_applied(self, transcript_id: int, seqs: Sequence[int]) -> None:
        if transcript_id != self.context.current_transcript_id:
            return
        model = self.view.model
        for seq in seqs:
            model.turns_replaced(seq, 1, 1)
        self._structure_changed = True
        t = self.library.transcript(transcript_id)
        view = self.view
        if view.transcript is not None and t.has_times != view.transcript.has_times:
            view.set_speakers(list(model.speakers()), rows_changed=False)
        self._after_change(transcript_id)

    def _after_change(self, transcript_id: int) -> None:
        t = self.library.transcript(transcript_id)
        view = self.view
        view.transcript = t
        view.update_header(t)
        self._update_marks(transcript_id)
        self._later.start()

    def _refresh_extras(self) -> None:
        """After the repaint: strip and speaker stats (a worker reads them), chips, history."""
        tv = self.view
        t = tv.transcript
        if t is None:
            return
        if self._structure_changed:
            self._structure_changed = False
            tv._outline_pending = t.id
            tv.load_outline()
        # everyone else (tag chips and queue, the library row, search, the history) hears it
        # now, after the frame: the list itself was patched already
        self.context.notify(Change.of("utterances", "passages", "transcripts", transcripts=[t.id]))

    # ---------------------------------------------------------------- verification status

    def confirm_status(self, transcript_id: int, status: str) -> bool:
        """A status that confirms the release while the note still says it is unverified:
        ask for a new note and change both in one undoable step. True when handled here."""
        t = self.library.transcript(transcript_id)
        if status not in CONFIRMING or not note_says_unverified(t.verification_note):
            return False
        note = CorrectionPrompts.ask_note_update(self.host, status, t.verification_note or "")
        if note is None:
            return False
        new_note = note.strip() or None
        try:
            self.library.update_transcript(
                transcript_id, verification=status, verification_note=new_note
            )
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.host, str(exc))
            return True
        stack = self.undo_stack
        stack.beginMacro(f"Mark {status} and update the note")
        ctx = self.context
        stack.push(
            EditTranscriptCommand(ctx, transcript_id, "verification", t.verification, status)
        )
        stack.push(
            EditTranscriptCommand(
                ctx, transcript_id, "verification_note", t.verification_note, new_note
            )
        )
        stack.endMacro()
        ctx.notify(field_change(transcript_id, "verification"))
        return True
