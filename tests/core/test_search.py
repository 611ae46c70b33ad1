"""Search: query syntax, word forms through the library, filters, snippets, paging, safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intercept_viewer.core import search as search_mod
from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.search import (
    MARK_END,
    MARK_START,
    Term,
    fts_expression,
    make_snippet,
    match_spans,
    parse_query,
)

CORPUS = Path(__file__).parent.parent / "fixtures" / "search" / "corpus.json"


def load_corpus(lib: Library) -> dict[str, int]:
    """Import the fixture corpus; returns {language: transcript id}."""
    ids = {}
    for item in json.loads(CORPUS.read_text(encoding="utf-8")):
        parsed = ParsedTranscript(
            meta=SourceMeta(
                title=item["title"],
                language=item["language"],
                publisher=item["publisher"],
                released_on=item["released_on"],
                verification=item["verification"],
            ),
            speakers=[ParsedSpeaker(label=lab, name=name) for lab, name in item["speakers"]],
            utterances=[
                ParsedUtterance(text=text, speaker=who, start_ms=i * 4000)
                for i, (who, text) in enumerate(item["lines"])
            ],
            format="labelled",
        )
        ids[item["language"]] = lib.add(parsed).id
    return ids


@pytest.fixture
def corpus(memory_library: Library) -> tuple[Library, dict[str, int]]:
    return memory_library, load_corpus(memory_library)


def texts(lib: Library, query: str, **kw: object) -> list[str]:
    return [h.text for h in lib.search(query, **kw).hits]  # type: ignore[arg-type]


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("query", "groups", "excluded"),
    [
        ("мама", [[Term("word", "мама")]], []),
        ("мама сын", [[Term("word", "мама")], [Term("word", "сын")]], []),
        ('"под Бахмутом"', [[Term("phrase", "под Бахмутом")]], []),
        ("«под Бахмутом»", [[Term("phrase", "под Бахмутом")]], []),
        ("куп*", [[Term("prefix", "куп")]], []),
        ("a OR b c", [[Term("word", "a"), Term("word", "b")], [Term("word", "c")]], []),
        ("мама -сын", [[Term("word", "мама")]], [Term("word", "сын")]),
        ('мама -"под Бахмутом"', [[Term("word", "мама")]], [Term("phrase", "под Бахмутом")]),
        ("мама AND сын", [[Term("word", "мама")], [Term("word", "сын")]], []),
        ("or", [[Term("word", "or")]], []),  # lower-case "or" is a word
        ('"unterminated phrase', [[Term("phrase", "unterminated phrase")]], []),
        ("!!! ... мама", [[Term("word", "мама")]], []),
    ],
)
def test_parse_terms(query: str, groups: list[list[Term]], excluded: list[Term]) -> None:
    q = parse_query(query)
    assert q.groups == groups
    assert q.excluded == excluded


def test_parse_filters() -> None:
    q = parse_query(
        'speaker:"Mother of Ivan" Speaker:Солдат tag:claim publisher:HUR status:Unverified '
        "after:2024-01-01 before:2024-12 танк"
    )
    assert q.speakers == ["Mother of Ivan", "Солдат"]
    assert q.tags == ["claim"]
    assert q.publishers == ["HUR"]
    assert q.statuses == ["unverified"]
    assert (q.after, q.before) == ("2024-01-01", "2024-12")
    assert q.groups == [[Term("word", "танк")]]


def test_unknown_field_is_just_words() -> None:
    assert parse_query("at 10:30").groups == [[Term("word", "at")], [Term("word", "10:30")]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("OR мама", "OR needs a word"),
        ("мама OR", "OR needs a word"),
        ("мама OR OR сын", "OR needs a word"),
        ("мама OR -сын", "excluded"),
        ("мама OR speaker:X", "joins words"),
        ("speaker:", "needs a value"),
        ("status:maybe", "status: is one of"),
        ("after:yesterday", "wants a date"),
        ("before:2024-13-01", "not a real date"),
        ("-speaker:X мама", "can't be excluded"),
        ("", "nothing to search for"),
        ("   ", "nothing to search for"),
        ("-мама", "only excludes"),
        (" ".join(["w"] * 100), "more than"),
    ],
)
def test_unreadable_queries_say_why(memory_library: Library, query: str, message: str) -> None:
    with pytest.raises(QueryError, match="can't read this query") as err:
        memory_library.search(query)
    assert message in str(err.value)


def test_fts_expression_quotes_every_word() -> None:
    expr = fts_expression(parse_query('NEAR( a"b) * col:x "x AND y" -z'))
    assert expr is not None
    assert "NEAR(" not in expr
    # every user word appears only inside double quotes
    outside = expr.split('"')[::2]
    assert not any("NEAR" in part or "col" in part for part in outside)


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Бахмут", {"Мамо, ми під Бахмутом, тут пекло.", "Сынок, а в Бахмуте что, уже всё?"}),
        ("бахмуте", {"Мамо, ми під Бахмутом, тут пекло.", "Сынок, а в Бахмуте что, уже всё?"}),
        ("Київ", {"Далеко. Хлопці кажуть, що в Києві спокійно."}),
        (
            "купянск",
            {
                "Мама, мы стоим в Купянске, тут танков много.",
                "Синку, а Куп'янськ далеко від вас?",
                "The soldiers near Kupyansk have no food.",
            },
        ),
        ("exact:" + "купянск", {"Мама, мы стоим в Купянске, тут танков много."}),
        (
            "КУПЯНСКЕ",
            {
                "Мама, мы стоим в Купянске, тут танков много.",
                "Синку, а Куп'янськ далеко від вас?",
                "The soldiers near Kupyansk have no food.",
            },
        ),
        ("exact:" + "КУПЯНСКЕ", {"Мама, мы стоим в Купянске, тут танков много."}),
        (
            "купянськ",
            {
                "Мама, мы стоим в Купянске, тут танков много.",
                "Синку, а Куп'янськ далеко від вас?",
                "The soldiers near Kupyansk have no food.",
            },
        ),
        ("exact:" + "купянськ", {"Синку, а Куп'янськ далеко від вас?"}),
        (
            "Куп’янськ",
            {
                "Мама, мы стоим в Купянске, тут танков много.",
                "Синку, а Куп'янськ далеко від вас?",
                "The soldiers near Kupyansk have no food.",
            },
        ),
        ("exact:" + "Куп’янськ", {"Синку, а Куп'янськ далеко від вас?"}),
        ("танк", {"Мама, мы стоим в Купянске, тут танков много."}),
        ("сын", {"Позвони отцу, он твоим сыном гордится."}),
        (
            "soldier",
            {
                "The soldiers near Kupyansk have no food.",
                "A soldier can't leave. The commander says we're going to Kharkiv.",
            },
        ),
        ("CAFE", {"Go to the café, buy something, please."}),
        ("café", {"Go to the café, buy something, please."}),
        ("елки", {"Под Авдеевкой ещё хуже. Ёлки-палки, связь плохая."}),
        ("еще", {"Под Авдеевкой ещё хуже. Ёлки-палки, связь плохая."}),
        ("авдеевка", {"Под Авдеевкой ещё хуже. Ёлки-палки, связь плохая."}),
        (
            "kupyansk",
            {
                "Мама, мы стоим в Купянске, тут танков много.",
                "Синку, а Куп'янськ далеко від вас?",
                "The soldiers near Kupyansk have no food.",
            },
        ),
        ("exact:" + "kupyansk", {"The soldiers near Kupyansk have no food."}),
    ],
)
def test_words_match_any_form_case_and_accents(
    corpus: tuple[Library, dict[str, int]], query: str, expected: set[str]
) -> None:
    lib, _ = corpus
    assert set(texts(lib, query)) == expected


def test_exact_form_ranks_first(memory_library: Library, parsed_factory) -> None:  # type: ignore[no-untyped-def]
    memory_library.add(
        parsed_factory(
            [("A", "Ми під Бахмутом були"), ("B", "Бахмут наш"), ("A", "інше")], language="uk"
        )
    )
    hits = memory_library.search("Бахмут").hits
    assert [h.text for h in hits] == ["Бахмут наш", "Ми під Бахмутом були"]


def test_words_are_anded(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert texts(lib, "мама купянск") == ["Мама, мы стоим в Купянске, тут танков много."]
    assert texts(lib, "мама kharkiv") == []


def test_phrase_matches_exact_text(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert texts(lib, '"під Бахмутом"') == ["Мамо, ми під Бахмутом, тут пекло."]
    assert texts(lib, '"Бахмутом під"') == []
    assert texts(lib, '"під Бахмута"') == []  # a phrase is the words as written


def test_prefix(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert set(texts(lib, "exact:купя*")) == {  # apostrophes don't count in a prefix either
        "Мама, мы стоим в Купянске, тут танков много.",
        "Синку, а Куп'янськ далеко від вас?",
    }
    assert len(texts(lib, "exact:куп'ян*")) == 2
    assert texts(lib, "exact:купянсь*") == ["Синку, а Куп'янськ далеко від вас?"]
    # With the spelling bridge a prefix finds the other scripts' spellings too.
    assert len(texts(lib, "купя*")) == 3 and len(texts(lib, "Kupya*")) == 3
    assert len(texts(lib, "sold*")) == 2


def test_or_and_exclusion(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert len(texts(lib, "Київ OR Харків OR kharkiv")) == 2
    assert texts(lib, "soldier -commander") == ["The soldiers near Kupyansk have no food."]
    assert texts(lib, 'soldier -"no food"') == [
        "A soldier can't leave. The commander says we're going to Kharkiv."
    ]


# ---------------------------------------------------------------- filters


def test_speaker_filter_on_labels_and_display_names(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, ids = corpus
    # uk transcript: label "С", display name "Солдат"
    assert len(texts(lib, "speaker:солдат")) == 4  # uk (by name) + ru (by label)
    assert len(texts(lib, "speaker:С")) == 2
    assert len(texts(lib, "speaker:soldier")) == 2  # en display name, any case
    assert len(texts(lib, "speaker:SOLDIER", transcript_id=ids["en"])) == 2
    # a speaker filter alone lists everything, in transcript order
    said = lib.search("speaker:мать")
    assert [h.seq for h in said.hits] == [2, 4]
    assert said.total == 2


def test_renamed_speaker_found_by_new_name_and_by_label(
    corpus: tuple[Library, dict[str, int]],
) -> None:
    lib, ids = corpus
    wife = next(s for s in lib.speakers(ids["en"]) if s.label == "WIFE")
    lib.rename_speaker(wife.id, "Олена Іванівна")
    assert texts(lib, 'speaker:"олена іванівна"') == ["Go to the café, buy something, please."]
    assert texts(lib, "speaker:wife") == ["Go to the café, buy something, please."]
    assert texts(lib, "cafe", speaker="ОЛЕНА ІВАНІВНА") == [
        "Go to the café, buy something, please."
    ]
    assert texts(lib, "cafe", speaker=wife.id) == ["Go to the café, buy something, please."]
    assert lib.search("speaker:nobody").hits == []


def test_speaker_with_words_and_exclusions(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert texts(lib, "speaker:Мать Бахмут") == ["Сынок, а в Бахмуте что, уже всё?"]
    assert texts(lib, "speaker:Мать -Бахмут") == ["Позвони отцу, он твоим сыном гордится."]


def test_transcript_scope(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, ids = corpus
    assert texts(lib, "Бахмут", transcript_id=ids["ru"]) == ["Сынок, а в Бахмуте что, уже всё?"]
    assert texts(lib, "Бахмут", transcript_id=9999) == []


def test_status_publisher_and_dates(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, _ = corpus
    assert texts(lib, "Бахмут status:corroborated") == ["Сынок, а в Бахмуте что, уже всё?"]
    assert len(texts(lib, "status:verified")) == 3
    assert len(texts(lib, "status:unverified status:verified")) == 7
    assert texts(lib, "Бахмут publisher:гур") == ["Мамо, ми під Бахмутом, тут пекло."]
    assert len(texts(lib, 'publisher:"kyiv independent"')) == 3
    assert texts(lib, "Бахмут after:2024-01-01") == ["Сынок, а в Бахмуте что, уже всё?"]
    assert texts(lib, "Бахмут before:2023-05-10") == ["Мамо, ми під Бахмутом, тут пекло."]
    assert texts(lib, "Бахмут before:2023-05") == ["Мамо, ми під Бахмутом, тут пекло."]
    assert texts(lib, "Бахмут after:2024-02-02 before:2024-12-31") == []


def test_tag_filter(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, ids = corpus
    lib.add_passage(ids["ru"], 1, 2, ["Claim to check"])
    assert texts(lib, 'tag:"claim to check"') == [
        "Мама, мы стоим в Купянске, тут танков много.",
        "Сынок, а в Бахмуте что, уже всё?",
    ]
    assert texts(lib, 'Бахмут tag:"CLAIM TO CHECK"') == ["Сынок, а в Бахмуте что, уже всё?"]
    assert texts(lib, "tag:nothing") == []


# ---------------------------------------------------------------- results


def test_hit_fields_and_snippet(corpus: tuple[Library, dict[str, int]]) -> None:
    lib, ids = corpus
    result = lib.search("купянск", bridge=False)
    (hit,) = result.hits
    assert (hit.transcript_id, hit.seq, hit.speaker, hit.start_ms) == (ids["ru"], 1, "Солдат", 0)
    assert hit.title == "Перехват: разговор с матерью"
    assert hit.verification == "corroborated"
    assert hit.speaker_color
    assert hit.snippet == f"Мама, мы стоим в {MARK_START}Купянске{MARK_END}, тут танков много."
    assert hit.snippet_as("[", "]") == "Мама, мы стоим в [Купянске], тут танков много."
    assert [hit.text[s:e] for s, e in hit.spans] == ["Купянске"]
    assert result.total == 1 and result.total_exact and not result.approximate


def test_marks_in_text_cannot_forge_a_highlight() -> None:
    text = f"fake {MARK_START}mark{MARK_END} and word"
    snippet = make_snippet(text, match_spans(text, "word"))
    assert snippet.count(MARK_START) == 1 and snippet.count(MARK_END) == 1
    assert snippet.endswith(f"{MARK_START}word{MARK_END}")


def test_long_text_snippet_is_cut_around_the_match() -> None:
    text = "слово " * 100 + "Бахмут " + "ещё " * 100
    snippet = make_snippet(text, match_spans(text, "бахмут"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert f"{MARK_START}Бахмут{MARK_END}" in snippet
    assert len(snippet) < 260


def test_match_spans_phrase_prefix_and_forms() -> None:
    text = "Ми під Бахмутом, а не в Куп'янську. Бахмут!"
    spans = match_spans(text, '"під Бахмутом" куп* -бахмут')
    assert [text[s:e] for s, e in spans] == ["під Бахмутом", "Куп'янську"]
    assert [text[s:e] for s, e in match_spans(text, "бахмуте")] == ["Бахмутом", "Бахмут"]


def test_paging_by_cursor_and_offset(memory_library: Library, parsed_factory) -> None:  # type: ignore[no-untyped-def]
    memory_library.add(parsed_factory([("A", f"танк номер {i}") for i in range(25)]))
    first = memory_library.search("танк", limit=10)
    assert first.total == 25 and first.next_cursor is not None
    second = memory_library.search("танк", limit=10, cursor=first.next_cursor)
    third = memory_library.search("танк", limit=10, cursor=second.next_cursor)
    seqs = [h.seq for r in (first, second, third) for h in r.hits]
    assert seqs == list(range(1, 26))  # equal scores: stable (transcript, seq) order
    assert third.next_cursor is None
    by_offset = memory_library.search("танк", limit=10, offset=10)
    assert [h.seq for h in by_offset.hits] == [h.seq for h in second.hits]
    speaker_pages = memory_library.search("speaker:A", limit=20)
    rest = memory_library.search("speaker:A", limit=20, cursor=speaker_pages.next_cursor)
    assert [h.seq for h in speaker_pages.hits + rest.hits] == list(range(1, 26))


def test_every_match_is_ranked_and_the_count_is_bounded(
    memory_library: Library,
    parsed_factory,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    memory_library.add(parsed_factory([("A", f"танк {i}") for i in range(12)]))
    result = memory_library.search("танк", limit=3)
    assert [h.seq for h in result.hits] == [1, 2, 3]  # equal bm25: transcript order
    assert result.total == 12 and result.total_exact and not result.approximate
    monkeypatch.setattr(search_mod, "COUNT_CAP", 10)
    capped = memory_library.search("танк", limit=3)
    assert capped.total == 10 and not capped.total_exact and capped.total_label == "10+"
