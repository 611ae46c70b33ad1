"""The user's search syntax, turned into a safe FTS5 expression plus SQL filters.

Syntax (all case-insensitive except the ``OR`` operator):

* ``word word``            every word must match, in any of its forms (``Бахмут`` finds
                            ``під Бахмутом``; ``soldiers`` finds ``soldier``), see ``wordforms``;
* ``"exact phrase"``       the words in this order, as written (also ``«…»`` and ``“…”``);
* ``prefix*``              any word starting so;
* ``a OR b``               either;
* ``-word`` / ``-"a b"``   leave out utterances that have it;
* ``speaker:NAME``         display name or label as written in the file (quote names with spaces:
                            ``speaker:"Mother of Ivan"``); repeated, any of them;
* ``tag:NAME``             utterances inside a passage with this tag;
* ``publisher:NAME``       the publisher contains NAME;
* ``status:unverified|corroborated|verified|disputed``;
* ``after:YYYY-MM-DD`` / ``before:YYYY-MM-DD`` on the release date, both inclusive
  (``YYYY`` and ``YYYY-MM`` work too).

A query of filters only (``speaker:Mother``) lists everything they select, in transcript order.

Safety: user text never reaches FTS5 or SQL unquoted. The MATCH string is built here from words
this module cut out itself, each inside ``"..."`` (with ``""`` escaping); everything else is a
bound parameter. Whatever the string, the only exception is ``QueryError``.

Speed (1M utterances): FTS5 ranks every match by ``bm25`` in an inner query over rowids (the
two halves of the rowids side by side, ``search_pool``); filters are conditions on the rowid
tested before a row is ranked; the page's rows are joined and their snippets made only for the
page. Counts stop at ``COUNT_CAP`` ("50,000+"). Paging uses a keyset cursor
(``SearchResult.next_cursor``), not a growing OFFSET.
"""

from __future__ import annotations

import json
import re
import sqlite3
import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from intercept_viewer.core import search_pool, turn_order
from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.model import VERIFICATION_STATES
from intercept_viewer.core.wordforms import (
    WORD_SPLIT_RE,
    fold,
    key_token,
    lookup_form,
    query_forms,
    spelling_key,
    word_forms,
    word_keys,
    words,
)

if TYPE_CHECKING:
    from intercept_viewer.core.database import Database
    from intercept_viewer.core.library import Library

#: Marks around matched words in ``SearchHit.snippet``: private-use characters, removed from the
#: text first, so a transcript cannot forge a highlight.
MARK_START = "\ue000"
MARK_END = "\ue001"
#: Hits are counted up to this many ("50,000+" beyond): counting skips bm25, but at a million
#: utterances a word found in half of them would still cost tens of milliseconds to count.
COUNT_CAP = 50_000
#: bm25 column weights: the word as written (text) outranks another form of it (text_norm).
TEXT_WEIGHT = 4.0
NORM_WEIGHT = 1.0
#: Longer snippets are cut to about this many characters around the first match.
SNIPPET_CHARS = 180
MAX_TERMS = 64

FIELDS = ("speaker", "tag", "publisher", "status", "after", "before")
#: ``exact:WORD``: the word without the spelling bridge (its forms still count).
EXACT = "exact"
_OPEN_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPACE_RE = re.compile(r"\s+")


def _fail(why: str) -> QueryError:
    return QueryError(f"can't read this query: {why}")


# ---------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Term:
    """One thing to find: a ``word`` (any form), a ``prefix`` or an exact ``phrase``."""

    kind: Literal["word", "prefix", "phrase"]
    text: str
    #: False for ``exact:WORD``: no other spellings (Kupyansk doesn't find Купянск).
    bridge: bool = True


@dataclass
class Query:
    """A parsed query: ``groups`` are ANDed, the terms inside a group ORed."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    after: str | None = None
    before: str | None = None

    @property
    def has_words(self) -> bool:
        return bool(self.groups)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speakers
            or self.tags
            or self.publishers
            or self.statuses
            or self.after
            or self.before
        )


def clean_text(text: str) -> str:
    """Make any string safe to bind: lone surrogates and NULs replaced, highlight marks removed."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", " ").replace(MARK_START, "").replace(MARK_END, "")


def name_key(name: str) -> str:
    """How speaker names and publishers compare: casefolded (Cyrillic too), ё = е, spaces
    collapsed. SQLite's own lower()/NOCASE only fold ASCII, hence this Python function."""
    return _SPACE_RE.sub(" ", name.casefold().replace("ё", "е")).strip()


def _check_date(value: str, name: str) -> str:
    m = _DATE_RE.match(value)
    if not m:
        raise _fail(f"{name}: wants a date like 2024-03-15, not {value!r}")
    month, day = m.group(2), m.group(3)
    if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        raise _fail(f"{name}:{value} is not a real date")
    return value


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    """Read a quoted string from ``s[i]`` (an opening quote); unterminated runs to the end."""
    close = _OPEN_QUOTES[s[i]]
    j = s.find(close, i + 1)
    if j < 0 and close != '"':
        j = s.find('"', i + 1)
    if j < 0:
        return s[i + 1 :], len(s)
    return s[i + 1 : j], j + 1


def _lex(s: str) -> list[tuple[str, bool, str, str, bool]]:
    """Cut the query into (kind, negated, field_or_kind, value, bridge) tokens; kind is 'OR',
    'field' or 'term'."""
    out: list[tuple[str, bool, str, str, bool]] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        neg = False
        if c == "-" and i + 1 < n and not s[i + 1].isspace():
            neg, i = True, i + 1
            c = s[i]
        if c in _OPEN_QUOTES:
            value, i = _read_quoted(s, i)
            out.append(("term", neg, "phrase", value, True))
            continue
        j = i
        while j < n and not s[j].isspace() and s[j] not in _OPEN_QUOTES:
            j += 1
        chunk = s[i:j]
        name, colon, value = chunk.partition(":")
        if colon and name.casefold() == EXACT:
            if not value and j < n and s[j] in _OPEN_QUOTES:
                value, j = _read_quoted(s, j)
                out.append(("term", neg, "phrase", value, False))
            elif value:
                kind = "prefix" if value.endswith("*") else "word"
                out.append(("term", neg, kind, value.rstrip("*"), False))
            else:
                raise _fail("exact: needs a word, e.g. exact:Kupyansk")
        elif colon and name.casefold() in FIELDS:
            if not value and j < n and s[j] in _OPEN_QUOTES:
                value, j = _read_quoted(s, j)
            value = value.strip()
            if not value:
                raise _fail(
                    f"{name}: needs a value, e.g. {name.casefold()}:{_EXAMPLES[name.casefold()]}"
                )
            if neg:
                raise _fail(f"-{name}: can't be excluded; leave the filter out instead")
            out.append(("field", False, name.casefold(), value, True))
        elif chunk == "OR" and not neg:
            out.append(("OR", False, "", "", True))
        elif chunk == "AND" and not neg:
            pass  # words are ANDed anyway
        else:
            kind = "prefix" if chunk.endswith("*") else "word"
            value = chunk.rstrip("*") if kind == "prefix" else chunk
            out.append(("term", neg, kind, value, True))
        i = j
    return out


_EXAMPLES = {
    "speaker": "Mother",
    "tag": "claim",
    "publisher": "HUR",
    "status": "unverified",
    "after": "2024-01-31",
    "before": "2024-12-31",
}


def _term_is_empty(term: Term) -> bool:
    return not any(fold(w) for _s, _e, w in words(term.text))


def parse_query(text: str) -> Query:
    """Parse the user's query (see the module docstring). Raises only ``QueryError``."""
    q = Query()
    pending_or = False
    last_positive: list[Term] | None = None
    for kind, neg, sub, value, bridge in _lex(clean_text(text)):
        if kind == "OR":
            if last_positive is None or pending_or:
                raise _fail("OR needs a word on each side, as in: Бахмут OR Bakhmut")
            pending_or = True
            continue
        if kind == "field":
            if pending_or:
                raise _fail(f"OR can't join {sub}: — it joins words")
            last_positive = None
            _add_filter(q, sub, value)
            continue
        term = Term(sub, value, bridge)  # type: ignore[arg-type]
        if _term_is_empty(term):
            if pending_or:
                raise _fail("OR needs a word on each side, as in: Бахмут OR Bakhmut")
            continue
        if neg:
            if pending_or:
                raise _fail("OR can't join an excluded -word")
            q.excluded.append(term)
            last_positive = None
            continue
        if pending_or and last_positive is not None:
            last_positive.append(term)
            pending_or = False
        else:
            last_positive = [term]
            q.groups.append(last_positive)
    if pending_or:
        raise _fail("OR needs a word on each side, as in: Бахмут OR Bakhmut")
    if sum(len(g) for g in q.groups) + len(q.excluded) > MAX_TERMS:
        raise _fail(f"it has more than {MAX_TERMS} words; shorten it")
    return q


def _add_filter(q: Query, name: str, value: str) -> None:
    if name == "speaker":
        q.speakers.append(value)
    elif name == "tag":
        q.tags.append(value)
    elif name == "publisher":
        q.publishers.append(value)
    elif name == "status":
        status = value.casefold()
        if status not in VERIFICATION_STATES:
            raise _fail(f"status: is one of {', '.join(VERIFICATION_STATES)}; not {value!r}")
        q.statuses.append(status)
    elif name == "after":
        q.after = _check_date(value, "after")
    elif name == "before":
        q.before = _check_date(value, "before")


# ---------------------------------------------------------------------------- FTS5 expression
#
# The index (schema migration 0003_i16) has two columns: ``text``, the words as written
# (folded: case, ё, apostrophes), and ``text_norm``, what the words lack: lemmas that differ
# from the word and spelling keys of names (``wordforms``). A query is run in *tiers*, each a
# wider net than the one before, and every row is ranked in the first tier that catches it:
#
# 1. every word in the form typed (``text : "бахмутом"``);
# 2. any form of every word (``{text text_norm} : ("бахмут" OR ...)``);
# 3. any spelling (``... OR text_norm : "\ue010bahmut"``): Russian, Ukrainian and Latin
#    spellings of one name, unless the query or the caller switches the bridge off.
#
# So exact forms rank first, then other forms, then other spellings; inside a tier, bm25 over
# every row of the tier, with no cap.

#: The tiers, narrowest first.
TIER_EXACT, TIER_FORMS, TIER_SPELLINGS = 1, 2, 3


def _quote(s: str) -> str:
    """An FTS5 string: anything inside double quotes is literal text, ``"`` doubled."""
    return '"' + s.replace('"', '""') + '"'


def _word_expr(raw: str, prefix: bool, tier: int, bridge: bool) -> str:
    """One word at one tier."""
    look = lookup_form(raw)
    folded = look.replace("'", "")
    star = " *" if prefix else ""
    if tier == TIER_EXACT:
        return f"text : {_quote(folded)}{star}"
    if prefix:
        forms_expr = f"{{text text_norm}} : {_quote(folded)}{star}"
    else:
        forms = dict.fromkeys((folded, *query_forms(look)))
        forms_expr = "{text text_norm} : (" + " OR ".join(_quote(f) for f in forms) + ")"
    if tier == TIER_FORMS or not bridge:
        return forms_expr
    keys = _query_keys(look, prefix)
    if not keys:
        return forms_expr
    keyed = " OR ".join(f"{_quote(key_token(k))}{star}" for k in keys)
    return f"({forms_expr} OR text_norm : ({keyed}))"


def _query_keys(look: str, prefix: bool) -> tuple[str, ...]:
    if prefix:
        key = spelling_key(look.replace("'", ""), prefix=True)
        return (key,) if key else ()
    return word_keys(look)


def _term_expr(term: Term, tier: int, bridge: bool = True) -> str:
    parts = [w for _s, _e, w in words(term.text) if fold(w)]
    if term.kind == "phrase":
        return f"text : {_quote(' '.join(fold(p) for p in parts))}"
    bridge = bridge and term.bridge
    exprs = [
        _word_expr(p, term.kind == "prefix" and i == len(parts) - 1, tier, bridge)
        for i, p in enumerate(parts)
    ]
    return exprs[0] if len(exprs) == 1 else "(" + " AND ".join(exprs) + ")"


def positive_expression(q: Query, tier: int = TIER_SPELLINGS, bridge: bool = True) -> str | None:
    """The FTS5 MATCH string for the words to find at ``tier`` (None when there are none)."""
    if not q.groups:
        return None
    groups = []
    for g in q.groups:
        exprs = [_term_expr(t, tier, bridge) for t in g]
        groups.append(exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")")
    return " AND ".join(groups)


def excluded_expression(q: Query) -> str | None:
    """What ``-word`` leaves out: any form of the word (not its other spellings)."""
    if not q.excluded:
        return None
    return "(" + " OR ".join(_term_expr(t, TIER_FORMS) for t in q.excluded) + ")"


def fts_expression(q: Query, bridge: bool = True) -> str | None:
    """The whole MATCH string: every row any tier finds (the widest net), NOT the excluded."""
    pos, neg = positive_expression(q, TIER_SPELLINGS, bridge), excluded_expression(q)
    if pos and neg:
        return f"({pos}) NOT {neg}"
    return pos


def tier_expressions(q: Query, bridge: bool = True) -> list[tuple[int, str]]:
    """(tier, MATCH string) to rank in turn: each tier's rows that no earlier tier found.

    A tier that would find nothing new (the same expression as the one before: phrases only,
    or no spelling keys) is left out.
    """
    neg = excluded_expression(q)
    out: list[tuple[int, str]] = []
    previous: str | None = None
    for tier in (TIER_EXACT, TIER_FORMS, TIER_SPELLINGS):
        pos = positive_expression(q, tier, bridge)
        if pos is None or pos == previous:
            continue
        expr = f"({pos})" if previous is None else f"({pos}) NOT ({previous})"
        if neg:
            expr = f"({expr}) NOT {neg}"
        out.append((tier, expr))
        previous = pos
    return out


@lru_cache(maxsize=256)
def _parsed(text: str) -> Query:
    """``parse_query``, remembered per query string (paging and re-runs parse once). The
    ``Query`` is shared: treat it as read-only."""
    return parse_query(text)


@lru_cache(maxsize=256)
def compile_match(text: str, bridge: bool = True) -> str | None:
    """The FTS5 MATCH string selecting every row ``search`` finds for ``text`` (None if it has
    no words to match); ``search`` ranks it in tiers (``compile_tiers``). Raises only
    ``QueryError``."""
    return fts_expression(_parsed(text), bridge)


@lru_cache(maxsize=256)
def compile_tiers(text: str, bridge: bool = True) -> tuple[tuple[int, str], ...]:
    """The (tier, MATCH string) pairs ``search`` ranks in turn for ``text``: e.g. for a
    benchmark that ranks every match itself and checks the app returns the same rows."""
    return tuple(tier_expressions(_parsed(text), bridge))


# ---------------------------------------------------------------------------- highlighting


@lru_cache(maxsize=200_000)
def _fold(raw: str) -> str:
    return fold(raw)


@lru_cache(maxsize=200_000)
def _raw_forms(raw: str) -> frozenset[str]:
    """What a word as written can be matched by (empty if it folds to nothing): its folded
    form, its lemmas in either language and its spelling keys (as ``key_token``); one cached
    lookup per word of a hit text, where folding and analysing would be several calls."""
    look = lookup_form(raw)
    f = look.replace("'", "")
    if not f:
        return frozenset()
    keys = (key_token(k) for k in word_keys(look))
    return frozenset((f, *word_forms(look, "ru"), *word_forms(look, "uk"), *keys))


class Highlighter:
    """Finds a query's matches in texts; build once per query, call ``spans`` per text.

    Every distinct word is judged once per highlighter (and its forms once per process), and
    a text's words are cut by one C-level regex pass and checked with set operations, so a
    page of 100 hits costs tens of microseconds, not a Python call per word. ``bridge=False``
    leaves other spellings unmarked, as the search then leaves them out.
    """

    def __init__(self, query: Query, bridge: bool = True) -> None:
        self.forms: set[str] = set()
        self.prefixes: tuple[str, ...] = ()
        self.phrases: list[list[str]] = []
        prefixes: list[str] = []
        for group in query.groups:
            for term in group:
                raws = [w for _s, _e, w in words(term.text) if _fold(w)]
                if term.kind == "phrase":
                    self.phrases.append([_fold(w) for w in raws])
                    continue
                bridged = bridge and term.bridge
                for i, raw in enumerate(raws):
                    look = lookup_form(raw)
                    p = look.replace("'", "")
                    if term.kind == "prefix" and i == len(raws) - 1:
                        prefixes.append(p)
                        key = spelling_key(p, prefix=True) if bridged else ""
                        if key:
                            prefixes.append(key_token(key))
                    else:
                        self.forms.update(query_forms(look))
                        self.forms.add(p)
                        if bridged:
                            self.forms.update(key_token(k) for k in word_keys(look))
        self.prefixes = tuple(prefixes)
        #: Words as written that match / that were judged (matching or not).
        self._yes: set[str] = set()
        self._judged: set[str] = set()

    def _judge(self, new: set[str]) -> None:
        """Decide once whether each of these words (as written) matches the query."""
        self._judged |= new
        isdisjoint = self.forms.isdisjoint
        prefixes = self.prefixes
        if prefixes:
            self._yes.update(
                w
                for w in new
                if not isdisjoint(f := _raw_forms(w)) or any(x.startswith(prefixes) for x in f)
            )
        else:
            self._yes.update(w for w in new if not isdisjoint(_raw_forms(w)))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges ``[start, end)`` of ``text`` matched, merged and in order."""
        if not self.phrases:
            # One C-level split: separators at even indices, words at odd ones.
            parts = WORD_SPLIT_RE.split(text)
            found = set(parts[1::2])
            new = found - self._judged
            if new:
                self._judge(new)
            found &= self._yes
            if not found:
                return []
            ends = list(accumulate(map(len, parts)))
            # Words are disjoint and in order: nothing to merge.
            return [(ends[i - 1], ends[i]) for i in range(1, len(parts), 2) if parts[i] in found]
        tokens = list(words(text))
        new = {w for _s, _e, w in tokens} - self._judged
        if new:
            self._judge(new)
        yes = self._yes
        spans = [(s, e) for s, e, w in tokens if w in yes]
        folded = [_fold(w) for _s, _e, w in tokens]
        for phrase in self.phrases:
            n = len(phrase)
            for i in range(len(tokens) - n + 1):
                if n and folded[i : i + n] == phrase:
                    spans.append((tokens[i][0], tokens[i + n - 1][1]))
        return _merge(spans)


def match_spans(text: str, query: str | Query, bridge: bool = True) -> list[tuple[int, int]]:
    """Character ranges ``[start, end)`` of ``text`` that the query's words match, in order.

    For the UI to highlight hits inside the full utterance text (offsets into ``text`` as
    given). Word forms count as matches, as in the search; excluded words never do. For many
    texts, build one ``Highlighter`` instead.
    """
    q = parse_query(query) if isinstance(query, str) else query
    return Highlighter(q, bridge).spans(text)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def make_snippet(text: str, spans: Sequence[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """``text`` (cut to about ``width`` characters around the first match) with the matches
    wrapped in ``MARK_START``/``MARK_END``. Marks already in the text are neutralised first."""
    text = text.replace(MARK_START, "\ufffd").replace(MARK_END, "\ufffd")  # same length
    lo, hi = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        lo = max(0, first - width // 3)
        if lo:
            space = text.rfind(" ", 0, lo)
            lo = space + 1 if space >= 0 and lo - space < 20 else lo
        hi = min(len(text), lo + width)
        if hi < len(text):
            space = text.find(" ", hi)
            hi = space if 0 <= space < hi + 20 else hi
    pieces = ["…" if lo else ""]
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        pieces += [text[pos:s], MARK_START, text[s:e], MARK_END]
        pos = e
    pieces.append(text[pos:hi])
    if hi < len(text):
        pieces.append("…")
    return "".join(pieces)


# ---------------------------------------------------------------------------- results


@dataclass
class SearchHit:
    """One matching utterance, with what a results list shows.

    ``snippet`` has the matched words between ``MARK_START`` and ``MARK_END``; ``spans`` are
    the same matches as offsets into the full ``text``. ``tier`` says how it matched
    (``TIER_EXACT``, ``TIER_FORMS``, ``TIER_SPELLINGS``; 0 for a filters-only listing) and
    ``score`` is its bm25 inside that tier (lower is better, as FTS5 has it).
    """

    utterance_id: int
    transcript_id: int
    title: str
    seq: int
    speaker: str | None
    speaker_color: str | None
    start_ms: int | None
    end_ms: int | None
    text: str
    snippet: str
    verification: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0
    tier: int = 0

    def snippet_as(self, start: str = "**", end: str = "**") -> str:
        """The snippet with the marks replaced, e.g. ``**word**`` for a terminal."""
        return self.snippet.replace(MARK_START, start).replace(MARK_END, end)


#: A keyset cursor: (tier, bm25 score, utterance id) of the last hit of a page.
Cursor = tuple[int, float, int]


@dataclass
class SearchResult:
    """A page of hits.

    Attributes:
        total: hits in all; a lower bound ("50,000+") when ``total_exact`` is False, as the
            count stops at ``COUNT_CAP`` (counting is cheap, but not free at a million).
        approximate: always False: every match is ranked (kept for callers that ask).
        next_cursor: pass as ``cursor=`` for the next page; None on the last page.
        counted: False when the caller asked for no count (``search(count=False)``) and the
            page did not hold every match: ``total`` is then the matches found so far.
    """

    hits: list[SearchHit]
    total: int
    total_exact: bool = True
    approximate: bool = False
    next_cursor: Cursor | None = None
    query: Query | None = None
    #: {transcript id: matches}, when the caller asked (``count_by_transcript``)
    by_transcript: dict[int, int] | None = None
    by_transcript_exact: bool = True
    counted: bool = True

    @property
    def total_label(self) -> str:
        """The count for people: ``"12"`` or ``"50,000+"``."""
        return f"{self.total:,}" if self.total_exact else f"{self.total:,}+"


# ---------------------------------------------------------------------------- filters


def _sql_fold(value: object) -> str | None:
    return None if value is None else name_key(str(value))


_Stamp = tuple[int, int, int]
_speaker_cache: weakref.WeakKeyDictionary[
    Database, tuple[_Stamp, dict[str, list[tuple[int, int]]]]
] = weakref.WeakKeyDictionary()
_Ranges = dict[int, tuple[int, int]]
_range_cache: weakref.WeakKeyDictionary[Database, tuple[_Stamp, _Ranges | None]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class _Source:
    """What a search reads: the database, and its file (None in memory) for ``search_pool``.
    ``Library`` has both; the store passes its ``Database``, whose file SQLite knows."""

    db: Database
    path: Path | None


_paths: weakref.WeakKeyDictionary[Database, Path | None] = weakref.WeakKeyDictionary()


def _source(obj: Library | Database | _Source) -> _Source:
    if isinstance(obj, _Source):
        return obj
    db = getattr(obj, "db", None)
    if db is not None:  # a Library
        return _Source(db, getattr(obj, "path", None))
    database: Database = obj  # type: ignore[assignment]
    if database not in _paths:
        row = database.conn.execute("PRAGMA database_list").fetchone()
        _paths[database] = Path(row[2]) if row is not None and row[2] else None
    return _Source(database, _paths[database])


def _stamp(library: _Source) -> _Stamp:
    """Changes whenever the database may have: this connection's ``total_changes`` moves with
    every write it makes (a rename, an import, even one rolled back) and ``PRAGMA
    data_version`` with every commit by another connection."""
    conn = library.db.conn
    changes = conn.total_changes - _temp_writes.get(library.db, 0)
    return (id(conn), changes, conn.execute("PRAGMA data_version").fetchone()[0])


#: Rows this module wrote to its own temporary tables on a library's connection: they count in
#: ``total_changes`` but change nothing a search reads, so ``_stamp`` leaves them out (else
#: every filled table would make the caches below, and the tables themselves, stale).
_temp_writes: weakref.WeakKeyDictionary[Database, int] = weakref.WeakKeyDictionary()


def _speaker_keys(library: _Source) -> dict[str, list[tuple[int, int]]]:
    """{name_key of a display name or label: [(speaker id, transcript id)]}, for ``speaker:``.

    Names compare by ``name_key`` (Cyrillic casefolding that SQL can't do), which took a Python
    call per speaker row on every search (~10 ms for 5,000 speakers). So the map is built once
    and kept until the database changes (``_stamp``).
    """
    stamp = _stamp(library)
    cached = _speaker_cache.get(library.db)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    by_key: dict[str, list[tuple[int, int]]] = {}
    for sid, tid, name, label in library.db.conn.execute(
        "SELECT id, transcript_id, name, label FROM speakers"
    ):
        keys = {_name_key(str(v)) for v in (name, label) if v is not None}
        for key in keys:
            by_key.setdefault(key, []).append((sid, tid))
    _speaker_cache[library.db] = (stamp, by_key)
    return by_key


def _transcript_ranges(library: _Source) -> dict[int, tuple[int, int]] | None:
    """{transcript id: (first, last utterance id)}, or None if some transcript's utterances are
    not one unbroken run of ids (then filters fall back to a set of ids).

    An import inserts a transcript's utterances together and in order, so each transcript is
    a run of ids: a filter on transcripts (status, publisher, dates) is then a test of the
    match's rowid against a few ranges, costing the same per match however many utterances
    the passing transcripts hold. Two index lookups per transcript, kept until a change.
    """
    stamp = _stamp(library)
    cached = _range_cache.get(library.db)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    ranges: dict[int, tuple[int, int]] | None = {}
    rows = library.db.conn.execute(
        "SELECT t.id, t.utterance_count, "
        "(SELECT id FROM utterances WHERE transcript_id = t.id ORDER BY seq LIMIT 1), "
        "(SELECT id FROM utterances WHERE transcript_id = t.id ORDER BY seq DESC LIMIT 1) "
        "FROM transcripts t"
    ).fetchall()
    last = -1
    for tid, count, lo, hi in sorted(rows, key=lambda r: r[2] if r[2] is not None else -1):
        if lo is None:
            continue  # no utterances
        if hi - lo + 1 != count or lo <= last:
            ranges = None
            break
        ranges[tid] = (lo, hi)  # type: ignore[index]
        last = hi
    _range_cache[library.db] = (stamp, ranges)
    return ranges


@lru_cache(maxsize=50_000)
def _name_key(name: str) -> str:
    return name_key(name)


def _speaker_ids(
    library: _Source, q: Query, transcript_id: int | None, speaker: str | int | None
) -> list[int] | None:
    """Speaker ids ``speaker:`` and the ``speaker`` argument select; None: no speaker filter;
    an empty list: nobody matches."""
    names = [name_key(s) for s in q.speakers]
    ids: list[int] = []
    if isinstance(speaker, int):
        ids.append(speaker)
    elif speaker is not None and clean_text(speaker).strip():
        names.append(name_key(clean_text(speaker)))
    if not names:
        return ids if isinstance(speaker, int) else None
    by_key = _speaker_keys(library)
    for name in dict.fromkeys(names):
        found = by_key.get(name, ())
        ids += [sid for sid, tid in found if transcript_id is None or tid == transcript_id]
    return ids


def _transcript_conditions(q: Query) -> tuple[list[str], list[object]]:
    """SQL on ``t`` (transcripts) for the transcript-level filters."""
    where: list[str] = []
    params: list[object] = []
    if q.publishers:
        where.append(
            "(" + " OR ".join("instr(iv_fold(t.publisher), ?) > 0" for _ in q.publishers) + ")"
        )
        params += [name_key(p) for p in q.publishers]
    if q.statuses:
        where.append("t.verification IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(q.statuses))
    if q.after:
        where.append("t.released_on >= ?")
        params.append(q.after)
    if q.before:
        where.append("t.released_on <= ?")
        params.append(q.before + "\uffff" if len(q.before) < 10 else q.before)
    return where, params


#: The utterance ids inside a passage tagged with the name key given.
_TAG_IDS = (
    "SELECT u.id FROM tags tg JOIN passage_tags pt ON pt.tag_id = tg.id "
    "JOIN passages p ON p.id = pt.passage_id JOIN utterances u "
    "ON u.transcript_id = p.transcript_id AND u.seq BETWEEN p.first_seq AND p.last_seq "
    "WHERE tg.name_key = ?"
)


def _tag_condition(column: str) -> str:
    return f"{column} IN ({_TAG_IDS})"


@dataclass
class _RowFilter:
    """Conditions on a match's rowid (``{rowid}`` in the SQL), each a test FTS5 rows pass
    before they are ranked: the filters act inside the ranking query, never by running it
    again.

    * the transcript in view: a rowid range FTS5 itself skips to;
    * status, publisher, dates: the rowid against the passing transcripts' id ranges;
    * speaker and tag: the rowid in the set of their utterance ids (built once per statement
      from an index: a speaker's rows, a tag's passages).
    """

    #: SQL with ``{rowid}`` for the match's rowid and maybe ``{part}`` (where an id set can
    #: be narrowed to the rowid range ranked), and each one's parameters
    conds: list[str] = field(default_factory=list)
    params: list[list[object]] = field(default_factory=list)
    rowid_range: tuple[int, int] | None = None
    #: the run tables the conditions read (``_prepare_runs``)
    run_keys: list[int] = field(default_factory=list)
    #: the id-set tables the conditions read (``_prepare_id_sets``)
    id_keys: list[int] = field(default_factory=list)
    #: the library's database: writes to temporary tables on its own connection are counted
    #: so that they do not look like changes to the library (``_stamp``)
    db: Database | None = None

    def prepare(self, conn: sqlite3.Connection) -> None:
        _prepare_runs(conn, self.db, self.run_keys)
        _prepare_id_sets(conn, self.db, self.id_keys)

    def sql(self, column: str, part: tuple[int, int] | None = None) -> tuple[str, list[object]]:
        """`` AND ...`` conditions on ``column`` and their parameters; ``part`` narrows the
        rowid range further (it must lie inside ``rowid_range``), and the id sets are then
        built for that range only."""
        span = part or self.rowid_range
        out: list[str] = []
        params: list[object] = []
        for cond, args in zip(self.conds, self.params, strict=True):
            cond = cond.replace("{rowid}", column)
            if "{part}" in cond:
                cond = cond.replace("{part}", "" if span is None else " AND u.id BETWEEN ? AND ?")
                params += [*args, *(span or ())]
            else:
                params += args
            out.append(cond)
        if span is not None:
            out.append(f"{column} BETWEEN ? AND ?")
            params += list(span)
        return "".join(f" AND {c}" for c in out), params


def _row_filter(
    library: _Source, q: Query, transcript_id: int | None, speaker: str | int | None
) -> _RowFilter | None:
    """The filters as a ``_RowFilter``; None when nothing can pass."""
    conn = library.db.conn
    f = _RowFilter()
    if transcript_id is not None:
        lo_hi = conn.execute(
            "SELECT min(id), max(id) FROM utterances WHERE transcript_id = ?", [transcript_id]
        ).fetchone()
        if lo_hi[0] is None:
            return None
        # A transcript's utterances are inserted together: one rowid range FTS5 can skip to
        # (turns inserted by a correction later may lie outside the run, hence min and max,
        # and the test of the transcript below).
        f.rowid_range = (int(lo_hi[0]), int(lo_hi[1]))
        f.conds.append(
            "({rowid} + 0) IN (SELECT u.id FROM utterances u WHERE u.transcript_id = ?{part})"
        )
        f.params.append([transcript_id])
    f.db = library.db
    ids = _speaker_ids(library, q, transcript_id, speaker)
    if ids is not None:
        if not ids:
            return None
        _id_set_condition(
            library,
            f,
            "SELECT u.id FROM utterances u WHERE u.speaker_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(ids))],
        )
    for tag in q.tags:
        _id_set_condition(library, f, _TAG_IDS, [tag.strip().casefold()])
    where, params = _transcript_conditions(q)
    if where:
        passing = _passing_transcripts(library, where, params)
        if not passing:
            return None
        ranges = _transcript_ranges(library)
        if ranges is None:
            f.conds.append(
                "({rowid} + 0) IN (SELECT u.id FROM utterances u WHERE u.transcript_id IN "
                "(SELECT value FROM json_each(?)){part})"
            )
            f.params.append([json.dumps(passing)])
        elif len(passing) < len(ranges):
            runs = _merged_runs(sorted(ranges[t] for t in passing if t in ranges))
            if not runs:
                return None
            key = _register_runs(runs)
            f.run_keys.append(key)
            f.conds.append(_runs_condition(key))
            f.params.append([])
    return f


def _temp_table(
    conn: sqlite3.Connection,
    db: Database | None,
    name: str,
    columns: str,
    insert: str,
    rows: Sequence[Sequence[object]] | None = None,
    params: Sequence[object] = (),
) -> bool:
    """Create ``temp.name (columns)`` on ``conn`` if it is missing and, if it is empty, fill it
    with ``insert`` (run for each of ``rows``, or once with ``params``); True when it was
    filled now. Every temporary table a search reads is made here:
    they can be written on a read-only connection; a transaction this opens is committed; and
    the rows written on the library's own connection (``db``'s) are kept out of ``_stamp``."""
    before, was_open = conn.total_changes, conn.in_transaction
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
    filled = conn.execute(f"SELECT 1 FROM temp.{name} LIMIT 1").fetchone() is None
    if filled and rows is not None:
        conn.executemany(insert, rows)
    elif filled:
        conn.execute(insert, list(params))
    if not was_open and conn.in_transaction:
        conn.commit()
    if db is not None and conn is db.conn and conn.total_changes != before:
        _temp_writes[db] = _temp_writes.get(db, 0) + conn.total_changes - before
    return filled


def _drop_temp_tables(conn: sqlite3.Connection, prefix: str, keep: Collection[str]) -> None:
    """Drop this module's temporary tables named ``prefix...`` except ``keep``."""
    for (old,) in conn.execute(
        "SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name LIKE ?",
        [prefix + "%"],
    ).fetchall():
        if old not in keep:
            conn.execute(f"DROP TABLE temp.{old}")


#: id(ranges dict) -> (the dict, its table's name): ``_transcript_ranges`` keeps one dict per
#: library state, so this names the table without hashing 2,000 ranges at every count.
_starts_tables: dict[int, tuple[_Ranges, str]] = {}


def _starts_table(conn: sqlite3.Connection, db: Database, ranges: _Ranges) -> str:
    """A temporary table (lo INTEGER PRIMARY KEY, tid) of each transcript's first utterance
    id, filled on ``conn`` once per set of ranges; older ones are dropped."""
    found = _starts_tables.get(id(ranges))
    if found is None or found[0] is not ranges:
        key = hash(tuple(sorted((lo, hi, t) for t, (lo, hi) in ranges.items()))) & 0x7FFFFFFF
        found = (ranges, f"iv_starts_{key}")
        if len(_starts_tables) >= 16:
            _starts_tables.pop(next(iter(_starts_tables)))
        _starts_tables[id(ranges)] = found
    name = found[1]
    starts = sorted((lo, t) for t, (lo, _hi) in ranges.items())
    if _temp_table(
        conn,
        db,
        name,
        "lo INTEGER PRIMARY KEY, tid INTEGER",
        f"INSERT INTO temp.{name} (lo, tid) VALUES (?, ?)",
        rows=starts,
    ):
        _drop_temp_tables(conn, "iv_starts_", {name})
    return name


#: (conditions, parameters, library state) -> the transcript ids passing them
_passing_cache: dict[tuple[object, ...], list[int]] = {}


def _passing_transcripts(library: _Source, where: list[str], params: list[object]) -> list[int]:
    """Ids of the transcripts the transcript-level filters pass, kept until the library
    changes: ``publisher:`` folds every transcript's publisher in Python (a few ms for 2,000
    transcripts), paid again at every keystroke of the words after it."""
    key = (" AND ".join(where), tuple(params), _stamp(library))
    found = _passing_cache.get(key)
    if found is None:
        found = [
            int(r[0])
            for r in library.db.conn.execute(
                f"SELECT t.id FROM transcripts t WHERE {key[0]}", params
            )
        ]
        if len(_passing_cache) >= 64:
            _passing_cache.pop(next(iter(_passing_cache)))
        _passing_cache[key] = found
    return found


def _merged_runs(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with neighbours (``hi + 1 == next lo``) joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


#: Id runs a filter stands for, by the number its temporary table is named after.
_runs: dict[int, list[tuple[int, int]]] = {}
_RUNS_KEPT = 64


def _register_runs(runs: list[tuple[int, int]]) -> int:
    """Keep ``runs`` and return their key: ``_runs_table`` names the temporary table that
    holds them on each connection (``_prepare_runs`` fills it there)."""
    key = hash(tuple(runs)) & 0x7FFFFFFF
    if key not in _runs:
        if len(_runs) >= _RUNS_KEPT:
            _runs.pop(next(iter(_runs)))
        _runs[key] = runs
    return key


def _runs_table(key: int) -> str:
    return f"temp.iv_runs_{key}"


def _runs_condition(key: int) -> str:
    """A match's rowid inside one of the runs: one seek in a small temporary table (C speed;
    a Python function per match cost twice as much and held the GIL)."""
    return (
        f"(SELECT hi FROM {_runs_table(key)} WHERE lo <= {{rowid}} ORDER BY lo DESC LIMIT 1)"
        " >= {rowid}"
    )


def _prepare_runs(conn: sqlite3.Connection, db: Database | None, keys: Sequence[int]) -> None:
    """Create and fill the temporary run tables ``keys`` name on ``conn``, once each."""
    for key in keys:
        _temp_table(
            conn,
            db,
            f"iv_runs_{key}",
            "lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL",
            f"INSERT INTO {_runs_table(key)} (lo, hi) VALUES (?, ?)",
            rows=_runs[key],
        )


#: Id sets a filter stands for (its SELECT of utterance ids and parameters), by the number the
#: temporary table holding them is named after; the number includes the library's state, so a
#: change to the library names new tables.
_id_sets: dict[int, tuple[str, tuple[object, ...]]] = {}
#: Id-set tables kept on one connection (each at most a few MB: one integer per row).
_ID_SETS_KEPT = 8


def _id_set_condition(library: _Source, f: _RowFilter, select: str, params: list[object]) -> None:
    """Add "the match's rowid is in what ``select`` returns" to ``f``, as a lookup in a
    temporary table of those ids.

    A speaker's or a tag's rows used to be a subquery in every statement: SQLite built an
    index of all of them (tens of thousands of ids for a speaker of most calls) for each half
    of the ranking and again for the count, at every search. The table is filled once per
    connection and library state, so the words typed after ``speaker:Mother`` are ranked
    against a ready index (the ranking about 4x, the count about 2x faster).
    """
    key = hash((select, tuple(params), _stamp(library))) & 0x7FFFFFFF
    if key not in _id_sets:
        if len(_id_sets) >= 4 * _ID_SETS_KEPT:
            _id_sets.pop(next(iter(_id_sets)))
        _id_sets[key] = (select, tuple(params))
    f.id_keys.append(key)
    f.conds.append(f"({{rowid}} + 0) IN temp.iv_ids_{key}")
    f.params.append([])


def _prepare_id_sets(conn: sqlite3.Connection, db: Database | None, keys: Sequence[int]) -> None:
    """Create and fill the id-set tables ``keys`` name on ``conn``, once each; beyond
    ``_ID_SETS_KEPT`` on a connection, the oldest others are dropped."""
    filled = False
    for key in keys:
        select, params = _id_sets[key]
        filled |= _temp_table(
            conn,
            db,
            f"iv_ids_{key}",
            "id INTEGER PRIMARY KEY",
            f"INSERT OR IGNORE INTO temp.iv_ids_{key} {select} ORDER BY 1",
            params=params,
        )
    if filled:
        names = [  # oldest first
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' "
                "AND name LIKE 'iv_ids_%' ORDER BY rowid"
            )
        ]
        wanted = {f"iv_ids_{k}" for k in keys}
        excess = max(0, len(names) - _ID_SETS_KEPT)
        stale = [n for n in names if n not in wanted][:excess]
        _drop_temp_tables(conn, "iv_ids_", set(names) - set(stale))


def _filters(
    library: _Source, q: Query, transcript_id: int | None, speaker: str | int | None
) -> tuple[list[str], list[object], bool] | None:
    """SQL conditions on ``u`` (utterances) and ``t`` (transcripts) for a filters-only listing;
    None if nothing can match. Returns (conditions, params, needs_transcripts_join)."""
    where: list[str] = []
    params: list[object] = []
    ids = _speaker_ids(library, q, transcript_id, speaker)
    if ids is not None:
        if not ids:
            return None
        where.append("u.speaker_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
    if transcript_id is not None:
        where.append("u.transcript_id = ?")
        params.append(transcript_id)
    for tag in q.tags:
        where.append(_tag_condition("u.id").replace("{part}", ""))
        params.append(tag.strip().casefold())
    t_where, t_params = _transcript_conditions(q)
    return where + t_where, params + t_params, bool(t_where)


# ---------------------------------------------------------------------------- running

_HIT_COLUMNS = (
    "u.id, u.transcript_id, t.title, u.seq, s.name, s.color, u.start_ms, u.end_ms, u.text, "
    "t.verification"
)
_HIT_JOINS = (
    "JOIN transcripts t ON t.id = u.transcript_id LEFT JOIN speakers s ON s.id = u.speaker_id"
)


def search(
    lib_or_db: Library | Database,
    query: str,
    transcript_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    speaker: str | int | None = None,
    *,
    cursor: Cursor | None = None,
    bridge: bool = True,
    exhaustive: bool = True,
    count: bool = True,
) -> SearchResult:
    """Run ``query`` over the library (or one transcript) and return one page of hits.

    ``speaker`` (a display name or label, or a speaker id) narrows like ``speaker:`` does.
    ``bridge=False`` turns the spelling bridge off for every word (as ``exact:`` does for one):
    Kupyansk then finds only Kupyansk, not Купянск. Pages: pass the previous result's
    ``next_cursor`` as ``cursor`` (``offset`` works too). ``exhaustive`` is accepted for old
    callers: every match is always ranked.

    ``count=False`` leaves the count out when the page does not already hold every match:
    the result's ``counted`` is then False and ``total`` only says how many were found so far
    ("100+"). The window shows a page that way at once and counts after it
    (``count_by_transcript``, which it needs for the groups anyway): the count is a second
    pass over every match, as long as ranking the first page for a filtered query.
    """
    del exhaustive
    library = _source(lib_or_db)
    if not isinstance(query, str):
        raise _fail("it is not text")
    q = _parsed(query)
    if not q.has_words and not q.has_filters and speaker is None:
        if q.excluded:
            raise _fail("it only excludes words; add a word or a filter to search for")
        raise _fail("there is nothing to search for; type a word, or speaker:NAME")
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    conn: sqlite3.Connection = library.db.conn
    _setup_connection(conn)
    try:
        if q.has_words:
            rf = _row_filter(library, q, transcript_id, speaker)
            if rf is None:
                return SearchResult([], 0, query=q)
            return _search_fts(
                library, q, query, bool(bridge), rf, limit, offset, cursor, bool(count)
            )
        filt = _filters(library, q, transcript_id, speaker)
        if filt is None:
            return SearchResult([], 0, query=q)
        where, params, needs_t = filt
        return _search_filtered(
            library, q, where, params, needs_t, limit, offset, cursor, bool(count)
        )
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise _fail(str(exc)) from exc
        raise


def _setup_connection(conn: sqlite3.Connection) -> None:
    """The SQL functions a search's statements call, on any connection that runs them."""
    conn.create_function("iv_fold", 1, _sql_fold, deterministic=True)


def _parts(conn: sqlite3.Connection, rf: _RowFilter, parallel: bool) -> list[tuple[int, int]]:
    """The rowid ranges to rank side by side: two halves when ``parallel``, else one."""
    if rf.rowid_range is not None:
        lo, hi = rf.rowid_range
    else:
        # Two subqueries: min() and max() in one SELECT would scan the table.
        row = conn.execute(
            "SELECT (SELECT min(id) FROM utterances), (SELECT max(id) FROM utterances)"
        ).fetchone()
        if row[0] is None:
            return []
        lo, hi = int(row[0]), int(row[1])
    if not parallel or hi - lo < 1_000:
        return [(lo, hi)]
    mid = (lo + hi) // 2
    return [(lo, mid), (mid + 1, hi)]


def _rank_statement(
    match: str, rf: _RowFilter, part: tuple[int, int], page: tuple[str, list[object]], n: int
) -> tuple[str, list[object]]:
    """One tier's ranking over one rowid range: bm25 over every match there that passes the
    filters, best first; ``page`` is the cursor's condition (or none)."""
    cond, params = rf.sql("utterances_fts.rowid", part)
    # bm25, then rowid: rowid order is (transcript, seq) order, the stable tie-break.
    sql = (
        f"SELECT rowid, s FROM (SELECT utterances_fts.rowid, "
        f"bm25(utterances_fts, {TEXT_WEIGHT}, {NORM_WEIGHT}) AS s "
        f"FROM utterances_fts WHERE utterances_fts MATCH ?{cond}){page[0]} "
        "ORDER BY s, rowid LIMIT ?"
    )
    return sql, [match, *params, *page[1], n]


def _count_statement(match: str, rf: _RowFilter) -> tuple[str, list[object]]:
    """Matches passing the filters, counted (without bm25) up to ``COUNT_CAP`` + 1."""
    cond, params = rf.sql("utterances_fts.rowid")
    sql = (
        "SELECT count(*) FROM (SELECT utterances_fts.rowid FROM utterances_fts "
        f"WHERE utterances_fts MATCH ?{cond} LIMIT ?)"
    )
    return sql, [match, *params, COUNT_CAP + 1]


def _search_fts(
    library: _Source,
    q: Query,
    query: str,
    bridge: bool,
    rf: _RowFilter,
    limit: int,
    offset: int,
    cursor: Cursor | None,
    count: bool = True,
) -> SearchResult:
    """Words (and maybe filters): each tier ranked in turn until the page is full.

    A tier's statement is the bare ``MATCH ... ORDER BY bm25 LIMIT n`` plus the filters'
    conditions, so FTS5 ranks every row of the tier (no cap) but only rows that pass. On a
    library file the two halves of the rowids are ranked at once and merged, with the count
    beside them (``search_pool``). The count is a cheaper pass (no bm25) over the widest
    expression, stopped at ``COUNT_CAP``; on one connection it is skipped when the first page
    already holds every match.
    """
    conn = library.db.conn
    parallel = search_pool.can_share(library)
    parts = _parts(conn, rf, parallel)
    if not parts:
        return SearchResult([], 0, query=q)
    want = offset + limit
    picked: list[tuple[int, float, int]] = []  # (tier, score, id)
    exhausted = True
    counted: int | None = None
    widest = compile_match(query, bridge) or ""
    for tier, match in compile_tiers(query, bridge):
        if cursor is not None and tier < cursor[0]:
            continue
        need = want - len(picked)
        if need <= 0:
            exhausted = False
            break
        page: tuple[str, list[object]] = ("", [])
        if cursor is not None and tier == cursor[0]:
            c_score, c_id = float(cursor[1]), int(cursor[2])
            page = (" WHERE s > ? OR (s = ? AND rowid > ?)", [c_score, c_score, c_id])
        statements = [_rank_statement(match, rf, part, page, need + 1) for part in parts]
        with_count = parallel and counted is None and count
        if with_count:
            statements.append(_count_statement(widest, rf))
        results = search_pool.run_all(library, statements, _setup_connection, rf.prepare)
        if with_count:
            counted = int(results.pop()[0][0])
        rows = sorted((float(sc), int(rid)) for part in results for rid, sc in part)
        if len(rows) > need:
            exhausted = False
            rows = rows[:need]
        picked += [(tier, sc, rid) for sc, rid in rows]
        if not exhausted:
            break
    page_rows = picked[offset:]
    counted_now = True
    if cursor is None and offset == 0 and exhausted:
        n, exact = len(picked), True
    elif not count:  # found so far; the caller counts later if it wants
        n, exact, counted_now = len(picked), False, False
    else:
        if counted is None:
            rf.prepare(conn)
            sql, params = _count_statement(widest, rf)
            counted = int(conn.execute(sql, params).fetchone()[0])
        n, exact = min(counted, COUNT_CAP), counted <= COUNT_CAP
    return _result(q, _hit_rows(conn, page_rows), n, exact, limit, bridge, counted=counted_now)


def _hit_rows(
    conn: sqlite3.Connection, page: list[tuple[int, float, int]]
) -> list[tuple[tuple[object, ...], int, float]]:
    """The page's rows joined to their transcript and speaker, in the page's order."""
    if not page:
        return []
    rows = conn.execute(
        f"SELECT {_HIT_COLUMNS} FROM utterances u {_HIT_JOINS} "
        "WHERE u.id IN (SELECT value FROM json_each(?))",
        [json.dumps([i for _t, _s, i in page])],
    ).fetchall()
    by_id = {r[0]: r for r in _numbered(conn, rows)}
    return [(by_id[i], t, s) for t, s, i in page if i in by_id]


def _numbered(conn: sqlite3.Connection, rows: list[Any]) -> list[Any]:
    """Hit rows with the turn number in place of the stored ordering key (``turn_order``):
    the same thing except in a transcript a correction added turns to."""
    sparse = turn_order.sparse_among(conn, {r[1] for r in rows})
    if not sparse:
        return rows
    out = []
    for tid in sparse:
        numbers = turn_order.numbers_for(conn, tid, [r[3] for r in rows if r[1] == tid])
        out += [(*r[:3], numbers[r[3]], *r[4:]) for r in rows if r[1] == tid]
    return out + [r for r in rows if r[1] not in sparse]


def _search_filtered(
    library: _Source,
    q: Query,
    where: list[str],
    params: list[object],
    needs_t: bool,
    limit: int,
    offset: int,
    cursor: Cursor | None,
    count: bool = True,
) -> SearchResult:
    """Filters only (``speaker:Mother``): everything they select, in transcript order."""
    conn = library.db.conn
    conds = list(where) or ["1"]
    args = list(params)
    excluded = excluded_expression(q)
    if excluded:
        conds.append("u.id NOT IN (SELECT rowid FROM utterances_fts WHERE utterances_fts MATCH ?)")
        args.append(excluded)
    joins = " JOIN transcripts t ON t.id = u.transcript_id" if needs_t else ""
    base = f"SELECT u.id AS id FROM utterances u{joins} WHERE {' AND '.join(conds)}"
    page_where, page_args = "", []
    if cursor is not None:
        page_where, page_args = " AND u.id > ?", [int(cursor[-1])]
    ids = conn.execute(
        f"{base}{page_where} ORDER BY u.id LIMIT ? OFFSET ?", [*args, *page_args, limit, offset]
    ).fetchall()
    page = [(0, 0.0, int(r[0])) for r in ids]
    counted_now = True
    if cursor is None and offset == 0 and len(page) < limit:
        n = len(page)
    elif not count:  # found so far
        n, counted_now = offset + len(page), False
    else:
        count_sql = f"SELECT count(*) FROM ({base} LIMIT ?)"
        n = conn.execute(count_sql, [*args, COUNT_CAP + 1]).fetchone()[0]
    exact = counted_now and n <= COUNT_CAP
    hits = _hit_rows(conn, page)
    return _result(q, hits, min(n, COUNT_CAP), exact, limit, True, counted=counted_now)


def _result(
    q: Query,
    rows: list[tuple[tuple[object, ...], int, float]],
    total: int,
    total_exact: bool,
    limit: int,
    bridge: bool,
    *,
    counted: bool = True,
) -> SearchResult:
    spans_of = Highlighter(q, bridge).spans
    hits = []
    for r, tier, score in rows:
        # The columns are SearchHit's own order up to ``text``, then the verification; the
        # types are the schema's (INTEGER / TEXT NOT NULL), so no conversions per hit.
        text: str = r[8]  # type: ignore[assignment]
        spans = spans_of(text)
        hits.append(
            SearchHit(  # type: ignore[call-arg]
                *r[:9],  # type: ignore[arg-type]
                make_snippet(text, spans),
                r[9],
                spans,
                score,
                tier,
            )
        )
    next_cursor = None
    if hits and len(hits) == limit:
        next_cursor = (hits[-1].tier, hits[-1].score, hits[-1].utterance_id)
    return SearchResult(hits, total, total_exact, False, next_cursor, q, counted=counted)


# ---------------------------------------------------------------------------- the window's helpers


def step_in_transcript(
    lib_or_db: Library | Database,
    query: str,
    transcript_id: int,
    seq: int,
    step: int = 1,
    speaker: str | int | None = None,
    *,
    bridge: bool = True,
) -> int | None:
    """The seq of the next (``step`` > 0) or previous hit after ``seq`` in reading order,
    wrapping around the transcript's ends; None when nothing in it matches.

    F3 inside a transcript goes down the page, not down the ranking: one statement over the
    transcript's matches (its rowid range), no bm25. Raises only ``QueryError``.
    """
    library = _source(lib_or_db)
    q = _parsed(query)
    conn = library.db.conn
    _setup_connection(conn)
    match = compile_match(query, bridge)
    if match is None:
        filt = _filters(library, q, transcript_id, speaker)
        if filt is None:
            return None
        where, params, needs_t = filt
        joins = " JOIN transcripts t ON t.id = u.transcript_id" if needs_t else ""
        base, args = f"FROM utterances u{joins} WHERE {' AND '.join(where)}", params
    else:
        rf = _row_filter(library, q, transcript_id, speaker)
        if rf is None:
            return None
        rf.prepare(conn)
        cond, args = rf.sql("utterances_fts.rowid")
        base = (
            "FROM utterances_fts JOIN utterances u ON u.id = utterances_fts.rowid "
            f"WHERE utterances_fts MATCH ?{cond} AND u.transcript_id = ?"
        )
        args = [match, *args, transcript_id]
    order = "ASC" if step > 0 else "DESC"
    beyond = "u.seq > ?" if step > 0 else "u.seq < ?"
    sparse = turn_order.is_sparse(conn, transcript_id)
    key: turn_order.Key = seq
    if sparse and seq >= 1:
        key = turn_order.key_at(conn, transcript_id, seq, sparse=True)
    try:
        row = conn.execute(
            f"SELECT u.seq {base} AND {beyond} ORDER BY u.seq {order} LIMIT 1", [*args, key]
        ).fetchone()
        if row is None:  # wrap around
            row = conn.execute(
                f"SELECT u.seq {base} ORDER BY u.seq {order} LIMIT 1", args
            ).fetchone()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise _fail(str(exc)) from exc
        raise
    if row is None:
        return None
    return turn_order.number_of(conn, transcript_id, row[0], sparse=sparse)


def count_by_transcript(
    lib_or_db: Library | Database,
    query: str,
    speaker: str | int | None = None,
    *,
    bridge: bool = True,
) -> tuple[dict[int, int], bool]:
    """{transcript id: matches in it} over the whole library, for grouping hits by transcript;
    counted up to ``COUNT_CAP`` matches in all (the bool says whether that was every match).
    Raises only ``QueryError``."""
    library = _source(lib_or_db)
    q = _parsed(query)
    match = compile_match(query, bridge)
    if match is None:
        return {}, True
    conn = library.db.conn
    _setup_connection(conn)
    rf = _row_filter(library, q, None, speaker)
    if rf is None:
        return {}, True
    rf.prepare(conn)
    cond, params = rf.sql("utterances_fts.rowid")
    matches = (
        f"SELECT utterances_fts.rowid AS id FROM utterances_fts WHERE utterances_fts MATCH ?{cond} "
        "LIMIT ?"
    )
    ranges = _transcript_ranges(library)
    if ranges:
        # Each transcript one run of ids: a match's transcript is a seek in a table of 2,000
        # run starts, not in the million-row utterances table (70 -> 28 ms for 50,000 matches).
        table = _starts_table(conn, library.db, ranges)
        sql = (
            f"SELECT (SELECT tid FROM temp.{table} WHERE lo <= m.id ORDER BY lo DESC LIMIT 1), "
            f"count(*) FROM ({matches}) m GROUP BY 1"
        )
    else:
        sql = (
            f"SELECT u.transcript_id, count(*) FROM ({matches}) m "
            "JOIN utterances u ON u.id = m.id GROUP BY u.transcript_id"
        )
    try:
        rows = conn.execute(sql, [match, *params, COUNT_CAP + 1]).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise _fail(str(exc)) from exc
        raise
    counts = {int(t): int(n) for t, n in rows}
    return counts, sum(counts.values()) <= COUNT_CAP
