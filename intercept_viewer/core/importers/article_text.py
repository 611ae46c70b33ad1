"""An article's body as paragraphs: from saved HTML (trafilatura) or plain text, minus boilerplate.

A news page carries much more than the story: navigation, ads, "Read more" teasers, share
buttons, a correction footer. For HTML, trafilatura (made for exactly this) finds the main text
and the page's metadata; what it keeps, and all of a plain-text article, then goes through
``strip_boilerplate``: general rules rather than a list tuned to one site —

* a *marker* line ("Advertisement", "Read more", "Subscribe", "Other Topics of Interest",
  "Previous calls include:", "To suggest a correction…", "Ctrl + Enter", "Читайте также", ...)
  is dropped;
* headline-like lines (short, no sentence punctuation at the end) *next to* a marker are a teaser
  for another story and go with it, and so does the blurb right after a teaser headline that
  follows a teaser marker ("Other Topics of Interest / Headline / One-paragraph blurb").

Paragraphs remember the line they start on, so a turn can say where in the file it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Lines that are page furniture, not the story. Matched against a whole (stripped) line, case
#: folded. Each is a pattern of *kind*, so nearby wordings ("Read also", "Read more:") match too.
_MARKER_PATTERNS = (
    r"advertisement|advertising|sponsored( content)?|реклама|реклама\.?|partner content",
    r"(read|see) (more|also|next)\b.*|more (on|about) this( story)?:?.*",
    r"related( stories| articles)?:?",
    r"читайте (также|тоже|еще|ещё|також)\b.*|читати (також|більше)\b.*|по теме:?.*|по темі:?.*",
    r"other topics of interest|you (may|might) also (like|be interested in)\b.*",
    r"recommended( for you)?",
    r"most (read|popular)|trending( now)?|top stories|popular now|latest news|editor'?s picks",
    r"previous (calls|intercepts|recordings|stories) (include|are)\b.*|earlier calls include\b.*",
    r"to suggest a correction\b.*|report (a|an) (error|typo)\b.*|.*ctrl ?\+ ?enter.*",
    r"(subscribe|sign up|join us|follow us)\b.{0,80}",
    r"подпи(сывайтесь|шитесь)\b.*|підпи(суйтесь|шіться)\b.*",
    r"share( this( article| story)?)?( on \w+)?:?|поделиться|поділитися|copy link|print",
    r"(photo|video|image|фото|відео|видео)( ?(:|/|—|-) ?.{0,80})?",
    r"©.*|copyright\b.*|all rights reserved\.?|(we use|this (site|website) uses) cookies\b.*",
    r"(comments?|комментарии|коментарі)( \(\d+\))?|tags?:.*|теги:.*",
    r"(advertisement|реклама) ?[-–—:]? ?(scroll|continue|content continues)\b.*",
    r"story continues below( advertisement)?|article continues below.*",
)
_MARKER_RE = re.compile(r"^(?:" + "|".join(_MARKER_PATTERNS) + r")$", re.IGNORECASE)
#: Markers after which the following headlines and their blurb are teasers for other stories.
_TEASER_RE = re.compile(
    r"^(?:other topics of interest|(read|see) (more|also|next)\b.*|related\b.*|more (on|about)\b.*"
    r"|читайте\b.*|читати\b.*|по теме\b.*|по темі\b.*|recommended\b.*|you (may|might) also\b.*"
    r"|previous (calls|intercepts|recordings|stories)\b.*|earlier calls\b.*|most (read|popular)"
    r"|trending\b.*|top stories|popular now|latest news)$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(
    r"^(?:by|автор|авторка|author)\s*:?\s+(?P<name>[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,4})"
    r"(?:\s*[,|·•]\s*.{0,60})?$",
    re.IGNORECASE,
)
_SENTENCE_END = ".!?…:;"
_CLOSING_MARKS = "\"”»“’'"
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Paragraph:
    """One paragraph of the article body, with the 1-based line of the file it starts on."""

    text: str
    line: int | None = None


@dataclass
class ArticleText:
    """The article's body and what the page says about itself (all optional)."""

    paragraphs: list[Paragraph]
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    author: str | None = None
    url: str | None = None
    summary: str | None = None
    dropped: list[str] = field(default_factory=list)


def looks_like_html(head: str) -> bool:
    """True when the first KB of a file is an HTML document rather than text about HTML."""
    start = head.lstrip()[:2048].lower()
    return start.startswith("<!doctype html") or bool(
        re.search(r"<(html|body|article|head)\b", start)
    )


def is_marker(line: str) -> bool:
    """A line of page furniture ("Advertisement", "Read more: …", "Share this article")."""
    return bool(_MARKER_RE.match(line.strip().strip("•·|>-–— ").strip()))


def is_headline_like(line: str) -> bool:
    """Short, no sentence punctuation at the end, several words: a title or a teaser headline."""
    text = line.strip()
    if not text or len(text) > 160:
        return False
    stripped = text.rstrip(_CLOSING_MARKS + " ")
    if not stripped or stripped[-1] in _SENTENCE_END:
        return False
    return len(_WORD.findall(text)) >= 3


def _split_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line) pairs."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line:
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_hard_wrapped(blocks: list[list[tuple[int, str]]]) -> bool:
    """True for text wrapped at a fixed width (e-mail, a terminal copy): join lines in a block.

    Otherwise each line is a paragraph of its own, as in text copied out of a browser, where a
    teaser headline and its marker sit on neighbouring lines of one block.
    """
    lines = [line for block in blocks for _, line in block]
    if len(lines) < 6:
        return False
    longest = max(len(line) for line in lines)
    multi = [line for block in blocks if len(block) > 1 for _, line in block[:-1]]
    if longest > 100 or len(multi) < 3:
        return False
    near_full = sum(1 for line in multi if len(line) >= longest * 0.7)
    return near_full >= 0.7 * len(multi)


def paragraphs_from_plain(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text article, keeping the line each starts on."""
    blocks = _split_blocks(text)
    paragraphs: list[Paragraph] = []
    if _is_hard_wrapped(blocks):
        for block in blocks:
            joined = " ".join(line for _, line in block)
            paragraphs.append(Paragraph(re.sub(r"(\w)- (\w)", r"\1\2", joined), block[0][0]))
        return paragraphs
    for block in blocks:
        paragraphs.extend(Paragraph(line, number) for number, line in block)
    return paragraphs


def strip_boilerplate(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[str]]:
    """Drop page furniture and teasers; return the story's paragraphs and what was dropped."""
    n = len(paragraphs)
    drop = [False] * n
    texts = [p.text.strip() for p in paragraphs]
    counts: dict[str, int] = {}
    for t in texts:
        counts[t] = counts.get(t, 0) + 1
    for i, t in enumerate(texts):
        if not is_marker(t) and not _BYLINE_RE.match(t):
            continue
        drop[i] = True
        if not _TEASER_RE.match(t.strip("•·|>-–— :").strip() or t):
            # A plain marker still takes a duplicated headline with it (teaser widgets repeat).
            for j in (i - 1, i + 1):
                if 0 <= j < n and is_headline_like(texts[j]) and counts[texts[j]] > 1:
                    drop[j] = True
            continue
        # Teaser: headlines before it, then headlines after it, then one blurb after those.
        j = i - 1
        while j >= 0 and not drop[j] and is_headline_like(texts[j]) and i - j <= 2:
            drop[j] = True
            j -= 1
        j = i + 1
        saw_headline = False
        while j < n and (is_headline_like(texts[j]) or is_marker(texts[j])):
            drop[j] = True
            saw_headline = saw_headline or not is_marker(texts[j])
            j += 1
        if saw_headline and j < n and _looks_like_blurb(texts[j]):
            drop[j] = True
    for i, t in enumerate(texts):
        # A headline repeated twice in the body is a teaser widget even with no marker.
        if not drop[i] and counts[t] > 1 and is_headline_like(t):
            drop[i] = True
    kept = [p for p, d in zip(paragraphs, drop, strict=True) if not d]
    dropped = [t for t, d in zip(texts, drop, strict=True) if d]
    return kept, dropped


def _looks_like_blurb(text: str) -> bool:
    """A teaser's standfirst: a couple of sentences with no quotation marks, under ~350 chars."""
    return len(text) <= 350 and not re.search(r"[\"“”«»„]", text)


def byline_name(text: str) -> str | None:
    match = _BYLINE_RE.match(text.strip())
    return match.group("name").strip() if match else None


def read_plain(text: str) -> ArticleText:
    """A plain-text article: a headline-like first paragraph is its title, a byline its author."""
    paragraphs = paragraphs_from_plain(text)
    title: str | None = None
    author: str | None = None
    if paragraphs and is_headline_like(paragraphs[0].text) and len(paragraphs) > 1:
        title = paragraphs.pop(0).text
    for p in paragraphs[:3]:
        name = byline_name(p.text)
        if name:
            author = name
            break
    kept, dropped = strip_boilerplate(paragraphs)
    return ArticleText(kept, title=title, author=author, dropped=dropped)


def read_html(html: str) -> ArticleText | None:
    """A saved web page through trafilatura; None when it finds no main text.

    ``bare_extraction`` gives the main text with one paragraph per line and the page's own
    metadata (title, date, site name, author, canonical URL) — read from the file only, no
    network access.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        # Only a date the page states (meta tags, <time>), never one guessed from a "© 2024"
        # footer: a wrong release date is worse than none.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    text = getattr(doc, "text", None) or ""
    title = _clean(getattr(doc, "title", None))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and title and _same_text(lines[0], title):
        lines.pop(0)  # the <h1> repeats the title
    paragraphs = [Paragraph(line) for line in lines]
    kept, dropped = strip_boilerplate(paragraphs)
    return ArticleText(
        kept,
        title=title,
        date=_clean(getattr(doc, "date", None)),
        sitename=_clean(getattr(doc, "sitename", None)),
        author=_clean(getattr(doc, "author", None)),
        url=_clean(getattr(doc, "url", None)),
        summary=_clean(getattr(doc, "description", None)),
        dropped=dropped,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return norm(a) == norm(b)
