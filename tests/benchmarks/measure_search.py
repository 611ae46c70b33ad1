"""Search figures at a million utterances: speed per query class, two baselines, exactness.

Before measuring, the imported library gets what releases carry and the generated files don't:
publishers, release dates, verification statuses and tagged passages (``prepare_metadata``,
deterministic), so the ``publisher:``, ``status:``, date and ``tag:`` classes have something to
select.

Every query runs three ways, in turn, three times (a query's time is the median of its runs):

* ``Library.search`` as the window calls it for a first page: top 100 with snippets, titles
  and speakers, uncounted (``count=False``); the window counts after showing it, with
  ``count_by_transcript`` (the matches per transcript its groups show), timed on its own
  (``count_p50_ms``, per class too). Neither baseline counts.
* **own** (``search_ratio``): the app's own compiled tiers (``search.compile_tiers``) run as bare
  FTS5 SQL ranked by the same bm25, filters as plain joins, then the rows fetched: what the
  search layer adds over the FTS work it asks for.
* **plain** (``search_plain_ratio``): a plain utterance table with an FTS5 index over ``text``
  only (``build_plain``), queried with the words as typed (``plain_match``), filters as joins:
  what a bare full-text table would cost.

Exactness: each query's top 100 is compared with an exhaustive ranking (``exhaustive_top``):
every match of every tier, its bm25 read from FTS5 and filtered by an independent SQL rendering
of the filters, sorted in Python with no LIMIT anywhere. ``search_top100_overlap`` is the
smallest overlap over the queries and must be 100 (or every match, when there are fewer).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: (class, query): words people type, in every class the issue names. Frequencies range from
#: a handful of hits to tens of thousands, because both ends matter.
QUERIES: tuple[tuple[str, str], ...] = (
    ("words", "Kupyansk"),
    ("words", "Купянск"),
    ("words", "Куп'янськ"),
    ("words", "Бахмут"),
    ("words", "Авдеевка"),
    ("words", "деньги"),
    ("words", "гроші"),
    ("words", "money"),
    ("words", "командир"),
    ("words", "commander"),
    ("words", "бригада"),
    ("words", "drones"),
    ("words", "dugout"),
    ("words", "госпиталь"),
    ("words", "машину деньги"),
    ("words", "танки сгорели"),
    ("words", "prisoners shot"),
    ("words", "лейтенант батальон"),
    ("words", "Zaporizhzhia Melitopol"),
    ("forms", "Купянске"),
    ("forms", "Бахмуте"),
    ("forms", "Авдіївці"),
    ("forms", "денег"),
    ("forms", "командиром"),
    ("forms", "дроны"),
    ("forms", "блиндаже"),
    ("forms", "ротацию"),
    ("forms", "полонених"),
    ("phrases", '"воды нет"'),
    ("phrases", '"there is no water"'),
    ("phrases", '"я хочу домой"'),
    ("phrases", '"хочу додому"'),
    ("phrases", '"send me some money"'),
    ("prefixes", "Купян*"),
    ("prefixes", "Бахм*"),
    ("prefixes", "Kup*"),
    ("prefixes", "обстрел*"),
    ("prefixes", "shel*"),
    ("OR", "Бахмут OR Авдеевка"),
    ("OR", "money OR гроші"),
    ("OR", "дроны OR drones"),
    ("OR", "госпиталь OR hospital"),
    ("NOT", "деньги -машину"),
    ("NOT", "танки -сгорели"),
    ("NOT", "drones -shel*"),
    ("NOT", "Бахмут -Авдеевка"),
    ("speaker:", "speaker:Солдат деньги"),
    ("speaker:", "speaker:Мать Купянск"),
    ("speaker:", "speaker:Soldier money"),
    ("speaker:", "speaker:Wife home"),
    ("speaker:", "speaker:Окупант гроші"),
    ("speaker:", "speaker:Жена машину"),
    ("speaker:", "speaker:Командир наступать"),
    ("speaker:", "speaker:Mother call"),
    ("tag:", "tag:проверить деньги"),
    ("tag:", "tag:unit Бахмут"),
    ("tag:", "tag:проверить money"),
    ("tag:", "tag:unit командир"),
    ("publisher:", "publisher:HUR деньги"),
    ("publisher:", "publisher:SBU Купянск"),
    ("publisher:", "publisher:Kyiv drones"),
    ("publisher:", "publisher:HUR командир"),
    ("status:", "status:verified деньги"),
    ("status:", "status:disputed money"),
    ("status:", "status:corroborated Бахмут"),
    ("status:", "status:unverified гроші"),
    ("dates", "after:2024-06-01 деньги"),
    ("dates", "before:2023-12-31 Бахмут"),
    ("dates", "after:2024-01-01 before:2024-03-31 drones"),
    ("dates", "after:2023-07 before:2023-09 командир"),
)
PUBLISHERS = ("HUR", "SBU", "Kyiv Independent", "Ukrainska Pravda", "Meduza")
STATUSES = ("unverified",) * 6 + ("corroborated", "corroborated", "verified", "disputed")
TAGS = ("проверить", "unit")
#: Targets per query class, ms.
CLASS_P50_MS = 30.0
CLASS_P95_MS = 100.0


@dataclass
class SearchFigures:
    ratio: float | None = None
    plain_ratio: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    own_p50_ms: float | None = None
    plain_p50_ms: float | None = None
    overlap_min: int | None = None
    #: the count after the page (``count_by_transcript``), p50 over every query
    count_p50_ms: float | None = None
    compiler: str = "search.compile_tiers"
    #: class -> {"p50_ms", "p95_ms", "queries", "first_p50_ms"} (the last: each query's
    #: first, untimed-for-the-ratios run, cold pages and a new filter's tables included)
    classes: dict[str, dict[str, float]] = field(default_factory=dict)
    #: (class, query, app ms, own ms, plain ms, hits, total label, overlap)
    per_query: list[tuple[str, str, float, float, float, int, str, int]] = field(
        default_factory=list
    )
    errors: list[str] = field(default_factory=list)
    plain_build_seconds: float | None = None


# ---------------------------------------------------------------------------- the data


def prepare_metadata(db_path: Path, seed: int = 16) -> None:
    """Give every transcript a publisher, a release date and a status, and tag some passages
    (about 4,000 of 3-8 turns), deterministically; a library that has them is left alone."""
    conn = sqlite3.connect(db_path)
    try:
        if conn.execute("SELECT 1 FROM tags WHERE name_key = ?", [TAGS[0]]).fetchone():
            return
        rng = random.Random(seed)
        rows = conn.execute("SELECT id, utterance_count FROM transcripts ORDER BY id").fetchall()
        with conn:
            for tid, _n in rows:
                day = rng.randrange(0, 3 * 365)
                released = time.strftime("%Y-%m-%d", time.gmtime(1672531200 + day * 86400))
                conn.execute(
                    "UPDATE transcripts SET publisher = ?, released_on = ?, verification = ? "
                    "WHERE id = ?",
                    [rng.choice(PUBLISHERS), released, rng.choice(STATUSES), tid],
                )
            tag_ids = []
            for i, name in enumerate(TAGS):
                cur = conn.execute(
                    "INSERT INTO tags (name, name_key, color) VALUES (?, ?, ?)",
                    [name, name, ("#d9534f", "#5bc0de")[i]],
                )
                tag_ids.append(cur.lastrowid)
            now = "2024-01-01T00:00:00"
            for tid, n in rows:
                if n < 10:
                    continue
                for _ in range(2 if n < 10_000 else 40):
                    first = rng.randrange(1, n - 8)
                    cur = conn.execute(
                        "INSERT INTO passages (transcript_id, first_seq, last_seq, note, state, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?)",
                        [tid, first, first + rng.randrange(2, 8), "check", now, now],
                    )
                    conn.execute(
                        "INSERT INTO passage_tags (passage_id, tag_id) VALUES (?, ?)",
                        [cur.lastrowid, rng.choice(tag_ids)],
                    )
    finally:
        conn.close()


def build_plain(db_path: Path, plain_path: Path) -> float:
    """The plain baseline: utterances, speakers, transcripts and passages copied as they are,
    and an FTS5 index over ``text`` alone (same tokenizer, nothing of ours). Returns seconds."""
    from intercept_viewer.core.schema import FTS_TOKENIZER

    t0 = time.perf_counter()
    plain_path.unlink(missing_ok=True)
    conn = sqlite3.connect(plain_path)
    try:
        conn.execute("ATTACH DATABASE ? AS lib", [str(db_path)])
        conn.executescript(
            f"""
            PRAGMA journal_mode = OFF;
            CREATE TABLE utterances (id INTEGER PRIMARY KEY, transcript_id INTEGER NOT NULL,
                seq INTEGER NOT NULL, speaker_id INTEGER, start_ms INTEGER, end_ms INTEGER,
                text TEXT NOT NULL);
            INSERT INTO utterances SELECT id, transcript_id, seq, speaker_id, start_ms, end_ms,
                text FROM lib.utterances;
            CREATE TABLE speakers (id INTEGER PRIMARY KEY, transcript_id INTEGER, label TEXT,
                name TEXT);
            INSERT INTO speakers SELECT id, transcript_id, label, name FROM lib.speakers;
            CREATE TABLE transcripts (id INTEGER PRIMARY KEY, title TEXT, publisher TEXT,
                released_on TEXT, verification TEXT);
            INSERT INTO transcripts SELECT id, title, publisher, released_on, verification
                FROM lib.transcripts;
            CREATE TABLE passages (id INTEGER PRIMARY KEY, transcript_id INTEGER,
                first_seq INTEGER, last_seq INTEGER);
            INSERT INTO passages SELECT id, transcript_id, first_seq, last_seq FROM lib.passages;
            CREATE TABLE passage_tags (passage_id INTEGER, tag_id INTEGER);
            INSERT INTO passage_tags SELECT passage_id, tag_id FROM lib.passage_tags;
            CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO tags SELECT id, name FROM lib.tags;
            CREATE INDEX passages_transcript ON passages(transcript_id, first_seq);
            CREATE INDEX passage_tags_passage ON passage_tags(passage_id);
            CREATE VIRTUAL TABLE plain_fts USING fts5(
                text, content='utterances', content_rowid='id', tokenize='{FTS_TOKENIZER}'
            );
            INSERT INTO plain_fts(plain_fts) VALUES ('rebuild');
            """
        )
        conn.commit()
        conn.execute("DETACH DATABASE lib")
    finally:
        conn.close()
    return time.perf_counter() - t0


def _filters_sql(q: Any, alias_u: str = "u") -> tuple[str, list[Any]]:
    """The query's filters as plain SQL over joined tables (``u``, ``s``, ``t``): how someone
    with a plain table would write them, and the exhaustive reference's independent check."""
    where, params = [], []
    if q.speakers:
        where.append("(" + " OR ".join("s.name = ? OR s.label = ?" for _ in q.speakers) + ")")
        for name in q.speakers:
            params += [name, name]
    for tag in q.tags:
        where.append(
            "EXISTS (SELECT 1 FROM passages p JOIN passage_tags pt ON pt.passage_id = p.id "
            "JOIN tags tg ON tg.id = pt.tag_id WHERE tg.name = ? AND p.transcript_id = "
            f"{alias_u}.transcript_id AND {alias_u}.seq BETWEEN p.first_seq AND p.last_seq)"
        )
        params.append(tag)
    if q.publishers:
        where.append("(" + " OR ".join("instr(t.publisher, ?) > 0" for _ in q.publishers) + ")")
        params += list(q.publishers)
    if q.statuses:
        where.append("t.verification IN (" + ",".join("?" * len(q.statuses)) + ")")
        params += list(q.statuses)
    if q.after:
        where.append("t.released_on >= ?")
        params.append(q.after)
    if q.before:
        where.append("t.released_on <= ?")
        params.append(q.before + "\uffff" if len(q.before) < 10 else q.before)
    return "".join(f" AND {w}" for w in where), params


_JOINS = (
    " JOIN utterances u ON u.id = {fts}.rowid JOIN transcripts t ON t.id = u.transcript_id"
    " LEFT JOIN speakers s ON s.id = u.speaker_id"
)


def _fetch_rows(conn: sqlite3.Connection, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "SELECT u.id, u.transcript_id, t.title, u.seq, s.name, u.start_ms, u.text "
        "FROM utterances u JOIN transcripts t ON t.id = u.transcript_id "
        f"LEFT JOIN speakers s ON s.id = u.speaker_id WHERE u.id IN ({marks})",
        ids,
    ).fetchall()


def own_search(conn: sqlite3.Connection, query: str, rank: str, limit: int = 100) -> list[tuple]:
    """The app's own tiers as bare SQL: each tier's best rows by bm25 until ``limit``."""
    from intercept_viewer.core.search import compile_tiers, parse_query

    q = parse_query(query)
    cond, params = _filters_sql(q)
    joins = _JOINS.format(fts="utterances_fts") if cond else ""
    ids: list[int] = []
    for _tier, match in compile_tiers(query):
        need = limit - len(ids)
        if need <= 0:
            break
        ids += [
            r[0]
            for r in conn.execute(
                f"SELECT utterances_fts.rowid FROM utterances_fts{joins} "
                f"WHERE utterances_fts MATCH ?{cond} ORDER BY {rank}, utterances_fts.rowid "
                "LIMIT ?",
                [match, *params, need],
            )
        ]
    return _fetch_rows(conn, ids)


def plain_match(q: Any) -> str:
    """The typed words as an FTS5 query: each word quoted, phrases kept, prefixes starred,
    OR groups and NOT as typed. No forms, no spellings, no folding beyond unicode61's."""

    def term(t: Any) -> str:
        text = '"' + t.text.replace('"', '""') + '"'
        return text + " *" if t.kind == "prefix" else text

    groups = []
    for g in q.groups:
        groups.append(term(g[0]) if len(g) == 1 else "(" + " OR ".join(map(term, g)) + ")")
    expr = " AND ".join(groups)
    if q.excluded:
        expr = f"({expr}) NOT (" + " OR ".join(map(term, q.excluded)) + ")"
    return expr


def plain_search(conn: sqlite3.Connection, query: str, limit: int = 100) -> list[tuple]:
    from intercept_viewer.core.search import parse_query

    q = parse_query(query)
    cond, params = _filters_sql(q)
    joins = _JOINS.format(fts="plain_fts") if cond else ""
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT plain_fts.rowid FROM plain_fts{joins} WHERE plain_fts MATCH ?{cond} "
            "ORDER BY bm25(plain_fts), plain_fts.rowid LIMIT ?",
            [plain_match(q), *params, limit],
        )
    ]
    return _fetch_rows(conn, ids)


def exhaustive_top(conn: sqlite3.Connection, query: str, rank: str, n: int = 100) -> list[int]:
    """The reference: every match of every tier with its bm25 (filters as plain joins), sorted
    here by (tier, bm25, rowid); no LIMIT in SQL."""
    from intercept_viewer.core.search import compile_tiers, parse_query

    q = parse_query(query)
    cond, params = _filters_sql(q)
    joins = _JOINS.format(fts="utterances_fts") if cond else ""
    ranked: list[tuple[int, float, int]] = []
    for tier, match in compile_tiers(query):
        ranked += [
            (tier, float(score), int(rowid))
            for rowid, score in conn.execute(
                f"SELECT utterances_fts.rowid, {rank} FROM utterances_fts{joins} "
                f"WHERE utterances_fts MATCH ?{cond}",
                [match, *params],
            )
        ]
    ranked.sort()
    return [rowid for _t, _s, rowid in ranked[:n]]


def _rank_expr() -> str:
    from intercept_viewer.core import search

    return f"bm25(utterances_fts, {float(search.TEXT_WEIGHT)}, {float(search.NORM_WEIGHT)})"


# ---------------------------------------------------------------------------- measuring


def measure_search(
    db_path: Path, progress: Callable[[str], None], repeats: int = 3
) -> SearchFigures:
    """Time every query on the three sides, check its top 100, sum up per class."""
    from intercept_viewer.core.library import Library
    from intercept_viewer.core.search import COUNT_CAP, count_by_transcript

    figs = SearchFigures()
    progress("search: publishers, dates, statuses and tagged passages for the filters")
    prepare_metadata(db_path)
    plain_path = db_path.with_name("plain.sqlite")
    progress("search: building the plain baseline (a table and FTS5 over text)")
    figs.plain_build_seconds = build_plain(db_path, plain_path)
    rank = _rank_expr()
    lib = Library(db_path)
    plain = sqlite3.connect(plain_path)
    conn = lib.db.conn
    app_times: dict[str, list[float]] = {}
    all_app: list[float] = []
    ratios: list[float] = []
    plain_ratios: list[float] = []
    owns: list[float] = []
    plains: list[float] = []
    overlaps: list[int] = []
    first_times: dict[str, list[float]] = {}
    count_times: dict[str, list[float]] = {}
    try:
        for klass, q in QUERIES:
            try:  # one run of each first: every side starts from the same warm pages
                t = time.perf_counter()
                lib.search(q, limit=100, count=False)
                first_times.setdefault(klass, []).append(time.perf_counter() - t)
                own_search(conn, q, rank)
                plain_search(plain, q)
            except Exception as exc:
                figs.errors.append(f"{q!r}: {exc}")
                continue
            a_t, o_t, p_t = [], [], []
            result = None
            for _ in range(repeats):
                t = time.perf_counter()
                result = lib.search(q, limit=100, count=False)
                a_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                own_search(conn, q, rank)
                o_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                plain_search(plain, q)
                p_t.append(time.perf_counter() - t)
            a, o, p = statistics.median(a_t), statistics.median(o_t), statistics.median(p_t)
            assert result is not None
            t = time.perf_counter()  # what the window does after showing the page
            counts, exact = count_by_transcript(lib, q)
            count_times.setdefault(klass, []).append(time.perf_counter() - t)
            total = sum(counts.values())
            total_label = f"{total:,}" if exact else f"{COUNT_CAP:,}+"
            ids = [h.utterance_id for h in result.hits]
            ref = exhaustive_top(conn, q, rank)
            overlap = len(set(ids) & set(ref))
            if ids != ref:
                figs.errors.append(
                    f"{q!r}: top 100 differs from the exhaustive ranking ({overlap} shared)"
                )
            overlaps.append(overlap if len(ref) >= 100 else 100 * (ids == ref))
            app_times.setdefault(klass, []).append(a)
            all_app.append(a)
            owns.append(o)
            plains.append(p)
            ratios.append(a / o if o > 0 else float("inf"))
            plain_ratios.append(a / p if p > 0 else float("inf"))
            figs.per_query.append(
                (klass, q, a * 1000, o * 1000, p * 1000, len(ids), total_label, overlap)
            )
    finally:
        lib.close()
        plain.close()
    if all_app:
        figs.ratio = statistics.median(ratios)
        figs.plain_ratio = statistics.median(plain_ratios)
        figs.p50_ms = statistics.median(all_app) * 1000
        figs.p95_ms = _percentile(all_app, 95) * 1000
        figs.own_p50_ms = statistics.median(owns) * 1000
        figs.plain_p50_ms = statistics.median(plains) * 1000
        figs.overlap_min = min(overlaps)
        figs.count_p50_ms = statistics.median([t for ts in count_times.values() for t in ts]) * 1000
        for klass, times in app_times.items():
            figs.classes[klass] = {
                "p50_ms": statistics.median(times) * 1000,
                "p95_ms": _percentile(times, 95) * 1000,
                "queries": len(times),
                # the query's first run: cold pages, and a new filter's id table to fill
                "first_p50_ms": statistics.median(first_times[klass]) * 1000,
                # the count the window runs after showing the page
                "count_p50_ms": statistics.median(count_times[klass]) * 1000,
            }
            if figs.classes[klass]["p50_ms"] > CLASS_P50_MS:
                figs.errors.append(f"class {klass}: p50 over {CLASS_P50_MS:g} ms")
            if figs.classes[klass]["p95_ms"] > CLASS_P95_MS:
                figs.errors.append(f"class {klass}: p95 over {CLASS_P95_MS:g} ms")
    progress(f"search: {len(all_app)}/{len(QUERIES)} queries measured")
    return figs


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: with 50 values, p95 is the 48th)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]
