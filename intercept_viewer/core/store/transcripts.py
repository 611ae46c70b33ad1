"""Reading and editing the transcripts table (the source fields of each call)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from intercept_viewer.core import corrections
from intercept_viewer.core.errors import (
    LibraryError,
    NotFound,
)
from intercept_viewer.core.model import (
    META_FIELDS,
    VERIFICATION_STATES,
    Transcript,
)
from intercept_viewer.core.store.base import StoreBase, named_row, named_rows

_TRANSCRIPT_COLUMNS = (
    "id, title, publisher, channel, source_url, archive_url, released_on, recorded_on, "
    "language, original_language, translator, verification, verification_note, description, "
    "media_path, file_name, file_sha256, format, imported_at, utterance_count, has_times, origin, "
    "(SELECT m.sha256 FROM media m WHERE m.transcript_id = transcripts.id) AS media_sha256"
)


class TranscriptStore(StoreBase):
    """Transcripts: listing, reading one, editing its source fields, deleting."""

    def _transcript_from_row(self, row: dict[str, Any]) -> Transcript:
        row["has_times"] = bool(row["has_times"])
        return Transcript(**row)

    def transcripts(self) -> list[Transcript]:
        """Every transcript, newest release first (unknown dates last), then by title."""
        rows = named_rows(
            self.db.execute(
                f"SELECT {_TRANSCRIPT_COLUMNS} FROM transcripts "
                "ORDER BY released_on IS NULL, released_on DESC, title COLLATE NOCASE, id"
            )
        )
        return [self._transcript_from_row(r) for r in rows]

    def transcript_titles(self) -> list[tuple[int, str]]:
        """(id, title) of every transcript in ``transcripts()`` order: for a list of choices,
        without reading every source field of a library of thousands."""
        rows = self.db.execute(
            "SELECT id, title FROM transcripts "
            "ORDER BY released_on IS NULL, released_on DESC, title COLLATE NOCASE, id"
        )
        return [(int(i), str(title)) for i, title in rows]

    def transcript_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM transcripts").fetchone()[0])

    def transcript(self, transcript_id: int) -> Transcript:
        row = named_row(
            self.db.execute(
                f"SELECT {_TRANSCRIPT_COLUMNS} FROM transcripts WHERE id = ?", [transcript_id]
            )
        )
        if row is None:
            raise NotFound(f"No transcript with id {transcript_id}.")
        return self._transcript_from_row(row)

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
                corrections.record_verification(self._lib(), before, fields, reason)
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
