"""The shape of the work a search does (statements run, what is counted, what is cached),
which is what keeps it near the bare FTS5 query's speed -- asserted without any clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercept_viewer.core import search as search_mod
from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.search import (
    Highlighter,
    compile_match,
    fts_expression,
    parse_query,
)
from intercept_viewer.core.wordforms import (
    fold,
    key_token,
    lookup_form,
    query_forms,
    spelling_key,
    word_forms,
    word_keys,
    words,
)


def fts_statements(lib: Library, query: str, **kw: object) -> tuple[object, list[str]]:
    """Run a search; return its result and the SQL statements that touched the FTS index."""
    seen: list[str] = []
    lib.db.conn.set_trace_callback(seen.append)
    try:
        result = lib.search(query, **kw)  # type: ignore[arg-type]
    finally:
        lib.db.conn.set_trace_callback(None)
    return result, [s for s in seen if "utterances_fts MATCH" in s]


@pytest.mark.parametrize(
    "query", ["Бахмут", '"під Бахмутом" куп*', "a OR b -c", "speaker:Mother танк", "tag:x"]
)
def test_compile_match_is_what_search_runs(query: str) -> None:
    assert compile_match(query) == fts_expression(parse_query(query))


def test_compile_match_refuses_like_search() -> None:
    assert compile_match("speaker:Mother") is None
    with pytest.raises(QueryError):
        compile_match("a OR")


def test_a_page_holding_every_match_is_not_counted_again(
    memory_library: Library,
    parsed_factory,  # type: ignore[no-untyped-def]
) -> None:
    memory_library.add(parsed_factory([("A", f"танк номер {i}") for i in range(25)]))
    few, stmts = fts_statements(memory_library, "танк", limit=100)
    assert few.total == 25 and few.total_exact and len(few.hits) == 25  # type: ignore[attr-defined]
    assert stmts and not any("count(" in s for s in stmts)
    page, stmts = fts_statements(memory_library, "танк", limit=10)
    assert page.total == 25 and len(page.hits) == 10  # type: ignore[attr-defined]
    # The exact tier fills the page: one ranking statement, then the count.
    assert len(stmts) == 2 and "count(" in stmts[1] and "bm25" not in stmts[1]
    later, stmts = fts_statements(memory_library, "танк", limit=10, offset=20)
    assert later.total == 25 and len(later.hits) == 5  # type: ignore[attr-defined]


def test_filters_act_inside_the_ranking_statement(
    memory_library: Library,
    parsed_factory,  # type: ignore[no-untyped-def]
) -> None:
    memory_library.add(
        parsed_factory([("A" if i % 2 else "B", f"танк номер {i}") for i in range(30)])
    )
    result, stmts = fts_statements(memory_library, "speaker:A танк", limit=5)
    assert result.total == 15 and result.total_exact  # type: ignore[attr-defined]
    assert [h.seq for h in result.hits] == [2, 4, 6, 8, 10]  # type: ignore[attr-defined]
    # Every statement that touches the index carries the speaker's row set (a temporary
    # table of their ids): none ranks or counts all matches to filter them afterwards, none
    # joins each match to its utterance.
    assert stmts and all("IN temp.iv_ids_" in s for s in stmts)
    assert not any("JOIN utterances u ON u.id = utterances_fts.rowid" in s for s in stmts)
    nobody = memory_library.search("speaker:A нетакого", limit=5)
    assert nobody.total == 0 and not nobody.hits


def test_filtered_common_words_rank_every_match_and_count_a_bounded_number(
    memory_library: Library,
    parsed_factory,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memory_library.add(
        parsed_factory([("A" if i % 2 else "B", f"танк номер {i}") for i in range(30)])
    )
    # A shorter utterance ranks first by bm25 wherever it is: the ranking is not cut.
    memory_library.add(parsed_factory([("A", "танк")], title="later"))
    full = memory_library.search("speaker:A танк", limit=3)
    assert full.hits[0].text == "танк" and full.total == 16
    assert [h.seq for h in full.hits[1:]] == [2, 4]
    monkeypatch.setattr(search_mod, "COUNT_CAP", 10)
    capped = memory_library.search("speaker:A танк", limit=3)
    assert capped.total == 10 and capped.total_label == "10+" and not capped.total_exact


def test_speaker_names_are_reread_after_any_change(tmp_path: Path, parsed_factory) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lib.sqlite"
    lib = Library(path)
    other = Library(path)
    try:
        tid = lib.add(parsed_factory([("A", "танк один")])).id
        assert lib.search("speaker:A танк").total == 1
        assert lib.search("speaker:Ґедзь танк").total == 0
        speaker_id = lib.db.conn.execute(
            "SELECT id FROM speakers WHERE transcript_id = ?", [tid]
        ).fetchone()[0]
        lib.rename_speaker(speaker_id, "Ґедзь")
        assert lib.search("speaker:ґедзь танк").total == 1  # this connection's own write
        other.add(parsed_factory([("Ёжик", "танк два")], title="other"))
        assert lib.search("speaker:ежик танк").total == 1  # another connection's commit
    finally:
        other.close()
        lib.close()


def _fills(seen: list[str]) -> list[str]:
    return [s for s in seen if s.startswith("INSERT OR IGNORE INTO temp.iv_ids_")]


def test_a_filters_rows_are_read_once_and_again_after_any_change(
    tmp_path: Path,
    parsed_factory,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "lib.sqlite"
    lib = Library(path)
    other = Library(path)
    seen: list[str] = []
    try:
        tid = lib.add(
            parsed_factory([("A" if i % 2 else "B", f"танк номер {i}") for i in range(30)])
        ).id
        lib.add_passage(tid, 1, 4, ["check"])
        lib.db.conn.set_trace_callback(seen.append)
        assert lib.search("speaker:A танк", limit=5).total == 15
        assert lib.search("tag:check танк", limit=2).total == 4
        assert len(_fills(seen)) == 2  # on this connection; the workers fill their own
        seen.clear()
        assert lib.search("speaker:A номер", limit=5).total == 15  # other words, same speaker
        assert lib.search("tag:check номер", limit=2).total == 4
        assert _fills(seen) == []  # the tables were kept
        # a change on this connection: a turn of B's given to A (A's speaker id is the same)
        speaker_a = lib.db.conn.execute(
            "SELECT id FROM speakers WHERE transcript_id = ? AND label = 'A'", [tid]
        ).fetchone()[0]
        lib.reassign_turns(tid, [1], speaker_a)
        assert lib.search("speaker:A танк", limit=5).total == 16
        # another connection's commit: the tag now covers one more turn
        other.add_passage(tid, 5, 5, ["check"])
        assert lib.search("tag:check танк", limit=2).total == 5
        assert len(_fills(seen)) == 2
    finally:
        lib.db.conn.set_trace_callback(None)
        other.close()
        lib.close()


def naive_spans(text: str, query: str, bridge: bool) -> list[tuple[int, int]]:
    """Word by word, straight from the definitions (no phrases): the reference."""
    q = parse_query(query)
    forms: set[str] = set()
    prefixes: list[str] = []
    for group in q.groups:
        for term in group:
            looks = [lookup_form(w) for _s, _e, w in words(term.text) if fold(w)]
            for i, look in enumerate(looks):
                p = look.replace("'", "")
                if term.kind == "prefix" and i == len(looks) - 1:
                    prefixes.append(p)
                    if bridge and spelling_key(p, prefix=True):
                        prefixes.append(key_token(spelling_key(p, prefix=True)))
                else:
                    forms.update(query_forms(look), {p})
                    if bridge:
                        forms.update(key_token(k) for k in word_keys(look))
    out = []
    for s, e, w in words(text):
        look = lookup_form(w)
        f = look.replace("'", "")
        own = (
            {f, *word_forms(look, "ru"), *word_forms(look, "uk")}
            | {key_token(k) for k in word_keys(look)}
            if f
            else set()
        )
        if own & forms or any(x.startswith(p) for p in prefixes for x in own):
            out.append((s, e))
    return out


TEXT_WORDS = [
    "Бахмут", "Бахмутом", "бахмуте", "Куп'янськ", "купянске", "soldiers", "танк", "x_y",
    "Bakhmut", "Kupiansk",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(TEXT_WORDS), st.text(alphabet="аб́'’ _-.,a1ё", max_size=6)),
        max_size=12,
    ),
    st.sampled_from(["бахмуте", "куп*", "soldier танк", "бах* soldiers", "ёж", "Bakhmut kup*"]),
    st.booleans(),
)
def test_highlighter_agrees_with_the_word_by_word_definition(
    parts: list[str], query: str, bridge: bool
) -> None:
    text = " ".join(parts)
    h = Highlighter(parse_query(query), bridge)
    assert h.spans(text) == naive_spans(text, query, bridge)
    # judged words remembered, same answer
    assert h.spans(text) == naive_spans(text, query, bridge)


def test_counts_by_transcript_from_run_starts_equal_the_join(
    tmp_path: Path,
    parsed_factory,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib = Library(tmp_path / "lib.sqlite")
    try:
        ids = [
            lib.add(parsed_factory([("A", f"танк {j}") for j in range(n)], title=f"t{n}")).id
            for n in (3, 1, 7, 4)
        ]
        seen: list[str] = []
        lib.db.conn.set_trace_callback(seen.append)
        by_starts = search_mod.count_by_transcript(lib, "танк")
        lib.db.conn.set_trace_callback(None)
        assert by_starts == ({ids[0]: 3, ids[1]: 1, ids[2]: 7, ids[3]: 4}, True)
        assert any("temp.iv_starts_" in s for s in seen)  # no join to utterances
        monkeypatch.setattr(search_mod, "_transcript_ranges", lambda _lib: None)
        assert search_mod.count_by_transcript(lib, "танк") == by_starts
        monkeypatch.undo()
        # a turn inserted by a correction lies outside its transcript's run: counted rightly
        lib.insert_turn(ids[1], 1, "танк вставлен", speaker="A")
        assert search_mod.count_by_transcript(lib, "танк")[0][ids[1]] == 2
    finally:
        lib.close()


def test_old_id_tables_are_dropped_beyond_the_limit(
    memory_library: Library,
    parsed_factory,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_mod, "_ID_SETS_KEPT", 2)
    memory_library.add(parsed_factory([(f"S{i}", f"танк {i}") for i in range(4)]))

    def tables() -> list[str]:
        rows = memory_library.db.conn.execute(
            "SELECT name FROM sqlite_temp_master WHERE name LIKE 'iv_ids_%' ORDER BY rowid"
        )
        return [r[0] for r in rows]

    for i in range(4):
        assert memory_library.search(f"speaker:S{i} танк").total == 1
    assert len(tables()) == 2  # the two newest
    newest = tables()
    assert memory_library.search("speaker:S3 танк").total == 1  # kept: nothing refilled
    assert tables() == newest
