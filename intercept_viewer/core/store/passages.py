"""Passages: tagged utterance ranges with a note and a follow-up state; the queue."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from intercept_viewer.core import turn_order
from intercept_viewer.core.errors import (
    NotFound,
)
from intercept_viewer.core.model import (
    FOLLOW_UP_STATES,
    Passage,
    Utterance,
)
from intercept_viewer.core.store.base import StoreBase, named_rows, now_iso
from intercept_viewer.core.turn_order import Key


class PassageStore(StoreBase):
    """Passages and their tags; the follow-up queue across the library."""

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

    def _insert_passage(
        self,
        transcript_id: int,
        first_seq: Key,
        last_seq: Key,
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
        # read before the transaction: its first statement is then a write, which waits for
        # another writer instead of failing on a snapshot that writer made stale
        keys = self._keys_of(transcript_id, first_seq, last_seq)
        with self.db.atomic():
            pid = self._insert_passage(
                transcript_id,
                *keys,
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
            *self._keys_of(passage.transcript_id, passage.first_seq, passage.last_seq),
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

    def _keys_of(self, transcript_id: int, first_seq: int, last_seq: int) -> tuple[Key, Key]:
        """The ordering keys a passage over turns ``first_seq..last_seq`` is stored with."""
        conn = self.db.conn
        sparse = turn_order.is_sparse(conn, transcript_id)
        first = turn_order.key_at(conn, transcript_id, first_seq, sparse=sparse)
        last = turn_order.key_at(conn, transcript_id, last_seq, sparse=sparse)
        return first, last

    def _passages_where(self, where: str, params: Sequence[Any], order: str) -> list[Passage]:
        rows = self.db.execute(
            "SELECT p.id, p.transcript_id, p.first_seq, p.last_seq, p.note, p.state, "
            "p.start_char, p.end_char, p.created_at, p.updated_at, p.turns_deleted_at, "
            "(SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM passage_tags pt "
            " JOIN tags t ON t.id = pt.tag_id WHERE pt.passage_id = p.id ORDER BY t.name_key)) "
            f"AS tags FROM passages p JOIN transcripts tr ON tr.id = p.transcript_id "
            f"WHERE {where} ORDER BY {order}",
            list(params),
        )
        passages = [
            Passage(**{**r, "tags": r["tags"].split("\x1f") if r["tags"] else []})
            for r in named_rows(rows)
        ]
        self._number_passages(passages)
        return passages

    def _number_passages(self, passages: list[Passage]) -> None:
        """Stored ends are keys (``core.turn_order``); a Passage shows turn numbers: the first
        turn at or after ``first_seq`` to the last at or before ``last_seq``. One whose turns
        were deleted shows at the turn now in their place."""
        conn = self.db.conn
        sparse = turn_order.sparse_among(conn, {p.transcript_id for p in passages})
        counts: dict[int, int] = {}
        grids: dict[int, turn_order.Grid] = {}

        def grid(tid: int) -> turn_order.Grid:
            if tid not in grids:
                grids[tid] = turn_order.Grid.read(conn, tid)
            return grids[tid]

        for p in passages:
            tid = p.transcript_id
            is_sparse = tid in sparse
            if not is_sparse and isinstance(p.first_seq, int) and isinstance(p.last_seq, int):
                first, last = p.first_seq, p.last_seq  # the common case: keys are the numbers
            elif not is_sparse:
                first = turn_order.number_of(conn, tid, p.first_seq, sparse=False)
                last = turn_order.last_number_of(conn, tid, p.last_seq, sparse=False)
            else:
                first = grid(tid).count_below(p.first_seq) + 1
                last = grid(tid).count_upto(p.last_seq)
            if p.turns_deleted_at:
                if tid not in counts:
                    counts[tid] = self.utterance_count(tid)
                p.first_seq = p.last_seq = max(1, min(first, counts[tid]))
            else:
                p.first_seq, p.last_seq = first, max(last, first)

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
        where: list[str] = ["1"]
        params: list[object] = []
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

    def passage_quotes(self, passages: Sequence[Passage]) -> list[list[tuple[int | None, str]]]:
        """For each passage, ``(speaker_id, quoted text)`` of its utterances, as
        ``passage_text`` gives them: the follow-up queue quotes thousands of passages.

        Passages of transcripts whose keys are their numbers (all but corrected ones) are read
        in one statement; the others one by one through ``passage_text``.
        """
        conn = self.db.conn
        sparse = turn_order.sparse_among(conn, {p.transcript_id for p in passages})
        out: list[list[tuple[int | None, str]]] = [[] for _ in passages]
        batch = []
        for i, p in enumerate(passages):
            if p.turns_deleted_at:
                continue
            if p.transcript_id in sparse:
                out[i] = [(u.speaker_id, text) for u, text in self.passage_text(p)]
            else:
                batch.append([i, p.transcript_id, p.first_seq, p.last_seq])
        if batch:
            rows = conn.execute(
                "SELECT CAST(json_extract(x.value, '$[0]') AS INTEGER), u.speaker_id, u.text "
                "FROM json_each(?) x JOIN utterances u "
                "ON u.transcript_id = json_extract(x.value, '$[1]') "
                "AND u.seq BETWEEN json_extract(x.value, '$[2]') AND json_extract(x.value, '$[3]') "
                "ORDER BY x.key, u.seq",
                [json.dumps(batch)],
            ).fetchall()  # one C call, not a guarded Python ``__next__`` per row
            for i, speaker_id, text in rows:
                out[i].append((speaker_id, text))
            for i, *_rest in batch:
                parts, p = out[i], passages[i]
                if parts and p.end_char is not None:
                    sid, text = parts[-1]
                    parts[-1] = (sid, text[: p.end_char])
                if parts and p.start_char is not None:
                    sid, text = parts[0]
                    parts[0] = (sid, text[p.start_char :])
        return out

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
