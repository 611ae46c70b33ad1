"""The article importer's rules one at a time: attribution patterns, pronouns, continuation,
quotation marks of every kind, unbalanced quotes, boilerplate, and sniffing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.article import ArticleImporter, sniff_text
from intercept_viewer.core.importers.article_quotes import find_quotes
from intercept_viewer.core.importers.article_text import Paragraph, strip_boilerplate
from intercept_viewer.core.importers.base import SourceFile

MOTHER_CALL = "In an intercepted call, a Russian soldier talks to his mother about the front.\n\n"
BROTHER_CALL = "In an intercepted call, a Russian soldier talks to his brother about money.\n\n"


def turns(body: str, intro: str = MOTHER_CALL, name: str = "article.txt") -> list[tuple]:
    parsed = ArticleImporter().parse(SourceFile(name, (intro + body).encode()))
    return [(u.speaker, u.text) for u in parsed.utterances]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("“We are fine here,” he says.", [("Soldier", "We are fine here.")]),
        ("“Are you eating?” she asks.", [("Mother", "Are you eating?")]),
        ("She adds: “Eat well.”", [("Mother", "Eat well.")]),
        (
            "The soldier then ridicules the claims, saying: “Nonsense, all of it.”",
            [("Soldier", "Nonsense, all of it.")],
        ),
        ("His mother replies with a sigh: “Yes, I agree.”", [("Mother", "Yes, I agree.")]),
        ('"Nothing works here," said the man.', [("Soldier", "Nothing works here.")]),
        ("“Come home,” the woman begs him.", [("Mother", "Come home.")]),
        ("“We lost four,” the serviceman tells her.", [("Soldier", "We lost four.")]),
        ("“Don't worry,” the Russian replies.", [("Soldier", "Don't worry.")]),
        ("“Where are you?” asks his mother.", [("Mother", "Where are you?")]),
        ("He told her, “We are moving tomorrow.”", [("Soldier", "We are moving tomorrow.")]),
        (
            "“Yesterday,” she says, “something secret was discussed.”",
            [("Mother", "Yesterday, something secret was discussed.")],
        ),
    ],
)
def test_english_attribution_patterns(body: str, expected: list[tuple]) -> None:
    assert turns(body) == expected


RU_INTRO = "В перехваченном разговоре российский солдат говорит с матерью.\n\n"
UK_INTRO = "У перехопленій розмові окупант говорить з дружиною.\n\n"


@pytest.mark.parametrize(
    ("intro", "body", "expected"),
    [
        (RU_INTRO, "«Всё плохо», — говорит мать.", [("Mother", "Всё плохо")]),
        (RU_INTRO, "«Не переживай», — сказал он.", [("Soldier", "Не переживай")]),
        (RU_INTRO, "«Хорошо» — ответила.", [("Mother", "Хорошо")]),  # the verb's gender
        (RU_INTRO, "«Нас бросили», – жалуется военный.", [("Soldier", "Нас бросили")]),
        (RU_INTRO, "Мать спрашивает: «Ты ел?»", [("Mother", "Ты ел?")]),
        (
            UK_INTRO,
            "«Ми тут сидимо без води», — каже окупант.",
            [("Soldier", "Ми тут сидимо без води")],
        ),
        (UK_INTRO, "«А що командир?» — запитує вона.", [("Wife", "А що командир?")]),
        (UK_INTRO, "«Нічого», — відповідає чоловік.", [("Soldier", "Нічого")]),
    ],
)
def test_russian_and_ukrainian_attribution(intro: str, body: str, expected: list[tuple]) -> None:
    assert turns(body, intro) == expected


def test_pronouns_with_two_participants_of_different_gender() -> None:
    body = (
        "“We haven't slept,” he says.\n\n"
        "“Why not?” she asks.\n\n"
        "“Shelling,” he replies. “All night.”\n\n"
        "“Oh God,” she says."
    )
    assert [who for who, _ in turns(body)] == ["Soldier", "Mother", "Soldier", "Soldier", "Mother"]


def test_pronouns_with_two_participants_of_the_same_gender() -> None:
    body = (
        "“Are you there?” the soldier asks.\n\n"
        "“Yes,” he replies.\n\n"  # right after the soldier's turn: the other man
        "“Good,” he says.\n\n"  # and turn-taking again
        "The brother then asks about the money the soldier promised to send.\n\n"
        "“I sent it on Friday,” he says."  # no adjacent turn: the man described last
    )
    assert [who for who, _ in turns(body, BROTHER_CALL)] == [
        "Soldier",
        "Brother",
        "Soldier",
        "Soldier",
    ]


def test_unattributed_quote_paragraph_is_the_other_participants_reply() -> None:
    body = "“Are you safe?” his mother asks.\n\n“More or less.”\n\n“Call me tomorrow.”"
    assert [who for who, _ in turns(body)] == ["Mother", "Soldier", "Mother"]


def test_unattributed_quote_after_prose_about_someone_is_theirs() -> None:
    body = (
        "“Are you safe?” his mother asks.\n\n"
        "The soldier's voice then breaks.\n\n"
        "“I don't know any more.”"
    )
    assert [who for who, _ in turns(body)] == ["Mother", "Soldier"]


def test_quote_after_prose_in_the_same_paragraph() -> None:
    body = "“We are fine,” he says.\n\nHis mother is not convinced. “You always say that.”"
    assert turns(body)[-1] == ("Mother", "You always say that.")


def test_continuation_paragraphs_keep_the_speaker() -> None:
    body = (
        "“We are tired,” he says. “Nobody sleeps.\n\n"
        "“Nobody eats either.\n\n"
        "“And nobody cares.”\n\n"
        "“Come home,” his mother says."
    )
    assert turns(body) == [
        ("Soldier", "We are tired."),
        ("Soldier", "Nobody sleeps."),
        ("Soldier", "Nobody eats either."),
        ("Soldier", "And nobody cares."),
        ("Mother", "Come home."),
    ]


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("“He told me ‘go home’ and left,” she says.", "He told me ‘go home’ and left."),
        ("\"The major says 'hold on' every day,\" he says.", "The major says 'hold on' every day."),
        ("«Командир сказал „держаться“», — говорит он.", "Командир сказал „держаться“"),
        ("«Он кричит «вперёд» и всё», — говорит он.", "Он кричит «вперёд» и всё"),
    ],
)
def test_nested_quotes_stay_inside_the_turn(body: str, text: str) -> None:
    intro = RU_INTRO if "«" in body else MOTHER_CALL
    assert [t for _, t in turns(body, intro)] == [text]


@pytest.mark.parametrize(
    "body",
    [
        "“We are fine,” he says.",  # curly
        '"We are fine," he says.',  # straight
        '"We are fine,” he says.',  # mixed, as in the seed
        "„We are fine“, he says.",  # German-style low-high
        "«We are fine», he says.",  # guillemets
    ],
)
def test_every_kind_of_quotation_mark(body: str) -> None:
    # the comma stays outside „…“ and «…» in those styles, so there is no full stop to make
    [(who, text)] = turns(body)
    assert (who, text.rstrip(".")) == ("Soldier", "We are fine")


def test_single_quotes_as_the_main_marks() -> None:
    body = "‘We are fine,’ he says. ‘Don’t worry about us.’\n\n‘I do worry,’ his mother says."
    assert turns(body) == [
        ("Soldier", "We are fine."),
        ("Soldier", "Don’t worry about us."),
        ("Mother", "I do worry."),
    ]


def test_unbalanced_quotes_are_read_gracefully() -> None:
    # an opening mark never closed, with no continuation: the quote runs to the paragraph end
    body = "“We have nothing left,” he says. “No food, no water\n\nHis mother is silent."
    assert turns(body) == [("Soldier", "We have nothing left."), ("Soldier", "No food, no water")]
    # a closing mark with no opening one: the quote began with the paragraph
    assert turns("We lost two men,” he says.") == [("Soldier", "We lost two men.")]


def test_reported_fragments_are_not_turns() -> None:
    body = (
        "The soldier said he would “burn this passport” and leave.\n\n"
        "He calls the commanders “idiots” twice.\n\n"
        "“Special military operation” is what the Kremlin calls it.\n\n"
        "“Come home,” his mother says."
    )
    assert turns(body) == [("Mother", "Come home.")]


def test_names_given_by_the_article_become_display_names() -> None:
    intro = "In the call, a soldier named Dmitry speaks with his wife, Natalia, about his pay.\n\n"
    body = "“They haven't paid us,” Dmitry says.\n\n“Again?” Natalia asks."
    parsed = ArticleImporter().parse(SourceFile("a.txt", (intro + body).encode()))
    assert [(u.speaker, u.text) for u in parsed.utterances] == [
        ("Soldier", "They haven't paid us."),
        ("Wife", "Again?"),
    ]
    assert {s.label: s.name for s in parsed.speakers} == {"Soldier": "Dmitry", "Wife": "Natalia"}


def test_find_quotes_ignores_apostrophes() -> None:
    text = "He’s sure the soldiers’ mothers don't know, Куп’янськ included."
    assert find_quotes(text) == []


# ------------------------------------------------------------------ boilerplate


def _strip(lines: list[str]) -> list[str]:
    kept, _ = strip_boilerplate([Paragraph(line) for line in lines])
    return [p.text for p in kept]


def test_teaser_headlines_and_blurb_are_dropped() -> None:
    story = "The soldier says the unit has lost half of its men since the spring offensive."
    lines = [
        story,
        "Read also",
        "Kremlin Raises Bonuses for Volunteers in Far East",
        "The regional government doubled payments as recruitment slowed in the autumn.",
        "Advertisement",
        "His mother tells him to come home as soon as he can.",
        "Share this story",
        "Читайте также: Оккупанты жалуются на нехватку снарядов",
        "Реклама",
        "Поділитися",
    ]
    assert _strip(lines) == [story, "His mother tells him to come home as soon as he can."]


def test_story_paragraphs_survive_boilerplate_rules() -> None:
    lines = [
        "The soldier follows the news closely and says he reads every report.",
        "“Subscribe to nothing, believe nothing,” he says.",
        "Share prices in Moscow fell sharply after the announcement, the article notes.",
    ]
    assert _strip(lines) == lines


# ------------------------------------------------------------------ sniffing

LABELLED = "Soldier: Hello, mum.\nMother: Hello, son. Where are you?\nSoldier: Near Kupyansk.\n" * 3
DASH = "— Алло, мам?\n— Да, сынок. Ты где?\n— Под Купянском.\n— Ты ел?\n— Нет.\n"


def test_sniff_rejects_dialogue_layouts() -> None:
    assert sniff_text(LABELLED) == 0.0
    assert sniff_text(DASH) == 0.0


def test_sniff_likes_prose_with_quotes_and_speech_verbs() -> None:
    text = (MOTHER_CALL + "“We are fine,” he says.\n\n“Are you?” she asks.\n\n") * 2
    assert sniff_text(text) >= 0.6
    assert ArticleImporter().sniff(SourceFile("a.html", b"<!DOCTYPE html><html><p>x</p>")) >= 0.9


# ------------------------------------------------------------------ robustness

_PIECES = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "«",
        "»",
        "„",
        "‘",
        "’",
        "'",
        " he says",
        " she asks:",
        ", — сказала она",
        "\n\n",
        "We are fine",
        ".",
        ",",
        " the soldier",
        " his mother",
        "—",
        "Advertisement\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_parse_raises_only_import_failed(pieces: list[str]) -> None:
    text = MOTHER_CALL + "".join(pieces)
    try:
        parsed = ArticleImporter().parse(SourceFile("a.txt", text.encode()))
    except ImportFailed:
        return
    assert all(u.text for u in parsed.utterances)
