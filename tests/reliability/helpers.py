"""Shared helpers for the reliability tests: fixture paths, a per-call time budget, and
checks that a library file is whole."""

from __future__ import annotations

import contextlib
import hashlib
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reliability"
VALID = FIXTURES / "valid"
V1_LIBRARY = FIXTURES / "library_v1.sqlite"


def valid_files() -> list[Path]:
    """One small valid file per format (see tests/fixtures/reliability/valid)."""
    return sorted(p for p in VALID.iterdir() if p.is_file())


class BudgetExceeded(AssertionError):
    """A parse ran past its time budget: a hang or a pathological slowdown."""


@contextlib.contextmanager
def time_budget(seconds: float, what: object = "") -> Iterator[None]:
    """Fail (not hang) when the block runs longer than ``seconds`` of wall time.

    Uses SIGALRM, so it works only in the main thread (pytest runs tests there). The budget is
    generous: it catches hangs and quadratic blow-ups, not slow machines.
    """

    def _expired(_signum: int, _frame: object) -> None:
        raise BudgetExceeded(f"over the {seconds}s budget: {what!r}"[:2000])

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def library_fingerprint(path: Path) -> list[tuple[object, ...]]:
    """Every row of every table, read without writing: equal fingerprints, equal content."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'utterances_fts%' ORDER BY name"
            )
        ]
        rows: list[tuple[object, ...]] = []
        for t in tables:
            rows.append((t,))
            rows.extend(conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall())
        return rows
    finally:
        conn.close()


def check_whole(path: Path) -> dict[str, int]:
    """Assert a library file is consistent; return row counts.

    integrity_check ok; every transcript's utterance_count matches its rows and it has its
    speakers; the FTS index agrees with the utterances table.
    """
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO utterances_fts(utterances_fts) VALUES('integrity-check')")
        bad = conn.execute(
            "SELECT t.id, t.utterance_count, count(u.id) FROM transcripts t "
            "LEFT JOIN utterances u ON u.transcript_id = t.id GROUP BY t.id "
            "HAVING t.utterance_count != count(u.id)"
        ).fetchall()
        assert bad == [], f"half-written transcripts: {bad}"
        orphans = conn.execute(
            "SELECT count(*) FROM utterances u WHERE u.speaker_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM speakers s WHERE s.id = u.speaker_id "
            "AND s.transcript_id = u.transcript_id)"
        ).fetchone()[0]
        assert orphans == 0
        no_speakers = conn.execute(
            "SELECT count(*) FROM transcripts t WHERE NOT EXISTS "
            "(SELECT 1 FROM speakers s WHERE s.transcript_id = t.id)"
        ).fetchone()[0]
        return {
            "transcripts": conn.execute("SELECT count(*) FROM transcripts").fetchone()[0],
            "utterances": conn.execute("SELECT count(*) FROM utterances").fetchone()[0],
            "passages": conn.execute("SELECT count(*) FROM passages").fetchone()[0],
            "no_speakers": no_speakers,
        }
    finally:
        conn.close()
