"""Ranking equality: on a generated library of thousands of utterances, the search's pages are
exactly the top of an exhaustive ranking (every match's bm25 read from FTS5 and sorted here),
through the side-by-side path (a library file) and the one-connection path alike."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from intercept_viewer.core import search_pool
from intercept_viewer.core.library import Library
from intercept_viewer.core.search import NORM_WEIGHT, TEXT_WEIGHT, compile_tiers
from tests.benchmarks import vocab
from tests.benchmarks.generate import Talk
from tests.conftest import make_parsed

TRANSCRIPTS = 24
TURNS = 500
LANGUAGES = ("ru", "uk", "en")
STATUSES = ("unverified", "corroborated", "verified")
#: (query, SQL selecting the utterance ids its filters allow, or None)
QUERIES = [
    ("деньги", None),
    ("Бахмуте", None),
    ("Купянск", None),
    ("Kupyansk", None),
    ("exact:Kupyansk", None),
    ('"воды нет"', None),
    ("обстрел*", None),
    ("Kup*", None),
    ("money OR гроші", None),
    ("деньги -машину", None),
    ("машину деньги", None),
    (
        "speaker:Мать Купянск",
        "SELECT u.id FROM utterances u JOIN speakers s ON s.id = u.speaker_id "
        "WHERE s.name = 'Мать'",
    ),
    (
        "status:verified деньги",
        "SELECT u.id FROM utterances u JOIN transcripts t ON t.id = u.transcript_id "
        "WHERE t.verification = 'verified'",
    ),
    (
        "publisher:HUR Бахмут",
        "SELECT u.id FROM utterances u JOIN transcripts t ON t.id = u.transcript_id "
        "WHERE t.publisher = 'HUR'",
    ),
]


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("ranking") / "library.sqlite"
    rng = random.Random(16)
    with Library(path) as lib:
        for i in range(TRANSCRIPTS):
            lang = LANGUAGES[i % 3]
            talk = Talk(rng, lang)
            speakers = vocab.SPEAKERS[lang][i % len(vocab.SPEAKERS[lang])]
            lines = [(speakers[j % len(speakers)], talk.utterance()) for j in range(TURNS)]
            lib.add(
                make_parsed(
                    lines,
                    title=f"call {i}",
                    language=lang,
                    publisher="HUR" if i % 4 == 0 else "SBU",
                    verification=STATUSES[(i // 3) % 3],
                )
            )
    yield path


def reference(conn: sqlite3.Connection, query: str, allowed_sql: str | None) -> list[int]:
    """Every match of every tier with its bm25, sorted (tier, bm25, rowid): no LIMIT at all."""
    allowed = {r[0] for r in conn.execute(allowed_sql)} if allowed_sql else None
    ranked: list[tuple[int, float, int]] = []
    for tier, match in compile_tiers(query):
        for rowid, score in conn.execute(
            f"SELECT rowid, bm25(utterances_fts, {TEXT_WEIGHT}, {NORM_WEIGHT}) "
            "FROM utterances_fts WHERE utterances_fts MATCH ?",
            [match],
        ):
            if allowed is None or rowid in allowed:
                ranked.append((tier, score, rowid))
    return [rowid for _t, _s, rowid in sorted(ranked)]


@pytest.mark.slow
@pytest.mark.parametrize("side_by_side", [True, False])
def test_pages_are_the_top_of_the_exhaustive_ranking(
    big_library: Path, side_by_side: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not side_by_side:
        monkeypatch.setattr(search_pool, "can_share", lambda _lib: False)
    with Library(big_library) as lib:
        n = lib.db.conn.execute("SELECT count(*) FROM utterances").fetchone()[0]
        assert n == TRANSCRIPTS * TURNS
        spanning = 0
        for query, allowed_sql in QUERIES:
            ref = reference(lib.db.conn, query, allowed_sql)
            assert ref, query
            spanning += len(ref) > 200
            first = lib.search(query, limit=100)
            assert [h.utterance_id for h in first.hits] == ref[:100], query
            assert first.total == len(ref) and first.total_exact, query
            if first.next_cursor is None:
                assert len(ref) <= 100, query
                continue
            second = lib.search(query, limit=100, cursor=first.next_cursor)
            assert [h.utterance_id for h in second.hits] == ref[100:200], query
            by_offset = lib.search(query, limit=50, offset=150)
            assert [h.utterance_id for h in by_offset.hits] == ref[150:200], query
        assert spanning >= len(QUERIES) // 2  # most queries run over several pages
