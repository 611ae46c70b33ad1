"""Articles in styles the first fixtures did not cover, read end to end through ``parse_path``.

Each fixture in tests/fixtures/articles/unseen/ is written after a real outlet's house style
(Kyiv Independent, Newsweek, Ukrainska Pravda, Meduza); the expected turns are who said what,
in order, as a careful reader would attribute them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.importers import parse_path
from intercept_viewer.core.model import ParsedTranscript

UNSEEN = Path(__file__).parent.parent.parent / "fixtures" / "articles" / "unseen"


def read(name: str) -> ParsedTranscript:
    return parse_path(UNSEEN / name).parsed


def turns(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    return [(u.speaker, u.text) for u in parsed.utterances]


def test_kyiv_independent_said_can_be_heard_saying_and_according_to() -> None:
    parsed = read("kyiv_independent_en.txt")
    assert parsed.format == "article"
    assert turns(parsed) == [
        ("Soldier", "They just threw us to the slaughter."),
        ("Soldier", "Out of thirty people, seven came back."),
        ("Girlfriend", "Are you hurt? Tell me the truth."),
        ("Soldier", "A little, in the leg. It's nothing."),
        ("Soldier", "They promised us rotation in January. Now it's March and we are still here."),
        ("Girlfriend", "Just come home alive, please."),
    ]
    assert parsed.meta.publisher == "HUR"
    assert parsed.meta.channel == "Telegram"
    assert parsed.meta.verification_note == (
        "The Kyiv Independent could not independently verify the authenticity of the recording."
    )
    assert "Read also" not in (parsed.meta.description or "")


def test_meduza_style_guillemets_with_govorit_rasskazyvaet() -> None:
    parsed = read("meduza_style_ru.txt")
    assert parsed.meta.language == "ru"
    assert turns(parsed) == [
        ("Soldier", "Мам, нас тут просто бросили. Командиры сидят в блиндаже, а нас гонят вперед"),
        ("Mother", "А когда отпуск-то? Ты же обещал к лету"),
        ("Soldier", "Какой отпуск, мам. Тут половину роты положили за неделю"),
        ("Mother", "Господи, сынок"),
    ]
    assert parsed.meta.publisher == "HUR"
    assert parsed.meta.channel == "Telegram"  # "в телеграм-канале"
    assert parsed.meta.verification_note == "Проверить подлинность записи «Медуза» не может."


def test_ukrainska_pravda_style_ukrainian() -> None:
    parsed = read("up_uk.txt")
    assert parsed.meta.language == "uk"
    assert [s for s, _ in turns(parsed)] == ["Soldier", "Wife", "Soldier", "Wife"]
    assert turns(parsed)[1] == ("Wife", "А годують вас хоч нормально?")
    assert parsed.meta.verification_note == "Запис неможливо незалежно перевірити."


def test_colon_lead_ins_on_their_own_paragraph() -> None:
    parsed = read("colon_leadins_en.txt")
    assert turns(parsed) == [
        ("Soldier", "We have no water, no food for three days. The drones are everywhere."),
        (
            "Mother",
            "Then give yourself up, son. Let them take you prisoner. I don't care what people say.",
        ),
        ("Soldier", "If I go over, they will call you a traitor's mother."),
        ("Mother", "Let them. I want you alive."),
    ]
    assert parsed.meta.publisher == "SBU"


def test_quote_split_by_its_attribution_is_one_turn() -> None:
    parsed = read("split_quotes_en.txt")
    speakers = [s for s, _ in turns(parsed)]
    assert speakers == ["Soldier", "Wife", "Wife", "Soldier", "Soldier", "Soldier"]
    first = parsed.utterances[0].text
    assert first.startswith("We were") and first.endswith("No armor, no shells, nothing.")
    assert "left without anything" in first
    assert "everything is beautiful" in parsed.utterances[3].text
    assert "reached out" in (parsed.meta.description or "")


def test_article_embedding_a_labelled_transcript_imports_the_dialogue() -> None:
    parsed = read("embedded_transcript_en.txt")
    assert turns(parsed) == [
        ("Soldier", "We took a washing machine today. And a TV."),
        ("Wife", "Where are you going to put a washing machine?"),
        ("Soldier", "We'll send it home with the next truck."),
        ("Wife", "Are you crazy? What if someone finds out?"),
        ("Soldier", "Nobody cares here. Everyone takes."),
    ]
    assert parsed.meta.publisher == "HUR"
    assert (
        parsed.meta.title
        == "Russian soldier describes looting in occupied village, intercept shows"
    )


def test_officials_and_analysts_quoted_beside_the_call_are_not_turns() -> None:
    parsed = read("official_and_call_en.txt")
    assert turns(parsed) == [
        ("Soldier", "They told us if anyone runs, shoot him on the spot."),
        ("Soldier", "Two guys from our company already got it."),
        ("Mother", "My God, what are they doing to you."),
        ("Soldier", "Mom, don't tell anyone I called."),
    ]
    description = parsed.meta.description or ""
    assert "Andriy Yusov" in description  # the spokesman's words stay as the article's prose
    assert "Every week we record" in description
    assert "barrier troops" in description


def test_official_quoted_in_russian_is_not_a_turn(tmp_path: Path) -> None:
    path = tmp_path / "ru_official.txt"
    path.write_text(
        "Оккупант пожаловался матери на командиров\n\n"
        "ГУР опубликовало перехваченный разговор российского военного с матерью.\n\n"
        "«Нас гонят вперед без прикрытия», — говорит военный.\n\n"
        "«Сынок, потерпи», — отвечает мать.\n\n"
        "«Такие записи мы публикуем каждую неделю», — заявил представитель ГУР Андрей Юсов.\n",
        encoding="utf-8",
    )
    parsed = parse_path(path).parsed
    assert turns(parsed) == [
        ("Soldier", "Нас гонят вперед без прикрытия"),
        ("Mother", "Сынок, потерпи"),
    ]


def test_saved_page_with_navigation_and_related_links() -> None:
    parsed = read("saved_page_en.html")
    assert turns(parsed) == [
        (
            "Soldier",
            "Bro, we lost half the battalion in two days. They drive us straight onto the mines.",
        ),
        ("Brother", "And what do the officers say?"),
        ("Soldier", "The officers say keep going. They're sitting twenty kilometres back."),
        ("Brother", "Then get out of there any way you can."),
    ]
    meta = parsed.meta
    assert meta.released_on == "2024-02-14"
    assert meta.source_url == "https://www.pravda.com.ua/eng/news/2024/02/14/7441234/"
    assert meta.publisher == "HUR"
    assert meta.origin == "article"
    text = " ".join(u.text for u in parsed.utterances) + (meta.description or "")
    assert "nothing to shoot with" not in text  # a related-news link is not the story
    assert "Subscribe" not in text


@pytest.mark.parametrize("name", sorted(p.name for p in UNSEEN.iterdir()))
def test_every_unseen_article_is_unverified_with_provenance(name: str) -> None:
    parsed = read(name)
    assert parsed.meta.verification == "unverified"
    assert parsed.meta.publisher in {"HUR", "SBU"}
    assert parsed.utterances
    assert all(u.speaker for u in parsed.utterances)
