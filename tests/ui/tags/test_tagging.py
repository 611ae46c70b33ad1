"""Tagging in the window: Ctrl+T, chips in the list and marks on the strip, editing through a
chip, and undo/redo of each passage action through the window's QUndoStack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from intercept_viewer.ui.tags.tag_dialog import TagAnswer, TagDialog, TagRequest, split_tags
from intercept_viewer.ui.widgets.roles import UtteranceRole

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

LINES = [
    ("Солдат", "Мам, мы под Купянском, тут <b>жарко</b>."),
    ("Мама", "Ты там осторожнее, сынок."),
    ("Солдат", "Из 40-й бригады половина уже ушла."),
    ("Мама", "Господи."),
]


@pytest.fixture
def window(make_window, library, parsed_factory):  # type: ignore[no-untyped-def]
    tid = library.add(parsed_factory(LINES, title="Дзвінок з-під Куп'янська")).id
    w = make_window(library)
    w.show_transcript(tid)
    return w


def answer_with(monkeypatch: pytest.MonkeyPatch, answer: TagAnswer | None) -> list[TagRequest]:
    asked: list[TagRequest] = []

    def ask(cls, parent, request, names):  # type: ignore[no-untyped-def]
        asked.append(request)
        return answer

    monkeypatch.setattr(TagDialog, "ask", classmethod(ask))
    return asked


def select_rows(w, first: int, last: int) -> None:  # type: ignore[no-untyped-def]
    view = w.list_view
    view.go_to_row(first)
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    view.selectionModel().select(
        QItemSelection(view.model().index(first, 0), view.model().index(last, 0)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )


def chips(w, seq: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    model = w.transcript_view.model
    return model.index(seq - 1, 0).data(UtteranceRole.TagChips)


def test_ctrl_t_tags_selection_and_undo_redo(window, monkeypatch, qtbot, qtmodeltester):
    w = window
    asked = answer_with(monkeypatch, TagAnswer(["Бригада", "claim"], "Check 40th brigade", "open"))
    assert w.tagging.tag_action.shortcut().toString() == "Ctrl+T"
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    select_rows(w, 1, 2)
    w.list_view.setFocus()
    qtbot.keyClick(w.list_view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    if not asked:  # some offscreen platforms deliver no shortcuts to synthetic keys
        w.tagging.tag_action.trigger()
    assert len(asked) == 1
    assert not asked[0].selectable  # two utterances: the quote names the speakers
    assert asked[0].quote.splitlines() == [f"{who}: {text}" for who, text in LINES[1:3]]
    lib = w.library
    (p,) = lib.passages()
    assert (p.first_seq, p.last_seq, p.note) == (2, 3, "Check 40th brigade")
    assert sorted(p.tags) == ["claim", "Бригада"]
    assert [n for n, _c in chips(w, 2)] == p.tags and [n for n, _c in chips(w, 3)] == p.tags
    assert chips(w, 1) == [] and chips(w, 4) == []
    assert {seq for seq, _c in w.transcript_view.strip._marks["tags"]} == {2, 3}
    qtmodeltester.check(w.transcript_view.model)

    w.undo_stack.undo()
    assert lib.passages() == []
    assert lib.tags() == []  # the tags it created went with it
    assert chips(w, 2) == []
    assert "tags" not in w.transcript_view.strip._marks

    w.undo_stack.redo()
    (again,) = lib.passages()
    assert again.id == p.id and again.tags == p.tags
    assert [n for n, _c in chips(w, 3)] == p.tags


def test_part_of_an_utterance(window, monkeypatch):
    w = window
    asked = answer_with(monkeypatch, TagAnswer(["place"], "", "open", start_char=15, end_char=25))
    select_rows(w, 0, 0)
    w.tagging.tag_part_action.trigger()
    assert asked[0].selectable and asked[0].quote == LINES[0][1]
    (p,) = w.library.passages()
    assert (p.start_char, p.end_char) == (15, 25)
    assert w.library.passage_text(p)[0][1] == LINES[0][1][15:25]


def test_cancelled_or_nothing_selected_adds_nothing(window, monkeypatch):
    w = window
    answer_with(monkeypatch, None)
    select_rows(w, 0, 0)
    assert w.tagging.tag_selection() is None
    w.list_view.clearSelection()
    w.list_view.setCurrentIndex(w.list_view.model().index(-1, 0))
    asked = answer_with(monkeypatch, TagAnswer(["x"], "", "open"))
    assert w.tagging.tag_selection() is None and asked == []
    assert w.library.passages() == [] and w.undo_stack.count() == 0


def test_edit_and_delete_passage_with_undo(window, monkeypatch):
    w = window
    lib = w.library
    tid = w.current_transcript_id()
    p = lib.add_passage(tid, 1, 1, ["unit"], note="old note")
    w.tagging.tagging_changed()
    answer_with(monkeypatch, TagAnswer(["unit", "новий"], "new\nnote", "done"))
    w.tagging.edit_passage(p.id)
    edited = lib.passage(p.id)
    assert (edited.note, edited.state, sorted(edited.tags)) == (
        "new\nnote",
        "done",
        ["unit", "новий"],
    )
    assert [n for n, _ in chips(w, 1)] == ["✓ unit", "✓ новий"]
    w.undo_stack.undo()
    back = lib.passage(p.id)
    assert (back.note, back.state, back.tags) == ("old note", "open", ["unit"])
    assert [t.name for t in lib.tags()] == ["unit"]
    w.undo_stack.redo()
    assert lib.passage(p.id).state == "done"

    answer_with(monkeypatch, TagAnswer([], "", "open", delete=True))
    w.tagging.edit_passage(p.id)
    assert lib.passages() == [] and chips(w, 1) == []
    w.undo_stack.undo()
    restored = lib.passage(p.id)
    assert restored.note == "new\nnote" and restored.state == "done"
    assert [n for n, _ in chips(w, 1)] == ["✓ unit", "✓ новий"]


def test_clicking_a_chip_opens_the_passage_and_hover_shows_note(window, monkeypatch, qtbot):
    w = window
    lib = w.library
    p = lib.add_passage(w.current_transcript_id(), 3, 3, ["unit"], note="<i>not html</i>")
    w.tagging.tagging_changed()
    w.show()
    qtbot.waitExposed(w)
    view = w.list_view
    idx = view.model().index(2, 0)
    rect = view.visualRect(idx)
    (chip,) = view.utterance_delegate.tag_chip_rects(rect, idx.data(UtteranceRole.TagChips))
    assert rect.contains(chip.toRect())
    center = chip.center().toPoint()
    assert w.tagging.chip_at(center).id == p.id
    assert w.tagging.chip_at(QPoint(rect.left() + 2, rect.top() + 2)) is None
    asked = answer_with(monkeypatch, None)
    release = QMouseEvent(
        QEvent.Type.MouseButtonRelease,
        QPointF(center),
        QPointF(view.viewport().mapToGlobal(center)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert w.tagging.eventFilter(view.viewport(), release)
    assert len(asked) == 1 and asked[0].editing and asked[0].note == "<i>not html</i>"


def test_split_tags_and_dialog_answer(qtbot):
    assert split_tags(" claim, Купянск ,,купянск, unit ") == ["claim", "Купянск", "unit"]
    d = TagDialog(TagRequest(quote="Мы под Купянском", selectable=True), ["claim", "unit"])
    qtbot.addWidget(d)
    d.tags_edit.setText("claim, new one")
    d.note_edit.setPlainText("line 1\nline 2")
    d.done_radio.setChecked(True)
    cur = d.quote_edit.textCursor()
    cur.setPosition(7)
    cur.setPosition(16, cur.MoveMode.KeepAnchor)
    d.quote_edit.setTextCursor(cur)
    a = d.answer()
    assert (a.tags, a.note, a.state, a.start_char, a.end_char) == (
        ["claim", "new one"],
        "line 1\nline 2",
        "done",
        7,
        16,
    )
    d.tags_edit.setText(" , ")
    d._accept()
    assert d.error_label.isVisibleTo(d) and d.result() == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_ctrl_enter_in_the_note_field_saves_the_tag_dialog(qtbot, key) -> None:
    d = TagDialog(TagRequest(quote="Мы под Купянском", selectable=True), ["claim"])
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.tags_edit.setText("claim")
    d.note_edit.setFocus()
    qtbot.keyClicks(d.note_edit, "which unit?")
    qtbot.keyClick(d.note_edit, Qt.Key.Key_Return)  # plain Enter: a new line, not saved
    assert d.isVisible() and d.note_edit.toPlainText() == "which unit?\n"
    qtbot.keyClick(d.note_edit, key, Qt.KeyboardModifier.ControlModifier)
    assert d.result() == d.DialogCode.Accepted and not d.isVisible()
    assert d.answer().note == "which unit?"


def test_ctrl_enter_saves_a_multiline_prompt(qtbot) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from intercept_viewer.ui.widgets.dialog_keys import multiline_text_dialog

    d = multiline_text_dialog(None, "Describe tag", "What for?", "old")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    [edit] = d.findChildren(QPlainTextEdit)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert d.result() == d.DialogCode.Accepted and d.textValue() == "old"
