"""import_ratio: the app's import path against a bare sqlite-utils insert of the same rows.

Measured: ``Library(path).import_files(paths)`` — read, detect, decode, parse, normalise word
forms, insert, FTS triggers — one transaction per file, as the app does it.

Baseline: the same files parsed up front with the same importers and the same word-form
normaliser (not timed), then only the inserts timed: ``insert_all`` of the transcript, speaker
and utterance rows into a library created by the project's own migrations (``Library(path)`` on a
fresh file), so the FTS index and its triggers are the same; one transaction per file, the same
pragmas. Both read the files from a warm page cache (read once beforehand, not timed).
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


def measure_library_import(
    ds: Dataset, db_path: Path, progress: Callable[[str], None]
) -> ImportFigures:
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.library import AddResult, Library

    figs = ImportFigures()
    remove_db(db_path)
    paths = ds.paths()
    roles = {str(ds.root / f.path): f.role for f in ds.files}
    lib = Library(db_path)
    try:
        t0 = time.perf_counter()
        for n, (path, outcome) in enumerate(lib.import_files(paths), start=1):
            if isinstance(outcome, AddResult):
                figs.files_ok += 1
                figs.utterances += outcome.utterances
                role = roles.get(str(path), "library")
                if role != "library":
                    figs.transcript_ids[role] = outcome.id
            elif isinstance(outcome, ImportFailed):
                figs.failures.append(str(outcome))
            if n % 200 == 0:
                progress(f"import: {n}/{len(paths)} files, {figs.utterances:,} utterances")
        figs.seconds = time.perf_counter() - t0
        lib.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()
    figs.db_bytes = db_size(db_path)
    return figs


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


def measure_baseline_import(
    ds: Dataset, db_path: Path, progress: Callable[[str], None], chunk: int = 40
) -> ImportFigures:
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.importers import parse_path
    from intercept_viewer.core.library import Library

    figs = ImportFigures()
    remove_db(db_path)
    Library(db_path).close()  # the project's schema, FTS table and triggers, nothing else
    db = Database(db_path)
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA foreign_keys = ON")
    paths = ds.paths()
    tid, sid = 1, 1
    try:
        for start in range(0, len(paths), chunk):
            batch = []
            t = time.perf_counter()
            for p in paths[start : start + chunk]:  # parse up front: not timed
                try:
                    pf = parse_path(p)
                except ImportFailed:
                    continue
                rows = _rows_for(pf.parsed, tid, sid, pf.file_name, pf.sha256, pf.format)
                figs.baseline_normalize_seconds += rows[3]
                batch.append(rows)
                tid += 1
                sid += len(rows[1])
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
            if (start // chunk) % 5 == 4:
                progress(f"baseline: {start + chunk}/{len(paths)} files")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    figs.baseline_parse_seconds -= figs.baseline_normalize_seconds
    return figs


def measure_import(ds: Dataset, work: Path, progress: Callable[[str], None]) -> ImportFigures:
    """The app's import first, then the baseline.

    This order matters: the word-form normaliser caches what it has analysed (lru_cache), and the
    baseline's untimed normalising would otherwise warm that cache for the timed import.
    """
    warm_page_cache(ds.paths())
    figs = measure_library_import(ds, work / "library.sqlite", progress)
    progress(f"import: {figs.seconds:.1f} s ({figs.files_ok} files, {len(figs.failures)} failed)")
    base = measure_baseline_import(ds, work / "baseline.sqlite", progress)
    progress(f"baseline inserts: {base.baseline_seconds:.1f} s ({base.files_ok} files)")
    figs.baseline_seconds = base.baseline_seconds if base.files_ok == figs.files_ok else 0.0
    if base.files_ok != figs.files_ok:
        figs.failures.append(
            f"baseline parsed {base.files_ok} files, the library imported {figs.files_ok}"
        )
    if base.utterances != figs.utterances:
        figs.failures.append(
            f"baseline inserted {base.utterances} utterances, the library {figs.utterances}"
        )
    figs.baseline_parse_seconds = base.baseline_parse_seconds
    figs.baseline_normalize_seconds = base.baseline_normalize_seconds
    figs.baseline_db_bytes = db_size(work / "baseline.sqlite")
    remove_db(work / "baseline.sqlite")
    return figs
