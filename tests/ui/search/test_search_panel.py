"""The search panel: typing, speaker filter, scope, opening hits, F3, paging, errors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from intercept_viewer.core.library import Library
from intercept_viewer.core.search import MARK_END, MARK_START, SearchResult
from intercept_viewer.ui.context import Change
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.search.search_panel import (
    SCOPE_LIBRARY,
    SCOPE_TRANSCRIPT,
    HitRole,
    SearchPanel,
    SearchResultsModel,
    hit_count_label,
    split_marks,
)
from tests.conftest import make_parsed

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform on show()

M0, M1 = MARK_START, MARK_END

RU_CALL = [
    ("Солдат", "Привет, мама. Мы под Купянском стоим."),
    ("Мама", "Как там в Купянске, сынок?"),
    ("Солдат", "Тут всё горит, лесополосу держим."),
    ("Мама", "Береги себя."),
]
EN_CALL = [
    ("Soldier", "Hello, mum. We are near Kupyansk."),
    ("Mother", "Are you safe there? Is Kupyansk quiet?"),
    ("Soldier", "We can't even secure a forest belt here."),
    ("Mother", "Call me from Kupyansk tomorrow."),
]


@pytest.fixture
def two_calls(library: Library) -> tuple[Library, int, int]:
    ru = library.add(make_parsed(RU_CALL, title="Звонок из-под Купянска", language="ru")).id
    en = library.add(make_parsed(EN_CALL, title="Call about Kupyansk", times=True)).id
    return library, ru, en


@pytest.fixture
def window(make_window, two_calls):  # type: ignore[no-untyped-def]
    lib, ru, _en = two_calls
    w: MainWindow = make_window(lib)
    w.show_transcript(ru)
    return w


def panel_of(w: MainWindow) -> SearchPanel:
    panel = w.search_panel
    assert isinstance(panel, SearchPanel)
    return panel


def search(qtbot, panel: SearchPanel, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` as a user would and wait for its answer (debounce + worker thread)."""
    panel.query_edit.clear()
    if text.isascii():
        qtbot.keyClicks(panel.query_edit, text)
    else:  # QTest can't type non-Latin-1 keys (it aborts); insert as an input method would
        panel.query_edit.insert(text)
    qtbot.waitUntil(panel.is_current, timeout=5000)


def shown_hits(panel: SearchPanel) -> list[tuple[str, int, str | None]]:
    return [(h.title, h.seq, h.speaker) for h in panel.results_model.hits()]


# ---------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("snippet", "text", "spans"),
    [
        ("plain", "plain", []),
        (f"near {M0}Kupyansk{M1}.", "near Kupyansk.", [(5, 8)]),
        (f"{M0}Купянск{M1} и {M0}Купянске{M1}", "Купянск и Купянске", [(0, 7), (10, 8)]),
        (f"…a {M0}<b>{M1}", "…a <b>", [(3, 3)]),
        (f"line\none {M0}x{M1}", "line one x", [(9, 1)]),
        (f"{M0}{M1}empty", "empty", []),
        (f"open {M0}to end", "open to end", [(5, 6)]),
    ],
)
def test_split_marks(snippet: str, text: str, spans: list[tuple[int, int]]) -> None:
    assert split_marks(snippet) == (text, spans)


@pytest.mark.parametrize(
    ("total", "exact", "approximate", "in_transcript", "label"),
    [
        (0, True, False, False, "No hits"),
        (0, True, False, True, "No hits in this transcript"),
        (1, True, False, False, "1 hit"),
        (1234, True, False, False, "1,234 hits"),
        (3, True, False, True, "3 hits in this transcript"),
        (50000, False, False, False, "50,000+ hits (counted up to 50,000)"),
        (117937, True, False, False, "117,937 hits"),
    ],
)
def test_hit_count_label(
    total: int, exact: bool, approximate: bool, in_transcript: bool, label: str
) -> None:
    result = SearchResult([], total, exact, approximate)
    assert hit_count_label(result, in_transcript=in_transcript) == label


# ---------------------------------------------------------------------------- model


def test_results_model_passes_modeltester(qtmodeltester, two_calls) -> None:  # type: ignore[no-untyped-def]
    lib, _ru, _en = two_calls
    model = SearchResultsModel()
    model.set_result(lib.search("Kupyansk OR Купянск", limit=2))
    assert model.rowCount() == 2
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    model.append(lib.search("Kupyansk OR Купянск", limit=100, cursor=model._cursor))
    assert model.rowCount() == 5
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_model_pages_as_the_list_scrolls(qtbot, make_window, library: Library) -> None:  # type: ignore[no-untyped-def]
    lines = [("Soldier" if i % 2 else "Mother", f"line {i} about Kupyansk") for i in range(250)]
    tid = library.add(make_parsed(lines, title="Long call")).id
    w = make_window(library)
    w.show_transcript(tid)
    panel = panel_of(w)
    search(qtbot, panel, "kupyansk")
    model = panel.results_model
    assert len(model.hits()) == 100
    assert panel.status_label.text() == "250 hits"
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # one page at a time
    qtbot.waitUntil(lambda: len(model.hits()) == 200, timeout=5000)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: len(model.hits()) == 250, timeout=5000)
    assert not model.canFetchMore(QModelIndex())
    assert len({h.utterance_id for h in model.hits()}) == 250


# ---------------------------------------------------------------------------- the panel


def test_typing_a_query_shows_hits(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    assert panel.scope() == SCOPE_LIBRARY
    search(qtbot, panel, "exact:Kupyansk")
    assert len(panel.results_model.hits()) == 3
    assert panel.status_label.text() == "3 hits"
    assert {t for t, _s, _sp in shown_hits(panel)} == {"Call about Kupyansk"}
    # row 0 is the transcript's header, its hits follow
    assert panel.results_model.index(0, 0).data(HitRole.Group) == ("Call about Kupyansk", "3 hits")
    snippet = panel.results_model.index(1, 0).data(HitRole.Snippet)
    assert f"{M0}Kupyansk{M1}" in snippet
    assert M0 not in panel.results_model.index(1, 0).data(Qt.ItemDataRole.DisplayRole)


def test_cyrillic_word_forms_and_case(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    search(qtbot, panel, "exact:купянск")
    assert sorted(s for _t, s, _sp in shown_hits(panel)) == [1, 2]
    texts = [h.text for h in panel.results_model.hits()]
    assert any("Купянском" in t for t in texts) and any("Купянске" in t for t in texts)


def test_empty_query_clears_hits(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    search(qtbot, panel, "exact:Kupyansk")
    assert len(panel.results_model.hits()) == 3
    panel.query_edit.clear()
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert len(panel.results_model.hits()) == 0
    assert panel.status_label.text() == ""
    assert window.transcript_view.strip._marks.get("search") is None


def test_choosing_a_speaker_filters(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    names = [panel.speaker_combo.itemText(i) for i in range(panel.speaker_combo.count())]
    assert names == ["All speakers", "Mother", "Soldier", "Мама", "Солдат"]
    search(qtbot, panel, "exact:Kupyansk")
    assert len(panel.results_model.hits()) == 3
    panel.set_speaker("Mother")
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert sorted((s, sp) for _t, s, sp in shown_hits(panel)) == [(2, "Mother"), (4, "Mother")]
    # a speaker with no words lists everything they said
    panel.query_edit.clear()
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert sorted(s for _t, s, _sp in shown_hits(panel)) == [2, 4]


def test_scope_switch(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    _lib, ru, en = two_calls
    panel = panel_of(window)
    search(qtbot, panel, "Kupyansk OR Купянск")
    assert {h.transcript_id for h in panel.results_model.hits()} == {ru, en}
    panel.set_scope(SCOPE_TRANSCRIPT)
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert {h.transcript_id for h in panel.results_model.hits()} == {ru}
    assert panel.status_label.text() == "2 hits in this transcript"
    names = [panel.speaker_combo.itemText(i) for i in range(panel.speaker_combo.count())]
    assert names == ["All speakers", "Солдат", "Мама"]
    # in transcript scope, showing another transcript searches that one
    window.show_transcript(en)
    qtbot.waitUntil(
        lambda: panel.is_current() and len(panel.results_model.hits()) == 3, timeout=5000
    )
    assert {h.transcript_id for h in panel.results_model.hits()} == {en}
    panel.set_scope(SCOPE_LIBRARY)
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert len(panel.results_model.hits()) == 5


def test_clicking_a_hit_opens_scrolls_and_highlights(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    _lib, ru, en = two_calls
    panel = panel_of(window)
    window.show()
    qtbot.waitExposed(window)
    search(qtbot, panel, "exact:Kupyansk")
    model = panel.results_model
    row = next(r for r in range(model.rowCount()) if (h := model.hit(r)) and h.seq == 4)
    rect = panel.results_view.visualRect(panel.results_model.index(row, 0))
    qtbot.mouseClick(panel.results_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_transcript_id() == en
    assert window.list_view.currentIndex().row() == 3
    model = window.transcript_view.model
    text = model.utterance_at(3).text
    assert [text[s : s + n] for s, n in model.highlights_for(4)] == ["Kupyansk"]
    assert window.transcript_view.strip._marks["search"]
    assert sorted(seq for seq, _c in window.transcript_view.strip._marks["search"]) == [1, 2, 4]
    # every row on screen with the word is highlighted too, not only the hit
    qtbot.waitUntil(lambda: bool(model.highlights_for(1)), timeout=3000)
    assert model.highlights_for(3) == []
    assert ru != en


def test_enter_on_a_hit_opens_it(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    _lib, _ru, en = two_calls
    panel = panel_of(window)
    search(qtbot, panel, "exact:Kupyansk")
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Down)  # into the list: its first hit
    assert panel.results_view.currentIndex().row() == 1
    qtbot.keyClick(panel.results_view, Qt.Key.Key_Return)
    assert window.current_transcript_id() == en


def test_f3_moves_between_hits_across_transcripts(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    _lib, ru, en = two_calls
    panel = panel_of(window)
    search(qtbot, panel, "Kupyansk OR Купянск")
    hits = panel.results_model.hits()
    assert len(hits) == 5
    visited = []
    for _ in range(len(hits)):
        window.find_next_action.trigger()  # type: ignore[attr-defined]
        visited.append((window.current_transcript_id(), window.list_view.currentIndex().row() + 1))
    assert visited == [(h.transcript_id, h.seq) for h in hits]
    assert {tid for tid, _ in visited} == {ru, en}
    model = panel.results_model
    window.find_next_action.trigger()  # type: ignore[attr-defined]  # wraps to the first
    assert model.hit(panel.results_view.currentIndex().row()) == hits[0]
    window.find_previous_action.trigger()  # type: ignore[attr-defined]  # and back to the last
    assert model.hit(panel.results_view.currentIndex().row()) == hits[4]
    assert (window.current_transcript_id(), window.list_view.currentIndex().row() + 1) == (
        hits[4].transcript_id,
        hits[4].seq,
    )
    assert window.find_next_action.shortcut().toString() == "F3"  # type: ignore[attr-defined]
    assert window.find_next_action in window.edit_menu.actions()  # type: ignore[attr-defined]


def test_unreadable_query_shows_its_message(qtbot, window: MainWindow, no_dialogs) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    search(qtbot, panel, "exact:Kupyansk")
    assert len(panel.results_model.hits()) == 3
    search(qtbot, panel, "status:maybe")
    assert len(panel.results_model.hits()) == 0
    assert "can't read this query" in panel.status_label.text()
    assert "status:" in panel.status_label.text()
    assert no_dialogs == []
    search(qtbot, panel, "Kupyansk OR")
    assert "OR needs a word" in panel.status_label.text()


def test_html_in_query_and_text_shows_literally(qtbot, make_window, library: Library) -> None:  # type: ignore[no-untyped-def]
    tid = library.add(
        make_parsed([("A", "He wrote <b>bold</b> & <i>x</i> here"), ("B", "nothing")])
    ).id
    w = make_window(library)
    w.show_transcript(tid)
    panel = panel_of(w)
    search(qtbot, panel, "<b>bold</b>")
    assert len(panel.results_model.hits()) == 1
    shown = panel.results_model.index(1, 0).data()  # row 0: the transcript's header
    assert "<b>bold</b>" in shown
    assert panel.status_label.textFormat() == Qt.TextFormat.PlainText
    w.resize(1000, 700)
    assert not panel.results_view.grab().isNull()  # the delegate paints it without HTML


def test_ctrl_f_focuses_the_search_bar(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    panel.dock.hide()  # type: ignore[union-attr]
    panel.query_edit.setText("abc")
    window.find_action.trigger()
    assert panel.dock.isVisible()  # type: ignore[union-attr]
    qtbot.waitUntil(panel.query_edit.hasFocus, timeout=3000)
    assert panel.query_edit.selectedText() == "abc"


def test_stale_answers_are_dropped(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    lib, _ru, _en = two_calls
    panel = panel_of(window)
    search(qtbot, panel, "Kupyansk")
    old_generation = panel._generation
    search(qtbot, panel, "mum")
    assert len(panel.results_model.hits()) == 1
    panel._done(old_generation, lib.search("Kupyansk"), False)
    assert len(panel.results_model.hits()) == 1
    panel._failed(old_generation, "can't read this query: old")
    assert panel.status_label.text() == "1 hit"


def test_memory_library_searches_without_a_thread(qtbot, make_window, memory_library) -> None:  # type: ignore[no-untyped-def]
    memory_library.add(make_parsed(EN_CALL))
    w = make_window(memory_library)
    panel = panel_of(w)
    search(qtbot, panel, "forest")
    assert len(panel.results_model.hits()) == 1
    assert w.context.tasks.lane_library("search") is None  # no lane was started


def test_library_changes_refresh_speakers_and_hits(
    qtbot, window: MainWindow, library: Library
) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    search(qtbot, panel, "exact:Kupyansk")
    library.add(make_parsed([("Brother", "Kupyansk again")], title="Third call"))
    window.context.notify(Change.of("transcripts", "utterances", "speakers"))
    qtbot.waitUntil(
        lambda: panel.is_current() and len(panel.results_model.hits()) == 4, timeout=5000
    )
    assert panel.speaker_combo.findText("Brother") > 0


# ---------------------------------------------------------------------------- issue 16


def test_the_spellings_switch_turns_the_bridge_off(qtbot, window: MainWindow, two_calls) -> None:  # type: ignore[no-untyped-def]
    _lib, ru, en = two_calls
    panel = panel_of(window)
    assert panel.spellings_check.isChecked()
    search(qtbot, panel, "Kupyansk")
    hits = panel.results_model.hits()
    assert {h.transcript_id for h in hits} == {ru, en}
    assert [h.transcript_id for h in hits][:3] == [en, en, en]  # the spelling typed first
    panel.spellings_check.setChecked(False)
    qtbot.waitUntil(panel.is_current, timeout=5000)
    assert {h.transcript_id for h in panel.results_model.hits()} == {en}
    assert len(panel.results_model.hits()) == 3


def test_library_hits_are_grouped_by_transcript_with_counts(two_calls) -> None:  # type: ignore[no-untyped-def]
    lib, ru, en = two_calls
    from intercept_viewer.ui.search.search_worker import SearchRequest, run_count, run_request

    model = SearchResultsModel()
    request = SearchRequest(1, "Kupyansk OR Купянск", limit=2)
    first = run_request(lib, request)
    # the page comes first, uncounted: its headers say what is shown until the count is in
    assert isinstance(first, SearchResult) and not first.counted and first.by_transcript is None
    assert hit_count_label(first, in_transcript=False) == "2+ hits, counting…"
    model.set_result(first, grouped=True)
    assert model.index(0, 0).data(HitRole.Group)[1] == "2 hits shown"
    counts = run_count(lib, request)
    assert counts == ({ru: 2, en: 3}, True)
    model.set_counts(*counts)
    rows = [model.hit(r) or model.index(r, 0).data(HitRole.Group) for r in range(model.rowCount())]
    assert isinstance(rows[0], tuple) and rows[0][1] == "3 hits"  # en ranks first: 3 in all
    assert [h.transcript_id for h in model.hits()] == [en, en]
    # the next page puts en's third hit inside its group and starts ru's group below
    model.append(lib.search("Kupyansk OR Купянск", limit=100, cursor=first.next_cursor))
    kinds = ["group" if model.is_header(r) else model.hit(r).transcript_id for r in range(7)]  # type: ignore[union-attr]
    assert kinds == ["group", en, en, en, "group", ru, ru]
    assert model.index(4, 0).data(HitRole.Group)[1] == "2 hits"
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable


def test_f3_in_a_transcript_goes_in_reading_order(qtbot, make_window, library: Library) -> None:  # type: ignore[no-untyped-def]
    lines = [
        ("A", "ничего"),
        ("B", "танк стоит у дороги уже третий день, никто его не забирает и не чинит"),
        ("A", "ничего"),
        ("B", "танк"),
        ("A", "ничего"),
        ("B", "танк сгорел вчера вечером"),
    ]
    tid = library.add(make_parsed(lines, title="Танки", language="ru")).id
    w = make_window(library)
    w.show_transcript(tid)
    panel = panel_of(w)
    panel.set_scope(SCOPE_TRANSCRIPT)
    search(qtbot, panel, "танк")
    assert [h.seq for h in panel.results_model.hits()] == [4, 6, 2]  # ranked: shortest first
    seqs = []
    for _ in range(4):
        w.find_next_action.trigger()  # type: ignore[attr-defined]
        seqs.append(w.list_view.currentIndex().row() + 1)
    assert seqs == [2, 4, 6, 2]  # down the page, wrapping
    w.find_previous_action.trigger()  # type: ignore[attr-defined]
    assert w.list_view.currentIndex().row() + 1 == 6


def test_word_forms_are_warmed_in_the_background(window: MainWindow) -> None:
    from intercept_viewer.core import wordforms

    window.context.tasks.wait_idle("warm-words")
    assert {"ru", "uk"} <= set(wordforms._analyzers)


def test_a_library_page_shows_before_its_count(qtbot, make_window, library: Library) -> None:  # type: ignore[no-untyped-def]
    lines = [("Soldier" if i % 2 else "Mother", f"line {i} about Kupyansk") for i in range(250)]
    library.add(make_parsed(lines, title="Long call"))
    w = make_window(library)
    panel = panel_of(w)
    seen: list[tuple[str, str, bool]] = []
    panel.results_shown.connect(
        lambda _g: seen.append(("shown", panel.status_label.text(), panel.is_current()))
    )
    panel.counted.connect(
        lambda _g: seen.append(("counted", panel.status_label.text(), panel.is_current()))
    )
    search(qtbot, panel, "kupyansk")
    # the page first (not yet "current": its count is running), then the count
    assert seen == [("shown", "100+ hits, counting…", False), ("counted", "250 hits", True)]
    header = panel.results_model.index(0, 0).data(HitRole.Group)
    assert header[1] == "250 hits"
    # a page that holds every match is counted by its own hits: no second pass
    seen.clear()
    search(qtbot, panel, "line 7 about")
    assert [s[0] for s in seen] == ["shown"] and panel.status_label.text() == "1 hit"
