"""Reading utterances in pages, the turn outline, and searching them."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.errors import (
    LibraryError,
    NotFound,
    SearchInterrupted,
)
from intercept_viewer.core.model import (
    Utterance,
)
from intercept_viewer.core.store.base import StoreBase, named_rows

if TYPE_CHECKING:
    from intercept_viewer.core.search import SearchResult


class UtteranceStore(StoreBase):
    """Utterances by transcript and seq (keyset pages), the strip's outline and search."""

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
            "original_text, translation FROM utterances WHERE transcript_id = ? AND seq >= ? "
            "ORDER BY seq"
        )
        params: list[Any] = [transcript_id, first_seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [Utterance(**r) for r in named_rows(self.db.execute(sql, params))]

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
            tuple(r)
            for r in self.db.execute(
                "SELECT seq, speaker_id, start_ms, end_ms FROM utterances "
                "WHERE transcript_id = ? ORDER BY seq",
                [transcript_id],
            ).fetchall()
        ]

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
                self.db, query, transcript_id, limit=limit, offset=offset, speaker=speaker, **kwargs
            )
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc):
                raise SearchInterrupted("The search was stopped.") from None
            raise LibraryError(f"The search could not be run: {exc}") from None

    def interrupt(self) -> None:
        """Stop the statement running on this library's connection (safe from any thread):
        a newer search makes a running one pointless."""
        self.db.conn.interrupt()
