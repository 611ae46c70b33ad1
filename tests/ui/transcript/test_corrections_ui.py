"""Correcting turns in the window (issue 15): each correction, its undo and redo, the list
patched without a reload, the "edited" mark, Show as imported, the History dock and the
verification note prompt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMenu

from intercept_viewer.core.library import Library
from intercept_viewer.ui.context import Change
from intercept_viewer.ui.transcript.turn_corrections import CorrectionPrompts
from intercept_viewer.ui.transcript.turn_editor import TurnEditor
from intercept_viewer.ui.widgets.roles import UtteranceRole
from tests.conftest import make_parsed

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

LINES = [
    ("Soldier", "Hello, mum. We are near Kupyansk."),
    ("Mother", "Are you safe there?"),
    ("Soldier", "We can't even secure a forest belt here."),
    ("Mother", "Call me tomorrow."),
]


@pytest.fixture(autouse=True)
def no_correction_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A correction prompt a test did not answer fails it instead of blocking."""
    for name in ("ask_new_speaker", "ask_turn_text", "ask_times", "ask_note_update"):

        def refuse(cls, *a, _name=name):  # type: ignore[no-untyped-def]
            raise AssertionError(f"unexpected prompt {_name}")

        monkeypatch.setattr(CorrectionPrompts, name, classmethod(refuse))


def answer(monkeypatch: pytest.MonkeyPatch, name: str, value: object) -> list[tuple]:
    calls: list[tuple] = []

    def ask(cls, *args: object) -> object:  # type: ignore[no-untyped-def]
        calls.append(args[1:])
        return value

    monkeypatch.setattr(CorrectionPrompts, name, classmethod(ask))
    return calls


@pytest.fixture
def shown(qtbot, library: Library, make_window):  # type: ignore[no-untyped-def]
    tid = library.add(make_parsed(LINES, times=True, verification_note="Not verified.")).id
    w = make_window(library)
    w.show_transcript(tid)
    w.show()
    qtbot.waitExposed(w)
    return w, library, tid


def texts(w) -> list[str]:  # type: ignore[no-untyped-def]
    model = w.transcript_view.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def select(w, first: int, last: int | None = None) -> None:  # type: ignore[no-untyped-def]
    view = w.list_view
    model = view.model()
    last = first if last is None else last
    sel = QItemSelection(model.index(first, 0), model.index(last, 0))
    view.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.selectionModel().setCurrentIndex(
        model.index(first, 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )


def open_editor(qtbot, w, row: int) -> TurnEditor:  # type: ignore[no-untyped-def]
    select(w, row)
    w.list_view.setFocus()
    w.corrections.edit_action.trigger()
    editor = w.list_view.findChild(TurnEditor)
    assert editor is not None and editor.isVisible()
    return editor


def test_f2_edits_in_place_enter_commits_and_undo_redo(qtbot, shown) -> None:
    w, lib, tid = shown
    model = w.transcript_view.model
    fetched = list(model.pages_fetched)
    editor = open_editor(qtbot, w, 0)
    assert editor.toPlainText() == LINES[0][1]
    editor.selectAll()
    qtbot.keyClicks(editor, "Hello, mum. We are near Izium.")
    with qtbot.assertNotEmitted(model.modelReset):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert lib.utterance(tid, 1).text == "Hello, mum. We are near Izium."
    assert texts(w)[0] == "Hello, mum. We are near Izium."
    assert model.pages_fetched == fetched  # the row was patched, nothing re-read in pages
    idx = model.index(0, 0)
    assert idx.data(UtteranceRole.Corrected) is True
    assert LINES[0][1] in idx.data(Qt.ItemDataRole.ToolTipRole)  # the original, on hover
    assert model.index(1, 0).data(UtteranceRole.Corrected) is False
    assert w.list_view.utterance_delegate.text_width() < w.list_view.viewport().width()
    w.undo_stack.undo()
    assert texts(w)[0] == LINES[0][1] and lib.utterance(tid, 1).original_text is None
    w.undo_stack.redo()
    assert texts(w)[0] == "Hello, mum. We are near Izium."


def test_double_click_opens_the_editor_and_escape_cancels(qtbot, shown) -> None:
    w, lib, tid = shown
    view = w.list_view
    rect = view.visualRect(view.model().index(1, 0))
    # what a real double-click sends: a press and release, then the double-click
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = view.findChild(TurnEditor)
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, " typo")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert lib.utterance(tid, 2).text == LINES[1][1]
    assert w.undo_stack.count() == 0


@pytest.mark.qt_log_ignore("does not support raise", "grabbing the keyboard", "propagateSize")
def test_ctrl_r_then_the_speakers_number_reassigns(qtbot, shown) -> None:
    w, lib, tid = shown
    soldier, mother = lib.speakers(tid)
    menu = w.corrections.speaker_menu()
    assert [a.text() for a in menu.actions() if a.text()] == [
        "&1 Soldier",
        "&2 Mother",
        "&New speaker…",
    ]
    select(w, 0, 1)
    w.list_view.setFocus()
    qtbot.keyClick(w.list_view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QMenu)
    qtbot.keyClick(popup, Qt.Key.Key_2)
    assert [lib.utterance(tid, s).speaker_id for s in (1, 2)] == [mother.id, mother.id]
    assert w.transcript_view.model.index(0, 0).data(UtteranceRole.SpeakerName) == "Mother"
    w.undo_stack.undo()
    assert lib.utterance(tid, 1).speaker_id == soldier.id


def test_a_new_name_creates_a_speaker_and_undo_removes_it(qtbot, shown, monkeypatch) -> None:
    w, lib, tid = shown
    answer(monkeypatch, "ask_new_speaker", "Commander")
    select(w, 2)
    w.corrections._reassign_new()
    assert [s.name for s in lib.speakers(tid)] == ["Soldier", "Mother", "Commander"]
    assert w.transcript_view.model.index(2, 0).data(UtteranceRole.SpeakerName) == "Commander"
    assert "Commander" in [s.name for s in w.speakers_panel.model.speakers()]
    w.undo_stack.undo()
    assert [s.name for s in lib.speakers(tid)] == ["Soldier", "Mother"]
    w.undo_stack.redo()
    assert lib.speakers(tid)[2].name == "Commander"


def test_split_at_the_cursor_in_the_editor(qtbot, shown) -> None:
    w, lib, tid = shown
    p = lib.add_passage(tid, 1, 1, ["whole"])
    w.tagging.refresh_chips()
    editor = open_editor(qtbot, w, 0)
    cursor = editor.textCursor()
    cursor.setPosition(len("Hello, mum."))
    editor.setTextCursor(cursor)
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert texts(w)[:2] == ["Hello, mum.", "We are near Kupyansk."]
    assert w.transcript_view.model.rowCount() == 5
    assert (lib.passage(p.id).first_seq, lib.passage(p.id).last_seq) == (1, 2)
    qtbot.waitUntil(lambda: 2 in w.tagging.chip_passages)  # chips follow after the repaint
    w.undo_stack.undo()
    assert texts(w) == [t for _, t in LINES]
    assert (lib.passage(p.id).first_seq, lib.passage(p.id).last_seq) == (1, 1)


def test_edit_and_split_in_one_go_is_one_undo_step(qtbot, shown) -> None:
    w, _lib, _tid = shown
    editor = open_editor(qtbot, w, 2)
    editor.selectAll()
    qtbot.keyClicks(editor, "We can't secure it. Nothing here.")
    cursor = editor.textCursor()
    cursor.setPosition(len("We can't secure it."))
    editor.setTextCursor(cursor)
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(editor, Qt.Key.Key_Return, mods)
    assert texts(w)[2:4] == ["We can't secure it.", "Nothing here."]
    assert w.undo_stack.count() == 1
    w.undo_stack.undo()
    assert texts(w) == [t for _, t in LINES]


def test_merge_selected_turns_and_undo(qtbot, shown) -> None:
    w, lib, tid = shown
    select(w, 1, 3)
    w.corrections.merge_action.trigger()
    assert texts(w) == [LINES[0][1], " ".join(t for _, t in LINES[1:])]
    assert lib.transcript(tid).utterance_count == 2
    assert "2 utterances" in w.transcript_view.meta_label.text()
    w.undo_stack.undo()
    assert texts(w) == [t for _, t in LINES]
    select(w, 0)
    w.corrections.merge_action.trigger()  # one turn: with the next
    assert texts(w)[0] == f"{LINES[0][1]} {LINES[1][1]}"


def test_insert_after_and_delete_and_their_undo(qtbot, shown, monkeypatch) -> None:
    w, lib, tid = shown
    note = lib.add_passage(tid, 2, 2, ["check"], note="Which village?")
    answer(monkeypatch, "ask_turn_text", "[connection lost]")
    select(w, 0)
    w.corrections.insert_action.trigger()
    assert texts(w)[1] == "[connection lost]"
    assert lib.utterance(tid, 2).speaker_id == lib.utterance(tid, 1).speaker_id
    assert lib.passage(note.id).first_seq == 3
    w.undo_stack.undo()
    assert texts(w) == [t for _, t in LINES]
    select(w, 1)
    w.corrections.delete_action.trigger()
    assert texts(w) == [LINES[0][1], LINES[2][1], LINES[3][1]]
    gone = lib.passage(note.id)
    assert gone.turns_deleted_at and gone.note == "Which village?"
    w.undo_stack.undo()
    assert texts(w) == [t for _, t in LINES] and not lib.passage(note.id).turns_deleted_at


def test_set_and_clear_a_time(qtbot, shown, monkeypatch) -> None:
    w, lib, tid = shown
    calls = answer(monkeypatch, "ask_times", "1:02 – 1:05.5")
    select(w, 1)
    w.corrections.times_action.trigger()
    assert calls[0][1] == "0:05 – 0:09"  # the current times, to edit
    u = lib.utterance(tid, 2)
    assert (u.start_ms, u.end_ms) == (62000, 65500)
    assert w.transcript_view.model.index(1, 0).data(UtteranceRole.Time) == "1:02"
    answer(monkeypatch, "ask_times", "")
    w.corrections.times_action.trigger()
    assert lib.utterance(tid, 2).start_ms is None
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert (lib.utterance(tid, 2).start_ms, lib.utterance(tid, 2).end_ms) == (5000, 9000)
    assert [e.kind for e in lib.history(tid)] == ["time"] * 4


def test_a_bad_time_is_explained(qtbot, shown, monkeypatch, no_dialogs) -> None:
    w, lib, tid = shown
    answer(monkeypatch, "ask_times", "soon")
    select(w, 0)
    w.corrections.times_action.trigger()
    assert no_dialogs and "not a time" in no_dialogs[-1][1]
    assert lib.history(tid) == []


def test_show_as_imported_and_the_history_dock(qtbot, shown) -> None:
    w, _lib, _tid = shown
    lib_edit = w.corrections
    select(w, 0)
    lib_edit._commit_text(0, "Edited first turn.")
    select(w, 3)
    lib_edit.delete_selection()
    assert texts(w) == ["Edited first turn.", LINES[1][1], LINES[2][1]]
    qtbot.waitUntil(lambda: w.corrections.history_panel.model().rowCount() == 2)
    history = w.corrections.history_panel.model()
    assert [history.index(r, 1).data() for r in range(2)] == ["Text edited", "Turn deleted"]
    assert history.index(0, 3).data() == LINES[0][1]
    w.corrections.show_imported_action.setChecked(True)
    assert texts(w) == [t for _, t in LINES]
    assert w.transcript_view.model.index(0, 0).data(UtteranceRole.Corrected) is False
    assert not w.corrections.edit_action.isEnabled()
    w.corrections.show_imported_action.setChecked(False)
    assert texts(w) == ["Edited first turn.", LINES[1][1], LINES[2][1]]
    assert w.corrections.edit_action.isEnabled()
    assert "View" in [m.title().replace("&", "") for m in w.menuBar().findChildren(QMenu)]
    assert w.corrections.show_imported_action in w.view_menu.actions()


def test_verified_while_the_note_says_unverified_asks_to_update_it(
    qtbot, shown, monkeypatch
) -> None:
    w, lib, tid = shown
    calls = answer(monkeypatch, "ask_note_update", "Voice matched by two outlets.")
    w.edit_field("verification", "verified")
    assert calls == [("verified", "Not verified.")]
    t = lib.transcript(tid)
    assert (t.verification, t.verification_note) == ("verified", "Voice matched by two outlets.")
    history = w.source_panel.verification_history.text()
    assert "unverified (Not verified.) → verified (Voice matched by two outlets.)" in history
    w.undo_stack.undo()  # one step undoes both
    t = lib.transcript(tid)
    assert (t.verification, t.verification_note) == ("unverified", "Not verified.")
    # declining keeps the note and still changes the status
    answer(monkeypatch, "ask_note_update", None)
    w.edit_field("verification", "corroborated")
    t = lib.transcript(tid)
    assert (t.verification, t.verification_note) == ("corroborated", "Not verified.")
    # a note that doesn't say unverified is not questioned
    lib.update_transcript(tid, verification_note="Matched.")
    w.context.notify(Change.of("transcripts", "verification", transcripts=[tid]))
    answer(monkeypatch, "ask_note_update", "never asked")
    w.edit_field("verification", "verified")
    assert lib.transcript(tid).verification_note == "Matched."


def test_corrections_refused_on_a_read_only_library(qtbot, tmp_path, make_window, no_dialogs):
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(make_parsed(LINES)).id
    ro = Library(path, read_only=True)
    try:
        w = make_window(ro)
        w.show_transcript(tid)
        assert not (
            w.transcript_view.model.flags(w.transcript_view.model.index(0, 0))
            & Qt.ItemFlag.ItemIsEditable
        )
        select(w, 0)
        w.corrections.delete_action.trigger()
        assert no_dialogs and "read-only" in no_dialogs[-1][1]
        assert ro.utterance_count(tid) == 4 and w.undo_stack.count() == 0
    finally:
        ro.close()


def test_split_and_delete_insert_and_remove_rows_without_a_reset(qtbot, shown) -> None:
    w, _lib, _tid = shown
    model = w.transcript_view.model
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted) as ins:
        w.corrections._split_from_editor(0, LINES[0][1], len("Hello, mum."))
    assert ins.args[1:] == [1, 1]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved) as rem:
        select(w, 4)
        w.corrections.delete_selection()
    assert rem.args[1:] == [4, 4]
    assert texts(w) == ["Hello, mum.", "We are near Kupyansk.", LINES[1][1], LINES[2][1]]


def test_the_speaker_list_gives_the_selected_turns_to_a_speaker(qtbot, shown) -> None:
    w, lib, tid = shown
    _soldier, mother = lib.speakers(tid)
    select(w, 2, 3)
    menu = w.corrections.speaker_list_menu(1)
    (action,) = menu.actions()
    assert action.text() == "Give the selected turns to Mother"
    action.trigger()
    assert [lib.utterance(tid, s).speaker_id for s in (3, 4)] == [mother.id, mother.id]
    assert w.corrections.speaker_list_menu(7) is None


def test_structural_corrections_mid_transcript_read_no_page(qtbot, library, make_window) -> None:
    """Split, merge, insert and delete in the middle of a 900-turn transcript (pages of 200),
    and their undo: the list reads only the changed rows (by key), never a page, and every row
    keeps its text and turn number; a transcript corrected earlier opens with its keys."""
    n = 900
    lines = [("A" if i % 2 else "B", f"Turn {i} of the long call.") for i in range(1, n + 1)]
    tid = library.add(make_parsed(lines)).id
    w = make_window(library)
    w.show_transcript(tid)
    w.show()
    qtbot.waitExposed(w)
    model = w.transcript_view.model
    middle = n // 2
    # the first correction brings the "edited" column in (every row laid out again, once)
    w.corrections._commit_text(0, "Turn 1, corrected.")
    w.list_view.go_to_row(middle)
    qtbot.wait(50)
    for r in range(middle - 30, middle + 30):
        model.utterance_at(r)  # the rows around the middle are cached, as after scrolling
    fetched = list(model.pages_fetched)
    undo = w.undo_stack

    def row_texts(first: int, last: int) -> list[str]:
        return [model.index(r, 0).data() for r in range(first, last)]

    def numbers(first: int, last: int) -> list[int]:
        return [model.index(r, 0).data(UtteranceRole.Seq) for r in range(first, last)]

    around = row_texts(middle - 20, middle + 20)
    select(w, middle)
    delegate = w.list_view.utterance_delegate
    measured, top = delegate.measured, w.list_view.visible_rows()[0]
    w.corrections._split_from_editor(middle, lines[middle][1], len("Turn"))
    # the rows on screen keep their heights (only the cut turn, the new one and a row coming
    # into view at the bottom are measured) and the top row stays where it was
    assert delegate.measured - measured <= 3
    assert w.list_view.visible_rows()[0] == top
    assert model.rowCount() == n + 1
    assert row_texts(middle, middle + 3) == [
        "Turn",
        f"{middle + 1} of the long call.",
        lines[middle + 1][1],
    ]
    assert numbers(middle - 2, middle + 4) == list(range(middle - 1, middle + 5))
    undo.undo()
    assert row_texts(middle - 20, middle + 20) == around
    select(w, middle)
    w.corrections.merge_selection()
    assert model.rowCount() == n - 1
    assert row_texts(middle, middle + 1) == [f"{lines[middle][1]} {lines[middle + 1][1]}"]
    undo.undo()
    assert row_texts(middle - 20, middle + 20) == around
    w.corrections._run("insert", lambda: [library.insert_turn(tid, middle, "New turn.")])
    assert row_texts(middle - 1, middle + 2) == [
        lines[middle - 1][1],
        "New turn.",
        lines[middle][1],
    ]
    undo.undo()
    select(w, middle)
    w.corrections.delete_selection()
    assert row_texts(middle - 1, middle + 1) == [lines[middle - 1][1], lines[middle + 1][1]]
    assert numbers(middle - 1, middle + 1) == [middle, middle + 1]
    assert model.pages_fetched == fetched  # only changed rows were read, by key
    # left corrected (a gap where the turn was): reopened, the list reads the keys once
    model.set_transcript(tid, library.speakers(tid))
    assert library.turn_order_sparse(tid) and model.rowCount() == n - 1
    assert row_texts(middle - 1, middle + 1) == [lines[middle - 1][1], lines[middle + 1][1]]
    assert model.index(n - 2, 0).data() == lines[-1][1]
    undo.undo()
    assert model.index(middle, 0).data() == lines[middle][1]
