"""Lists that read (issue 21): time column sized to the longest time, the unknown-speaker
row in the Speakers panel, library columns that fold when narrow, badges sized to their text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from intercept_viewer.ui.library.library_panel import (
    COUNT,
    PUBLISHER,
    RELEASED,
    STATUS,
    badge_column_width,
    badge_font,
    columns_to_hide,
)
from intercept_viewer.ui.transcript.speakers_panel import UNKNOWN_ID, UNKNOWN_NAME
from intercept_viewer.ui.widgets.style import VERIFICATION_LABELS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _timed(parsed_factory, lines, times):
    parsed = parsed_factory(lines)
    for u, (start, end) in zip(parsed.utterances, times, strict=True):
        u.start_ms, u.end_ms = start, end
    return parsed


def test_time_column_fits_hours_of_any_length(qtbot, make_window, library, parsed_factory):
    long_call = 50 * 3_600_000 + 32 * 60_000 + 49_000  # 50:32:49
    tid = library.add(
        _timed(parsed_factory, [("A", "start"), ("B", "end")], [(0, 1000), (long_call, None)])
    ).id
    w = make_window(library)
    w.show()
    delegate = w.list_view.utterance_delegate
    narrow = delegate.text_left()
    w.show_transcript(tid)
    qtbot.waitUntil(lambda: w.transcript_view.strip.turn_count() == 2)
    fm = QFontMetrics(w.list_view.font())
    assert delegate._time_width >= fm.horizontalAdvance("50:32:49")
    assert delegate.text_left() > narrow
    # a short call goes back to the narrow column
    short = library.add(
        _timed(parsed_factory, [("A", "x"), ("B", "y")], [(0, 1000), (5000, 6000)])
    ).id
    w.show_transcript(short)
    qtbot.waitUntil(lambda: w.transcript_view.strip.turn_count() == 2)
    qtbot.waitUntil(lambda: delegate._time_width == fm.horizontalAdvance("0:00:00"))


def test_speakers_panel_lists_turns_without_a_speaker(qtbot, make_window, library, parsed_factory):
    lines = [("Soldier", "a"), (None, "b"), ("Mother", "c"), (None, "d")]
    tid = library.add(parsed_factory(lines)).id
    w = make_window(library)
    w.show_transcript(tid)
    model = w.speakers_panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.stats_pending)
    last = model.index(2, 0)
    assert last.data() == UNKNOWN_NAME
    assert model.index(2, 1).data() == 2
    assert model.speaker_at(2).id == UNKNOWN_ID
    # listed, not selectable: there is no speaker to rename or merge
    assert not model.flags(last) & model.flags(model.index(0, 0)).ItemIsSelectable
    assert [s.name for s in model.speakers()] == ["Soldier", "Mother"]
    w.speakers_panel.table.selectAll()
    assert [s.name for s in w.speakers_panel.selected()] == ["Soldier", "Mother"]
    # a transcript where every turn has a speaker has no such row
    other = library.add(parsed_factory([("A", "x"), ("B", "y")])).id
    w.show_transcript(other)
    qtbot.waitUntil(lambda: not model.stats_pending and model.rowCount() == 2)
    assert all(model.speaker_at(r).id != UNKNOWN_ID for r in range(2))


@pytest.mark.parametrize(
    "viewport, hidden",
    [
        (900, set()),
        (560, {COUNT}),
        (420, {COUNT, PUBLISHER}),
        (330, {COUNT, PUBLISHER, RELEASED}),
    ],
)
def test_optional_columns_fold_so_the_title_reads(viewport: int, hidden: set[int]) -> None:
    widths = {PUBLISHER: 80, RELEASED: 90, COUNT: 50, STATUS: 120}
    assert columns_to_hide(viewport, widths, set()) == hidden
    assert STATUS not in columns_to_hide(10, widths, set())  # the flag always stays


def test_user_hidden_columns_stay_hidden() -> None:
    widths = {PUBLISHER: 80, RELEASED: 90, COUNT: 50, STATUS: 120}
    assert columns_to_hide(900, widths, {PUBLISHER}) == {PUBLISHER}


def test_badge_column_fits_the_widest_label(qtbot) -> None:
    font = QFont()
    fm = QFontMetrics(badge_font(font))
    widest = max(fm.horizontalAdvance(x) for x in VERIFICATION_LABELS.values())
    assert widest == fm.horizontalAdvance("CORROBORATED")
    assert badge_column_width(font) > widest + 12


def test_library_panel_folds_columns_in_a_narrow_dock(qtbot, make_window, library, parsed_factory):
    library.add(parsed_factory(publisher="HUR"))
    w = make_window(library)
    w.show()
    panel = w.library_panel
    panel.resize(260, 400)
    panel.fit_columns()
    assert panel.table.isColumnHidden(COUNT) and not panel.table.isColumnHidden(STATUS)
    panel.resize(900, 400)
    qtbot.waitUntil(lambda: panel.table.viewport().width() > 700)
    panel.fit_columns()
    assert not any(panel.table.isColumnHidden(c) for c in (COUNT, PUBLISHER, RELEASED))
    panel.set_column_shown(PUBLISHER, False)
    assert panel.table.isColumnHidden(PUBLISHER)


def test_hit_marks_on_the_strip_are_at_least_three_pixels_wide(
    qtbot, make_window, library, parsed_factory
):
    from PySide6.QtGui import QColor

    from intercept_viewer.ui.transcript.turn_strip import MARK_HEIGHT, MARK_WIDTH

    lines = [("A" if i % 2 else "B", f"turn {i}") for i in range(3000)]
    tid = library.add(parsed_factory(lines)).id
    w = make_window(library)
    w.show()
    w.show_transcript(tid)
    strip = w.transcript_view.strip
    qtbot.waitUntil(lambda: strip.turn_count() == 3000)
    mark = QColor("#00FF00")  # a colour nothing else on the strip uses
    strip.set_marks("search", [(1500, mark)])
    image = strip.grab().toImage()
    row = MARK_HEIGHT // 2
    green = [x for x in range(image.width()) if image.pixelColor(x, row) == mark]
    assert MARK_WIDTH >= 3
    assert len(green) >= 3 and green[-1] - green[0] == len(green) - 1  # one solid tick
