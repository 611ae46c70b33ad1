"""search_ratio: ``Library.search`` (top 100, snippets) against bare FTS5 SQL for the same rows.

Both sides run the same MATCH expression, the one the search module compiles from the user's
query (``parse_query`` + ``fts_expression``), ranked by the same weighted bm25, so the FTS work is
equal and the ratio shows what the search layer adds: snippets, joins for titles and speakers,
the count, result objects. ``Library.search`` normally ranks only the newest 20,000 matches of a
very common word (it says "approximate"); for the ratio it is called with ``exhaustive=True`` so it
returns the very rows the bare SQL does (checked). search_p50_ms/p95_ms are the default mode,
what a user waits for. Each query runs on every side in turn, three times; a query's time is the
median of its runs, and search_ratio is the median over the queries of (search ÷ bare).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: 50 queries people would type: words, inflected forms, phrases, prefixes, three languages,
#: with and without ``speaker:``. Frequencies range from a handful of hits to hundreds of
#: thousands, because both ends matter.
QUERIES: tuple[str, ...] = (
    "Kupyansk",
    "Купянск",
    "Купянске",
    "Куп'янськ",
    "Бахмут",
    "Бахмуте",
    "Авдеевка",
    "Авдіївці",
    "деньги",
    "денег",
    "гроші",
    "money",
    "командир",
    "командиром",
    "commander",
    "бригада",
    "brigade",
    "дроны",
    "drones",
    "блиндаже",
    "dugout",
    "ротацию",
    "rotation",
    "госпиталь",
    "hospital",
    '"воды нет"',
    '"there is no water"',
    '"я хочу домой"',
    '"хочу додому"',
    '"send me some money"',
    "Купян*",
    "Бахм*",
    "Kup*",
    "обстрел*",
    "shel*",
    "машину деньги",
    "танки сгорели",
    "пленных расстреляли",
    "полонених",
    "prisoners shot",
    "speaker:Солдат деньги",
    "speaker:Мать Купянск",
    "speaker:Soldier money",
    "speaker:Wife home",
    "speaker:Окупант гроші",
    "speaker:Жена машину",
    "speaker:Командир наступать",
    "speaker:Mother call",
    "лейтенант батальон",
    "Zaporizhzhia Melitopol",
)


@dataclass
class SearchFigures:
    ratio: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    exhaustive_p50_ms: float | None = None
    bare_p50_ms: float | None = None
    compiler: str = ""
    #: (query, app ms, exhaustive ms, bare ms, hits)
    per_query: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _find_compiler(module: Any) -> tuple[str, Callable[[str], tuple[str, str | None]]] | None:
    """The search module's own query compiler: (match expression, speaker) for a query."""
    parse = getattr(module, "parse_query", None)
    express = getattr(module, "fts_expression", None)
    if callable(parse) and callable(express):

        def compile_query(text: str) -> tuple[str, str | None]:
            q = parse(text)
            speakers = list(getattr(q, "speakers", []) or [])
            return express(q), (speakers[0] if speakers else None)

        return "search.parse_query + search.fts_expression", compile_query
    return None


_SPEAKER = re.compile(r"speaker:(\"[^\"]+\"|\S+)\s*", re.IGNORECASE)


def _fallback_compile(query: str) -> tuple[str, str | None]:
    """Our own FTS5 rendering of the query: quoted words, phrases kept, prefixes starred."""
    speaker = None
    m = _SPEAKER.search(query)
    if m:
        speaker = m.group(1).strip('"')
        query = _SPEAKER.sub("", query)
    terms = re.findall(r'"[^"]+"|\S+', query)
    out = []
    for t in terms:
        if t.startswith('"'):
            out.append(t)
        elif t.endswith("*"):
            out.append('"' + t[:-1].replace('"', '""') + '"*')
        else:
            out.append('"' + t.replace('"', '""') + '"')
    return " ".join(out), speaker


def _rank_expr(module: Any) -> str:
    """bm25 with the search module's column weights, so both sides rank rows alike."""
    w_text = getattr(module, "TEXT_WEIGHT", None)
    w_norm = getattr(module, "NORM_WEIGHT", None)
    if w_text is None or w_norm is None:
        return "bm25(utterances_fts)"
    return f"bm25(utterances_fts, {float(w_text)}, {float(w_norm)})"


def bare_search(
    conn: Any, match: str, speaker: str | None, rank: str, limit: int = 100
) -> list[tuple]:
    """The bare FTS5 SQL: the best ``limit`` rowids by bm25, then their rows."""
    if speaker is None:
        ids = conn.execute(
            f"SELECT rowid FROM utterances_fts WHERE utterances_fts MATCH ? "
            f"ORDER BY {rank}, rowid LIMIT ?",
            [match, limit],
        ).fetchall()
    else:
        ids = conn.execute(
            "SELECT utterances_fts.rowid FROM utterances_fts "
            "JOIN utterances u ON u.id = utterances_fts.rowid "
            "JOIN speakers s ON s.id = u.speaker_id WHERE utterances_fts MATCH ? "
            "AND (s.name = ? COLLATE NOCASE OR s.label = ? COLLATE NOCASE) "
            f"ORDER BY {rank}, utterances_fts.rowid LIMIT ?",
            [match, speaker, speaker, limit],
        ).fetchall()
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "SELECT id, transcript_id, seq, speaker_id, start_ms, end_ms, text FROM utterances "
        f"WHERE id IN ({marks})",
        [i[0] for i in ids],
    ).fetchall()


def _hits(result: Any) -> int:
    return len(getattr(result, "hits", []) or [])


def _hit_ids(result: Any) -> set[int]:
    return {int(getattr(h, "utterance_id", -1)) for h in getattr(result, "hits", [])}


def _call_search(lib: Any, q: str, exhaustive: bool) -> Any:
    if exhaustive:
        try:
            return lib.search(q, limit=100, exhaustive=True)
        except TypeError:  # a search without the option ranks everything anyway
            pass
    return lib.search(q, limit=100)


def measure_search(
    db_path: Path, progress: Callable[[str], None], repeats: int = 3
) -> SearchFigures:
    """Time each query: bare SQL, ``Library.search`` ranking every match (the same rows as the
    bare SQL: the ratio), and ``Library.search`` as the app calls it (p50/p95)."""
    from intercept_viewer.core import search as search_module
    from intercept_viewer.core.library import Library

    figs = SearchFigures()
    found = _find_compiler(search_module)
    figs.compiler = found[0] if found else "fallback (the module exposes no compiler)"
    rank = _rank_expr(search_module)
    lib = Library(db_path)
    conn = lib.db.conn
    app_times: list[float] = []
    ratios: list[float] = []
    bares: list[float] = []
    exhaustive_times: list[float] = []
    try:
        for q in QUERIES:
            try:
                match, speaker = found[1](q) if found else _fallback_compile(q)
            except Exception as exc:
                figs.errors.append(f"{q!r}: compile: {exc}")
                continue
            try:  # one untimed run of each: every side starts from the same warm pages
                _call_search(lib, q, exhaustive=True)
                _call_search(lib, q, exhaustive=False)
                bare_search(conn, match, speaker, rank)
            except Exception as exc:
                figs.errors.append(f"{q!r}: {exc}")
                continue
            b_t, e_t, a_t = [], [], []
            rows: list[tuple] = []
            result = None
            for _ in range(repeats):
                t = time.perf_counter()
                rows = bare_search(conn, match, speaker, rank)
                b_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                result = _call_search(lib, q, exhaustive=True)
                e_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                _call_search(lib, q, exhaustive=False)
                a_t.append(time.perf_counter() - t)
            b, e, a = statistics.median(b_t), statistics.median(e_t), statistics.median(a_t)
            bares.append(b)
            exhaustive_times.append(e)
            app_times.append(a)
            ratios.append(e / b if b > 0 else float("inf"))
            figs.per_query.append((q, a * 1000, e * 1000, b * 1000, _hits(result)))
            same = _hit_ids(result) == {r[0] for r in rows}
            if not same:
                figs.errors.append(
                    f"{q!r}: search and bare SQL returned different rows "
                    f"({_hits(result)} vs {len(rows)})"
                )
    finally:
        lib.close()
    if app_times:
        figs.ratio = statistics.median(ratios)
        figs.p50_ms = statistics.median(app_times) * 1000
        figs.p95_ms = _percentile(app_times, 95) * 1000
        figs.exhaustive_p50_ms = statistics.median(exhaustive_times) * 1000
        figs.bare_p50_ms = statistics.median(bares) * 1000
    progress(f"search: {len(app_times)}/{len(QUERIES)} queries measured")
    return figs


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: with 50 values, p95 is the 48th)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]
