"""Word forms for the search index: forms of one word meet, different words stay apart."""

from __future__ import annotations

import pytest

from intercept_viewer.core.wordforms import (
    KEY_MARK,
    fold,
    is_ukrainian_language,
    lookup_form,
    normalize_text,
    query_forms,
    stem_rule,
    words,
)


def _found(query_word: str, text: str, language: str | None) -> bool:
    """Would the search's forms tier match: do the query's forms meet the words of the text
    (as the folded ``text`` column has them) or their lemmas (``text_norm``)?"""
    asked = {fold(query_word), *query_forms(lookup_form(query_word))}
    return bool(asked & set(normalize_text(text, language, with_words=True).split()))


# (query word, text containing another form, transcript language)
FORM_PAIRS = [
    ("Бахмут", "Ми під Бахмутом", "uk"),
    ("бахмуте", "до Бахмута", "ru"),
    ("Бахмут", "в Бахмуте", "ru"),
    ("Бахмуті", "біля Бахмута", "uk"),
    ("Київ", "до Києва", "uk"),
    ("Київ", "в Києві", "uk"),
    ("Києва", "Київ", "uk"),
    ("Харків", "в Харкові", "uk"),
    ("Харкові", "Харків", "uk"),
    ("Купянск", "в Купянске", "ru"),
    ("Купянске", "из Купянска", "ru"),
    ("купянском", "Купянск", "ru"),
    ("Куп'янськ", "купянськ", "uk"),
    ("купянськ", "Куп'янськ", "uk"),
    ("купянськ", "Куп’янську", "uk"),
    ("Купʼянська", "Куп'янськ", "uk"),
    ("Авдеевки", "Авдеевка", "ru"),
    ("Авдіївка", "в Авдіївці", "uk"),
    ("Покровськ", "під Покровськом", "uk"),
    ("мать", "у матери", "ru"),
    ("матери", "мать", "ru"),
    ("мати", "матері", "uk"),
    ("мама", "маму", "ru"),
    ("мама", "мамо", "uk"),
    ("сын", "сыном", "ru"),
    ("син", "сину", "uk"),
    ("танк", "танков", "ru"),
    ("снаряд", "снарядів", "uk"),
    ("солдат", "солдаты", "ru"),
    ("хлопець", "хлопці", "uk"),
    ("війна", "війни", "uk"),
    ("soldiers", "a soldier", "en"),
    ("soldier", "the soldiers", "en"),
    ("running", "he runs", "en"),
    ("cafe", "café", "en"),
    ("ёлка", "елка", "ru"),
    ("елка", "ёлка", "ru"),
    ("мобиков", "мобики", "ru"),  # not in the dictionary: the stem rule
    ("вагнеровцы", "вагнеровцев", "ru"),  # not in the dictionary either
]


@pytest.mark.parametrize(("query", "text", "language"), FORM_PAIRS)
def test_forms_of_one_word_meet(query: str, text: str, language: str) -> None:
    assert _found(query, text, language)


@pytest.mark.parametrize(
    ("query", "text", "language"),
    [
        ("Бахмут", "Харків", "uk"),
        ("мама", "папа", "ru"),
        ("танк", "такт", "ru"),
        ("soldier", "solid", "en"),
        ("Купянск", "Куликовка", "ru"),
    ],
)
def test_different_words_stay_apart(query: str, text: str, language: str) -> None:
    assert not _found(query, text, language)


def test_query_without_language_finds_ukrainian_index_of_shared_word() -> None:
    # "мене" is Ukrainian ("me"); the query has no language, so both analyses are tried.
    assert _found("мене", "Він мене чекає", "uk")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Куп'янськ", "купянськ"),
        ("Куп’янськ", "купянськ"),
        ("Купʼянськ", "купянськ"),
        ("ЁЛКА", "елка"),
        ("ма́ма", "мама"),
        ("Café", "cafe"),
        ("Zürich", "zurich"),
        ("Й", "й"),  # Cyrillic й keeps its breve (only Latin accents fold)
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_apostrophes_never_split_a_word() -> None:
    assert [w for _s, _e, w in words("Куп'янськ, м’ясо і пʼять")] == [
        "Куп'янськ",
        "м’ясо",
        "і",
        "пʼять",
    ]


def test_words_report_offsets_into_the_original_text() -> None:
    text = "  ма́ма — Куп'янськ!"
    for start, end, word in words(text):
        assert text[start:end] == word


def test_stem_rule_keeps_four_letters() -> None:
    assert stem_rule("купянську") == "купянськ"
    assert stem_rule("мобиков") == "мобик"
    assert stem_rule("маму") == "маму"  # "мам" would be too short


def test_normalize_text_holds_what_the_folded_text_lacks() -> None:
    # The words as written are indexed from the text itself; text_norm adds only lemmas that
    # differ ("бахмут" for "Бахмутом") and spelling keys of names (capitalised words).
    assert normalize_text("Мы под Бахмутом, мама!", "ru").split() == [
        "бахмут",
        KEY_MARK + "bahmutim",
        KEY_MARK + "bahmut",
    ]
    assert normalize_text("Мы под Бахмутом, мама!", "ru", with_words=True).split()[:4] == [
        "мы",
        "под",
        "бахмутом",
        "бахмут",
    ]
    assert "_" not in normalize_text("snake_case 42", "en", with_words=True)
    assert normalize_text("", None) == ""


def test_apostrophe_variants_reach_the_dictionary() -> None:
    # pymorphy3's Ukrainian dictionary spells сім'я with U+0027: every apostrophe is made so.
    for text in ("сім’ї", "сімʼї", "сім`ї", "сім'ї"):
        assert "сімя" in normalize_text(text, "uk").split(), text
    assert _found("сім'я", "сім’ї", "uk")
    assert _found("сімʼя", "у сім'ї", "uk")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("uk", True), ("uk-UA", True), ("UKR", True), ("ru", False), (None, False), ("en", False)],
)
def test_ukrainian_language_tags(tag: str | None, expected: bool) -> None:
    assert is_ukrainian_language(tag) is expected


def test_ukrainian_letters_choose_ukrainian_analysis_in_a_russian_transcript() -> None:
    assert "харків" in normalize_text("Харкові", "ru").split()
