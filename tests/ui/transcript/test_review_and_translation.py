"""Issue 14 in the window: a translation under its turn (muted, plain text), the band "N things
to review" for a transcript whose import report has remarks (listing them, jumping to each
line, dismissable) and the library list's "Needs review" filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import ImportWarning
from intercept_viewer.ui.widgets.roles import TranscriptRole, UtteranceRole
from tests.conftest import make_parsed

I14 = Path(__file__).parents[2] / "fixtures" / "importers" / "i14"


def _library() -> tuple[Library, int, int]:
    lib = Library(memory=True)
    parsed = make_parsed(
        [("Soldier" if i % 2 else "Mother", f"Реплика номер {i}.") for i in range(1, 61)]
    )
    parsed.utterances[0].translation = "Line <b>one</b>, translated."
    for u, line in zip(parsed.utterances, range(3, 63), strict=True):
        u.line = line
    parsed.warnings = [
        ImportWarning("taken as the headline (title), not speech", 1),
        ImportWarning("speaker label 'Командир' seen only once: taken as a speaker", 52),
    ]
    with_warnings = lib.add(parsed, sha256="1" * 64).id
    clean = lib.add(make_parsed(title="A clean call"), sha256="2" * 64).id
    return lib, with_warnings, clean


def test_translation_is_a_role_and_makes_its_row_taller(make_window) -> None:  # type: ignore[no-untyped-def]
    lib, tid, _clean = _library()
    window = make_window(lib)
    window.show_transcript(tid)
    model = window.transcript_view.model
    assert model.data(model.index(0), UtteranceRole.Translation) == "Line <b>one</b>, translated."
    assert model.data(model.index(1), UtteranceRole.Translation) is None
    delegate = window.list_view.utterance_delegate
    plain = delegate.measure("Реплика номер 1.", False)
    assert delegate.measure("Реплика номер 1.", False, "Line one, translated.") > plain


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_translation_is_painted_under_the_turn(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    lib, tid, _clean = _library()
    window = make_window(lib)
    window.show_transcript(tid)
    window.show()
    qtbot.waitExposed(window)
    view = window.list_view
    first = view.visualRect(view.model().index(0, 0))
    second = view.visualRect(view.model().index(1, 0))
    assert first.height() > second.height()  # room for the translation line
    image = view.viewport().grab(first).toImage()
    # the lower part of the row (where the translation goes) has ink in it
    ink = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(image.height() * 2 // 3, image.height() - 3)
    }
    assert len(ink) > 1


def test_band_lists_the_remarks_jumps_and_dismisses(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    lib, tid, clean = _library()
    window = make_window(lib)
    window.show_transcript(tid)
    band = window.transcript_view.review_band
    assert not band.isHidden()
    assert band.summary.text() == "⚑ 2 things to review from the import"
    assert band.model.stringList() == [
        "line 1: taken as the headline (title), not speech",
        "line 52: speaker label 'Командир' seen only once: taken as a speaker",
    ]
    assert band.summary.textFormat() == Qt.TextFormat.PlainText
    band.toggle.setChecked(True)
    assert not band.list_view.isHidden()
    jumped: list[int] = []
    band.jump_requested.connect(jumped.append)
    band.list_view.activated.emit(band.model.index(1))
    assert jumped == [50]  # line 52 is the 50th turn's line
    current = window.list_view.currentIndex()
    assert current.isValid() and current.data(UtteranceRole.Seq) == 50
    # a clean transcript shows no band
    window.show_transcript(clean)
    assert band.isHidden()
    window.show_transcript(tid)
    assert not band.isHidden()
    band.dismiss_button.click()
    assert band.isHidden()
    assert lib.review_counts() == {}
    window.show_transcript(tid)
    assert band.isHidden()  # dismissed for good


def test_library_can_filter_to_transcripts_that_need_review(make_window) -> None:  # type: ignore[no-untyped-def]
    lib, tid, clean = _library()
    window = make_window(lib)
    panel = window.library_panel

    def shown() -> set[int]:
        return {
            panel.proxy.index(r, 0).data(TranscriptRole.Id) for r in range(panel.proxy.rowCount())
        }

    assert shown() == {tid, clean}
    panel.review_check.setChecked(True)
    assert shown() == {tid}
    window.show_transcript(tid)
    window.transcript_view.review_band.dismiss_button.click()
    assert shown() == set()
    panel.review_check.setChecked(False)
    assert shown() == {tid, clean}


def test_a_freshly_imported_file_with_remarks_shows_the_band(make_window) -> None:  # type: ignore[no-untyped-def]
    lib = Library(memory=True)
    window = make_window(lib)
    result = lib.import_file(I14 / "date_and_headline" / "date_dots_uk.txt")
    window.refresh_library()
    window.show_transcript(result.id)
    band = window.transcript_view.review_band
    assert not band.isHidden()
    assert any("release date (2024-03-14)" in s for s in band.model.stringList())
