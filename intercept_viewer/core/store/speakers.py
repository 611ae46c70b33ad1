"""Reading and editing speakers: display names, colours, merges (and their undo)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from intercept_viewer.core.errors import (
    NotFound,
)
from intercept_viewer.core.model import (
    Speaker,
)
from intercept_viewer.core.store.base import StoreBase, named_row, named_rows


def record_speaker_merge(
    conn: sqlite3.Connection, tid: int, before: str, after: str, reason: str | None
) -> None:
    """A merge of speakers (or its undo) in the history: whose turns became whose."""
    from intercept_viewer.core.corrections import stamp

    conn.execute(
        "INSERT INTO speaker_events (transcript_id, before, after, reason, at) VALUES (?,?,?,?,?)",
        [tid, before, after, reason, stamp()],
    )


class SpeakerStore(StoreBase):
    """Speakers of a transcript, with their turns and speaking time."""

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
            )
            return [Speaker(**r) for r in named_rows(rows)]
        rows = self.db.execute(
            "SELECT s.id, s.transcript_id, s.label, s.name, s.role, s.color, "
            "count(u.id) AS utterance_count, coalesce(sum(max(coalesce(u.end_ms, u.start_ms, 0) "
            "- coalesce(u.start_ms, 0), 0)), 0) AS speaking_ms "
            "FROM speakers s LEFT JOIN utterances u ON u.speaker_id = s.id "
            "WHERE s.transcript_id = ? GROUP BY s.id ORDER BY s.id",
            [transcript_id],
        )
        return [Speaker(**r) for r in named_rows(rows)]

    def speaker_name_map(self, transcript_ids: Iterable[int]) -> dict[int, str]:
        """{speaker id: display name} of the speakers of ``transcript_ids``, in one statement
        (the follow-up queue names the speakers of passages from thousands of transcripts)."""
        rows = self.db.execute(
            "SELECT id, name FROM speakers WHERE transcript_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(set(transcript_ids)))],
        ).fetchall()
        return {int(sid): str(name) for sid, name in rows}

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
        row = named_row(
            self.db.execute(
                "SELECT id, transcript_id, label, name, role, color FROM speakers WHERE id = ?",
                [speaker_id],
            )
        )
        if row is None:
            raise NotFound(f"No speaker with id {speaker_id}.")
        return Speaker(**row)

    # ------------------------------------------------------------------ editing speakers

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

    def merge_speakers(
        self, keep_id: int, merge_id: int, *, reason: str | None = None
    ) -> list[int]:
        """Give ``merge_id``'s utterances to ``keep_id`` and delete ``merge_id``; the history
        records it (a ``speaker`` entry, the two names).

        Returns the ordering keys of the turns that moved, so the merge can be undone with
        ``unmerge_speakers``.
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
            record_speaker_merge(self.db.conn, keep.transcript_id, gone.name, keep.name, reason)
        return seqs

    def unmerge_speakers(
        self, keep_id: int, restored: Speaker, seqs: Sequence[int], *, reason: str | None = "undo"
    ) -> int:
        """Undo a merge: recreate ``restored`` (same id) and give it back ``seqs`` (recorded)."""
        self._writable()
        keep = self.speaker(keep_id)
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
            record_speaker_merge(
                self.db.conn, restored.transcript_id, keep.name, restored.name, reason
            )
        return restored.id
