"""Reading utterances in pages, the turn outline, and searching them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from intercept_viewer.core import turn_order
from intercept_viewer.core.errors import (
    LibraryError,
    NotFound,
    SearchInterrupted,
)
from intercept_viewer.core.model import (
    Utterance,
)
from intercept_viewer.core.store.base import StoreBase, named_rows
from intercept_viewer.core.turn_order import Key

if TYPE_CHECKING:
    from intercept_viewer.core.search import SearchResult


_UTTERANCE_COLUMNS = (
    "id, transcript_id, seq, speaker_id, start_ms, end_ms, text, context, original_text, "
    "translation"
)


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
        """Utterances from turn number ``first_seq`` on, in order: a page, or all (limit None).

        ``Utterance.seq`` is the turn number (1..n). Pages by key (keyset), so fetching page
        1,000 costs what page 1 costs while the transcript's keys are its numbers (always,
        until a correction adds a turn between two); after that, finding where turn
        ``first_seq`` starts walks the index once.
        """
        conn = self.db.conn
        sparse = turn_order.is_sparse(conn, transcript_id)
        key = (
            turn_order.key_at(conn, transcript_id, first_seq, sparse=True) if sparse else first_seq
        )
        utts = self._utterances_from(transcript_id, key, limit)
        if sparse:
            for i, u in enumerate(utts, start=max(first_seq, 1)):
                u.seq = i
        return utts

    def _utterances_from(
        self, transcript_id: int, key: Key, limit: int | None, *, op: str = ">="
    ) -> list[Utterance]:
        sql = (
            f"SELECT {_UTTERANCE_COLUMNS} FROM utterances WHERE transcript_id = ? AND seq {op} ? "
            "ORDER BY seq"
        )
        params: list[Any] = [transcript_id, key]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [Utterance(**r) for r in named_rows(self.db.execute(sql, params))]

    def utterance(self, transcript_id: int, seq: int) -> Utterance:
        rows = self.utterances(transcript_id, seq, 1)
        if not rows or rows[0].seq != seq:
            raise NotFound(f"Transcript {transcript_id} has no utterance {seq}.")
        return rows[0]

    # ------------------------------------------------------------------ by ordering key
    # The window's list keeps the transcript's keys (``core.turn_order``) beside its rows, so
    # it reads by key and a correction costs it no renumbering either.

    def turn_order_sparse(self, transcript_id: int) -> bool:
        """True while the transcript's keys are not simply its turn numbers 1..n."""
        return turn_order.is_sparse(self.db.conn, transcript_id)

    def turn_keys(self, transcript_id: int) -> list[Key]:
        """Every turn's ordering key, in order (from the gaps and REAL keys: ~2 ms for 100,000)."""
        conn = self.db.conn
        if not turn_order.is_sparse(conn, transcript_id):
            return list(range(1, self.utterance_count(transcript_id) + 1))
        return turn_order.Grid.read(conn, transcript_id).keys()

    def utterances_by_key(
        self, transcript_id: int, key: Key, limit: int, *, after: bool = False
    ) -> list[tuple[Key, Utterance]]:
        """Up to ``limit`` (key, utterance) pairs from ``key`` on (``after``: beyond it).

        ``Utterance.seq`` is left as stored (the key): the caller knows the rows' numbers.
        """
        return self._keyed(
            f"SELECT seq AS key, {_UTTERANCE_COLUMNS} FROM utterances WHERE transcript_id = ? "
            f"AND seq {'>' if after else '>='} ? ORDER BY seq LIMIT ?",
            [transcript_id, key, limit],
        )

    def utterances_at_keys(
        self, transcript_id: int, keys: Sequence[Key]
    ) -> list[tuple[Key, Utterance]]:
        """The (key, utterance) pairs of the turns at ``keys`` that exist, in order."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return self._keyed(
            f"SELECT seq AS key, {_UTTERANCE_COLUMNS} FROM utterances WHERE transcript_id = ? "
            f"AND seq IN ({marks}) ORDER BY seq",
            [transcript_id, *keys],
        )

    def _keyed(self, sql: str, params: list[Any]) -> list[tuple[Key, Utterance]]:
        out = []
        for r in named_rows(self.db.execute(sql, params)):
            key = r.pop("key")
            out.append((key, Utterance(**r)))
        return out

    def turn_outline(self, transcript_id: int) -> list[tuple[int, int | None, int | None, int]]:
        """Compact rows (seq, speaker_id, start_ms, end_ms) for drawing the turn strip; seq is
        the turn number.

        Only integers: 100,000 of these cost a few MB, not the text.
        """
        number = (
            "row_number() OVER (ORDER BY seq)"
            if turn_order.is_sparse(self.db.conn, transcript_id)
            else "seq"
        )
        return [
            tuple(r)
            for r in self.db.execute(
                f"SELECT {number}, speaker_id, start_ms, end_ms FROM utterances "
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
