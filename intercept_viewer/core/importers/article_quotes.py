"""Finding quoted speech in a paragraph, and telling a quoted turn from a quoted fragment.

Quotation marks in real articles are messy: curly “…”, straight "…", guillemets «…», German-style
„…“, single ‘…’ for a quote inside a quote, and often a mix (an editor's straight opening mark
closed by a curly one). ``find_quotes`` scans a paragraph with a stack of open marks and decides
for each mark whether it opens or closes from the stack and from its neighbours (a mark after a
space opens, one before a space or punctuation closes). Only the outermost quotes are returned;
nested ones stay inside their text. A quote still open when the paragraph ends is returned with
``closed=False``: newswriting leaves a quote open when the speaker goes on in the next paragraph.

``is_turn`` separates a speaker's words from the writer's borrowed phrases (he'll “burn this
Russian passport”): a turn starts a sentence or paragraph, follows a colon or a speech verb, or is
followed by an attribution; a fragment is embedded in the writer's own sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE = "double"
GUILLEMET = "guillemet"
SINGLE = "single"

_OPEN_CONTEXT_BEFORE = set("([{—–-/:;,") | {" ", "\t", "\n", "\u00a0"}
_CLOSE_CONTEXT_AFTER = set(".,;:!?)]}—–-…") | {" ", "\t", "\n", "\u00a0"}
#: Any quotation mark, for cheap checks.
QUOTE_MARKS = "\"“”„«»‘’‚'"
_DOUBLE_MARKS = '"“”„«»'


@dataclass
class QuoteSpan:
    """One outermost quote in a paragraph: ``start``/``end`` include the marks."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    family: str
    closed: bool = True
    opened: bool = True

    def inner(self, text: str) -> str:
        return text[self.inner_start : self.inner_end]


def _opening_context(prev: str, nxt: str) -> bool:
    return (not prev or prev in _OPEN_CONTEXT_BEFORE or prev in QUOTE_MARKS) and bool(
        nxt and not nxt.isspace()
    )


def _closing_context(prev: str, nxt: str) -> bool:
    return bool(prev and not prev.isspace()) and (
        not nxt or nxt in _CLOSE_CONTEXT_AFTER or nxt in QUOTE_MARKS
    )


def find_quotes(text: str, single_primary: bool = False) -> list[QuoteSpan]:
    """The outermost quotes of ``text`` in order (see the module docstring for the rules).

    ``single_primary`` is for articles that use ‘…’ as their main quotation marks (British
    style): then single marks open quotes at the top level too, apostrophes excepted.
    """
    spans: list[QuoteSpan] = []
    stack: list[tuple[str, int, str]] = []  # (family, position, opening mark)

    # How many marks of each family are open: ``family in open_count`` in O(1), where a list
    # of the stack's families rebuilt at every mark made a paragraph of open marks quadratic.
    open_count: dict[str, int] = {}

    def push(family: str, pos: int, mark: str) -> None:
        stack.append((family, pos, mark))
        open_count[family] = open_count.get(family, 0) + 1

    def close_to(family: str, pos: int) -> None:
        while stack:
            fam, start, _ = stack.pop()
            open_count[fam] -= 1
            if fam == family:
                if not stack:
                    spans.append(QuoteSpan(start, pos + 1, start + 1, pos, family))
                return

    def stray_close(pos: int) -> None:
        # A closing mark with nothing open: the quote began at the paragraph's start when no
        # quote came before (a missing opening mark); otherwise ignore it.
        if not spans and pos > 0:
            spans.append(QuoteSpan(0, pos + 1, 0, pos, DOUBLE, opened=False))

    for i, c in enumerate(text):
        if c not in QUOTE_MARKS:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        families = {f for f, n in open_count.items() if n}
        top = stack[-1] if stack else None
        if c == "«":
            push(GUILLEMET, i, c)
        elif c == "»":
            if GUILLEMET in families:
                close_to(GUILLEMET, i)
            else:
                stray_close(i)
        elif c == "„":
            push(DOUBLE, i, c)
        elif c == "“":
            if top and top[0] == DOUBLE and (top[2] == "„" or _closing_context(prev, nxt)):
                close_to(DOUBLE, i)
            else:
                push(DOUBLE, i, c)
        elif c == "”":
            if DOUBLE in families:
                close_to(DOUBLE, i)
            elif not stack and _opening_context(prev, nxt) and not _closing_context(prev, nxt):
                push(DOUBLE, i, c)  # a ” used as an opening mark (some sites use one glyph)
            else:
                stray_close(i)
        elif c == '"':
            opening = _opening_context(prev, nxt)
            closing = _closing_context(prev, nxt)
            if top and top[0] == DOUBLE and (closing or not opening):
                close_to(DOUBLE, i)
            elif opening or not stack:
                push(DOUBLE, i, c)
            elif DOUBLE in families:
                close_to(DOUBLE, i)
        else:  # single marks: ‘ ’ ‚ '
            if prev.isalpha() and nxt.isalpha():
                continue  # an apostrophe: he’s, Куп’янськ
            nested_ok = bool(stack) or single_primary
            if not nested_ok:
                continue
            if c in "‘‚" or (c == "'" and _opening_context(prev, nxt)):
                if c == "‘" and top and top[0] == SINGLE and _closing_context(prev, nxt):
                    close_to(SINGLE, i)
                elif _opening_context(prev, nxt) or c == "‚":
                    push(SINGLE, i, c)
            elif c in "’'" and SINGLE in families and _closing_context(prev, nxt):
                close_to(SINGLE, i)
    if stack:
        family, start, _ = stack[0]
        spans.append(QuoteSpan(start, len(text), start + 1, len(text), family, closed=False))
    return [s for s in spans if s.inner(text).strip(" ,.—–-")]


def uses_single_primary(paragraphs: list[str]) -> bool:
    """True when the article quotes with ‘…’ and has no double quotation marks at all."""
    joined = "\n".join(paragraphs)
    if any(mark in joined for mark in _DOUBLE_MARKS):
        return False
    return len(re.findall(r"(?:^|[\s(—–-])‘\w", joined)) >= 1


# ------------------------------------------------------------------ turn or fragment

_TERMINAL = ".!?…"
_DASHES = "—–-"


_SENTENCE_END_RE = re.compile(r"[.!?…](?:[\"”»’)]+)?\s+|[\"”»]\s+(?=[A-ZА-ЯІЇЄҐ])")
#: How far back ``sentence_before`` first looks, and how long a sentence it returns at most (a
#: longer one keeps its last ``_SENTENCE_MAX`` characters: callers look at its end, and reading
#: every sentence from the paragraph's start made long paragraphs quadratic).
_SENTENCE_WINDOW = 256
_SENTENCE_MAX = 400


def sentence_before(text: str, pos: int) -> str:
    """The part of the sentence that precedes ``pos`` (back to a sentence end or a quote end)."""
    window = _SENTENCE_WINDOW
    while True:
        lo = max(0, pos - window)
        cut = lo
        found = False
        for match in _SENTENCE_END_RE.finditer(text, lo, pos):
            cut, found = match.end(), match.start() > lo
        if lo == 0 or found or window >= _SENTENCE_MAX:
            return text[cut:pos]
        window *= 2


def starts_sentence(text: str, span: QuoteSpan) -> bool:
    """The quote opens its paragraph or a new sentence (after a full stop, or a dash)."""
    head = sentence_before(text, span.start)
    return not head.strip(" " + _DASHES)


def ends_like_sentence(inner: str) -> bool:
    stripped = inner.rstrip(" \"”»’'")
    return bool(stripped) and stripped[-1] in _TERMINAL + ","


def first_letter_is_lower(inner: str) -> bool:
    for ch in inner:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False
