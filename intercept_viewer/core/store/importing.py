"""Storing a parsed transcript in one transaction, and the file-import entry points.

Reading, de-duplicating and parsing a file belong to the import pipeline; this part of the
Library stores what it is given.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from intercept_viewer.core import history_transfer, import_report, schema
from intercept_viewer.core.colors import color_for
from intercept_viewer.core.errors import (
    ImportFailed,
)
from intercept_viewer.core.model import (
    ORIGINS,
    VERIFICATION_STATES,
    ImportWarning,
    ParsedTranscript,
)
from intercept_viewer.core.store.base import StoreBase, now_iso
from intercept_viewer.core.translation_norm import searchable_norms

if TYPE_CHECKING:
    from intercept_viewer.core.importers.registry import ParsedFile
    from intercept_viewer.core.media import Media


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
    #: What the importer assumed or skipped (the import report); for a duplicate, the stored
    #: remarks not yet dismissed.
    warnings: list[ImportWarning] = field(default_factory=list)


class ImportStore(StoreBase):
    """``add`` stores transcripts, speakers, utterances (FTS index too) and passages at once."""

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
        norms: Iterable[str] | None = None,
    ) -> AddResult:
        """Store a parsed transcript in one transaction; known bytes return the existing one.

        ``norms`` are the utterances' ``text_norm`` (``searchable_norms``) when an import
        worker has computed them already; they are consumed while the rows are inserted, so
        they may be a generator still waiting for later chunks.
        """
        self._writable()
        if sha256:
            existing = self.find_by_sha256(sha256)
            if existing is not None:
                t = self.transcript(existing)
                n_speakers = self.db.execute(
                    "SELECT count(*) FROM speakers WHERE transcript_id = ?", [existing]
                ).fetchone()[0]
                return AddResult(
                    existing,
                    t.title,
                    t.utterance_count,
                    n_speakers,
                    True,
                    warnings=import_report.report_of(self.db.conn, existing),
                )
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
            if norms is None:
                norms = searchable_norms(parsed.utterances, language)
            # With the per-row trigger off (a big file, or a batch), the index gets its rows
            # from here, folded in Python; the ids are given so the index knows them.
            fts_rows: list[tuple[int, str, str]] | None = (
                [] if fts_trigger is not None or self._fts_pending is not None else None
            )
            base = conn.execute("SELECT coalesce(max(id), 0) FROM utterances").fetchone()[0]

            def rows() -> Iterator[tuple[object, ...]]:
                for seq, (u, norm) in enumerate(
                    zip(parsed.utterances, norms, strict=True), start=1
                ):
                    if fts_rows is not None:
                        fts_rows.append((base + seq, schema.fts_folded(u.text), norm))
                    yield (
                        base + seq,
                        tid,
                        seq,
                        speaker_ids.get(u.speaker) if u.speaker is not None else None,
                        u.start_ms,
                        u.end_ms,
                        u.text,
                        norm,
                        u.context,
                        u.translation,
                    )

            conn.executemany(
                "INSERT INTO utterances (id, transcript_id, seq, speaker_id, start_ms, end_ms, "
                "text, text_norm, context, translation) VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows(),
            )
            if fts_trigger is not None:
                self._index_rows(fts_rows or [])
                conn.execute(fts_trigger)
            # our own export of a corrected transcript: the text as imported, and the history
            conn.executemany(
                "UPDATE utterances SET original_text = ? WHERE transcript_id = ? AND seq = ?",
                [
                    (u.original_text, tid, seq)
                    for seq, u in enumerate(parsed.utterances, start=1)
                    if u.original_text is not None
                ],
            )
            if parsed.history:
                history_transfer.restore(conn, tid, parsed.history, speaker_ids)
            import_report.store_warnings(
                conn, tid, parsed.warnings, [u.line for u in parsed.utterances]
            )
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
        if fts_rows is not None and fts_trigger is None and self._fts_pending is not None:
            self._fts_pending.extend(fts_rows)  # indexed when the batch ends (this file kept)
        return AddResult(
            tid,
            meta.title or file_name or "Untitled",
            len(parsed.utterances),
            len(labels),
            False,
            warnings=list(parsed.warnings),
        )

    #: From this many utterances on, ``add`` fills the FTS index in one statement. Measured by
    #: the benchmark (tests/benchmarks): already at 500 utterances, one INSERT ... SELECT
    #: halves the time ``add`` spends in SQLite compared with the per-row trigger.
    BULK_FTS_FROM = 100
    #: A batch's index rows, gathered file by file while it runs (None: no batch).
    _fts_pending: list[tuple[int, str, str]] | None = None

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

    def _index_rows(self, rows: list[tuple[int, str, str]]) -> None:
        """(id, folded text, text_norm) into the index at once (``schema.fts_folded``)."""
        self.db.conn.executemany(
            "INSERT INTO utterances_fts(rowid, text, text_norm) VALUES (?,?,?)", rows
        )

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around many ``add`` calls (each becomes a savepoint, so a file
        that fails rolls back alone), with the FTS index filled once at the end.

        Fewer, larger FTS segments and one trigger swap for the whole batch instead of one per
        file: what a bulk import (``core.import_pool``) uses. Nothing is visible to other
        connections until the batch commits; a failure of the library itself rolls it all back.
        """
        self._writable()
        conn = self.db.conn
        with self.db.atomic():
            trigger_sql = self._pause_fts_trigger(self.BULK_FTS_FROM)
            if trigger_sql is not None:
                self._fts_pending = []  # each stored file's rows (a file rolled back adds none)
            try:
                yield
                if trigger_sql is not None:
                    self._index_rows(self._fts_pending or [])
                    conn.execute(trigger_sql)
            finally:
                self._fts_pending = None

    def import_file(self, path: str | os.PathLike[str], format: str | None = None) -> AddResult:
        """Read, dedupe, parse and store one file (``core.import_pipeline``). Raises
        ImportFailed with file and line."""
        from intercept_viewer.core import import_pipeline

        return import_pipeline.import_file(self._lib(), path, format=format)

    def known_result(self, transcript_id: int) -> AddResult:
        """The AddResult of bytes the library already holds."""
        t = self.transcript(transcript_id)
        n = len(self.speakers(transcript_id, with_stats=False))
        return AddResult(
            transcript_id,
            t.title,
            t.utterance_count,
            n,
            True,
            warnings=import_report.report_of(self.db.conn, transcript_id),
        )

    def store_parsed_file(
        self, pf: ParsedFile, path: Path, norms: Iterable[str] | None = None
    ) -> AddResult:
        """Store a file parsed here or by an import worker: the transcript, then what comes
        with the file (a recording beside it). ``norms`` as for ``add``."""
        try:
            result = self.add(
                pf.parsed, file_name=pf.file_name, sha256=pf.sha256, format=pf.format, norms=norms
            )
        except sqlite3.Error as exc:
            raise ImportFailed(f"the library refused it: {exc}", file=str(path)) from None
        from intercept_viewer.core import media

        result.media = media.attach_found(self._lib(), result.id, path, pf.parsed.meta.media_path)
        return result

    def import_files(
        self,
        paths: Iterable[str | os.PathLike[str]],
        format: str | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
        """Import many files, yielding each outcome once it is stored (progress for UI and CLI).

        One file failing does not stop the others; ``cancelled()`` is checked between files
        (and between chunks of a very long one, which is then rolled back). Big imports parse
        in worker processes while this connection writes (``core.import_pool``);
        ``progress(done, total)`` moves with the bytes read and the rows of a long file stored.
        """
        from intercept_viewer.core.import_pool import ImportPool

        pool = getattr(self, "_import_pool", None)
        if pool is None:
            pool = self._import_pool = ImportPool()
        yield from pool.run(self._lib(), paths, format, cancelled=cancelled, progress=progress)

    def _close_import_pool(self) -> None:
        """Stop the import workers, if an import started them (``Library.close``)."""
        pool = getattr(self, "_import_pool", None)
        if pool is not None:
            self._import_pool = None  # type: ignore[assignment]
            pool.close()

    def seed_samples(self) -> list[AddResult]:
        """Import the bundled sample transcripts (used for a brand-new default library)."""
        from intercept_viewer.resources import sample_files

        results = []
        for _path, outcome in self.import_files(sample_files()):
            if isinstance(outcome, AddResult):
                results.append(outcome)
        return results
