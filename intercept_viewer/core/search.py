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

Speed (1M utterances): FTS5 ranks by ``bm25`` in an inner query over rowids; the page's rows are
joined and their snippets made only for the page. Ranking a word found in most utterances would
sort all of them, so at most ``CANDIDATE_CAP`` matches (the newest) are ranked: the result then
says ``approximate`` and its ``total`` is a lower bound ("20,000+"). Paging uses a keyset cursor
(``SearchResult.next_cursor``), not a growing OFFSET.
"""

from __future__ import annotations

import json
import re
import sqlite3
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Literal

from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.model import VERIFICATION_STATES
from intercept_viewer.core.rows import named_rows
from intercept_viewer.core.wordforms import (
    WORD_SPLIT_RE,
    fold,
    query_forms,
    word_forms,
    words,
)

if TYPE_CHECKING:
    from intercept_viewer.core.database import Database

#: Marks around matched words in ``SearchHit.snippet``: private-use characters, removed from the
#: text first, so a transcript cannot forge a highlight.
MARK_START = "\ue000"
MARK_END = "\ue001"
#: At most this many matches are ranked (see the module docstring).
CANDIDATE_CAP = 20_000
#: Hits are counted up to this many ("1,000,000+" beyond).
COUNT_CAP = 1_000_000
#: bm25 column weights: the word as written (text) outranks another form of it (text_norm).
TEXT_WEIGHT = 4.0
NORM_WEIGHT = 1.0
#: Longer snippets are cut to about this many characters around the first match.
SNIPPET_CHARS = 180
MAX_TERMS = 64

FIELDS = ("speaker", "tag", "publisher", "status", "after", "before")
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


def _lex(s: str) -> list[tuple[str, bool, str, str]]:
    """Cut the query into (kind, negated, field_or_kind, value) tokens; kind is 'OR', 'field'
    or 'term'."""
    out: list[tuple[str, bool, str, str]] = []
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
            out.append(("term", neg, "phrase", value))
            continue
        j = i
        while j < n and not s[j].isspace() and s[j] not in _OPEN_QUOTES:
            j += 1
        chunk = s[i:j]
        name, colon, value = chunk.partition(":")
        if colon and name.casefold() in FIELDS:
            if not value and j < n and s[j] in _OPEN_QUOTES:
                value, j = _read_quoted(s, j)
            value = value.strip()
            if not value:
                raise _fail(
                    f"{name}: needs a value, e.g. {name.casefold()}:{_EXAMPLES[name.casefold()]}"
                )
            if neg:
                raise _fail(f"-{name}: can't be excluded; leave the filter out instead")
            out.append(("field", False, name.casefold(), value))
        elif chunk == "OR" and not neg:
            out.append(("OR", False, "", ""))
        elif chunk == "AND" and not neg:
            pass  # words are ANDed anyway
        else:
            kind = "prefix" if chunk.endswith("*") else "word"
            out.append(("term", neg, kind, chunk.rstrip("*") if kind == "prefix" else chunk))
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
    for kind, neg, sub, value in _lex(clean_text(text)):
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
        term = Term(sub, value)  # type: ignore[arg-type]
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


def _quote(s: str) -> str:
    """An FTS5 string: anything inside double quotes is literal text, ``"`` doubled."""
    return '"' + s.replace('"', '""') + '"'


def _word_expr(raw: str, prefix: bool) -> str:
    """One word: as written in ``text`` (ranked first), or any of its forms in ``text_norm``."""
    star = " *" if prefix else ""
    folded = fold(raw)
    exact = f"text : {_quote(raw.lower())}{star}"
    if prefix:
        return f"({exact} OR text_norm : {_quote(folded)}{star})"
    forms = " OR ".join(_quote(f) for f in query_forms(folded))
    return f"({exact} OR text_norm : ({forms}))"


def _term_expr(term: Term) -> str:
    parts = [w for _s, _e, w in words(term.text) if fold(w)]
    if term.kind == "phrase":
        return f"text : {_quote(' '.join(p.lower() for p in parts))}"
    exprs = [
        _word_expr(p, term.kind == "prefix" and i == len(parts) - 1) for i, p in enumerate(parts)
    ]
    return exprs[0] if len(exprs) == 1 else "(" + " AND ".join(exprs) + ")"


def positive_expression(q: Query) -> str | None:
    """The FTS5 MATCH string for the words to find (None when the query has none)."""
    if not q.groups:
        return None
    groups = []
    for g in q.groups:
        exprs = [_term_expr(t) for t in g]
        groups.append(exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")")
    return " AND ".join(groups)


def excluded_expression(q: Query) -> str | None:
    if not q.excluded:
        return None
    return "(" + " OR ".join(_term_expr(t) for t in q.excluded) + ")"


def fts_expression(q: Query) -> str | None:
    """The whole MATCH string: words to find, NOT the excluded ones."""
    pos, neg = positive_expression(q), excluded_expression(q)
    if pos and neg:
        return f"({pos}) NOT {neg}"
    return pos


@lru_cache(maxsize=256)
def _parsed(text: str) -> Query:
    """``parse_query``, remembered per query string (paging and re-runs parse once). The
    ``Query`` is shared: treat it as read-only."""
    return parse_query(text)


@lru_cache(maxsize=256)
def compile_match(text: str) -> str | None:
    """The FTS5 MATCH string ``search`` runs for the query ``text`` (None if it has no words to
    match), e.g. for a benchmark's bare-SQL baseline that must do the same matching work.
    Raises only ``QueryError``."""
    return fts_expression(_parsed(text))


# ---------------------------------------------------------------------------- highlighting


@lru_cache(maxsize=200_000)
def _fold(raw: str) -> str:
    return fold(raw)


@lru_cache(maxsize=200_000)
def _token_forms(folded: str) -> frozenset[str]:
    return frozenset((folded, *word_forms(folded, "ru"), *word_forms(folded, "uk")))


@lru_cache(maxsize=200_000)
def _raw_forms(raw: str) -> frozenset[str]:
    """The forms of a word as written (empty if it folds to nothing): one cached lookup per
    word of a hit text, where folding and analysing would be several calls."""
    f = fold(raw)
    return _token_forms(f) if f else frozenset()


class Highlighter:
    """Finds a query's matches in texts; build once per query, call ``spans`` per text.

    Every distinct word is judged once per highlighter (and its forms once per process), and
    a text's words are cut by one C-level regex pass and checked with set operations, so a
    page of 100 hits costs tens of microseconds, not a Python call per word.
    """

    def __init__(self, query: Query) -> None:
        self.forms: set[str] = set()
        self.prefixes: tuple[str, ...] = ()
        self.phrases: list[list[str]] = []
        prefixes: list[str] = []
        for group in query.groups:
            for term in group:
                parts = [f for f in (_fold(w) for _s, _e, w in words(term.text)) if f]
                if term.kind == "phrase":
                    self.phrases.append(parts)
                    continue
                for i, p in enumerate(parts):
                    if term.kind == "prefix" and i == len(parts) - 1:
                        prefixes.append(p)
                    else:
                        self.forms.update(query_forms(p))
                        self.forms.add(p)
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


def match_spans(text: str, query: str | Query) -> list[tuple[int, int]]:
    """Character ranges ``[start, end)`` of ``text`` that the query's words match, in order.

    For the UI to highlight hits inside the full utterance text (offsets into ``text`` as
    given). Word forms count as matches, as in the search; excluded words never do. For many
    texts, build one ``Highlighter`` instead.
    """
    q = parse_query(query) if isinstance(query, str) else query
    return Highlighter(q).spans(text)


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
    the same matches as offsets into the full ``text``.
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

    def snippet_as(self, start: str = "**", end: str = "**") -> str:
        """The snippet with the marks replaced, e.g. ``**word**`` for a terminal."""
        return self.snippet.replace(MARK_START, start).replace(MARK_END, end)


@dataclass
class SearchResult:
    """A page of hits.

    Attributes:
        total: hits in all (a lower bound when ``total_exact`` is False).
        approximate: only the newest ``CANDIDATE_CAP`` matches were ranked.
        next_cursor: pass as ``cursor=`` for the next page; None on the last page.
    """

    hits: list[SearchHit]
    total: int
    total_exact: bool = True
    approximate: bool = False
    next_cursor: tuple[float, int] | None = None
    query: Query | None = None

    @property
    def total_label(self) -> str:
        """The count for people: ``"12"`` or ``"20,000+"``."""
        return f"{self.total:,}" if self.total_exact else f"{self.total:,}+"


# ---------------------------------------------------------------------------- running


def _sql_fold(value: object) -> str | None:
    return None if value is None else name_key(str(value))


_speaker_cache: weakref.WeakKeyDictionary[
    Database, tuple[tuple[int, int, int], dict[str, list[tuple[int, int]]]]
] = (
    weakref.WeakKeyDictionary()
)


def _speaker_keys(db: Database) -> dict[str, list[tuple[int, int]]]:
    """{name_key of a display name or label: [(speaker id, transcript id)]}, for ``speaker:``.

    Names compare by ``name_key`` (Cyrillic casefolding that SQL can't do), which took a Python
    call per speaker row on every search (~10 ms for 5,000 speakers). So the map is built once
    and kept until the database changes: this connection's ``total_changes`` moves with every
    write it makes (a rename, an import, even one rolled back) and ``PRAGMA data_version`` with
    every commit by another connection.
    """
    conn = db.conn
    stamp = (id(conn), conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0])
    cached = _speaker_cache.get(db)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    by_key: dict[str, list[tuple[int, int]]] = {}
    for sid, tid, name, label in conn.execute(
        "SELECT id, transcript_id, name, label FROM speakers"
    ):
        keys = {_name_key(str(v)) for v in (name, label) if v is not None}
        for key in keys:
            by_key.setdefault(key, []).append((sid, tid))
    _speaker_cache[db] = (stamp, by_key)
    return by_key


@lru_cache(maxsize=50_000)
def _name_key(name: str) -> str:
    return name_key(name)


def _filters(
    db: Database, q: Query, transcript_id: int | None, speaker: str | int | None
) -> tuple[list[str], list[object], bool] | None:
    """SQL conditions on ``u`` (utterances) and ``t`` (transcripts); None if nothing can match.

    Returns (conditions, params, needs_transcripts_join).
    """
    where: list[str] = []
    params: list[object] = []
    needs_t = False
    names = [name_key(s) for s in q.speakers]
    speaker_ids: list[int] = []
    if isinstance(speaker, int):
        speaker_ids.append(speaker)
    elif speaker is not None and clean_text(speaker).strip():
        names.append(name_key(clean_text(speaker)))
    if names:
        by_key = _speaker_keys(db)
        for name in dict.fromkeys(names):
            speaker_ids += [
                sid
                for sid, tid in by_key.get(name, ())
                if transcript_id is None or tid == transcript_id
            ]
        if not speaker_ids:
            return None
    if speaker_ids or isinstance(speaker, int):
        where.append("u.speaker_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(speaker_ids))
    if transcript_id is not None:
        where.append("u.transcript_id = ?")
        params.append(transcript_id)
    for tag in q.tags:
        where.append(
            "EXISTS (SELECT 1 FROM passages p JOIN passage_tags pt ON pt.passage_id = p.id "
            "JOIN tags tg ON tg.id = pt.tag_id WHERE tg.name_key = ? "
            "AND p.transcript_id = u.transcript_id AND u.seq BETWEEN p.first_seq AND p.last_seq)"
        )
        params.append(tag.strip().casefold())
    if q.publishers:
        needs_t = True
        where.append(
            "(" + " OR ".join("instr(iv_fold(t.publisher), ?) > 0" for _ in q.publishers) + ")"
        )
        params += [name_key(p) for p in q.publishers]
    if q.statuses:
        needs_t = True
        where.append("t.verification IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(q.statuses))
    if q.after:
        needs_t = True
        where.append("t.released_on >= ?")
        params.append(q.after)
    if q.before:
        needs_t = True
        where.append("t.released_on <= ?")
        params.append(q.before + "\uffff" if len(q.before) < 10 else q.before)
    return where, params, needs_t


_HIT_COLUMNS = (
    "u.id AS utterance_id, u.transcript_id AS transcript_id, t.title AS title, u.seq AS seq, "
    "s.name AS speaker, s.color AS speaker_color, u.start_ms AS start_ms, u.end_ms AS end_ms, "
    "u.text AS text, t.verification AS verification"
)
_HIT_JOINS = (
    "JOIN utterances u ON u.id = page.id JOIN transcripts t ON t.id = u.transcript_id "
    "LEFT JOIN speakers s ON s.id = u.speaker_id"
)


def search(
    db: Database,
    query: str,
    transcript_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    speaker: str | int | None = None,
    *,
    cursor: tuple[float, int] | None = None,
    exhaustive: bool = False,
) -> SearchResult:
    """Run ``query`` over the library (or one transcript) and return one page of hits.

    ``speaker`` (a display name or label, or a speaker id) narrows like ``speaker:`` does.
    Pages: pass the previous result's ``next_cursor`` as ``cursor`` (``offset`` works too,
    within the ranked set). ``exhaustive`` ranks every match even past ``CANDIDATE_CAP``
    (slower for very common words; for benchmarks and exports).
    """
    if not isinstance(query, str):
        raise _fail("it is not text")
    q = _parsed(query)
    if not q.has_words and not q.has_filters and speaker is None:
        if q.excluded:
            raise _fail("it only excludes words; add a word or a filter to search for")
        raise _fail("there is nothing to search for; type a word, or speaker:NAME")
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    conn: sqlite3.Connection = db.conn
    conn.create_function("iv_fold", 1, _sql_fold, deterministic=True)
    filt = _filters(db, q, transcript_id, speaker)
    if filt is None:
        return SearchResult([], 0, query=q)
    where, params, needs_t = filt
    try:
        if q.has_words:
            return _search_fts(
                conn,
                q,
                compile_match(query) or "",
                where,
                params,
                needs_t,
                transcript_id,
                limit,
                offset,
                cursor,
                exhaustive,
            )
        return _search_filtered(conn, q, where, params, needs_t, limit, offset, cursor)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise _fail(str(exc)) from exc
        raise


def _search_fts(
    conn: sqlite3.Connection,
    q: Query,
    match: str,
    where: list[str],
    params: list[object],
    needs_t: bool,
    transcript_id: int | None,
    limit: int,
    offset: int,
    cursor: tuple[float, int] | None,
    exhaustive: bool,
) -> SearchResult:
    """Words (and maybe filters): rank by bm25, one page of rows joined, then the count.

    What it costs beside the bare ``MATCH ... ORDER BY bm25 LIMIT n``:

    * no filters: the page is ranked among the newest ``CANDIDATE_CAP`` matches (FTS5 walks
      its index newest first and stops there; for fewer matches that *is* every match, so no
      count is needed to decide). The count, a cheap second FTS5 pass without bm25, runs only
      when the page does not already tell it (a full page, or a later one).
    * filters (speaker, tag, ...): each match is joined to its utterance, which costs as much
      as ranking; so the filtered matches are collected once (a materialised CTE) and both
      ranked and counted from there, not matched and joined a second time to count.
    """
    conds = ["utterances_fts MATCH ?", *where]
    args: list[object] = [match, *params]
    if transcript_id is not None:
        lo_hi = conn.execute(
            "SELECT min(id), max(id) FROM utterances WHERE transcript_id = ?", [transcript_id]
        ).fetchone()
        if lo_hi[0] is None:
            return SearchResult([], 0, query=q)
        # A transcript's utterances are inserted together: one rowid range FTS5 can skip to.
        conds.append("utterances_fts.rowid BETWEEN ? AND ?")
        args += list(lo_hi)
    joins = ""
    if where:
        joins = " JOIN utterances u ON u.id = utterances_fts.rowid"
        if needs_t:
            joins += " JOIN transcripts t ON t.id = u.transcript_id"
    body = f"FROM utterances_fts{joins} WHERE {' AND '.join(conds)}"
    inner = (
        f"SELECT utterances_fts.rowid AS id, bm25(utterances_fts, {TEXT_WEIGHT}, {NORM_WEIGHT}) "
        f"AS score {body}"
    )
    cap = CANDIDATE_CAP
    page_where, page_args = "", []
    if cursor is not None:
        page_where = "WHERE score > ? OR (score = ? AND id > ?)"
        page_args = [float(cursor[0]), float(cursor[0]), int(cursor[1])]
    first_page = cursor is None and offset == 0
    n: int | None = None
    if where:
        # Newest first, one past the cap: more rows than the cap means "approximate".
        bounded = "" if exhaustive else " ORDER BY utterances_fts.rowid DESC LIMIT ?"
        cte_args = [*args] if exhaustive else [*args, cap + 1]
        sql = (
            f"WITH m AS MATERIALIZED ({inner}{bounded}), "
            "c AS MATERIALIZED (SELECT count(*) AS n, min(id) AS low FROM m) "
            f"SELECT page.score AS score, (SELECT n FROM c) AS n, {_HIT_COLUMNS} FROM "
            "(SELECT id, score FROM (SELECT id, score FROM m "
            "WHERE (SELECT n FROM c) <= ? OR id > (SELECT low FROM c)) "
            f"{page_where} ORDER BY score, id LIMIT ? OFFSET ?) page {_HIT_JOINS} "
            "ORDER BY page.score, page.id"
        )
        # Exhaustive: every row of m is ranked (no bound to exceed).
        keep_all_up_to = 2**62 if exhaustive else cap
        rows = list(
            named_rows(conn.execute(sql, [*cte_args, keep_all_up_to, *page_args, limit, offset]))
        )
        if rows:
            n = int(rows[0]["n"])
        else:
            n = conn.execute(f"SELECT count(*) FROM ({inner}{bounded})", cte_args).fetchone()[0]
        approximate = n > cap and not exhaustive
        if approximate:
            # Only the newest cap + 1 were collected: count them all (bounded by COUNT_CAP).
            n = conn.execute(
                f"SELECT count(*) FROM (SELECT utterances_fts.rowid {body} LIMIT ?)",
                [*args, COUNT_CAP + 1],
            ).fetchone()[0]
    else:
        ranked = inner if exhaustive else f"{inner} ORDER BY utterances_fts.rowid DESC LIMIT ?"
        rank_args = args if exhaustive else [*args, cap]
        # bm25 then rowid: rowid order equals (transcript_id, seq) order, since a
        # transcript's utterances are inserted together in order -- the stable tie-break.
        sql = (
            f"SELECT page.score AS score, {_HIT_COLUMNS} FROM "
            f"(SELECT id, score FROM ({ranked}) {page_where} ORDER BY score, id LIMIT ? OFFSET ?) "
            f"page {_HIT_JOINS} ORDER BY page.score, page.id"
        )
        rows = list(named_rows(conn.execute(sql, [*rank_args, *page_args, limit, offset])))
        if first_page and len(rows) < limit:
            n = len(rows)  # every match is on this page: fewer than the cap, ranked in full
        else:
            n = conn.execute(f"SELECT count(*) {body}", args).fetchone()[0]
        approximate = n > cap and not exhaustive
    total, total_exact = min(n, COUNT_CAP), n <= COUNT_CAP
    return _result(q, rows, total, total_exact, approximate, limit)


def _search_filtered(
    conn: sqlite3.Connection,
    q: Query,
    where: list[str],
    params: list[object],
    needs_t: bool,
    limit: int,
    offset: int,
    cursor: tuple[float, int] | None,
) -> SearchResult:
    """Filters only (``speaker:Mother``): everything they select, in transcript order."""
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
        page_where, page_args = " AND u.id > ?", [int(cursor[1])]
    sql = (
        f"SELECT 0.0 AS score, {_HIT_COLUMNS} FROM ({base}{page_where} ORDER BY u.id "
        f"LIMIT ? OFFSET ?) page {_HIT_JOINS} ORDER BY page.id"
    )
    rows = list(named_rows(conn.execute(sql, [*args, *page_args, limit, offset])))
    n = conn.execute(
        f"SELECT count(*) FROM ({base} LIMIT ?)", [*args, CANDIDATE_CAP + 1]
    ).fetchone()[0]
    return _result(q, rows, min(n, CANDIDATE_CAP), n <= CANDIDATE_CAP, False, limit)


def _result(
    q: Query,
    rows: list[dict[str, Any]],
    total: int,
    total_exact: bool,
    approximate: bool,
    limit: int,
) -> SearchResult:
    spans_of = Highlighter(q).spans
    hits = []
    for r in rows:
        # Columns are named like SearchHit's fields; the types are the schema's (INTEGER /
        # TEXT NOT NULL), so no conversions per hit.
        r.pop("n", None)
        text: str = r["text"]
        spans = spans_of(text)
        hits.append(SearchHit(**r, snippet=make_snippet(text, spans), spans=spans))
    next_cursor = None
    if hits and len(hits) == limit:
        next_cursor = (hits[-1].score, hits[-1].utterance_id)
    return SearchResult(hits, total, total_exact, approximate, next_cursor, q)
