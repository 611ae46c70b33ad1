"""Labelled dialogue: label shapes, prose colons, timestamps, headline and blurb, files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import parse_path, parse_source
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.labelled import labelled_score, parse_labelled_text

TEXT = Path(__file__).parents[2] / "fixtures" / "importers" / "text"


def turns(text: str) -> list[tuple[str | None, str]]:
    return [(u.speaker, u.text) for u in parse_labelled_text(text).utterances]


@pytest.mark.parametrize(
    "a, b",
    [
        ("SOLDIER: ", "MOTHER: "),
        ("Mother: ", "Son: "),
        ("Жена: ", "Оккупант: "),
        ("Мать солдата: ", "Солдат: "),
        ("Speaker 1: ", "Speaker 2: "),
        ("**Wife:** ", "**Soldier:** "),
        ("**Wife**: ", "**Soldier**: "),
        ("[Дружина] ", "[Окупант] "),
        ("[Дружина]: ", "[Окупант]: "),
        ("{A} ", "{B} "),
        ("#mother: ", "#son: "),
        ("@mother: ", "@son: "),
        ("Мати — ", "Син — "),
        ("Мати – ", "Син – "),
        ("Wife - ", "Husband - "),
        ("- Wife: ", "- Husband: "),
    ],
)
def test_label_shapes(a: str, b: str) -> None:
    text = f"{a}Where are you?\n{b}Near Kupyansk.\n{a}Come home.\n{b}I can't.\n"
    got = turns(text)
    assert [t for _s, t in got] == ["Where are you?", "Near Kupyansk.", "Come home.", "I can't."]
    speakers = [s for s, _t in got]
    assert speakers[0] == speakers[2] != speakers[1] == speakers[3]
    assert labelled_score(text) >= 0.8


def test_label_case_differences_are_one_speaker() -> None:
    parsed = parse_labelled_text("SOLDIER: a\nMother: b\nSoldier: c\nmother: d\n")
    assert [s.label for s in parsed.speakers] == ["SOLDIER", "Mother"]
    assert parsed.speakers[0].name == "Soldier"  # all caps displays in sentence case


def test_colon_inside_a_sentence_is_not_a_label() -> None:
    text = (
        "Soldier: He said: no retreat.\n"
        "Mother: What?\n"
        "Soldier: The order was clear.\n"
        "He said: nobody leaves the forest belt.\n"
        "Time: 5 pm, and still nothing.\n"
        "Mother: Lord.\n"
    )
    got = turns(text)
    assert len(got) == 4
    assert got[2] == (
        "Soldier",
        "The order was clear. He said: nobody leaves the forest belt. "
        "Time: 5 pm, and still nothing.",
    )


def test_a_one_off_role_label_counts_but_a_one_off_phrase_does_not() -> None:
    text = (
        "Soldier: hi\nWife: hi\nSoldier: listen\nCommander: Get off the phone!\n"
        "Soldier: OK\nWife: what was that\nSoldier: The lieutenant says: hang up.\n"
    )
    speakers = [s for s, _t in turns(text)]
    assert "Commander" in speakers
    assert "The lieutenant says" not in speakers


def test_prose_with_quotes_and_colons_scores_low_and_fails_clearly() -> None:
    text = (TEXT / "prose_with_colons.txt").read_text(encoding="utf-8")
    assert labelled_score(text) < 0.2
    with pytest.raises(ImportFailed, match="expected dialogue lines like 'Name: text'") as info:
        parse_labelled_text(text)
    assert info.value.line == 1


def test_continuation_lines_and_stage_directions() -> None:
    text = (
        "Оккупант: Мам, привет.\n"
        "Тут связь плохая.\n"
        "Мать: Сынок! (плачет)\n"
        "\n"
        "Оккупант: [неразборчиво] всё нормально.\n"
        "\n"
        "Честно.\n"
        "\n"
        "Мать: Береги себя.\n"
    )
    assert turns(text) == [
        ("Оккупант", "Мам, привет. Тут связь плохая."),
        ("Мать", "Сынок! (плачет)"),
        ("Оккупант", "[неразборчиво] всё нормально.\nЧестно."),
        ("Мать", "Береги себя."),
    ]


@pytest.mark.parametrize(
    "line, start, end",
    [
        ("[00:01:02] Soldier: x", 62000, None),
        ("(01:02) Soldier: x", 62000, None),
        ("00:01:02.500 Soldier: x", 62500, None),
        ("1:02 Soldier: x", 62000, None),
        ("[1:02:03,5] Soldier: x", 3723500, None),
        ("Soldier [00:12]: x", 12000, None),
        ("Soldier (00:12): x", 12000, None),
        ("[00:10 - 00:12] Soldier: x", 10000, 12000),
    ],
)
def test_timestamp_shapes(line: str, start: int, end: int | None) -> None:
    parsed = parse_labelled_text(f"{line}\nMother: y\n")
    first = parsed.utterances[0]
    assert (first.start_ms, first.end_ms) == (start, end)
    assert first.text == "x"


def test_end_is_next_start_and_timestamp_on_its_own_line() -> None:
    parsed = parse_labelled_text("00:00:05\nSoldier: a\n00:00:09 Mother: b\n00:00:20 Soldier: c\n")
    assert [(u.start_ms, u.end_ms) for u in parsed.utterances] == [
        (5000, 9000),
        (9000, 20000),
        (20000, None),
    ]


def test_label_with_parenthesised_remark_is_that_speaker_with_the_remark() -> None:
    got = turns("Soldier: a\nWife: b\nSoldier (laughing): c\nWife: d\n")
    assert got == [("Soldier", "a"), ("Wife", "b"), ("Soldier", "(laughing) c"), ("Wife", "d")]


def test_one_off_answer_between_two_turns_of_the_other_speaker() -> None:
    """A short call where one side speaks once, named by a plain name (not a role word)."""
    got = turns("Іван: Оля, привіт.\nОля: Привіт, ти де?\nІван: Під Бахмутом.\n")
    assert got == [("Іван", "Оля, привіт."), ("Оля", "Привіт, ти де?"), ("Іван", "Під Бахмутом.")]


def test_headline_blurb_and_closing_words() -> None:
    text = (
        "СБУ оприлюднила перехоплення: окупант скаржиться матері\n"
        "\n"
        "Служба безпеки України оприлюднила розмову. Він розповідає про втрати.\n"
        "\n"
        "Окупант: Мамо, привіт.\n"
        "Мати: Де ти є?\n"
        "Окупант: Під Бахмутом.\n"
        "\n"
        "Нагадаємо, раніше СБУ оприлюднила інші перехоплення.\n"
    )
    parsed = parse_labelled_text(text)
    assert parsed.meta.title == "СБУ оприлюднила перехоплення: окупант скаржиться матері"
    assert parsed.meta.description == (
        "Служба безпеки України оприлюднила розмову. Він розповідає про втрати.\n\n"
        "Нагадаємо, раніше СБУ оприлюднила інші перехоплення."
    )
    assert parsed.utterances[-1].text == "Під Бахмутом."
    assert parsed.meta.language == "uk"
    assert parsed.utterances[0].line == 5


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Soldier: hello there\nMother: hi\n", "en"),
        ("Солдат: Привет, мама, это я.\nМать: Сынок, ты где?\n", "ru"),
        ("Окупант: Привіт, мамо, це я.\nМати: Синку, де ти є?\n", "uk"),
    ],
)
def test_language_guess(text: str, lang: str) -> None:
    assert parse_labelled_text(text).meta.language == lang


def test_front_matter_feeds_metadata_and_line_numbers() -> None:
    parsed = parse_path(TEXT / "en_front_matter.txt").parsed
    meta = parsed.meta
    assert meta.title == "Soldier tells wife the unit was sent in without armour"
    assert (meta.publisher, meta.released_on, meta.language) == ("HUR", "2024-04-12", "en")
    assert meta.source_url == "https://example.org/hur/intercept-0412"
    assert meta.translator == "Desk translator"
    assert meta.verification == "unverified"
    assert meta.extra == {"Status": "confirmed by two outlets", "Unit": "3rd battalion"}
    assert parsed.utterances[0].line == 11
    assert parsed.utterances[2].text.endswith("Nobody came to pick up the wounded.")


def test_cp1251_crlf_file_with_timestamps() -> None:
    pf = parse_path(TEXT / "ru_timestamps_cp1251_crlf.txt")
    assert pf.format == "labelled"
    p = pf.parsed
    assert p.meta.title == "Перехват: оккупант и мать"
    assert [s.label for s in p.speakers] == ["Оккупант", "Мать"]
    assert (
        p.utterances[2].text == "Под Купянском. Тут кроют каждый день. Вчера двоих наших накрыло."
    )
    assert [u.start_ms for u in p.utterances] == [1000, 4000, 6000, 15000, 62500]
    assert p.utterances[3].text == "Господи. [плачет]"


def test_utf16_ukrainian_release_with_intro() -> None:
    pf = parse_path(TEXT / "uk_sbu_intro_utf16.txt")
    assert pf.format == "labelled"
    p = pf.parsed
    assert p.meta.title == "СБУ оприлюднила нове перехоплення"
    assert p.meta.description and p.meta.description.startswith("Служба безпеки України")
    assert [s.label for s in p.speakers] == ["Окупант", "Мати"]
    assert p.utterances[2].text == "Під Бахмутом. Їжі нема, води теж."
    assert p.meta.language == "uk"


def test_markdown_transcript() -> None:
    pf = parse_path(TEXT / "mixed_styles.md")
    assert pf.format == "labelled"
    p = pf.parsed
    assert p.meta.title == "Intercepted call, markdown transcript"
    assert [u.speaker for u in p.utterances] == ["Soldier", "Mother", "Soldier", "Mother"]
    assert p.utterances[2].text == "We are near Avdiivka now. The shelling doesn't stop."
    assert p.meta.description == "Source: HUR Telegram channel, translated by the editors."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 20, "not a text file"),
        (b"Just a headline\n\nand a paragraph of prose.\n", "expected dialogue"),
        (b"Soldier:\nMother:\nSoldier:\n", "no text after them"),
    ],
)
def test_bad_input_names_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailed, match=message) as info:
        parse_source(SourceFile(name="call.txt", data=data), format="labelled")
    assert str(info.value).startswith("call.txt")


def test_label_only_lines_take_the_text_below() -> None:
    got = turns("SOLDIER:\nWe are near Kupyansk.\nMOTHER:\nCome home.\nSOLDIER:\nI can't.\n")
    assert got == [
        ("SOLDIER", "We are near Kupyansk."),
        ("MOTHER", "Come home."),
        ("SOLDIER", "I can't."),
    ]
