"""The Tags / Follow-up dock: tag list, the queue's filters and sorting, D to mark done,
double-click to jump, and rename/recolour/merge/delete of tags with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from intercept_viewer.ui.tags.tag_models import PassageQueueModel
from intercept_viewer.ui.tags.tag_prompts import (
    DELETE_PASSAGES,
    KEEP_PASSAGES,
    TagPrompts,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def setup(make_window, library, parsed_factory):  # type: ignore[no-untyped-def]
    lib = library
    a = lib.add(parsed_factory(title="Call A")).id
    b = lib.add(
        parsed_factory(
            [("Дружина", "Де ти зараз?"), ("Солдат", "Під Вовчанськом, третя рота.")],
            title="Call B",
            verification="verified",
        )
    ).id
    p1 = lib.add_passage(a, 1, 2, ["Купянск"], note="place")
    p2 = lib.add_passage(a, 3, 3, ["claim"], state="done")
    p3 = lib.add_passage(b, 2, 2, ["купянск", "unit"], note="3rd company")
    w = make_window(lib)
    w.show_transcript(a)
    return w, (a, b), (p1, p2, p3)


def ids(panel) -> list[int]:  # type: ignore[no-untyped-def]
    return [r.passage.id for r in panel.queue_model.rows()]


def prompt(monkeypatch: pytest.MonkeyPatch, name: str, answer: object) -> None:
    monkeypatch.setattr(TagPrompts, name, classmethod(lambda cls, *a: answer))


def test_models_and_tag_counts(setup, qtmodeltester):
    w, _tids, _ps = setup
    panel = w.tagging.panel
    qtmodeltester.check(panel.tag_model)
    qtmodeltester.check(panel.queue_model)
    names = [panel.tag_model.index(i, 0).data() for i in range(panel.tag_model.rowCount())]
    assert names == ["claim (1)", "unit (1)", "Купянск (2)"]  # case-insensitive: one tag


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, [3, 1]),  # the default: open passages, newest first
        ({"state": None}, [3, 2, 1]),
        ({"state": "done"}, [2]),
        ({"state": None, "tag": "Купянск"}, [3, 1]),
        ({"state": None, "verification": "verified"}, [3]),
        ({"state": None, "verification": "unverified"}, [2, 1]),
        ({"state": None, "transcript_id": "B"}, [3]),
    ],
)
def test_queue_filters(setup, filters, expected, qtmodeltester):
    w, (_a, b), ps = setup
    panel = w.tagging.panel
    panel.set_filter(**{k: (b if v == "B" else v) for k, v in filters.items()})
    assert ids(panel) == [ps[i - 1].id for i in expected]
    assert panel.count_label.text().startswith(f"{len(expected)} passage")
    qtmodeltester.check(panel.queue_model)


def test_queue_row_shows_quote_speaker_title_and_badge(setup):
    w, _t, (_p1, _p2, p3) = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    m = panel.queue_model
    row = m.row_of(p3.id)
    cell = lambda col, role=Qt.ItemDataRole.DisplayRole: m.index(row, col).data(role)  # noqa: E731
    assert cell(m.QUOTE_COL) == "“Під Вовчанськом, третя рота.”"
    assert cell(m.SPEAKER_COL) == "Солдат"
    assert cell(m.TITLE_COL) == "Call B"
    assert cell(m.TAGS_COL) == "unit, Купянск"  # as the library lists them
    assert cell(m.NOTE_COL) == "3rd company"
    assert cell(m.STATUS_COL) == "VERIFIED"
    unverified = m.index(m.row_of(_p1.id), m.STATUS_COL).data()
    assert unverified == "UNVERIFIED"
    # sorting by date both ways
    panel.queue_view.sortByColumn(m.DATE_COL, Qt.SortOrder.AscendingOrder)
    assert ids(panel) == sorted(ids(panel))
    panel.queue_view.sortByColumn(m.DATE_COL, Qt.SortOrder.DescendingOrder)
    assert ids(panel) == sorted(ids(panel), reverse=True)


def test_d_marks_done_and_undo(setup, qtbot):
    w, _t, (p1, _p2, _p3) = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    assert panel.select_passage(p1.id)
    qtbot.keyClick(panel.queue_view, Qt.Key.Key_D)
    assert w.library.passage(p1.id).state == "done"
    assert panel.current_passage_id() == p1.id  # selection kept
    assert panel.queue_model.index(panel.queue_model.row_of(p1.id), 0).data() == "✓"
    w.undo_stack.undo()
    assert w.library.passage(p1.id).state == "open"
    panel.set_filter(state="open")
    panel.select_passage(p1.id)
    qtbot.keyClick(panel.queue_view, Qt.Key.Key_D)
    assert p1.id not in ids(panel)  # done: leaves the open queue
    qtbot.keyClick(panel.queue_view, Qt.Key.Key_Delete)  # nothing selected any more: no-op
    assert len(w.library.passages()) == 3


def test_double_click_jumps_to_passage(setup, qtbot):
    w, (_a, b), (_p1, _p2, p3) = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    w.show()
    qtbot.waitExposed(w)
    row = panel.queue_model.row_of(p3.id)
    index = panel.queue_model.index(row, PassageQueueModel.QUOTE_COL)
    panel.queue_view.scrollTo(index)
    pos = panel.queue_view.visualRect(index).center()
    # Qt 6 item views take a double-click only on the row the press went to
    qtbot.mousePress(panel.queue_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(panel.queue_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.current_transcript_id() == b
    assert w.list_view.currentIndex().row() == 1
    assert [n for n, _ in w.transcript_view.model.tags_for(2)] == ["unit", "Купянск"]


def test_rename_recolour_merge_delete_with_undo(setup, monkeypatch):
    w, _t, (p1, p2, p3) = setup
    lib, t = w.library, w.tagging
    kup = lib.tag("купянск")
    prompt(monkeypatch, "ask_name", "Куп'янськ")
    t.rename_tag(kup.id)
    assert lib.tag(kup.id).name == "Куп'янськ"
    assert [n for n, _ in w.transcript_view.model.tags_for(1)] == ["Куп'янськ"]
    prompt(monkeypatch, "ask_color", "#112233")
    t.recolor_tag(kup.id)
    assert lib.tag(kup.id).color == "#112233"
    assert w.transcript_view.model.tags_for(1) == [("Куп'янськ", "#112233")]
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert (lib.tag(kup.id).name, lib.tag(kup.id).color) == (kup.name, kup.color)

    unit = lib.tag("unit")
    prompt(monkeypatch, "ask_merge_target", "claim")
    t.merge_tag(unit.id)
    assert sorted(lib.passage(p3.id).tags) == ["claim", "Купянск"]
    w.undo_stack.undo()
    assert sorted(lib.passage(p3.id).tags) == ["unit", "Купянск"]
    assert lib.tag(unit.id).name == "unit"

    claim = lib.tag("claim")
    prompt(monkeypatch, "ask_delete", DELETE_PASSAGES)
    t.delete_tag(claim.id)  # p2 had only this tag: it goes too
    assert [p.id for p in lib.passages()] == [p1.id, p3.id]
    w.undo_stack.undo()
    assert lib.passage(p2.id).tags == ["claim"] and lib.passage(p2.id).state == "done"
    prompt(monkeypatch, "ask_delete", KEEP_PASSAGES)
    t.delete_tag(claim.id)
    assert lib.passage(p2.id).tags == []
    w.undo_stack.redo()  # nothing to redo after a new command
    w.undo_stack.undo()
    assert lib.passage(p2.id).tags == ["claim"]
    names = [t.name for t in lib.tags()]
    assert names == ["claim", "unit", "Купянск"]
    prompt(monkeypatch, "ask_delete", None)  # cancelled
    t.delete_tag(claim.id)
    assert [t.name for t in lib.tags()] == names


def test_rename_onto_existing_name_is_refused(setup, monkeypatch, no_dialogs):
    w, _t, _p = setup
    lib = w.library
    prompt(monkeypatch, "ask_name", "CLAIM")
    w.tagging.rename_tag(lib.tag("unit").id)
    assert no_dialogs and no_dialogs[-1][0] == "error" and "merge" in no_dialogs[-1][1]
    assert lib.tag("unit") and w.undo_stack.count() == 0


def test_describe_a_tag_with_undo_and_its_tooltip(setup, monkeypatch):
    w, _t, _p = setup
    lib, t = w.library, w.tagging
    unit = lib.tag("unit")
    prompt(monkeypatch, "ask_description", "Which brigade? <b>check</b> open sources")
    t.describe_tag(unit.id)
    assert lib.tag(unit.id).description == "Which brigade? <b>check</b> open sources"
    model = t.panel.tag_model
    row = next(r for r in range(model.rowCount()) if "unit" in model.index(r).data())
    tip = model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;check" in tip  # shown literally, never rendered
    w.undo_stack.undo()
    assert lib.tag(unit.id).description is None
    w.undo_stack.redo()
    assert lib.tag(unit.id).description.startswith("Which brigade?")
    prompt(monkeypatch, "ask_description", None)  # cancelled: nothing changes
    t.describe_tag(unit.id)
    assert w.undo_stack.count() == 1


def _choices(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


# the popup, offscreen, can neither raise itself nor grab the keyboard
@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise", "grabbing the keyboard")
def test_transcript_filter_reads_its_choices_when_opened_not_at_start(setup, library):
    w, (a, _b), _ps = setup
    combo = w.tagging.panel.transcript_filter
    assert _choices(combo) == ["All transcripts"]  # nothing read with the window
    combo.showPopup()
    assert _choices(combo) == ["All transcripts", "Call A", "Call B"]
    combo.hidePopup()
    combo.setCurrentIndex(combo.findData(a))
    # a new transcript marks the list stale; the choice made is kept until it is read again
    library.add_passage(a, 1, 1, ["x"])
    w.tagging.panel.refresh()
    assert combo.currentData() == a
    assert combo.stale
    # keyboard focus (the arrow keys step through the choices without a popup) reads them
    QApplication.sendEvent(combo, QFocusEvent(QEvent.Type.FocusIn))
    assert not combo.stale
    assert combo.currentData() == a
    assert "Call A" in _choices(combo)


def test_transcript_filter_set_from_code_reads_the_choices(setup):
    w, (_a, b), _ps = setup
    panel = w.tagging.panel
    panel.set_filter(transcript_id=b, state=None)
    assert panel.transcript_filter.currentData() == b
    assert ids(panel) == [3]


def test_a_long_queue_is_read_again_off_the_gui_thread(setup, library, qtbot, monkeypatch):
    import threading

    from intercept_viewer.ui.tags import tag_models, tags_panel

    w, (_a, b), _ps = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    assert ids(panel) == [3, 2, 1]
    monkeypatch.setattr(tags_panel, "BACKGROUND_FROM", 2)  # "long" from two rows
    readers: list[bool] = []
    real = tag_models.read_queue_rows

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(tags_panel, "read_queue_rows", spy)
    monkeypatch.setattr("intercept_viewer.ui.tags.tagging.read_queue_rows", spy)
    p4 = library.add_passage(b, 1, 1, ["later"]).id
    panel.reload_queue()
    assert ids(panel) == [3, 2, 1]  # still the rows shown, while the new ones are read
    assert panel.count_label.text() == "3 passages, updating…"
    qtbot.waitUntil(lambda: ids(panel) == [p4, 3, 2, 1], timeout=5000)
    assert readers == [False] and panel.count_label.text() == "4 passages"
    # a reading overtaken by a newer one is dropped: the last one asked for is what shows
    panel.reload_queue()
    panel.set_filter(state="done")
    qtbot.waitUntil(lambda: ids(panel) == [2], timeout=5000)
    qtbot.wait(100)
    assert ids(panel) == [2]


def test_the_first_reading_after_the_first_paint_is_off_the_gui_thread(
    make_window, library, parsed_factory, qtbot, monkeypatch
):
    import threading

    from intercept_viewer.ui.tags import tag_models

    a = library.add(parsed_factory(title="Call A")).id
    library.add_passage(a, 1, 2, ["Купянск"])
    readers: list[bool] = []
    real = tag_models.read_queue_rows

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr("intercept_viewer.ui.tags.tagging.read_queue_rows", spy)
    w = make_window(library)
    panel = w.tagging.panel
    assert not panel.queue_loaded
    w.show()
    qtbot.waitUntil(lambda: panel.queue_model.rowCount() == 1, timeout=5000)
    assert readers == [False] and panel.count_label.text() == "1 passage"


def test_a_change_inside_one_transcript_rereads_only_its_rows(setup, library, monkeypatch):
    from intercept_viewer.ui.context import Change
    from intercept_viewer.ui.tags import tags_panel

    w, (a, _b), _ps = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    before = {r.passage.id: r.quote for r in panel.queue_model.rows()}
    seen: list[dict] = []
    real = tags_panel.read_queue_rows

    def spy(lib, filters, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(dict(filters))
        return real(lib, filters, *args, **kwargs)

    monkeypatch.setattr(tags_panel, "read_queue_rows", spy)
    library.edit_turn_text(a, 1, "Совсем другой текст.")
    w.context.notify(Change.of("utterances", "passages", "transcripts", transcripts=[a]))
    assert [f.get("transcript_id") for f in seen] == [a]  # only transcript a was read again
    after = {r.passage.id: r.quote for r in panel.queue_model.rows()}
    assert set(after) == set(before) and ids(panel) == [3, 2, 1]
    assert after[1].startswith("Совсем другой текст.") and after[1] != before[1]
    assert after[3] == before[3]  # transcript b's row is the one already shown
    # a change of tags (across transcripts) reads the whole queue
    seen.clear()
    w.context.notify(Change.of("tags", "passages"))
    assert [f.get("transcript_id") for f in seen] == [None]


def test_a_failed_background_reading_keeps_the_rows_and_says_why(setup, qtbot, monkeypatch):
    from intercept_viewer.ui.tags import tags_panel

    w, _tids, _ps = setup
    panel = w.tagging.panel
    panel.set_filter(state=None)
    monkeypatch.setattr(tags_panel, "BACKGROUND_FROM", 2)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk went away")

    monkeypatch.setattr("intercept_viewer.ui.tags.tagging.read_queue_rows", broken)
    panel.reload_queue()
    qtbot.waitUntil(lambda: "not re-read" in panel.count_label.text(), timeout=5000)
    assert "disk went away" in panel.count_label.text()
    assert ids(panel) == [3, 2, 1] and not panel._reading_in_background
