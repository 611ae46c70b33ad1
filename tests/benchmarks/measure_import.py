"""import_ratio: the app's import path against the bare lower bound of loading the same rows.

Measured: ``Library(path).import_files(paths)`` — read, detect, decode, parse, normalise word
forms, insert, index — as the app does it (worker processes included, when it uses them).

Baseline (``import_ratio``, ``BareSide``): the same files parsed up front with the same importers
and the same word-form normaliser (not timed), then the rows ``executemany``-ed into plain
tables with no constraints, indexes or triggers, in one transaction, and the FTS5 index (same
columns and tokenizer) built once at the end; the inserts, the index build and the commit are
timed. No import can store these rows faster with SQLite, so the ratio says what everything
else costs. ``db_bytes_ratio`` compares the two files' sizes the same way.

The old baseline stays beside it as ``import_ratio_sqlite_utils`` (``SqliteUtilsSide``):
sqlite-utils ``insert_all`` into a library made by the project's migrations, per-row FTS trigger
on, one transaction per file. It is slower than the app's own insert path, so not a bound.

Every side reads the files from a warm page cache (read once beforehand, not timed), and they
run in alternating chunks of files so that load from other processes falls on all alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from tests.benchmarks.generate import Dataset


@dataclass
class ImportFigures:
    seconds: float = 0.0
    baseline_seconds: float = 0.0
    baseline_parse_seconds: float = 0.0
    baseline_normalize_seconds: float = 0.0
    utterances: int = 0
    files_ok: int = 0
    failures: list[str] = field(default_factory=list)
    db_bytes: int = 0
    baseline_db_bytes: int = 0
    sqlite_utils_seconds: float = 0.0
    sqlite_utils_db_bytes: int = 0
    transcript_ids: dict[str, int] = field(default_factory=dict)  # role -> id

    @property
    def ratio(self) -> float | None:
        if not self.files_ok or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def ratio_sqlite_utils(self) -> float | None:
        """The old figure: against sqlite-utils ``insert_all`` through the library's schema."""
        if not self.files_ok or not self.sqlite_utils_seconds:
            return None
        return self.seconds / self.sqlite_utils_seconds

    @property
    def utterances_per_s(self) -> float | None:
        return self.utterances / self.seconds if self.seconds and self.utterances else None


def warm_page_cache(paths: list[Path]) -> None:
    """Read every file once so neither side pays for the first read from disk."""
    for p in paths:
        with p.open("rb") as fh:
            while fh.read(1 << 20):
                pass


def db_size(path: Path) -> int:
    """The library on disk: the file plus its -wal (the -shm is a memory map, not data)."""
    total = 0
    for suffix in ("", "-wal"):
        p = Path(str(path) + suffix)
        if p.exists():
            total += p.stat().st_size
    return total


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


class LibrarySide:
    """The measured path: ``Library.import_files`` into a fresh library, timed per chunk."""

    def __init__(self, ds: Dataset, db_path: Path) -> None:
        from intercept_viewer.core.library import Library

        remove_db(db_path)
        self.db_path = db_path
        self.roles = {str(ds.root / f.path): f.role for f in ds.files}
        self.lib = Library(db_path)
        self.figs = ImportFigures()

    def run(self, paths: list[Path]) -> None:
        from intercept_viewer.core.errors import ImportFailed
        from intercept_viewer.core.library import AddResult

        figs = self.figs
        t0 = time.perf_counter()
        for path, outcome in self.lib.import_files(paths):
            if isinstance(outcome, AddResult):
                figs.files_ok += 1
                figs.utterances += outcome.utterances
                role = self.roles.get(str(path), "library")
                if role != "library":
                    figs.transcript_ids[role] = outcome.id
            elif isinstance(outcome, ImportFailed):
                figs.failures.append(str(outcome))
        figs.seconds += time.perf_counter() - t0

    def close(self) -> None:
        self.lib.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.lib.close()
        self.figs.db_bytes = db_size(self.db_path)


def _rows_for(parsed, tid: int, next_speaker: int, file_name: str, sha: str, fmt: str):
    """The rows ``Library.add`` writes for one parsed transcript (normalising is done here)."""
    from intercept_viewer.core.colors import color_for
    from intercept_viewer.core.library import now_iso
    from intercept_viewer.core.translation_norm import searchable_norms

    meta = parsed.meta
    transcript = {
        "id": tid,
        "title": meta.title or file_name,
        "publisher": meta.publisher,
        "language": meta.language,
        "verification": "unverified",
        "file_name": file_name,
        "file_sha256": sha,
        "format": fmt,
        "imported_at": now_iso(),
        "utterance_count": len(parsed.utterances),
        "has_times": int(any(u.start_ms is not None for u in parsed.utterances)),
        "origin": meta.origin or "transcript",
    }
    labels = list(parsed.speaker_labels())
    for u in parsed.utterances:
        if u.speaker is not None and u.speaker not in labels:
            labels.append(u.speaker)
    declared = {s.label: s for s in parsed.speakers}
    speakers, ids = [], {}
    for i, label in enumerate(labels):
        sp = declared.get(label)
        ids[label] = next_speaker + i
        speakers.append(
            {
                "id": next_speaker + i,
                "transcript_id": tid,
                "label": label,
                "name": sp.name if sp and sp.name else label,
                "color": sp.color if sp and sp.color else color_for(i),
            }
        )
    t = time.perf_counter()
    norms = searchable_norms(parsed.utterances, meta.language)
    utterances = [
        {
            "transcript_id": tid,
            "seq": seq,
            "speaker_id": ids.get(u.speaker) if u.speaker is not None else None,
            "start_ms": u.start_ms,
            "end_ms": u.end_ms,
            "text": u.text,
            "text_norm": norm,
            "context": u.context,
            "translation": u.translation,
        }
        for seq, (u, norm) in enumerate(zip(parsed.utterances, norms, strict=True), start=1)
    ]
    normalize_s = time.perf_counter() - t
    return transcript, speakers, utterances, normalize_s


class ParsedChunk:
    """One chunk of files parsed and normalised (untimed), as rows for both baselines."""

    def __init__(self) -> None:
        self.files: list[tuple[dict, list[dict], list[dict]]] = []
        self.normalize_seconds = 0.0
        self.parse_seconds = 0.0

    @classmethod
    def parse(cls, paths: list[Path], tid: int, sid: int) -> tuple[ParsedChunk, int, int]:
        from intercept_viewer.core.errors import ImportFailed
        from intercept_viewer.core.importers import parse_path

        chunk = cls()
        t = time.perf_counter()
        for p in paths:
            try:
                pf = parse_path(p)
            except ImportFailed:
                continue
            transcript, speakers, utterances, norm_s = _rows_for(
                pf.parsed, tid, sid, pf.file_name, pf.sha256, pf.format
            )
            chunk.normalize_seconds += norm_s
            chunk.files.append((transcript, speakers, utterances))
            tid += 1
            sid += len(speakers)
        chunk.parse_seconds = time.perf_counter() - t - chunk.normalize_seconds
        return chunk, tid, sid


#: The bare lower bound's tables: the same columns, no constraints, no indexes, no triggers.
BARE_SCHEMA = """
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY, title TEXT, publisher TEXT, language TEXT, verification TEXT,
    file_name TEXT, file_sha256 TEXT, format TEXT, imported_at TEXT, utterance_count INTEGER,
    has_times INTEGER, origin TEXT
);
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY, transcript_id INTEGER, label TEXT, name TEXT, color TEXT
);
CREATE TABLE utterances (
    id INTEGER PRIMARY KEY, transcript_id INTEGER, seq INTEGER, speaker_id INTEGER,
    start_ms INTEGER, end_ms INTEGER, text TEXT, text_norm TEXT, context TEXT, translation TEXT
);
CREATE VIRTUAL TABLE utterances_fts USING fts5(
    text, text_norm, content='utterances', content_rowid='id', tokenize='{tokenizer}'
);
"""


class BareSide:
    """The lower bound: the same rows ``executemany``-ed into plain tables (no constraints,
    indexes or triggers), one transaction for the whole run, the FTS5 index (same columns,
    same tokenizer, external content like the library's) built once at the end.

    Only the inserts, the index build and the commit are timed; parsing and normalising are
    done beforehand (``ParsedChunk``). Same journal mode and synchronous setting as a library.
    """

    def __init__(self, db_path: Path) -> None:
        import sqlite3

        from intercept_viewer.core.schema import FTS_TOKENIZER

        remove_db(db_path)
        self.db_path = db_path
        self.conn = sqlite3.connect(db_path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(BARE_SCHEMA.format(tokenizer=FTS_TOKENIZER))
        self.conn.execute("BEGIN")
        self.seconds = 0.0
        self.utterances = 0
        self.files_ok = 0
        self.db_bytes = 0

    def run(self, chunk: ParsedChunk) -> None:
        conn = self.conn
        t = time.perf_counter()
        for transcript, speakers, utterances in chunk.files:
            conn.execute(
                "INSERT INTO transcripts VALUES (:id, :title, :publisher, :language, "
                ":verification, :file_name, :file_sha256, :format, :imported_at, "
                ":utterance_count, :has_times, :origin)",
                transcript,
            )
            conn.executemany(
                "INSERT INTO speakers VALUES (:id, :transcript_id, :label, :name, :color)",
                speakers,
            )
            conn.executemany(
                "INSERT INTO utterances (transcript_id, seq, speaker_id, start_ms, end_ms, "
                "text, text_norm, context, translation) VALUES (:transcript_id, :seq, "
                ":speaker_id, :start_ms, :end_ms, :text, :text_norm, :context, :translation)",
                utterances,
            )
            self.utterances += len(utterances)
            self.files_ok += 1
        self.seconds += time.perf_counter() - t

    def close(self) -> None:
        t = time.perf_counter()
        self.conn.execute("INSERT INTO utterances_fts(utterances_fts) VALUES ('rebuild')")
        self.conn.execute("COMMIT")
        self.seconds += time.perf_counter() - t
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        self.db_bytes = db_size(self.db_path)
        remove_db(self.db_path)


class SqliteUtilsSide:
    """The old baseline, kept as ``import_ratio_sqlite_utils``: the rows ``insert_all``-ed
    through sqlite-utils into a library made by the project's migrations (its indexes, FTS
    triggers and foreign keys), one transaction per file. Not a lower bound: the per-row FTS
    trigger makes it slower than the app's own insert path."""

    def __init__(self, db_path: Path) -> None:
        from intercept_viewer.core.library import Library

        remove_db(db_path)
        self.db_path = db_path
        Library(db_path).close()  # the project's schema, FTS table and triggers, nothing else
        db = Database(db_path)
        db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = NORMAL")
        db.conn.execute("PRAGMA foreign_keys = ON")
        self.db = db
        self.seconds = 0.0
        self.db_bytes = 0

    def run(self, chunk: ParsedChunk) -> None:
        db = self.db
        t = time.perf_counter()
        for transcript, speakers, utterances in chunk.files:
            with db.atomic():
                db["transcripts"].insert(transcript)
                db["speakers"].insert_all(speakers)
                db["utterances"].insert_all(utterances, batch_size=500)
        self.seconds += time.perf_counter() - t

    def close(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()
        self.db_bytes = db_size(self.db_path)
        remove_db(self.db_path)


def measure_import(
    ds: Dataset,
    work: Path,
    progress: Callable[[str], None],
    chunk: int = 100,
    *,
    sqlite_utils_baseline: bool = True,
) -> ImportFigures:
    """The app and the baselines in alternating chunks of ``chunk`` files, so a machine busy
    with other work slows all alike; each side writes its own growing library.

    In each chunk the app's import goes first: the word-form normaliser caches what it has
    analysed (lru_cache), and the baseline's untimed normalising must not warm that cache for
    the timed import (it only ever re-analyses words the import has already seen). The app's
    import may use worker processes, which start with empty caches anyway.
    """
    warm_page_cache(ds.paths())
    paths = ds.paths()
    lib = LibrarySide(ds, work / "library.sqlite")
    bare = BareSide(work / "bare.sqlite")
    old = SqliteUtilsSide(work / "baseline.sqlite") if sqlite_utils_baseline else None
    b = ImportFigures()
    tid = sid = 1
    try:
        for start in range(0, len(paths), chunk):
            part = paths[start : start + chunk]
            lib.run(part)
            parsed, tid, sid = ParsedChunk.parse(part, tid, sid)
            b.baseline_parse_seconds += parsed.parse_seconds
            b.baseline_normalize_seconds += parsed.normalize_seconds
            bare.run(parsed)
            if old is not None:
                old.run(parsed)
            if (start // chunk) % 4 == 3 or start + chunk >= len(paths):
                progress(
                    f"import: {min(start + chunk, len(paths))}/{len(paths)} files, "
                    f"{lib.figs.utterances:,} utterances; app {lib.figs.seconds:.1f} s, "
                    f"bare load {bare.seconds:.1f} s (FTS index still to build)"
                    + (f", sqlite-utils inserts {old.seconds:.1f} s" if old else "")
                )
    finally:
        lib.close()
        bare.close()
        if old is not None:
            old.close()
    figs = lib.figs
    figs.baseline_seconds = bare.seconds
    figs.baseline_db_bytes = bare.db_bytes
    if old is not None:
        figs.sqlite_utils_seconds = old.seconds
        figs.sqlite_utils_db_bytes = old.db_bytes
    if bare.files_ok != figs.files_ok:
        figs.failures.append(
            f"baseline parsed {bare.files_ok} files, the library imported {figs.files_ok}"
        )
    if bare.utterances != figs.utterances:
        figs.failures.append(
            f"baseline inserted {bare.utterances} utterances, the library {figs.utterances}"
        )
    figs.baseline_parse_seconds = b.baseline_parse_seconds
    figs.baseline_normalize_seconds = b.baseline_normalize_seconds
    return figs
