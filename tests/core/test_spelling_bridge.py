"""The spelling bridge: Russian, Ukrainian and Latin spellings of one name find each other,
exact forms rank first, and the bridge can be switched off (``exact:`` and ``bridge=False``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intercept_viewer.core.library import Library
from intercept_viewer.core.search import TIER_EXACT, TIER_FORMS, TIER_SPELLINGS
from intercept_viewer.core.wordforms import fold, lookup_form, spelling_key
from tests.conftest import make_parsed

# (query, a text spelling it another way, the text's language)
PLACES = [
    ("Купянск", "Ми вже біля Куп'янська", "uk"),
    ("Купянск", "у Купʼянську тихо", "uk"),
    ("Купянск", "до Куп’янська далеко", "uk"),
    ("Куп'янськ", "мы в Купянске стоим", "ru"),
    ("Kupyansk", "под Купянском стоим", "ru"),
    ("Kupiansk", "Куп'янськ обстрілюють", "uk"),
    ("Купянск", "We are outside Kupiansk now", "en"),
    ("Куп'янськ", "Kupyansk was shelled", "en"),
    ("Авдеевка", "Авдіївка тримається", "uk"),
    ("Авдіївка", "в Авдеевке хуже всего", "ru"),
    ("Avdiivka", "под Авдеевкой страшно", "ru"),
    ("Авдеевка", "They left Avdiivka", "en"),
    ("Покровск", "під Покровськом", "uk"),
    ("Покровськ", "из Покровска уехали", "ru"),
    ("Pokrovsk", "Покровськ обстрілюють", "uk"),
    ("Киев", "Київ далеко", "uk"),
    ("Київ", "в Киеве спокойно", "ru"),
    ("Kyiv", "в Киеве спокойно", "ru"),
    ("Kiev", "у Києві спокійно", "uk"),
    ("Bakhmut", "под Бахмутом", "ru"),
    ("Бахмут", "He was in Bakhmut", "en"),
    ("Артемовск", "Артемівськ зруйнований", "uk"),
    ("Artemivsk", "в Артемовске", "ru"),
    ("Харьков", "до Харкова", "uk"),
    ("Kharkiv", "в Харькове", "ru"),
    ("Kharkov", "Харків тримається", "uk"),
    ("Луганск", "Луганськ окупований", "uk"),
    ("Luhansk", "в Луганске", "ru"),
    ("Lugansk", "з Луганська", "uk"),
    ("Запорожье", "Запоріжжя обстрілюють", "uk"),
    ("Zaporizhzhia", "под Запорожьем", "ru"),
    ("Zaporozhye", "Запоріжжя обстрілюють", "uk"),
    ("Северодонецк", "Сєвєродонецьк окупований", "uk"),
    ("Sievierodonetsk", "в Северодонецке", "ru"),
    ("Донецк", "Донецьк окупований", "uk"),
    ("Donetsk", "из Донецка", "ru"),
    ("Херсон", "Kherson was liberated", "en"),
    ("Мелитополь", "Мелітополь окупований", "uk"),
    ("Днепр", "Дніпро далеко", "uk"),
    ("Dnipro", "в Днепре", "ru"),
]
SURNAMES = [
    ("Пригожин", "Prigozhin said so", "en"),
    ("Prigozhin", "Пригожин сказал", "ru"),
    ("Pryhozhyn", "Пригожин сказав", "uk"),
    ("Шойгу", "Shoigu was there", "en"),
    ("Shoigu", "Шойгу приезжал", "ru"),
    ("Сырский", "Сирський наказав", "uk"),
    ("Syrskyi", "Сырский приказал", "ru"),
    ("Залужный", "Залужний наказав", "uk"),
    ("Zaluzhnyi", "Залужный приказал", "ru"),
    ("Кадыров", "Kadyrov's men", "en"),
    ("Kadyrov", "Кадиров наказав", "uk"),
    ("Герасимов", "Gerasimov ordered it", "en"),
    ("Суровикин", "Surovikin ordered it", "en"),
]
CALL_SIGNS = [
    ("Ахмат", "Akhmat is coming", "en"),
    ("Akhmat", "Ахмат идёт", "ru"),
    ("Вагнер", "Wagner took the town", "en"),
    ("Wagner", "Вагнер взял город", "ru"),
    ("Shtorm", "Шторм на связи", "ru"),
    ("Гром", "Hrom on the radio", "en"),
    ("Grom", "Гром на связи", "ru"),
    ("Lys", "Лис, прием", "ru"),
    ("Taifun", "Тайфун, прием", "ru"),
]
APOSTROPHES = [
    ("сім'я", "моя сім’ї немає", "uk"),
    ("сім’я", "сімʼя вдома", "uk"),
    ("сімʼя", "у сім`ї все добре", "uk"),
    ("м'ясо", "мʼясо дороге", "uk"),
    ("пʼять", "п'ять хвилин", "uk"),
    ("Куп`янськ", "Купʼянськ", "uk"),
]
PAIRS = PLACES + SURNAMES + CALL_SIGNS + APOSTROPHES
APART = [
    ("Бахмут", "Харків далеко", "uk"),
    ("Купянск", "в Куликовке", "ru"),
    ("Kyiv", "Кривий Ріг", "uk"),
    ("Pokrovsk", "Prokhorovka", "en"),
    ("Шойгу", "Шевченко", "uk"),
]
#: Pairs whose two spellings are in different scripts: these need the bridge.
_CYRILLIC = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъё")


def _script(text: str) -> str:
    return "cyr" if _CYRILLIC & set(text.lower()) else "lat"


@pytest.fixture(scope="module")
def bridge_library() -> Iterator[Library]:
    lib = Library(memory=True)
    for i, (_q, text, lang) in enumerate(PAIRS + APART):
        lib.add(make_parsed([("A", text)], title=f"pair {i}", language=lang))
    yield lib
    lib.close()


def _texts(lib: Library, query: str, **kw: object) -> list[str]:
    return [h.text for h in lib.search(query, limit=200, **kw).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(("query", "text", "language"), PAIRS)
def test_spellings_of_one_name_meet(
    bridge_library: Library, query: str, text: str, language: str
) -> None:
    assert text in _texts(bridge_library, query)


@pytest.mark.parametrize(("query", "text", "language"), APART)
def test_different_names_stay_apart(
    bridge_library: Library, query: str, text: str, language: str
) -> None:
    assert text not in _texts(bridge_library, query)


@pytest.mark.parametrize(
    ("query", "text", "language"), [p for p in PAIRS if _script(p[0]) != _script(p[1])]
)
def test_the_switch_turns_cross_script_matching_off(
    bridge_library: Library, query: str, text: str, language: str
) -> None:
    assert text not in _texts(bridge_library, query, bridge=False)
    assert text not in _texts(bridge_library, f"exact:{query}")


def test_exact_switch_is_per_word_and_keeps_word_forms(memory_library: Library) -> None:
    memory_library.add(make_parsed([("A", "под Купянском"), ("A", "near Kupyansk")]))
    assert len(_texts(memory_library, "Kupyansk")) == 2
    assert _texts(memory_library, "exact:Kupyansk") == ["near Kupyansk"]
    assert _texts(memory_library, "exact:Купянск") == ["под Купянском"]  # forms still count
    assert set(_texts(memory_library, "exact:Kupyansk OR Купянск")) == {
        "под Купянском",
        "near Kupyansk",
    }
    assert _texts(memory_library, "Kupyansk", bridge=False) == ["near Kupyansk"]


def test_exact_forms_rank_first_then_forms_then_other_spellings(memory_library: Library) -> None:
    # The other spelling is the shortest text (bm25 alone would put it first): tiers put it last.
    memory_library.add(
        make_parsed(
            [
                ("A", "Kupyansk"),
                ("A", "ми стоїмо під Купянськом, тут дуже довго і холодно"),
                ("A", "ми стоїмо в Купянськ, тут дуже довго і холодно, мамо"),
                ("A", "Куп'янськ, мамо"),  # apostrophes are one character: the same form
            ],
            language="uk",
        )
    )
    hits = memory_library.search("Купянськ").hits
    assert [(h.tier, h.seq) for h in hits] == [
        (TIER_EXACT, 4),
        (TIER_EXACT, 3),
        (TIER_FORMS, 2),
        (TIER_SPELLINGS, 1),
    ]


def test_highlights_follow_the_bridge(memory_library: Library) -> None:
    memory_library.add(make_parsed([("A", "под Купянском и near Kupiansk")]))
    (hit,) = memory_library.search("Kupyansk").hits
    assert [hit.text[s:e] for s, e in hit.spans] == ["Купянском", "Kupiansk"]
    (hit,) = memory_library.search("Kupyansk OR Kupiansk", bridge=False).hits
    assert [hit.text[s:e] for s, e in hit.spans] == ["Kupiansk"]


@pytest.mark.parametrize(
    ("a", "b"),
    [("Купянск", "Kupyansk"), ("Куп'янськ", "Kupiansk"), ("Київ", "Kyiv"), ("Бахмут", "Bakhmut")],
)
def test_spelling_keys_agree(a: str, b: str) -> None:
    assert spelling_key(fold(lookup_form(a))) == spelling_key(fold(lookup_form(b))) != ""


def test_short_and_foreign_words_have_no_key() -> None:
    assert spelling_key("мы") == ""
    assert spelling_key("42") == ""
    assert spelling_key("łódź") == ""
