"""A news article that quotes an intercepted call, read as a conversation of its quotes.

Many releases reach readers only through an article: "“Do they really need Kupyansk?” she asks."
This importer takes a saved web page (``.html``) or the article's plain text (``.txt``) and:

* gets the story's paragraphs without page furniture (``article_text``: trafilatura for HTML,
  general boilerplate rules for both);
* finds the quoted speech and who said each quote (``article_quotes``, ``article_turns``,
  ``article_speakers``); every turn keeps the paragraph it was quoted from as its ``context``;
* reads provenance from the prose and the page (``article_meta``).

Decisions, so they are not rediscovered:

* ``meta.origin`` is ``"article"``: the window says the turns are quoted from an article, not a
  full transcript. The format is ``article``.
* ``released_on`` is the article's date when the page gives one (trafilatura reads it from the
  HTML). A call is usually released the day of the article or just before; the user can correct it.
* ``channel`` is the platform the prose says the call was posted on (Telegram ...), otherwise the
  outlet's site name. The outlet and the author are kept in ``meta.extra``.
* ``description`` is the article's prose *without* the paragraphs that gave turns: those are
  one click away as each turn's context, and repeating them would make every search hit twice.
* An article quoting several calls ("In another call, ...") becomes one transcript whose speakers
  are per call: "Soldier (call 1)", "Mother (call 1)", "Soldier (call 2)", "Wife (call 2)". One
  file, one import, and the article's order kept; but two soldiers are never merged into one.
* Speaker labels are English role names (Soldier, Mother, Wife, Brother) whatever the article's
  language; a name the article gives ("his wife, Natalia,") is the speaker's display name.
"""

from __future__ import annotations

import re
from collections import Counter

from intercept_viewer.core.importers.article_meta import (
    find_channel,
    find_publisher,
    find_verification_note,
)
from intercept_viewer.core.importers.article_quotes import QUOTE_MARKS
from intercept_viewer.core.importers.article_speakers import (
    CYR_SNIFF_RE,
    EN_SNIFF_VERBS,
    Participant,
)
from intercept_viewer.core.importers.article_text import (
    ArticleText,
    looks_like_html,
    read_html,
    read_plain,
)
from intercept_viewer.core.importers.article_turns import Reading, read_turns
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import (
    ImportWarning,
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.script import language_of

_LABEL_LINE = re.compile(r"^\s*([^\W\d][\w .'’()-]{0,30}?)\s*:\s*\S")
_DASH_LINE = re.compile(r"^\s*[—–-]\s*\S")
_OPEN_QUOTE = re.compile(r"(?:^|[\s(:—–-])[\"“«„]\S")
_EN_WORD = re.compile(r"[A-Za-z]+")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class ArticleImporter(Importer):
    name = "article"
    description = (
        "A news article quoting a call (saved web page or plain text): its quotes become turns, "
        "attributed to the people the article describes"
    )
    suffixes = (".txt", ".html", ".htm", ".xhtml")

    def sniff(self, source: SourceFile) -> float:
        """High for prose with quotes and speech verbs; zero for labelled or dash dialogue."""
        head = source.head
        if looks_like_html(head):
            return 0.9
        return sniff_text(head)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        article = self._read(source)
        if not article.paragraphs:
            raise source.fail("no article text found (everything looked like page furniture)")
        all_text = "\n".join(p.text for p in article.paragraphs)
        lang = language_of(all_text)
        reading = read_turns(article.paragraphs, lang)
        dialogue = (
            _dialogue_in_page(article, "\n\n".join(p.text for p in article.paragraphs))
            if source.suffix != ".txt"
            else None
        )
        if dialogue is not None and (
            not reading.turns or len(dialogue.utterances) > 2 * len(reading.turns)
        ):
            return dialogue
        if not reading.turns:
            raise source.fail(
                "no quoted speech found: this reads as an article, but it quotes no one "
                "(expected quotes with an attribution, like “…,” she says); nothing to import"
            )
        speakers, labels = _speakers(reading)
        utterances = [
            ParsedUtterance(
                text=t.text,
                speaker=labels.get(id(t.speaker)) if t.speaker else None,
                context=t.paragraph.text,
                line=t.paragraph.line,
            )
            for t in reading.turns
            if t.text
        ]
        meta = _meta(article, reading, lang)
        return ParsedTranscript(
            meta=meta,
            speakers=speakers,
            utterances=utterances,
            format=self.name,
            warnings=_report(reading, labels),
        )

    @staticmethod
    def _read(source: SourceFile) -> ArticleText:
        if source.suffix in _HTML_SUFFIXES or looks_like_html(source.head):
            article = read_html(source.text)
            if article is None:
                raise source.fail("no article text found in this web page")
            return article
        return read_plain(source.text)


def sniff_text(head: str) -> float:
    """Score plain text: prose paragraphs with quotes and speech verbs, not a dialogue layout."""
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    if not lines:
        return 0.0
    labels = Counter(
        m.group(1).strip().lower()
        for line in lines
        if (m := _LABEL_LINE.match(line)) and len(m.group(1).split()) <= 4
    )
    labelled = sum(n for n in labels.values() if n >= 2)
    dashes = sum(1 for line in lines if _DASH_LINE.match(line))
    n = len(lines)
    if labelled >= 3 and labelled >= 0.4 * n:
        return 0.0
    if dashes >= 3 and dashes >= 0.3 * n:
        return 0.0
    quoted = [line for line in lines if _OPEN_QUOTE.search(line) or line[:1] in QUOTE_MARKS]
    prose = sum(1 for line in lines if len(line) >= 60 and re.search(r"[.!?]", line))
    if not quoted:
        return 0.1 if prose >= 2 else 0.0
    attributed = sum(
        1
        for line in quoted
        if CYR_SNIFF_RE.search(line)
        or any(w.lower() in EN_SNIFF_VERBS for w in _EN_WORD.findall(line))
    )
    score = 0.3 + 0.15 * min(attributed, 3) + (0.1 if prose >= 2 else 0.0)
    return min(score, 0.85)


def _speakers(reading: Reading) -> tuple[list[ParsedSpeaker], dict[int, str]]:
    """One speaker per participant who speaks, labelled per call when there are several."""
    talking: list[Participant] = []
    for t in reading.turns:
        if t.speaker is not None and t.speaker not in talking:
            talking.append(t.speaker)
    calls = {p.call for p in talking}
    speakers: list[ParsedSpeaker] = []
    labels: dict[int, str] = {}
    for p in sorted(talking, key=lambda p: (p.call, p.order)):
        label = p.base_label if len(calls) == 1 else f"{p.base_label} (call {p.call})"
        speakers.append(ParsedSpeaker(label=label, name=p.name, role=p.base_label.lower()))
        labels[id(p)] = label
    return speakers, labels


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _report(reading: Reading, labels: dict[int, str]) -> list[ImportWarning]:
    """The import report of an article: which quotes were attributed only by a pronoun or by
    where they stand, which quotes were left out as someone else's (an official, an analyst,
    the service), and which paragraphs were taken as the writer's prose."""
    out: list[ImportWarning] = []
    for t in reading.turns:
        if t.how == "named" or not t.text:
            continue
        who = labels.get(id(t.speaker), "nobody") if t.speaker else "nobody"
        out.append(
            ImportWarning(
                f"quote «{_short(t.text)}» attributed to {who} {t.how}, in the paragraph "
                f"«{_short(t.paragraph.text, 90)}»",
                t.paragraph.line,
            )
        )
    for par, quote in reading.outside:
        out.append(
            ImportWarning(
                f"quote «{_short(quote)}» left out: attributed to someone outside the call "
                "(an official, an analyst or the publishing service)",
                par.line,
            )
        )
    if reading.prose:
        lines = [p.line for p in reading.prose if p.line is not None]
        first = lines[0] if lines else None
        out.append(
            ImportWarning(
                f"{len(reading.prose)} paragraph{'s' if len(reading.prose) != 1 else ''} taken "
                "as the writer's prose (the description), not speech",
                first,
            )
        )
    return sorted(out, key=lambda w: (w.line is not None, w.line or 0))


def _dialogue_in_page(article: ArticleText, text: str) -> ParsedTranscript | None:
    """A web page that carries the transcript itself ("Окупант: …" / "— …" paragraphs) rather
    than quoting it in prose: read it with the dialogue parsers, keep the page's metadata."""
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.importers.dash import dash_score, parse_dash_text
    from intercept_viewer.core.importers.labelled import labelled_score, parse_labelled_text

    scores = {"labelled": labelled_score(text), "dash": dash_score(text)}
    kind = max(scores, key=lambda k: scores[k])
    if scores[kind] < 0.5:
        return None
    try:
        parsed = (parse_labelled_text if kind == "labelled" else parse_dash_text)(text)
    except ImportFailed:
        return None
    meta = parsed.meta
    meta.title = article.title or meta.title
    meta.source_url = meta.source_url or article.url
    meta.released_on = meta.released_on or article.date
    meta.channel = meta.channel or article.sitename
    meta.publisher = meta.publisher or find_publisher(
        ([article.title] if article.title else []) + [p.text for p in article.paragraphs]
    )
    if article.author:
        meta.extra.setdefault("author", article.author)
    return parsed


def _lead_title(paragraphs: list[str], limit: int = 90) -> str | None:
    """A plain-text article saved without its headline: its lead sentence names the story far
    better than the file name would (cut at a word, with an ellipsis)."""
    if not paragraphs:
        return None
    lead = re.split(r"(?<=[.!?])\s+", paragraphs[0].strip(), maxsplit=1)[0].strip()
    if len(lead) <= limit:
        return lead.rstrip(".") or None
    cut = lead[:limit].rsplit(" ", 1)[0].rstrip(",;:–—- ")
    return f"{cut}…"


def _meta(article: ArticleText, reading: Reading, lang: str) -> SourceMeta:
    texts = [p.text for p in article.paragraphs]
    prose = [p.text for p in reading.prose]
    note = find_verification_note(prose) or find_verification_note(texts)
    extra: dict[str, str] = {}
    if article.sitename:
        extra["outlet"] = article.sitename
    if article.author:
        extra["author"] = article.author
    if article.title:
        extra["article_title"] = article.title
    return SourceMeta(
        title=article.title or _lead_title(prose or texts),
        publisher=find_publisher(([article.title] if article.title else []) + texts),
        channel=find_channel(texts) or article.sitename,
        source_url=article.url,
        released_on=article.date,
        language=lang,
        verification="unverified",
        verification_note=note,
        description="\n\n".join(prose) or article.summary,
        origin="article",
        extra=extra,
    )
