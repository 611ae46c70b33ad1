"""import_ratio: the app's import path against a bare sqlite-utils insert of the same rows.

Measured: ``Library(path).import_files(paths)`` — read, detect, decode, parse, normalise word
forms, insert, FTS triggers — one transaction per file, as the app does it.

Baseline: the same files parsed up front with the same importers and the same word-form
normaliser (not timed), then only the inserts timed: ``insert_all`` of the transcript, speaker
and utterance rows into a library created by the project's own migrations (``Library(path)`` on a
fresh file), so the FTS index and its triggers are the same; one transaction per file, the same
pragmas. Both read the files from a warm page cache (read once beforehand, not timed), and the
two run in alternating chunks of files so that load from other processes falls on both alike.
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
    transcript_ids: dict[str, int] = field(default_factory=dict)  # role -> id

    @property
    def ratio(self) -> float | None:
        if not self.files_ok or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

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
    from intercept_viewer.core.wordforms import normalize_text

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
    utterances = [
        {
            "transcript_id": tid,
            "seq": seq,
            "speaker_id": ids.get(u.speaker) if u.speaker is not None else None,
            "start_ms": u.start_ms,
            "end_ms": u.end_ms,
            "text": u.text,
            "text_norm": normalize_text(u.text, meta.language),
            "context": u.context,
        }
        for seq, u in enumerate(parsed.utterances, start=1)
    ]
    normalize_s = time.perf_counter() - t
    return transcript, speakers, utterances, normalize_s


class BaselineSide:
    """The baseline: files parsed and normalised untimed, then only ``insert_all`` timed."""

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
        self.figs = ImportFigures()
        self.tid, self.sid = 1, 1

    def run(self, paths: list[Path]) -> None:
        from intercept_viewer.core.errors import ImportFailed
        from intercept_viewer.core.importers import parse_path

        figs, db = self.figs, self.db
        batch = []
        t = time.perf_counter()
        for p in paths:  # parse up front: not timed
            try:
                pf = parse_path(p)
            except ImportFailed:
                continue
            rows = _rows_for(pf.parsed, self.tid, self.sid, pf.file_name, pf.sha256, pf.format)
            figs.baseline_normalize_seconds += rows[3]
            batch.append(rows)
            self.tid += 1
            self.sid += len(rows[1])
        figs.baseline_parse_seconds += time.perf_counter() - t
        t = time.perf_counter()
        for transcript, speakers, utterances, _ in batch:  # timed: the bare inserts
            with db.atomic():
                db["transcripts"].insert(transcript)
                db["speakers"].insert_all(speakers)
                db["utterances"].insert_all(utterances, batch_size=500)
            figs.utterances += len(utterances)
            figs.files_ok += 1
        figs.baseline_seconds += time.perf_counter() - t

    def close(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()
        self.figs.baseline_parse_seconds -= self.figs.baseline_normalize_seconds
        self.figs.baseline_db_bytes = db_size(self.db_path)
        remove_db(self.db_path)


def measure_import(
    ds: Dataset, work: Path, progress: Callable[[str], None], chunk: int = 50
) -> ImportFigures:
    """Both sides in alternating chunks of ``chunk`` files, so a machine busy with other work
    slows both alike; each side writes its own growing library.

    In each chunk the app's import goes first: the word-form normaliser caches what it has
    analysed (lru_cache), and the baseline's untimed normalising must not warm that cache for
    the timed import (it only ever re-analyses words the import has already seen).
    """
    warm_page_cache(ds.paths())
    paths = ds.paths()
    lib = LibrarySide(ds, work / "library.sqlite")
    base = BaselineSide(work / "baseline.sqlite")
    try:
        for start in range(0, len(paths), chunk):
            part = paths[start : start + chunk]
            lib.run(part)
            base.run(part)
            if (start // chunk) % 4 == 3 or start + chunk >= len(paths):
                progress(
                    f"import: {min(start + chunk, len(paths))}/{len(paths)} files, "
                    f"{lib.figs.utterances:,} utterances; app {lib.figs.seconds:.1f} s, "
                    f"bare inserts {base.figs.baseline_seconds:.1f} s"
                )
    finally:
        lib.close()
        base.close()
    figs, b = lib.figs, base.figs
    figs.baseline_seconds = b.baseline_seconds
    if b.files_ok != figs.files_ok:
        figs.failures.append(
            f"baseline parsed {b.files_ok} files, the library imported {figs.files_ok}"
        )
    if b.utterances != figs.utterances:
        figs.failures.append(
            f"baseline inserted {b.utterances} utterances, the library {figs.utterances}"
        )
    figs.baseline_parse_seconds = b.baseline_parse_seconds
    figs.baseline_normalize_seconds = b.baseline_normalize_seconds
    figs.baseline_db_bytes = b.baseline_db_bytes
    return figs
