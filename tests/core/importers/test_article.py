"""The article importer on whole articles: the seed, six of our own, HTML and no quotes.

Each fixture lists its expected turns as (speaker, start of text); a test fails on the first
turn that is missing, extra, out of order or given to the wrong speaker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.article import ArticleImporter
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.registry import detect, parse_path, read_source
from intercept_viewer.core.model import ParsedTranscript

ARTICLES = Path(__file__).parents[2] / "fixtures" / "articles"

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "seed_article.txt": [
        ("Mother", "Yesterday, there were some meetings with Putin"),
        ("Mother", "Something secret was discussed."),
        ("Mother", "Did our guys take somewhere"),
        ("Mother", "Somehow, there is absolutely no trust"),
        ("Mother", "Do they really need Kupyansk?"),
        ("Soldier", "We can't even secure a forest belt here"),
        ("Soldier", "When I come back, I'll burn this Russian passport"),
        ("Mother", "Yes, I also agree."),
    ],
    "wife_husband.txt": [
        ("Soldier", "They told us it would be three days."),
        ("Wife", "And what do they say about rotation?"),
        ("Soldier", "Nothing. Nobody says anything."),
        ("Soldier", "The commander just shouts that we are ‘not on holiday’"),
        ("Soldier", "Out of ninety people, maybe forty are left."),
        ("Wife", "Then just leave. Come home"),
        ("Soldier", "They will shoot me for that"),
        ("Wife", "Better they try than you lie there"),
        ("Soldier", "We sit in water up to our knees."),
        ("Soldier", "Everything is wet"),
        ("Wife", "They just laugh at us there."),
    ],
    "brother_call.html": [
        ("Soldier", "Don't even think about it."),
        ("Brother", "But they are paying two hundred thousand"),
        ("Brother", "Where else will I earn"),
        ("Soldier", "There were thirty of us."),
        ("Brother", "Six out of thirty?"),
        ("Soldier", "Six. And two of those are wounded."),
        ("Soldier", "Nobody gets leave here."),
    ],
    "ru_mother.txt": [
        ("Soldier", "Мам, нас тут просто бросили."),
        ("Mother", "Сынок, ну потерпи ещё немного."),
        ("Soldier", "Какое закончится? Нам командир вчера сказал „стоять до последнего“."),
        ("Mother", "Я не знаю, сынок."),
        ("Soldier", "Из сорока человек осталось семеро."),
        ("Soldier", "Остальных даже вывезти не могут"),
        ("Mother", "Господи..."),
    ],
    "uk_wife.txt": [
        ("Soldier", "Нас сюди привезли сто двадцять людей."),
        ("Wife", "Як тридцять? А де інші?"),
        ("Soldier", "Двохсоті, трьохсоті."),
        ("Wife", "Я тобі казала, не їдь туди."),
        ("Soldier", "Якщо повернуся"),
    ],
    "two_calls.txt": [
        ("Soldier (call 1)", "Mum, they hit us every night."),
        ("Mother (call 1)", "Why don't they take you out of there?"),
        ("Soldier (call 1)", "Because nobody cares about us."),
        ("Mother (call 1)", "Don't talk like that."),
        ("Soldier (call 2)", "He took my card"),
        ("Wife (call 2)", "Then write a complaint!"),
        ("Soldier (call 2)", "Who will I complain to?"),
    ],
}


def parse(name: str) -> ParsedTranscript:
    return parse_path(ARTICLES / name).parsed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_turns(name: str) -> None:
    parsed = parse(name)
    got = [(u.speaker, u.text) for u in parsed.utterances]
    expected = EXPECTED[name]
    for k, ((who, start), (got_who, got_text)) in enumerate(zip(expected, got, strict=False)):
        assert (got_who, got_text[: len(start)]) == (who, start), f"turn {k + 1} of {name}"
    assert len(got) == len(expected), got[len(expected) :]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fixture_is_detected_as_an_article(name: str) -> None:
    """No --format: a dropped article (.txt or .html) is read as an article."""
    assert detect(read_source(ARTICLES / name)).name == "article"


def test_seed_article_done_when() -> None:
    parsed = parse("seed_article.txt")
    meta = parsed.meta
    assert parsed.format == "article"
    assert meta.origin == "article"
    assert meta.publisher == "HUR"
    assert meta.verification == "unverified"
    assert meta.verification_note is not None
    assert meta.verification_note.startswith("Though the intercepted call has not been verified")
    assert [s.label for s in parsed.speakers] == ["Soldier", "Mother"]
    texts = [u.text for u in parsed.utterances]
    # the writer's reported fragment is not a turn ...
    assert "burn this Russian passport" not in texts
    # ... but it stays in the description, which has no boilerplate and no turn paragraphs
    desc = meta.description or ""
    assert "“burn this Russian passport”" in desc
    for junk in (
        "Advertisement",
        "Other Topics of Interest",
        "US companies are skirting",
        "To suggest a correction",
        "Ctrl + Enter",
        "Previous calls include",
    ):
        assert junk not in desc
    assert "Do they really need Kupyansk" not in desc
    assert "Kupyansk in Ukraine’s north-eastern Kharkiv province" in desc


def test_turns_keep_their_paragraph_and_line() -> None:
    parsed = parse("seed_article.txt")
    first, second = parsed.utterances[:2]
    assert first.context == second.context
    assert first.context.startswith('"Yesterday, there were some meetings')
    assert first.line == 5
    agree = parsed.utterances[-1]
    assert agree.context == "His mother replies with a sigh: “Yes, I also agree.”"


def test_html_page_metadata_and_no_page_furniture() -> None:
    parsed = parse("brother_call.html")
    meta = parsed.meta
    assert meta.title == (
        "'They send us like cannon fodder': Russian soldier tells brother in intercepted call"
    )
    assert meta.source_url == (
        "https://frontline-daily.example/world/2024/03/12/russian-soldier-brother-intercepted-call"
    )
    assert meta.released_on == "2024-03-12"
    assert meta.publisher == "HUR"
    assert meta.channel == "Telegram"
    assert meta.extra["outlet"] == "Frontline Daily"
    assert meta.extra["author"] == "Mark Hollis"
    assert meta.verification_note == (
        "Frontline Daily could not independently verify the authenticity of the recording."
    )
    everything = (meta.description or "") + " ".join(u.context or "" for u in parsed.utterances)
    for junk in (
        "Advertisement",
        "Related stories",
        "Sign up",
        "Privacy policy",
        "Share on",
        "All rights reserved",
        "Kupyansk",
        "Subscribe",
    ):
        assert junk not in everything


@pytest.mark.parametrize(
    ("name", "publisher", "channel", "language", "note_start"),
    [
        ("wife_husband.txt", "SBU", "Telegram", "en", "The authenticity of the call could not"),
        ("ru_mother.txt", "HUR", "Telegram", "ru", "Проверить подлинность записи"),
        ("uk_wife.txt", "SBU", "Telegram", "uk", "Незалежно перевірити автентичність"),
        ("two_calls.txt", "HUR", "Telegram", "en", "The recordings, posted on the agency"),
    ],
)
def test_metadata_from_prose(
    name: str, publisher: str, channel: str, language: str, note_start: str
) -> None:
    meta = parse(name).meta
    assert (meta.publisher, meta.channel, meta.language) == (publisher, channel, language)
    assert meta.verification == "unverified"
    assert (meta.verification_note or "").startswith(note_start)


def test_plain_text_title_and_byline() -> None:
    meta = parse("wife_husband.txt").meta
    assert meta.title is not None
    assert meta.title.startswith('"I just want you home": Russian soldier')
    assert meta.extra["author"] == "Olena Marchenko"
    assert "By Olena Marchenko" not in (meta.description or "")


def test_fragments_in_the_writers_sentences_are_not_turns() -> None:
    texts = {u.text for name in EXPECTED for u in parse(name).utterances}
    for fragment in (
        "like cattle",
        "turned to soup",
        "cannon fodder",
        "берегти себе",
        "делают вид, что всё нормально",
    ):
        assert not any(t.startswith(fragment) for t in texts), fragment


def test_an_article_without_quotes_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed) as err:
        parse_path(ARTICLES / "no_quotes.txt")
    assert "no quoted speech found" in str(err.value)
    assert "no_quotes.txt" in str(err.value)


def test_html_without_an_article_is_a_clear_error() -> None:
    source = SourceFile("empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(ImportFailed, match=r"no article text|no quoted speech"):
        ArticleImporter().parse(source)


def test_import_into_library(library) -> None:  # type: ignore[no-untyped-def]
    parsed_file = parse_path(ARTICLES / "seed_article.txt")
    result = library.add(
        parsed_file.parsed, file_name=parsed_file.file_name, sha256=parsed_file.sha256
    )
    tid = result.id
    t = library.transcript(tid)
    assert t.origin == "article"
    assert t.publisher == "HUR"
    utterances = library.utterances(tid)
    assert utterances[0].context is not None


def test_article_without_headline_is_titled_by_its_lead_sentence() -> None:
    meta = parse("seed_article.txt").meta
    assert meta.title is not None
    assert meta.title.startswith("A Russian soldier has said he’s so frustrated")
    assert meta.title.endswith("…") and len(meta.title) <= 91
