"""The utterance view on its own: lazy row heights, anchoring, keyboard, selection, resize."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt

from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel
from intercept_viewer.ui.transcript.utterance_view import RowHeights, UtteranceView

LONG = "Купянск forest belt мама тримайся " * 40


# ------------------------------------------------------------------ RowHeights


def test_row_heights_offsets_and_lookup_follow_measured_rows():
    hs = RowHeights(10, 20)
    assert hs.total() == 200 and hs.offset(3) == 60 and hs.row_at(59) == 2
    assert hs.set(2, 50) == 30
    assert hs.offset(2) == 40 and hs.offset(3) == 90 and hs.total() == 230
    assert [hs.row_at(y) for y in (0, 39, 40, 89, 90, 229, 10_000, -5)] == [0, 1, 2, 2, 3, 9, 9, 0]
    hs.forget(2)
    assert hs.offset(3) == 60 and not hs.is_known(2)
    assert RowHeights(0, 20).row_at(5) == -1


def test_row_heights_agree_with_a_plain_sum():
    import random

    rnd = random.Random(4)
    hs = RowHeights(1000, 17)
    heights = [17] * 1000
    for _ in range(300):
        row, h = rnd.randrange(1000), rnd.randint(1, 200)
        hs.set(row, h)
        heights[row] = h
    acc = 0
    for row in range(1000):
        assert hs.offset(row) == acc
        assert hs.row_at(acc) == row and hs.row_at(acc + heights[row] - 1) == row
        acc += heights[row]
    assert hs.total() == acc


# ------------------------------------------------------------------ the view


@pytest.fixture
def shown(qtbot, memory_library, parsed_factory):  # type: ignore[no-untyped-def]
    """A view over 1,000 utterances (every 7th one long), 10-row pages, shown 600x400."""

    def make(lines: list[tuple[str, str]] | None = None) -> UtteranceView:
        lines = lines or [
            ("A" if i % 3 else "B", f"{i} " + (LONG if i % 7 == 0 else "short line"))
            for i in range(1000)
        ]
        tid = memory_library.add(parsed_factory(lines)).id
        model = UtteranceListModel(memory_library)
        model.PAGE_SIZE = 10
        model.MAX_PAGES = 8
        view = UtteranceView()
        qtbot.addWidget(view)
        view.set_utterance_model(model)
        speakers = memory_library.speakers(tid)
        view.utterance_delegate.set_speaker_names([s.name for s in speakers], has_times=False)
        model.set_transcript(tid, speakers)
        view.resize(600, 400)
        view.show()
        qtbot.waitExposed(view)
        _paint(view)
        return view

    return make


def _paint(view: UtteranceView) -> None:
    """Paint the viewport now (grab renders through paintEvent, shown or not)."""
    assert not view.viewport().grab().isNull()


def _model(view: UtteranceView) -> UtteranceListModel:
    return view.utterance_model()


def test_rows_tile_the_viewport_without_gaps_or_overlaps(shown):
    view = shown()
    first, last = view.visible_rows()
    assert first == 0 and last >= 3
    rects = [view.visualRect(_model(view).index(r, 0)) for r in range(first, last + 1)]
    for above, below in itertools.pairwise(rects):
        assert below.top() == above.bottom() + 1
    assert rects[0].top() == 0 and rects[-1].bottom() >= view.viewport().height() - 1
    assert view.indexAt(QPoint(10, rects[1].top() + 2)).row() == first + 1


def test_long_text_wraps_to_several_lines(shown):
    view = shown()
    d = view.utterance_delegate
    assert view.visualRect(_model(view).index(0, 0)).height() > 3 * d.line_height()
    assert view.visualRect(_model(view).index(1, 0)).height() < 2 * d.line_height() + 20


def test_opening_reads_and_measures_only_the_top(shown):
    view = shown()
    model = _model(view)
    _, last = view.visible_rows()
    assert max(view.heights.known) <= last + 1
    assert all(p <= (last + 1) // model.PAGE_SIZE for p in model.pages_fetched)
    # unmeasured rows count with the estimate: the scroll range already covers every row
    assert view.verticalScrollBar().maximum() > 900 * view.heights.estimate


def test_go_to_row_scrolls_it_into_view_and_selects_it(shown):
    view = shown()
    model = _model(view)
    view.go_to_row(700)
    rect = view.visualRect(model.index(700, 0))
    assert view.viewport().rect().contains(rect.center())
    assert view.selected_rows() == [700] and view.currentIndex().row() == 700
    first, last = view.visible_rows()
    assert first <= 700 <= last
    assert not [p for p in model.pages_fetched if 2 < p < 65]  # nothing in between read
    # the rows above it got measured; the target stayed centred as they changed height
    assert abs(rect.center().y() - view.viewport().height() // 2) <= rect.height() // 2 + 1


def test_scrolling_up_into_unmeasured_rows_keeps_the_view_still(shown):
    view = shown()
    model = _model(view)
    view.go_to_row(500)
    view.scrollTo(model.index(500, 0), view.ScrollHint.PositionAtTop)
    _paint(view)
    y_before = view.visualRect(model.index(500, 0)).top()
    assert y_before == 0
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() - 30)  # rows 49x (one of them long) get measured now
    _paint(view)
    assert view.visualRect(model.index(500, 0)).top() == 30


def test_keyboard_navigation(qtbot, shown):
    view = shown()
    model = _model(view)
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view.viewport(), Qt.Key.Key_PageDown)
    after_page = view.currentIndex().row()
    assert after_page > 2
    qtbot.keyClick(view.viewport(), Qt.Key.Key_PageUp)
    assert view.currentIndex().row() < after_page
    qtbot.keyClick(view.viewport(), Qt.Key.Key_End)
    assert view.currentIndex().row() == 999
    assert view.visible_rows()[1] == 999
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Up)
    assert view.currentIndex().row() == 998
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0 and view.visible_rows()[0] == 0


def test_shift_extends_the_selection_as_a_range(qtbot, shown):
    view = shown()
    model = _model(view)
    view.setFocus()
    view.setCurrentIndex(model.index(2, 0))
    for _ in range(3):
        qtbot.keyClick(view.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_rows() == [2, 3, 4, 5]
    # shift+click further down extends from the same start
    rect = view.visualRect(model.index(7, 0))
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        rect.center(),
    )
    assert view.selected_rows() == list(range(2, 8))
    # ctrl+click adds one row (extended selection)
    rect = view.visualRect(model.index(0, 0))
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )
    assert view.selected_rows() == [0, *range(2, 8)]


def test_selection_far_off_screen_is_one_range(shown):
    view = shown()
    model = _model(view)
    sm = view.selectionModel()
    view.setCurrentIndex(model.index(10, 0))
    view.go_to_row(900, select=False)
    sm.setCurrentIndex(
        model.index(900, 0),
        QItemSelectionModel.SelectionFlag.Current | QItemSelectionModel.SelectionFlag.NoUpdate,
    )
    view.setSelection(
        view.visualRect(model.index(10, 0)).united(view.visualRect(model.index(900, 0))),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    assert view.selected_rows() == list(range(10, 901))
    region = view.visualRegionForSelection(sm.selection())
    assert region.boundingRect().intersects(view.viewport().rect())


def test_resize_remeasures_and_keeps_the_top_row(qtbot, shown):
    view = shown()
    model = _model(view)
    view.scrollTo(model.index(140, 0), view.ScrollHint.PositionAtTop)  # 140 is a long row
    _paint(view)
    wide = view.visualRect(model.index(140, 0)).height()
    view.resize(300, 400)
    qtbot.waitUntil(lambda: view.utterance_delegate.row_width() == view.viewport().width())
    _paint(view)
    narrow = view.visualRect(model.index(140, 0))
    assert narrow.height() > wide  # re-measured: more lines at the smaller width
    assert view.visible_rows()[0] == 140 and narrow.top() == 0


def test_relayout_and_data_changes_remeasure(shown):
    view = shown()
    model = _model(view)
    before = view.visualRect(model.index(1, 0)).height()
    model.set_tag_chips({2: [("claim", "#C0392B")]})  # seq 2 is row 1
    _paint(view)
    assert view.visualRect(model.index(1, 0)).height() > before
    view.relayout_now()
    assert view.visualRect(model.index(1, 0)).height() > before
    assert view.visible_rows()[0] == 0


def test_visible_range_signal_follows_scrolling(qtbot, shown):
    view = shown()
    seen: list[tuple[int, int]] = []
    view.visible_range_changed.connect(lambda a, b: seen.append((a, b)))
    view.go_to_row(300)
    assert seen and seen[-1][0] <= 300 <= seen[-1][1]


def test_empty_model_paints_nothing(qtbot, shown, memory_library):
    view = shown()
    _model(view).set_transcript(None, [])
    _paint(view)
    assert view.visible_rows() == (-1, -1)
    assert not view.indexAt(QPoint(5, 5)).isValid()
    view.scrollToBottom()
    view.go_to_row(3)


def test_row_heights_shift_with_inserted_and_removed_rows() -> None:
    """A correction inserts or removes rows: measured heights move with their rows."""
    from intercept_viewer.ui.transcript.utterance_view import RowHeights

    hs = RowHeights(10, 20)
    for row, h in ((2, 40), (5, 60), (9, 25)):
        hs.set(row, h)
    grown = hs.shifted(5, 2)  # two rows inserted before row 5
    assert grown.count == 12
    assert grown.known == {2: 40, 7: 60, 11: 25}
    assert grown.offset(7) == 7 * 20 + 20 and grown.total() == hs.total() + 40
    shrunk = hs.shifted(4, -2)  # rows 4 and 5 removed
    assert shrunk.known == {2: 40, 7: 25} and shrunk.count == 8
    assert shrunk.total() == hs.total() - 20 - 60
