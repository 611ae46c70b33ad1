"""The Library: the one API over the SQLite library file.

Everything the UI and the CLI know about stored transcripts goes through this class; nothing
else writes SQL. Rules it keeps:

* one transaction per user action (an import, a tagging, an edit): a failure leaves no trace;
* a sqlite3 connection belongs to the thread that opened it — a worker thread opens its own
  ``Library(path)``;
* utterances are written in bulk (``executemany`` on a prepared statement), the FTS index kept
  in step by triggers inside the same transaction.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from intercept_viewer.core import corrections, library_open, open_libraries, sqlite_failures
from intercept_viewer.core.colors import color_for
from intercept_viewer.core.corrections import Correction, HistoryEntry
from intercept_viewer.core.errors import (
    ImportFailed,
    LibraryDamaged,
    LibraryError,
    NotFound,
    SearchInterrupted,
)
from intercept_viewer.core.library_identity import (  # noqa: F401 (re-exported)
    LIBRARY_SUFFIXES,
    SQLITE_MAGIC,
    check_header,
    quick_check,
)
from intercept_viewer.core.library_open import (  # noqa: F401 (re-exported)
    BUSY_TIMEOUT_MS,
    QUICK_CHECK_MAX_BYTES,
)
from intercept_viewer.core.model import (
    FOLLOW_UP_STATES,
    META_FIELDS,
    ORIGINS,
    VERIFICATION_STATES,
    ParsedTranscript,
    Passage,
    Speaker,
    Tag,
    Transcript,
    Utterance,
)
from intercept_viewer.core.wordforms import normalize_text

if TYPE_CHECKING:
    from intercept_viewer.core.media import Media
    from intercept_viewer.core.search import SearchResult
    from intercept_viewer.core.waveform import Peaks

ENV_LIBRARY = "INTERCEPT_VIEWER_LIBRARY"

_TRANSCRIPT_COLUMNS = (
    "id, title, publisher, channel, source_url, archive_url, released_on, recorded_on, "
    "language, original_language, translator, verification, verification_note, description, "
    "media_path, file_name, file_sha256, format, imported_at, utterance_count, has_times, origin, "
    "(SELECT m.sha256 FROM media m WHERE m.transcript_id = transcripts.id)"
)


def now_iso() -> str:
    """The current UTC time as an ISO string with seconds, for created/updated stamps."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def default_library_path() -> Path:
    """The library used when neither ``--library`` nor the environment names one."""
    from platformdirs import user_data_path

    return user_data_path("intercept-viewer", appauthor=False) / "library.sqlite"


def resolve_library_path(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """Return (path, is_default). ``--library`` wins, then the environment variable."""
    if explicit:
        return Path(explicit).expanduser(), False
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser(), False
    return default_library_path(), True


@dataclass
class AddResult:
    """What ``Library.add`` did: the transcript's id, and whether those bytes were known."""

    id: int
    title: str
    utterances: int
    speakers: int
    duplicate: bool
    #: the recording attached on import (found beside the file or named by its metadata)
    media: Media | None = None


@dataclass
class TagMerge:
    """What ``Library.merge_tags`` did, enough for ``unmerge_tags`` to undo it."""

    keep_id: int
    #: the merged tag as it was (id, name, colour, description)
    removed: Tag
    #: passages that carried the merged tag
    passage_ids: list[int]
    #: of those, the ones that did not carry ``keep`` before the merge
    newly_tagged: list[int]


@dataclass
class TagDeletion:
    """What ``Library.delete_tag`` did, enough for ``restore_tag`` to undo it."""

    tag: Tag
    #: passages that carried the tag
    passage_ids: list[int]
    #: passages deleted with it (``delete_passages=True``), as they were
    deleted: list[Passage]


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database of ours, without touching it.

    Reads the header with Python: call only while this process holds no connection to it
    (``Library`` does that through ``open_libraries``).
    """
    check_header(path)


def write_failure(exc: sqlite3.Error, path: Path | None = None) -> LibraryError:
    """A LibraryError saying, in the user's terms, why a write to the library failed."""
    return sqlite_failures.write_failure(exc, path)


class _LibraryDatabase(Database):
    """A sqlite-utils Database whose transactions report failures as LibraryError.

    Every write in Library goes through ``atomic()``, so this one override turns "database is
    locked" (after the busy timeout), "attempt to write a readonly database" and "disk full"
    into a clear message naming the file instead of a raw sqlite3.OperationalError. Constraint
    errors (IntegrityError) pass through unchanged: they are the caller's business.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # sqlite-utils plugins (found by scanning every installed distribution's entry points,
        # ~20 ms at start) can't apply to a library: its schema is ours.
        kwargs.setdefault("execute_plugins", False)
        super().__init__(*args, **kwargs)
        self.library_path: Path | None = getattr(self.conn, "library_path", None)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:  # type: ignore[override]
        try:
            with super().atomic():
                yield self
        except sqlite3.OperationalError as exc:
            raise write_failure(exc, self.library_path) from exc


class Library:
    """An open library file. Use as a context manager or call ``close()``.

    Attributes:
        path: the file, or None for an in-memory library (tests).
        db: the sqlite-utils Database. Only core code uses it.
        read_only: True when opened for reading (``list``, ``show``, the window's workers), or
            when the file or its folder can't be written. A reader never changes the file.
        backup_path: the backup written before a schema upgrade, if one happened on open.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        memory: bool = False,
        read_only: bool | None = None,
    ) -> None:
        self.path: Path | None = None if memory or path is None else Path(path)
        self.backup_path: Path | None = None
        self._key: open_libraries.FileKey | None = None
        self._closed = False
        if self.path is None:
            self.read_only = False
            self.db = _LibraryDatabase(library_open.connect(None))
            self.backup_path = library_open.configure_writer(self.db, None)
            return
        opened = library_open.open_file(self.path, read_only)
        self.read_only = opened.read_only
        self._key = opened.key
        self.db = _LibraryDatabase(opened.conn)
        if opened.read_only:
            return
        try:
            self.backup_path = library_open.configure_writer(self.db, self.path)
        except BaseException as exc:
            self.close()
            if isinstance(exc, sqlite3.Error):
                raise sqlite_failures.open_failure(exc, self.path) from None
            raise

    # ------------------------------------------------------------------ opening and closing

    @property
    def damaged(self) -> str | None:
        """Why the file was found damaged in this process (then nothing is saved), or None."""
        return open_libraries.damage(self._key)

    def data_version(self) -> int:
        """``PRAGMA data_version``: changes when another connection commits to the file."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def check_integrity(self) -> None:
        """Read every page (``PRAGMA quick_check``); raise LibraryDamaged, marking the file."""
        try:
            quick_check(self.db.conn, self.path, left_untouched=False)
        except LibraryDamaged as exc:
            open_libraries.mark_damaged(self._key, str(exc))
            raise

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.db.close()
        open_libraries.unregister(self._key)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _writable(self) -> None:
        if self.read_only:
            raise LibraryError("The library is open read-only; changes can't be saved.")
        damage = self.damaged
        if damage is not None:
            raise LibraryDamaged(damage)

    # ------------------------------------------------------------------ importing

    def find_by_sha256(self, sha256: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM transcripts WHERE file_sha256 = ?", [sha256]
        ).fetchone()
        return row[0] if row else None

    def add(
        self,
        parsed: ParsedTranscript,
        *,
        file_name: str | None = None,
        sha256: str | None = None,
        format: str | None = None,
    ) -> AddResult:
        """Store a parsed transcript in one transaction; known bytes return the existing one."""
        self._writable()
        if sha256:
            existing = self.find_by_sha256(sha256)
            if existing is not None:
                t = self.transcript(existing)
                n_speakers = self.db.execute(
                    "SELECT count(*) FROM speakers WHERE transcript_id = ?", [existing]
                ).fetchone()[0]
                return AddResult(existing, t.title, t.utterance_count, n_speakers, True)
        meta = parsed.meta
        verification = (
            meta.verification if meta.verification in VERIFICATION_STATES else ("unverified")
        )
        origin = meta.origin if meta.origin in ORIGINS else "transcript"
        description = meta.description
        if meta.extra:
            extra = "\n".join(f"{k}: {v}" for k, v in meta.extra.items())
            description = f"{description}\n\n{extra}" if description else extra
        has_times = any(u.start_ms is not None for u in parsed.utterances)
        language = meta.language
        conn = self.db.conn
        with self.db.atomic():
            cur = conn.execute(
                "INSERT INTO transcripts (title, publisher, channel, source_url, archive_url, "
                "released_on, recorded_on, language, original_language, translator, "
                "verification, verification_note, description, media_path, file_name, "
                "file_sha256, format, imported_at, utterance_count, has_times, origin) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    meta.title or file_name or "Untitled",
                    meta.publisher,
                    meta.channel,
                    meta.source_url,
                    meta.archive_url,
                    meta.released_on,
                    meta.recorded_on,
                    language,
                    meta.original_language,
                    meta.translator,
                    verification,
                    meta.verification_note,
                    description,
                    meta.media_path,
                    file_name,
                    sha256,
                    format or parsed.format,
                    now_iso(),
                    len(parsed.utterances),
                    int(has_times),
                    origin,
                ),
            )
            tid = int(cur.lastrowid or 0)
            speaker_ids: dict[str, int] = {}
            labels = list(parsed.speaker_labels())
            for u in parsed.utterances:  # speakers used but not declared
                if u.speaker is not None and u.speaker not in labels:
                    labels.append(u.speaker)
            declared = {s.label: s for s in parsed.speakers}
            for i, label in enumerate(labels):
                sp = declared.get(label)
                cur = conn.execute(
                    "INSERT INTO speakers (transcript_id, label, name, role, color) "
                    "VALUES (?,?,?,?,?)",
                    (
                        tid,
                        label,
                        (sp.name if sp and sp.name else label),
                        sp.role if sp else None,
                        (sp.color if sp and sp.color else color_for(i)),
                    ),
                )
                speaker_ids[label] = int(cur.lastrowid or 0)
            fts_trigger = self._pause_fts_trigger(len(parsed.utterances))
            conn.executemany(
                "INSERT INTO utterances (transcript_id, seq, speaker_id, start_ms, end_ms, "
                "text, text_norm, context) VALUES (?,?,?,?,?,?,?,?)",
                (
                    (
                        tid,
                        seq,
                        speaker_ids.get(u.speaker) if u.speaker is not None else None,
                        u.start_ms,
                        u.end_ms,
                        u.text,
                        normalize_text(u.text, language),
                        u.context,
                    )
                    for seq, u in enumerate(parsed.utterances, start=1)
                ),
            )
            self._resume_fts_trigger(fts_trigger, tid)
            for p in parsed.passages:
                self._insert_passage(
                    tid,
                    p.first_seq,
                    p.last_seq,
                    p.tags,
                    note=p.note,
                    state=p.state,
                    start_char=p.start_char,
                    end_char=p.end_char,
                    created_at=p.created_at,
                    updated_at=p.updated_at,
                    tag_colors=parsed.tag_colors,
                    tag_descriptions=parsed.tag_descriptions,
                )
        return AddResult(
            tid, meta.title or file_name or "Untitled", len(parsed.utterances), len(labels), False
        )

    #: From this many utterances on, ``add`` fills the FTS index in one statement. Measured by
    #: the benchmark (tests/benchmarks): already at 500 utterances, one INSERT ... SELECT
    #: halves the time ``add`` spends in SQLite compared with the per-row trigger.
    BULK_FTS_FROM = 100

    def _pause_fts_trigger(self, n_utterances: int) -> str | None:
        """For a big import, drop the per-row FTS trigger inside the open transaction.

        Indexing row by row costs about three times as much as one ``INSERT ... SELECT``
        afterwards (a 500,000-line call). The DROP is part of the transaction, so a failure
        rolls it back with everything else; other connections never see the trigger missing.
        """
        if n_utterances < self.BULK_FTS_FROM:
            return None
        row = self.db.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'utterances_ai'"
        ).fetchone()
        if row is None:
            return None
        self.db.conn.execute("DROP TRIGGER utterances_ai")
        return str(row[0])

    def _resume_fts_trigger(self, trigger_sql: str | None, transcript_id: int) -> None:
        """Index the transcript's utterances in one go and put the trigger back."""
        if trigger_sql is None:
            return
        self.db.conn.execute(
            "INSERT INTO utterances_fts(rowid, text, text_norm) "
            "SELECT id, text, text_norm FROM utterances WHERE transcript_id = ?",
            [transcript_id],
        )
        self.db.conn.execute(trigger_sql)

    def import_file(self, path: str | os.PathLike[str], format: str | None = None) -> AddResult:
        """Read, parse and store one file. Raises ImportFailed with file and line."""
        from intercept_viewer.core.importers import parse_path
        from intercept_viewer.core.importers.registry import file_sha256, read_source

        source = read_source(Path(path))
        existing = self.find_by_sha256(file_sha256(source.data))
        if existing is not None:
            t = self.transcript(existing)
            n = len(self.speakers(existing))
            return AddResult(existing, t.title, t.utterance_count, n, True)
        del source
        pf = parse_path(path, format=format)
        try:
            result = self.add(pf.parsed, file_name=pf.file_name, sha256=pf.sha256, format=pf.format)
        except sqlite3.Error as exc:
            raise ImportFailed(f"the library refused it: {exc}", file=str(path)) from None
        from intercept_viewer.core import media

        result.media = media.attach_found(self, result.id, Path(path), pf.parsed.meta.media_path)
        return result

    def import_files(
        self,
        paths: Iterable[str | os.PathLike[str]],
        format: str | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
        """Import many files, yielding each outcome as it is done (progress for UI and CLI).

        One file failing does not stop the others; ``cancelled()`` is checked between files.
        """
        for p in paths:
            if cancelled is not None and cancelled():
                return
            path = Path(p)
            try:
                outcome: AddResult | ImportFailed = self.import_file(path, format=format)
            except ImportFailed as exc:
                outcome = exc
            except LibraryError:
                raise  # the library itself is unusable (locked, read-only): stop the batch
            except Exception as exc:  # a bug in an importer must not sink the whole batch
                outcome = ImportFailed(
                    f"the importer failed unexpectedly ({type(exc).__name__}: {exc}); "
                    "please report this file",
                    file=str(path),
                )
            yield path, outcome

    def seed_samples(self) -> list[AddResult]:
        """Import the bundled sample transcripts (used for a brand-new default library)."""
        from intercept_viewer.resources import sample_files

        results = []
        for _path, outcome in self.import_files(sample_files()):
            if isinstance(outcome, AddResult):
                results.append(outcome)
        return results

    # ------------------------------------------------------------------ reading transcripts

    def _transcript_from_row(self, row: Sequence[Any]) -> Transcript:
        t = Transcript(*row[:20], has_times=bool(row[20]), origin=row[21], media_sha256=row[22])
        return t

    def transcripts(self) -> list[Transcript]:
        """Every transcript, newest release first (unknown dates last), then by title."""
        rows = self.db.execute(
            f"SELECT {_TRANSCRIPT_COLUMNS} FROM transcripts "
            "ORDER BY released_on IS NULL, released_on DESC, title COLLATE NOCASE, id"
        ).fetchall()
        return [self._transcript_from_row(r) for r in rows]

    def transcript_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM transcripts").fetchone()[0])

    def transcript(self, transcript_id: int) -> Transcript:
        row = self.db.execute(
            f"SELECT {_TRANSCRIPT_COLUMNS} FROM transcripts WHERE id = ?", [transcript_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"No transcript with id {transcript_id}.")
        return self._transcript_from_row(row)

    def speakers(self, transcript_id: int, *, with_stats: bool = True) -> list[Speaker]:
        """The transcript's speakers in order of appearance, with counts and speaking time.

        The counts read every utterance (~50 ms for 100,000); ``with_stats=False`` leaves them
        0 and reads only the speakers, for showing a transcript before its stats are known.
        """
        if not with_stats:
            rows = self.db.execute(
                "SELECT id, transcript_id, label, name, role, color FROM speakers "
                "WHERE transcript_id = ? ORDER BY id",
                [transcript_id],
            ).fetchall()
            return [Speaker(*r) for r in rows]
        rows = self.db.execute(
            "SELECT s.id, s.transcript_id, s.label, s.name, s.role, s.color, "
            "count(u.id), coalesce(sum(max(coalesce(u.end_ms, u.start_ms, 0) "
            "- coalesce(u.start_ms, 0), 0)), 0) "
            "FROM speakers s LEFT JOIN utterances u ON u.speaker_id = s.id "
            "WHERE s.transcript_id = ? GROUP BY s.id ORDER BY s.id",
            [transcript_id],
        ).fetchall()
        return [Speaker(*r) for r in rows]

    def speaker_names(self) -> list[str]:
        """Distinct speaker display names across the library, for a library-wide filter.

        Names differing only in case are listed once (``speaker:`` ignores case anyway).
        """
        rows = self.db.execute("SELECT DISTINCT name FROM speakers ORDER BY name").fetchall()
        seen: dict[str, str] = {}
        for (name,) in rows:
            if name and name.strip():
                seen.setdefault(name.casefold(), name)
        return sorted(seen.values(), key=str.casefold)

    def speaker(self, speaker_id: int) -> Speaker:
        row = self.db.execute(
            "SELECT id, transcript_id, label, name, role, color FROM speakers WHERE id = ?",
            [speaker_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"No speaker with id {speaker_id}.")
        return Speaker(*row)

    def utterance_count(self, transcript_id: int) -> int:
        row = self.db.execute(
            "SELECT utterance_count FROM transcripts WHERE id = ?", [transcript_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"No transcript with id {transcript_id}.")
        return int(row[0])

    def utterances(
        self, transcript_id: int, first_seq: int = 1, limit: int | None = None
    ) -> list[Utterance]:
        """Utterances ``first_seq ..`` in order: a page for the UI, or all (limit None).

        Pages by ``seq`` (keyset), so fetching page 1,000 costs what page 1 costs.
        """
        sql = (
            "SELECT id, transcript_id, seq, speaker_id, start_ms, end_ms, text, context, "
            "original_text FROM utterances WHERE transcript_id = ? AND seq >= ? ORDER BY seq"
        )
        params: list[Any] = [transcript_id, first_seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [Utterance(*r) for r in self.db.execute(sql, params).fetchall()]

    def utterance(self, transcript_id: int, seq: int) -> Utterance:
        rows = self.utterances(transcript_id, seq, 1)
        if not rows or rows[0].seq != seq:
            raise NotFound(f"Transcript {transcript_id} has no utterance {seq}.")
        return rows[0]

    def turn_outline(self, transcript_id: int) -> list[tuple[int, int | None, int | None, int]]:
        """Compact rows (seq, speaker_id, start_ms, end_ms) for drawing the turn strip.

        Only integers: 100,000 of these cost a few MB, not the text.
        """
        return [
            tuple(r)  # type: ignore[misc]
            for r in self.db.execute(
                "SELECT seq, speaker_id, start_ms, end_ms FROM utterances "
                "WHERE transcript_id = ? ORDER BY seq",
                [transcript_id],
            ).fetchall()
        ]

    # ------------------------------------------------------------------ media (core.media)

    def attach_media(self, transcript_id: int, path: str | os.PathLike[str]) -> Media:
        """Attach a recording (hash, duration, place) to a transcript; see ``core.media``."""
        from intercept_viewer.core import media

        return media.attach(self, transcript_id, path)

    def detach_media(self, transcript_id: int) -> Media | None:
        from intercept_viewer.core import media

        return media.detach(self, transcript_id)

    def media(self, transcript_id: int) -> Media | None:
        """The transcript's recording, or None."""
        from intercept_viewer.core import media

        return media.media_for(self, transcript_id)

    def media_peaks(self, transcript_id: int) -> Peaks | None:
        from intercept_viewer.core import media

        return media.peaks(self, transcript_id)

    def set_media_peaks(self, transcript_id: int, sha256: str, peaks: Peaks) -> bool:
        from intercept_viewer.core import media

        return media.set_peaks(self, transcript_id, sha256, peaks)

    def relink_media(
        self, folder: str | os.PathLike[str], transcript_ids: Iterable[int] | None = None
    ) -> list[Media]:
        """Find moved recordings in ``folder`` by their SHA-256."""
        from intercept_viewer.core import media

        return media.relink(self, folder, transcript_ids)


    # ------------------------------------------------------------------ editing transcripts

    def update_transcript(
        self, transcript_id: int, *, reason: str | None = None, **fields: Any
    ) -> Transcript:
        """Change source fields; unknown field names and bad statuses raise ValueError.

        A change of the verification status or note is recorded as a verification event
        (with ``reason``), for the transcript's history.
        """
        self._writable()
        unknown = set(fields) - set(META_FIELDS)
        if unknown:
            raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
        if "verification" in fields and fields["verification"] not in VERIFICATION_STATES:
            raise ValueError(
                f"Verification must be one of {', '.join(VERIFICATION_STATES)}; "
                f"got {fields['verification']!r}."
            )
        if "title" in fields and not (fields["title"] or "").strip():
            raise ValueError("A transcript needs a title.")
        before = self.transcript(transcript_id)
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            with self.db.atomic():
                self.db.conn.execute(
                    f"UPDATE transcripts SET {assignments} WHERE id = ?",
                    [*fields.values(), transcript_id],
                )
                corrections.record_verification(self, before, fields, reason)
        return self.transcript(transcript_id)

    def delete_transcripts(self, ids: Iterable[int], *, delete_passages: bool = False) -> None:
        """Delete transcripts. Refuses when any has passages, unless ``delete_passages``."""
        self._writable()
        ids = list(ids)
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        if not delete_passages:
            n = self.db.execute(
                f"SELECT count(*) FROM passages WHERE transcript_id IN ({marks})", ids
            ).fetchone()[0]
            if n:
                raise LibraryError(
                    f"{n} tagged passage(s) belong to these transcripts; delete them too or keep "
                    "the transcripts."
                )
        with self.db.atomic():
            self.db.conn.execute(f"DELETE FROM transcripts WHERE id IN ({marks})", ids)

    def passage_count_for(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        return int(
            self.db.execute(
                f"SELECT count(*) FROM passages WHERE transcript_id IN ({marks})", ids
            ).fetchone()[0]
        )

    def rename_speaker(self, speaker_id: int, name: str) -> None:
        """Change a speaker's display name; the label as written in the file stays."""
        self._writable()
        name = name.strip()
        if not name:
            raise ValueError("A speaker needs a name.")
        self.speaker(speaker_id)
        with self.db.atomic():
            self.db.conn.execute("UPDATE speakers SET name = ? WHERE id = ?", [name, speaker_id])

    def recolor_speaker(self, speaker_id: int, color: str) -> None:
        self._writable()
        self.speaker(speaker_id)
        with self.db.atomic():
            self.db.conn.execute("UPDATE speakers SET color = ? WHERE id = ?", [color, speaker_id])

    def merge_speakers(self, keep_id: int, merge_id: int) -> list[int]:
        """Give ``merge_id``'s utterances to ``keep_id`` and delete ``merge_id``.

        Returns the seqs that moved, so the merge can be undone with ``unmerge_speakers``.
        """
        self._writable()
        keep, gone = self.speaker(keep_id), self.speaker(merge_id)
        if keep.transcript_id != gone.transcript_id:
            raise ValueError("Only speakers of the same transcript can be merged.")
        if keep_id == merge_id:
            raise ValueError("A speaker can't be merged with itself.")
        seqs = [
            r[0]
            for r in self.db.execute(
                "SELECT seq FROM utterances WHERE speaker_id = ? ORDER BY seq", [merge_id]
            ).fetchall()
        ]
        with self.db.atomic():
            self.db.conn.execute(
                "UPDATE utterances SET speaker_id = ? WHERE speaker_id = ?", [keep_id, merge_id]
            )
            self.db.conn.execute("DELETE FROM speakers WHERE id = ?", [merge_id])
        return seqs

    def unmerge_speakers(self, keep_id: int, restored: Speaker, seqs: Sequence[int]) -> int:
        """Undo a merge: recreate ``restored`` (same id) and give it back ``seqs``."""
        self._writable()
        with self.db.atomic():
            self.db.conn.execute(
                "INSERT INTO speakers (id, transcript_id, label, name, role, color) "
                "VALUES (?,?,?,?,?,?)",
                [
                    restored.id,
                    restored.transcript_id,
                    restored.label,
                    restored.name,
                    restored.role,
                    restored.color,
                ],
            )
            self.db.conn.executemany(
                "UPDATE utterances SET speaker_id = ? WHERE transcript_id = ? AND seq = ?",
                [(restored.id, restored.transcript_id, s) for s in seqs],
            )
        return restored.id

    # ------------------------------------------------------------------ correcting turns
    # Thin hooks: the work (and why it is done that way) is in ``core.corrections``. Every
    # method returns a Correction that ``revert_correction`` undoes (and whose revert redoes).

    def edit_turn_text(
        self, transcript_id: int, seq: int, text: str, *, reason: str | None = None
    ) -> Correction:
        """Correct a turn's text; the imported text is kept (``Utterance.original_text``)."""
        self._writable()
        return corrections.edit_text(self, transcript_id, seq, text, reason)

    def reassign_turns(
        self,
        transcript_id: int,
        seqs: Sequence[int],
        speaker: int | str,
        *,
        reason: str | None = None,
    ) -> Correction:
        """Give turns to a speaker: an id, or a name (a name no speaker has creates one)."""
        self._writable()
        return corrections.reassign(self, transcript_id, seqs, speaker, reason)

    def split_turn(
        self, transcript_id: int, seq: int, offset: int, *, reason: str | None = None
    ) -> Correction:
        """Cut a turn in two at a character offset."""
        self._writable()
        return corrections.split(self, transcript_id, seq, offset, reason)

    def merge_turns(self, transcript_id: int, seq: int, *, reason: str | None = None) -> Correction:
        """Merge turn ``seq`` with the one after it."""
        self._writable()
        return corrections.merge(self, transcript_id, seq, reason)

    def insert_turn(
        self,
        transcript_id: int,
        after_seq: int,
        text: str,
        *,
        speaker: int | str | None = None,
        reason: str | None = None,
    ) -> Correction:
        """Insert a turn after ``after_seq`` (0 for the top); speaker defaults to that turn's."""
        self._writable()
        return corrections.insert(self, transcript_id, after_seq, text, speaker, reason)

    def delete_turn(self, transcript_id: int, seq: int, *, reason: str | None = None) -> Correction:
        """Delete a turn (its passages narrow, or keep their note marked as turns deleted)."""
        self._writable()
        return corrections.delete(self, transcript_id, seq, reason)

    def set_turn_times(
        self,
        transcript_id: int,
        changes: Sequence[tuple[int, int | None, int | None]],
        *,
        reason: str | None = None,
    ) -> list[tuple[int, int | None, int | None]]:
        """Set or clear turns' times: ``changes`` are (seq, start_ms, end_ms), None clears.

        Returns the previous (seq, start_ms, end_ms) of each, so calling this again with them
        undoes it. One 'time' history entry per turn changed.
        """
        self._writable()
        return corrections.set_times(self, transcript_id, changes, reason)

    def revert_correction(
        self, correction: Correction, *, reason: str | None = "undo"
    ) -> Correction:
        """Undo a correction exactly; returns the Correction that redoes it."""
        self._writable()
        return corrections.revert(self, correction, reason)

    def history(self, transcript_id: int) -> list[HistoryEntry]:
        """Every correction and change of verification status, oldest first."""
        return corrections.history(self, transcript_id)

    def turn_history(self, transcript_id: int, utterance_id: int) -> list[HistoryEntry]:
        """The corrections that touched one turn (by its id), oldest first."""
        return corrections.history(self, transcript_id, utterance_id=utterance_id)

    def verification_history(self, transcript_id: int) -> list[HistoryEntry]:
        return corrections.verification_history(self, transcript_id)

    def imported_utterances(self, transcript_id: int) -> list[Utterance]:
        """The transcript's turns as they were imported, before any correction."""
        return corrections.imported_turns(self, transcript_id)

    def is_corrected(self, transcript_id: int) -> bool:
        return corrections.is_corrected(self, transcript_id)

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        transcript_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
        speaker: str | int | None = None,
        **kwargs: Any,
    ) -> SearchResult:
        """Search the library (syntax and paging: ``intercept_viewer.core.search``).

        Raises only QueryError for a query it can't read.
        """
        from intercept_viewer.core import search as _search

        try:
            return _search.search(
                self, query, transcript_id, limit=limit, offset=offset, speaker=speaker, **kwargs
            )
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc):
                raise SearchInterrupted("The search was stopped.") from None
            raise LibraryError(f"The search could not be run: {exc}") from None

    def interrupt(self) -> None:
        """Stop the statement running on this library's connection (safe from any thread):
        a newer search makes a running one pointless."""
        self.db.conn.interrupt()

    # ------------------------------------------------------------------ tags

    def _tag_id(
        self,
        name: str,
        color: str | None = None,
        create: bool = True,
        description: str | None = None,
    ) -> int:
        key = name.strip().casefold()
        if not key:
            raise ValueError("A tag needs a name.")
        row = self.db.execute("SELECT id FROM tags WHERE name_key = ?", [key]).fetchone()
        if row:
            return int(row[0])
        if not create:
            raise NotFound(f"No tag named {name!r}.")
        n = self.db.execute("SELECT count(*) FROM tags").fetchone()[0]
        cur = self.db.conn.execute(
            "INSERT INTO tags (name, name_key, color, description) VALUES (?,?,?,?)",
            [name.strip(), key, color or color_for(n + 3), description or None],
        )
        return int(cur.lastrowid or 0)

    def tags(self) -> list[Tag]:
        """Every tag with its passage count, by name."""
        rows = self.db.execute(
            "SELECT t.id, t.name, t.color, t.description, count(pt.passage_id) FROM tags t "
            "LEFT JOIN passage_tags pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name_key"
        ).fetchall()
        return [Tag(*r) for r in rows]

    def tag(self, name_or_id: str | int) -> Tag:
        if isinstance(name_or_id, int):
            where, arg = "t.id = ?", name_or_id
        else:
            where, arg = "t.name_key = ?", name_or_id.strip().casefold()
        row = self.db.execute(
            "SELECT t.id, t.name, t.color, t.description, count(pt.passage_id) FROM tags t "
            f"LEFT JOIN passage_tags pt ON pt.tag_id = t.id WHERE {where} GROUP BY t.id",
            [arg],
        ).fetchone()
        if row is None:
            raise NotFound(f"No tag {name_or_id!r}.")
        return Tag(*row)

    def create_tag(
        self, name: str, color: str | None = None, description: str | None = None
    ) -> Tag:
        self._writable()
        with self.db.atomic():
            tid = self._tag_id(name, color)
            if description is not None:
                self.db.conn.execute(
                    "UPDATE tags SET description = ? WHERE id = ?", [description, tid]
                )
        return self.tag(tid)

    def update_tag(
        self,
        tag_id: int,
        *,
        name: str | None = None,
        color: str | None = None,
        description: str | None = None,
    ) -> Tag:
        """Rename, recolour or describe a tag. Renaming onto another tag's name raises."""
        self._writable()
        self.tag(tag_id)
        with self.db.atomic():
            if name is not None:
                key = name.strip().casefold()
                if not key:
                    raise ValueError("A tag needs a name.")
                clash = self.db.execute(
                    "SELECT id FROM tags WHERE name_key = ? AND id != ?", [key, tag_id]
                ).fetchone()
                if clash:
                    raise ValueError(f"A tag named {name.strip()!r} exists; merge them instead.")
                self.db.conn.execute(
                    "UPDATE tags SET name = ?, name_key = ? WHERE id = ?",
                    [name.strip(), key, tag_id],
                )
            if color is not None:
                self.db.conn.execute("UPDATE tags SET color = ? WHERE id = ?", [color, tag_id])
            if description is not None:
                self.db.conn.execute(
                    "UPDATE tags SET description = ? WHERE id = ?", [description or None, tag_id]
                )
        return self.tag(tag_id)

    def merge_tags(self, keep_id: int, merge_id: int) -> TagMerge:
        """Move ``merge_id``'s passages to ``keep_id`` and delete it.

        Returns what changed, so ``unmerge_tags`` can undo it exactly (the UI's Ctrl+Z).
        """
        self._writable()
        if keep_id == merge_id:
            raise ValueError("A tag can't be merged with itself.")
        self.tag(keep_id)
        removed = self.tag(merge_id)
        moved = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? ORDER BY passage_id",
                [merge_id],
            ).fetchall()
        ]
        newly = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? AND passage_id NOT IN "
                "(SELECT passage_id FROM passage_tags WHERE tag_id = ?) ORDER BY passage_id",
                [merge_id, keep_id],
            ).fetchall()
        ]
        with self.db.atomic():
            self.db.conn.execute(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) "
                "SELECT passage_id, ? FROM passage_tags WHERE tag_id = ?",
                [keep_id, merge_id],
            )
            self.db.conn.execute("DELETE FROM tags WHERE id = ?", [merge_id])
        return TagMerge(keep_id, removed, moved, newly)

    def unmerge_tags(self, merge: TagMerge) -> Tag:
        """Undo ``merge_tags``: recreate the merged tag (same id, name, colour, description),
        give its passages back, and take ``keep`` off the passages that only got it by the merge.
        """
        self._writable()
        tag = merge.removed
        with self.db.atomic():
            self._insert_tag_row(tag)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                [(pid, tag.id) for pid in merge.passage_ids],
            )
            self.db.conn.executemany(
                "DELETE FROM passage_tags WHERE passage_id = ? AND tag_id = ?",
                [(pid, merge.keep_id) for pid in merge.newly_tagged],
            )
        return self.tag(tag.id)

    def _insert_tag_row(self, tag: Tag) -> None:
        """Put a deleted tag back with its id; refuses if its name was taken meanwhile."""
        key = tag.name.strip().casefold()
        clash = self.db.execute("SELECT id FROM tags WHERE name_key = ?", [key]).fetchone()
        if clash:
            raise ValueError(f"A tag named {tag.name!r} exists again; can't restore it.")
        self.db.conn.execute(
            "INSERT INTO tags (id, name, name_key, color, description) VALUES (?,?,?,?,?)",
            [tag.id, tag.name, key, tag.color, tag.description],
        )

    def delete_tag(self, tag_id: int, *, delete_passages: bool = False) -> TagDeletion:
        """Delete a tag. Its passages lose the tag; with ``delete_passages`` passages left
        with no tag at all are deleted too.

        Returns the tag, the passages that carried it and those deleted (as they were), so
        ``restore_tag`` can undo the whole action.
        """
        self._writable()
        tag = self.tag(tag_id)
        carried = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? ORDER BY passage_id",
                [tag_id],
            ).fetchall()
        ]
        deleted: list[Passage] = []
        with self.db.atomic():
            if delete_passages:
                deleted = [
                    self.passage(r[0])
                    for r in self.db.execute(
                        "SELECT passage_id FROM passage_tags WHERE tag_id = ? AND passage_id NOT "
                        "IN (SELECT passage_id FROM passage_tags WHERE tag_id != ?) "
                        "ORDER BY passage_id",
                        [tag_id, tag_id],
                    ).fetchall()
                ]
                self.db.conn.executemany(
                    "DELETE FROM passages WHERE id = ?", [(p.id,) for p in deleted]
                )
            self.db.conn.execute("DELETE FROM tags WHERE id = ?", [tag_id])
        return TagDeletion(tag, carried, deleted)

    def restore_tag(self, deletion: TagDeletion) -> Tag:
        """Undo ``delete_tag``: the tag with its id, its links, and any passages it took along."""
        self._writable()
        tag = deletion.tag
        with self.db.atomic():
            self._insert_tag_row(tag)
            for p in deletion.deleted:
                self._reinsert_passage(p)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                [(pid, tag.id) for pid in deletion.passage_ids],
            )
        return self.tag(tag.id)

    # ------------------------------------------------------------------ passages

    def _insert_passage(
        self,
        transcript_id: int,
        first_seq: int,
        last_seq: int,
        tags: Sequence[str],
        *,
        note: str | None = None,
        state: str = "open",
        start_char: int | None = None,
        end_char: int | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
        tag_colors: dict[str, str] | None = None,
        tag_descriptions: dict[str, str] | None = None,
        passage_id: int | None = None,
        turns_deleted_at: str | None = None,
    ) -> int:
        if state not in FOLLOW_UP_STATES:
            raise ValueError(f"Follow-up state must be open or done; got {state!r}.")
        if last_seq < first_seq:
            raise ValueError("A passage ends before it starts.")
        stamp = now_iso()
        cur = self.db.conn.execute(
            "INSERT INTO passages (id, transcript_id, first_seq, last_seq, start_char, end_char, "
            "note, state, created_at, updated_at, turns_deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                passage_id,
                transcript_id,
                first_seq,
                last_seq,
                start_char,
                end_char,
                note or None,
                state,
                created_at or stamp,
                updated_at or created_at or stamp,
                turns_deleted_at,
            ],
        )
        pid = int(cur.lastrowid or 0)
        for name in dict.fromkeys(t.strip() for t in tags if t.strip()):
            tag_id = self._tag_id(
                name,
                (tag_colors or {}).get(name),
                description=(tag_descriptions or {}).get(name),
            )
            self.db.conn.execute(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                [pid, tag_id],
            )
        return pid

    def add_passage(
        self,
        transcript_id: int,
        first_seq: int,
        last_seq: int | None = None,
        tags: Sequence[str] = (),
        *,
        note: str | None = None,
        state: str = "open",
        start_char: int | None = None,
        end_char: int | None = None,
    ) -> Passage:
        """Tag utterances ``first_seq..last_seq`` (one transcript); new tag names are created."""
        self._writable()
        last_seq = first_seq if last_seq is None else last_seq
        count = self.utterance_count(transcript_id)
        if not (1 <= first_seq <= count and 1 <= last_seq <= count):
            raise ValueError(
                f"Transcript {transcript_id} has utterances 1..{count}; "
                f"got {first_seq}..{last_seq}."
            )
        self._check_char_range(transcript_id, first_seq, last_seq, start_char, end_char)
        with self.db.atomic():
            pid = self._insert_passage(
                transcript_id,
                first_seq,
                last_seq,
                tags,
                note=note,
                state=state,
                start_char=start_char,
                end_char=end_char,
            )
        return self.passage(pid)

    def _check_char_range(
        self,
        transcript_id: int,
        first_seq: int,
        last_seq: int,
        start_char: int | None,
        end_char: int | None,
    ) -> None:
        """A character range must fall inside its utterances, or quotes would come out empty
        or cut in the wrong place. ``start_char`` indexes the first utterance, ``end_char``
        (exclusive) the last."""
        if start_char is not None:
            n = len(self.utterance(transcript_id, first_seq).text)
            if not 0 <= start_char < max(n, 1):
                raise ValueError(f"start_char {start_char} is outside utterance {first_seq}.")
        if end_char is not None:
            n = len(self.utterance(transcript_id, last_seq).text)
            if not 0 < end_char <= n:
                raise ValueError(f"end_char {end_char} is outside utterance {last_seq}.")
        if (
            first_seq == last_seq
            and start_char is not None
            and end_char is not None
            and end_char <= start_char
        ):
            raise ValueError("The character range is empty (end_char <= start_char).")

    def restore_passage(self, passage: Passage) -> Passage:
        """Put back a deleted passage with its id (undo of a delete)."""
        self._writable()
        with self.db.atomic():
            self._reinsert_passage(passage)
        return self.passage(passage.id)

    def _reinsert_passage(self, passage: Passage) -> int:
        """Write back a passage read earlier, with its id and times (for every undo)."""
        return self._insert_passage(
            passage.transcript_id,
            passage.first_seq,
            passage.last_seq,
            passage.tags,
            note=passage.note,
            state=passage.state,
            start_char=passage.start_char,
            end_char=passage.end_char,
            created_at=passage.created_at,
            updated_at=passage.updated_at,
            passage_id=passage.id,
            turns_deleted_at=passage.turns_deleted_at,
        )

    def update_passage(
        self,
        passage_id: int,
        *,
        tags: Sequence[str] | None = None,
        note: str | None = None,
        state: str | None = None,
    ) -> Passage:
        """Change a passage's tags (replacing them), note or state."""
        self._writable()
        self.passage(passage_id)
        if state is not None and state not in FOLLOW_UP_STATES:
            raise ValueError(f"Follow-up state must be open or done; got {state!r}.")
        with self.db.atomic():
            if note is not None:
                self.db.conn.execute(
                    "UPDATE passages SET note = ? WHERE id = ?", [note or None, passage_id]
                )
            if state is not None:
                self.db.conn.execute(
                    "UPDATE passages SET state = ? WHERE id = ?", [state, passage_id]
                )
            if tags is not None:
                self.db.conn.execute("DELETE FROM passage_tags WHERE passage_id = ?", [passage_id])
                for name in dict.fromkeys(t.strip() for t in tags if t.strip()):
                    self.db.conn.execute(
                        "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                        [passage_id, self._tag_id(name)],
                    )
            self.db.conn.execute(
                "UPDATE passages SET updated_at = ? WHERE id = ?", [now_iso(), passage_id]
            )
        return self.passage(passage_id)

    def delete_passage(self, passage_id: int) -> Passage:
        """Delete a passage; returns it as it was, for undo."""
        self._writable()
        p = self.passage(passage_id)
        with self.db.atomic():
            self.db.conn.execute("DELETE FROM passages WHERE id = ?", [passage_id])
        return p

    def _passages_where(self, where: str, params: Sequence[Any], order: str) -> list[Passage]:
        rows = self.db.execute(
            "SELECT p.id, p.transcript_id, p.first_seq, p.last_seq, p.note, p.state, "
            "p.start_char, p.end_char, p.created_at, p.updated_at, p.turns_deleted_at, "
            "(SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM passage_tags pt "
            " JOIN tags t ON t.id = pt.tag_id WHERE pt.passage_id = p.id ORDER BY t.name_key)) "
            f"FROM passages p JOIN transcripts tr ON tr.id = p.transcript_id WHERE {where} "
            f"ORDER BY {order}",
            list(params),
        ).fetchall()
        return [
            Passage(*r[:10], turns_deleted_at=r[10], tags=r[11].split("\x1f") if r[11] else [])
            for r in rows
        ]

    def passage(self, passage_id: int) -> Passage:
        rows = self._passages_where("p.id = ?", [passage_id], "p.id")
        if not rows:
            raise NotFound(f"No passage with id {passage_id}.")
        return rows[0]

    def passages(
        self,
        *,
        tag: str | None = None,
        state: str | None = None,
        transcript_id: int | None = None,
        verification: str | None = None,
        newest_first: bool = False,
    ) -> list[Passage]:
        """The follow-up queue: passages filtered by tag, state, transcript and status."""
        where, params = ["1"], []
        if tag:
            where.append(
                "p.id IN (SELECT pt.passage_id FROM passage_tags pt JOIN tags t "
                "ON t.id = pt.tag_id WHERE t.name_key = ?)"
            )
            params.append(tag.strip().casefold())
        if state:
            where.append("p.state = ?")
            params.append(state)
        if transcript_id is not None:
            where.append("p.transcript_id = ?")
            params.append(transcript_id)
        if verification:
            where.append("tr.verification = ?")
            params.append(verification)
        order = "p.created_at DESC, p.id DESC" if newest_first else "p.created_at, p.id"
        return self._passages_where(" AND ".join(where), params, order)

    def passage_text(self, passage: Passage) -> list[tuple[Utterance, str]]:
        """The utterances of a passage with the quoted part of each (character range applied).

        A passage whose turns were all deleted by a correction quotes nothing.
        """
        if passage.turns_deleted_at:
            return []
        utts = self.utterances(
            passage.transcript_id, passage.first_seq, passage.last_seq - passage.first_seq + 1
        )
        out = []
        for i, u in enumerate(utts):
            text = u.text
            end = passage.end_char if i == len(utts) - 1 else None
            start = passage.start_char if i == 0 else None
            if end is not None:
                text = text[:end]
            if start is not None:
                text = text[start:]
            out.append((u, text))
        return out
