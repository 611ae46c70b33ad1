"""Every model through qtmodeltester with more rows than a page: the paged utterance model
across several pages, the search hits after fetching more, the library's filter proxy while it
filters and sorts, and the tag, queue and speaker models."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from intercept_viewer.core.library import Library
from intercept_viewer.ui.library.library_panel import FilterProxyModel, TranscriptTableModel
from intercept_viewer.ui.search.search_panel import SearchResultsModel
from intercept_viewer.ui.search.search_worker import PAGE_SIZE as SEARCH_PAGE
from intercept_viewer.ui.tags.tag_models import PassageQueueModel, TagListModel
from intercept_viewer.ui.transcript.speakers_panel import SpeakersModel
from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel
from intercept_viewer.ui.widgets.roles import UtteranceRole
from tests.conftest import make_parsed

MANY = 150


@pytest.fixture(scope="module")
def big() -> Library:
    """One long call (several utterance pages, many speakers) and MANY short ones."""
    lib = Library(memory=True)
    rows = UtteranceListModel.PAGE_SIZE * 3 + 17
    lines = [(f"Speaker {i % 120}", f"Kupyansk line {i}") for i in range(rows)]
    lib.add(make_parsed(lines, title="Long call", times=True))
    for n in range(MANY):
        tid = lib.add(make_parsed([("A", f"short {n}"), ("B", "reply")], title=f"Call {n:03}")).id
        lib.add_passage(tid, 1, tags=[f"tag {n:03}"], note=f"note {n}")
    yield lib
    lib.close()


def test_the_utterance_model_across_pages(qtmodeltester, big: Library) -> None:
    model = UtteranceListModel(big)
    model.set_transcript(1, big.speakers(1))
    n = model.rowCount()
    assert n > 3 * model.PAGE_SIZE
    qtmodeltester.check(model)
    last = model.index(n - 1, 0)
    assert last.data(UtteranceRole.Seq) == n
    assert last.data(Qt.ItemDataRole.DisplayRole) == f"Kupyansk line {n - 1}"


def test_search_hits_after_fetching_more_pages(qtmodeltester, big: Library) -> None:
    model = SearchResultsModel()
    first = big.search("Kupyansk", limit=SEARCH_PAGE)
    model.set_result(first)
    cursor = first.next_cursor
    while cursor is not None and model.rowCount() < 3 * SEARCH_PAGE:
        page = big.search("Kupyansk", limit=SEARCH_PAGE, cursor=cursor)
        model.append(page)
        cursor = page.next_cursor
    assert model.rowCount() == 3 * SEARCH_PAGE
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_the_library_table_and_its_filter_proxy(qtmodeltester, big: Library) -> None:
    source = TranscriptTableModel()
    source.set_transcripts(big.transcripts())
    proxy = FilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    assert source.rowCount() == MANY + 1
    qtmodeltester.check(source)
    qtmodeltester.check(proxy)
    proxy.setFilterFixedString("call 1")  # Call 100..149 and Call 001, 010..019
    assert 0 < proxy.rowCount() < source.rowCount()
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    titles = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert titles == sorted(titles, reverse=True)
    qtmodeltester.check(proxy)


def test_tags_queue_and_speakers(qtmodeltester, big: Library) -> None:
    tags = TagListModel()
    tags.set_tags(big.tags())
    assert tags.rowCount() == MANY
    qtmodeltester.check(tags)
    queue = PassageQueueModel(big)
    queue.reload()
    assert queue.rowCount() == MANY
    qtmodeltester.check(queue)
    queue.sort(PassageQueueModel.TITLE_COL, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(queue)
    speakers = SpeakersModel()
    speakers.set_speakers(big.speakers(1), has_times=True)
    assert speakers.rowCount() == 120
    qtmodeltester.check(speakers)
