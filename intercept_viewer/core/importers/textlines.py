"""Helpers shared by the plain-text importers (labelled and dash dialogue, DOCX).

* timestamps at the start of a line, in the shapes transcribers use: ``[00:01:02]``,
  ``(01:02)``, ``00:01:02.500``, ``1:02``, ``[1:02:03,5]``, ranges ``[00:01 - 00:05]``;
* the release's headline and blurb above the dialogue (``split_preamble``);
* a language guess from the letters, for files that don't say.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from intercept_viewer.core.model import ParsedUtterance

# The one script and language detector is core.script; importers that read these names from
# here still find them.
from intercept_viewer.core.script import RU_WORDS, UK_WORDS, guess_language  # noqa: F401

#: Hours may have any number of digits: a monitoring log counts past 100 (``[100:00:03]``).
_TIME = r"(?:\d{1,6}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_RANGE = rf"(?P<start>{_TIME})(?:\s*(?:-|–|—|-->|to)\s*(?P<end>{_TIME}))?"
#: A timestamp opening a line: bracketed in [] or (), or bare and followed by a space/separator.
LEADING_TIME = re.compile(
    rf"""^\s*(?:
        \[\s*{_RANGE}\s*\]
      | \(\s*{_RANGE.replace("start", "pstart").replace("end", "pend")}\s*\)
      | {_RANGE.replace("start", "bstart").replace("end", "bend")}(?=\s|$|[:\-–—|])
    )\s*(?P<sep>[:\-–—|])?\s*""",
    re.VERBOSE,
)
#: A bracketed timestamp anywhere (used after a speaker label: ``Soldier [00:12]: text``).
BRACKETED_TIME = re.compile(rf"[\[(]\s*{_RANGE}\s*[\])]")


def parse_time(text: str) -> int | None:
    """``'1:02:03,5'`` -> 3723500 ms; ``'01:02'`` -> 62000 (minutes:seconds); None if no time."""
    m = re.fullmatch(r"\s*(?:(\d{1,6}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\s*", text)
    if not m:
        return None
    hours = int(m[1] or 0)
    minutes = int(m[2])
    seconds = int(m[3])
    if seconds >= 60 or (m[1] is not None and minutes >= 60):
        return None
    frac = m[4] or ""
    ms = int(frac.ljust(3, "0")) if frac else 0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms


#: Seconds from the start, as YouTube-description and quick-note transcripts write them:
#: ``12s``, ``12 sec``, ``[12s]``, ``95 сек``. (A bare Cyrillic ``с`` is also the word "with".)
LEADING_SECONDS = re.compile(
    r"^\s*[\[(]?\s*(?P<sec>\d{1,5}(?:[.,]\d{1,3})?)\s?(?:s|secs?|сек)\.?\s*[\])]?"
    r"(?=\s|[:\-–—|]|$)\s*(?P<sep>[:\-–—|])?\s*"
)
#: A bracketed timestamp closing a line: ``Солдат: Алло. [00:03]``.
TRAILING_TIME = re.compile(rf"\s*[\[(]\s*{_RANGE}\s*[\])]\s*$")


def split_trailing_time(text: str) -> tuple[int | None, int | None, str]:
    """Take a bracketed timestamp off the end of ``text``: (start_ms, end_ms, rest)."""
    m = TRAILING_TIME.search(text)
    if not m or m.start() == 0:
        return None, None, text
    start, end = time_from_match(m)
    if start is None:
        return None, None, text
    return start, end, text[: m.start()]


def split_leading_time(line: str, *, keep_dash: bool = False) -> tuple[int | None, int | None, str]:
    """Take a timestamp (or range) off the start of ``line``: (start_ms, end_ms, rest).

    A separator after the time (``00:12 - text``) goes with it, except that ``keep_dash`` keeps
    a dash, which in dash dialogue opens the turn (``[00:12] — Алло?``).
    """
    first = line.lstrip()[:1]
    if not first or (first not in "[(" and not first.isdecimal()):
        return None, None, line  # most lines: no regex needed to say "no time"
    m = LEADING_TIME.match(line)
    if not m:
        s = LEADING_SECONDS.match(line)
        if not s:
            return None, None, line
        start_ms: int | None = round(float(s["sec"].replace(",", ".")) * 1000)
        if keep_dash and s["sep"] and s["sep"] in "-–—":
            return start_ms, None, line[s.start("sep") :]
        return start_ms, None, line[s.end() :]
    start = m["start"] or m["pstart"] or m["bstart"]
    end = m["end"] or m["pend"] or m["bend"]
    start_ms = parse_time(start)
    if start_ms is None:
        return None, None, line
    end_ms = parse_time(end) if end else None
    if keep_dash and m["sep"] and m["sep"] in "-–—":
        return start_ms, end_ms, line[m.start("sep") :]
    return start_ms, end_ms, line[m.end() :]


def time_from_match(m: re.Match[str]) -> tuple[int | None, int | None]:
    """Start and end ms from a ``BRACKETED_TIME`` match."""
    start = parse_time(m["start"])
    end = parse_time(m["end"]) if m["end"] else None
    return start, end


def fill_end_times(utterances: list[ParsedUtterance]) -> None:
    """Where turns carry start times only, a turn ends where the next one starts."""
    for cur, nxt in itertools.pairwise(utterances):
        if cur.end_ms is None and cur.start_ms is not None and nxt.start_ms is not None:
            cur.end_ms = nxt.start_ms if nxt.start_ms > cur.start_ms else None


# ----------------------------------------------------------------- title and intro prose

_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+|=+\s*$|-{3,}\s*$)")
_MD_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")


@dataclass
class Preamble:
    title: str | None
    description: str | None
    #: a date line above the headline ("14.03.2024", "5 марта 2024 г."), as ISO
    released_on: str | None = None


#: A line that is only a date: the release date a post or a page puts above its headline.
_DATE_LINE = re.compile(
    r"^\W{0,3}(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4}|"
    r"\d{1,2}\s+[^\W\d_]{3,12}\.?,?\s+\d{4}|[^\W\d_]{3,12}\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*(?:г\.?|р\.?|року|года))?(?:[,\s]+\d{1,2}:\d{2})?\W{0,3}$",
    re.IGNORECASE,
)


def date_of_line(line: str) -> str | None:
    """ISO date when ``line`` is nothing but a date, else None."""
    text = line.strip()
    if not text or len(text) > 40 or not _DATE_LINE.match(text):
        return None
    from intercept_viewer.core.importers.metadata import normalise_date

    core = re.sub(r"(?:\s*(?:г\.?|р\.?|року|года))?(?:[,\s]+\d{1,2}:\d{2})?\W{0,3}$", "", text)
    core = re.sub(r"^\W+", "", core)
    iso = normalise_date(core)
    return iso if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) else None


def clean_heading(line: str) -> str:
    """A headline line without markdown: ``# Title`` / ``**Title**`` -> ``Title``."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", line).strip()
    text = re.sub(r"\s+#+\s*$", "", text)
    m = _MD_EMPHASIS.match(text)
    if m:
        text = m[2].strip()
    return strip_pictographs(text)


def _is_pictograph(ch: str) -> bool:
    """Emoji and their joiners/selectors: Telegram posts open headlines with "🎧", "⚡️"."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Zs") or ch in "\ufe0f\u200d"


def strip_pictographs(text: str) -> str:
    """``"🎧 ПЕРЕХОПЛЕННЯ ГУР ⚡️"`` -> ``"ПЕРЕХОПЛЕННЯ ГУР"``: emoji at either end of a headline
    are decoration; inside the text they are kept."""
    start, end = 0, len(text)
    while start < end and (_is_pictograph(text[start]) or text[start].isspace()):
        start += 1
    while end > start and (_is_pictograph(text[end - 1]) or text[end - 1].isspace()):
        end -= 1
    return text[start:end] if start < end else text.strip()


def paragraphs(lines: list[str]) -> list[list[str]]:
    """Group lines into paragraphs separated by blank lines (markdown rules '---' are dropped)."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in lines:
        if not line.strip() or re.fullmatch(r"\s*(?:-{3,}|\*{3,}|={3,}|_{3,})\s*", line):
            if cur:
                out.append(cur)
                cur = []
            continue
        cur.append(line.strip())
    if cur:
        out.append(cur)
    return out


def looks_like_title(para: list[str]) -> bool:
    """A headline: one short line, marked as a heading or without sentence-ending punctuation
    (headlines may still end in '!' or '?', and some end in a period if short)."""
    if len(para) != 1:
        return False
    line = para[0]
    if _HEADING.match(line) or _MD_EMPHASIS.match(line.strip()):
        return True
    text = line.strip()
    if len(text) > 160:
        return False
    # "О. – окупант, Д. – дружина": a period after a lone letter is an initial, not a full stop
    sentences = len(re.findall(r"(?<![\W\d_][^\W\d_])(?<!^[^\W\d_])[.!?…](?:\s|$)", text))
    return sentences <= 1 and (not text.endswith(".") or len(text) <= 90)


def split_preamble(lines: list[str]) -> Preamble:
    """The lines above the dialogue -> headline (title) and intro prose (description).

    The first paragraph is the title when it is a single short line; everything else (the
    blurb: "СБУ оприлюднила перехоплення...") is the description, paragraphs kept apart.
    """
    paras = paragraphs(lines)
    if not paras:
        return Preamble(None, None)
    released_on = date_of_line(paras[0][0])
    if released_on:
        paras[0] = paras[0][1:]
        paras = [p for p in paras if p]
    if not paras:
        return Preamble(None, None, released_on)
    title = None
    if looks_like_title(paras[0]):
        title = clean_heading(paras[0][0]) or None
        paras = paras[1:]
    description = "\n\n".join(" ".join(p) for p in paras).strip() or None
    return Preamble(title, description, released_on)


class TurnText:
    """A turn's text, built line by line in linear time.

    Rebuilding the whole string for every continuation line (``previous + " " + line``) made a
    turn of many lines quadratic; this keeps the pieces and joins them once (``str()``).
    """

    __slots__ = ("_parts", "length")

    def __init__(self, text: str = "") -> None:
        self._parts = [text] if text else []
        self.length = len(text)

    def __bool__(self) -> bool:
        return self.length > 0

    def _add(self, piece: str) -> None:
        self._parts.append(piece)
        self.length += len(piece)

    def add_line(self, text: str) -> None:
        """A line of its own in the turn (a translation below its original)."""
        if self.length:
            self._add("\n")
        self._add(text)

    def add_continuation(self, line: str, *, after_blank: bool) -> None:
        """What ``join_continuation`` does, without copying the turn."""
        line = line.strip()
        if self.length:
            self._add("\n" if after_blank else " ")
        self._add(line)

    def tail(self, limit: int) -> str:
        """The last ``limit`` characters (or fewer)."""
        out: list[str] = []
        need = limit
        for piece in reversed(self._parts):
            if need <= 0:
                break
            out.append(piece[-need:])
            need -= len(piece)
        return "".join(reversed(out))

    def __str__(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


def join_continuation(previous: str, line: str, *, after_blank: bool) -> str:
    """Append a continuation line to a turn: a new paragraph after a blank line, else a space."""
    line = line.strip()
    if not previous:
        return line
    return f"{previous}\n{line}" if after_blank else f"{previous} {line}"
