"""A 100,000-utterance transcript opens reading one page and scrolls to the end by pages."""

from __future__ import annotations

import pytest

from intercept_viewer.core.model import ParsedSpeaker, ParsedTranscript, ParsedUtterance, SourceMeta
from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel

N = 100_000


@pytest.fixture(scope="module")
def big_library(tmp_path_factory):  # type: ignore[no-untyped-def]
    from intercept_viewer.core.library import Library

    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    lib = Library(path)
    utts = [
        ParsedUtterance(
            text=f"Turn {i}: " + "word " * (i % 23), speaker="A" if i % 3 else "B", start_ms=i * 900
        )
        for i in range(N)
    ]
    lib.add(
        ParsedTranscript(
            meta=SourceMeta(title="Long call"),
            speakers=[ParsedSpeaker("A"), ParsedSpeaker("B")],
            utterances=utts,
        )
    )
    lib.close()
    return path


@pytest.mark.slow
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_open_and_scroll_to_end_reads_few_pages(qtbot, big_library, settings, monkeypatch):
    from intercept_viewer.core.library import Library
    from intercept_viewer.ui.main_window import MainWindow
    from intercept_viewer.ui.transcript.utterance_delegate import UtteranceDelegate

    hints: list[int] = []
    real_hint = UtteranceDelegate.sizeHint

    def counting_hint(self, option, index):  # type: ignore[no-untyped-def]
        hints.append(index.row())
        return real_hint(self, option, index)

    monkeypatch.setattr(UtteranceDelegate, "sizeHint", counting_hint)
    lib = Library(big_library)
    w = MainWindow(lib, settings)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.show_transcript(1)
    model = w.transcript_view.model
    view = w.list_view
    assert model.rowCount() == N
    assert model.pages_fetched == [0]
    view.viewport().repaint()
    first, last = view.visible_rows()
    assert first == 0 and last > 5
    assert len(model.pages_fetched) <= 2
    # only rows on screen were sized: the count follows the viewport, not the 100,000 rows
    assert 0 < len(hints) <= 3 * (last - first + 1)
    assert set(hints) <= set(range(last + 2))
    assert view.utterance_delegate.measured < 2 * UtteranceListModel.PAGE_SIZE
    # the scroll range covers every row from the start (estimated heights)
    assert view.verticalScrollBar().maximum() > N * 10

    view.scrollToBottom()
    view.viewport().repaint()
    assert view.visible_rows()[1] == N - 1
    last_rect = view.visualRect(model.index(N - 1, 0))
    assert last_rect.bottom() < view.viewport().height()  # the last row is fully shown
    last_page = (N - 1) // UtteranceListModel.PAGE_SIZE
    assert last_page in model.pages_fetched
    far = [p for p in model.pages_fetched if 1 < p < last_page - 3]
    assert far == []  # nothing between the start and the end was read
    assert len(model._pages) <= UtteranceListModel.MAX_PAGES
    assert len(hints) < 10 * (last - first + 1)
    # the strip got the outline after the first paint and marks the end as visible
    qtbot.waitUntil(lambda: w.transcript_view.strip.turn_count() == N)
    lib.close()


def test_lru_cache_evicts_old_pages(memory_library, parsed_factory):
    lines = [("A" if i % 2 else "B", f"line {i}") for i in range(1000)]
    tid = memory_library.add(parsed_factory(lines)).id
    model = UtteranceListModel(memory_library)
    model.PAGE_SIZE = 10
    model.MAX_PAGES = 3
    model.set_transcript(tid, memory_library.speakers(tid))
    for row in (0, 15, 25, 35, 45):
        assert model.index(row, 0).data() == f"line {row}"
    assert model.pages_fetched == [0, 1, 2, 3, 4]
    assert sorted(model._pages) == [2, 3, 4]
    assert model.peek(0) is None and model.peek(45) is not None
    model.index(0, 0).data()
    assert model.pages_fetched[-1] == 0
