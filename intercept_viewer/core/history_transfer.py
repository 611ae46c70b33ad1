"""A transcript's correction history carried through the project JSON and back (issue 15).

The project JSON lists the history as people read it (``HistoryEntry.as_json``: the text, the
speaker's name, the times). To put it back on re-import it also needs the turns each
correction replaced and put in their place, so that the transcript as imported can be rebuilt
by undoing them (``corrections.imported_turns``): each correction entry carries ``"turns":
{"before": [...], "after": [...]}``, turns naming their speaker by *label* (as the file does),
never by a row id of this library. Verification entries and merges of speakers (a
``speaker`` entry without a turn number) need nothing more.

``export_entries`` writes them; ``parse_entries`` checks and reads them (the JSON importer);
``restore`` writes them into a newly added transcript, with the speaker ids of that library.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.model import HISTORY_KINDS, VERIFICATION_STATES

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

#: The fields of a turn as a history entry carries it.
TURN_KEYS = ("speaker_label", "speaker", "start_ms", "end_ms", "text", "original_text", "context")


@dataclass
class ParsedHistoryEntry:
    """One history entry read from a project JSON (see the module docstring)."""

    at: str
    kind: str
    seq: int | None
    reason: str | None
    before: Any = None
    after: Any = None
    turns_before: list[dict[str, Any]] = field(default_factory=list)
    turns_after: list[dict[str, Any]] = field(default_factory=list)


def export_entries(lib: Library, tid: int) -> list[dict[str, Any]]:
    """The history for the project JSON: ``as_json`` plus, for a correction, its turns."""
    labels = {s.id: s.label for s in lib.speakers(tid, with_stats=False)}
    raw = {
        rid: (json.loads(before), json.loads(after))
        for rid, before, after in lib.db.execute(
            "SELECT id, before, after FROM revisions WHERE transcript_id = ?", [tid]
        ).fetchall()
    }
    out = []
    for e in lib.history(tid):
        entry = e.as_json()
        if e.revision_id is not None and e.revision_id in raw:
            before, after = raw[e.revision_id]
            entry["turns"] = {
                "before": [_turn_out(t, labels) for t in before],
                "after": [_turn_out(t, labels) for t in after],
            }
        out.append(entry)
    return out


def _turn_out(t: dict[str, Any], labels: dict[int, str]) -> dict[str, Any]:
    sid = t.get("speaker_id")
    return {
        "speaker_label": labels.get(sid) if sid is not None else None,
        **{k: t.get(k) for k in TURN_KEYS[1:]},
    }


class HistoryFormatError(ValueError):
    """A history entry of a project JSON is malformed (the importer names the path)."""


def parse_entries(raw: Any) -> list[ParsedHistoryEntry]:
    """The ``"history"`` list of a project JSON, checked (``HistoryFormatError`` otherwise)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise HistoryFormatError('"history" must be a list')
    out = []
    for i, e in enumerate(raw):
        path = f"history[{i}]"
        if not isinstance(e, dict):
            raise HistoryFormatError(f'"{path}" must be an object')
        kind, at, seq, reason = e.get("kind"), e.get("at"), e.get("seq"), e.get("reason")
        if kind not in HISTORY_KINDS:
            raise HistoryFormatError(f'"{path}.kind" must be one of {", ".join(HISTORY_KINDS)}')
        if not isinstance(at, str):
            raise HistoryFormatError(f'"{path}.at" must be a time (text)')
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 1):
            raise HistoryFormatError(f'"{path}.seq" must be a turn number')
        if reason is not None and not isinstance(reason, str):
            raise HistoryFormatError(f'"{path}.reason" must be text')
        entry = ParsedHistoryEntry(at, kind, seq, reason, e.get("before"), e.get("after"))
        if kind == "verification":
            for side in ("before", "after"):
                v = e.get(side)
                status = v.get("status") if isinstance(v, dict) else None
                if not isinstance(v, dict) or (
                    status is not None and status not in VERIFICATION_STATES
                ):
                    raise HistoryFormatError(f'"{path}.{side}" must be a status and a note')
            if entry.after.get("status") is None:
                raise HistoryFormatError(f'"{path}.after.status" is missing')
        elif kind == "speaker" and seq is None:  # speakers merged: the two names
            for side in ("before", "after"):
                if e.get(side) is not None and not isinstance(e.get(side), str):
                    raise HistoryFormatError(f'"{path}.{side}" must be a speaker\'s name')
        else:
            turns = e.get("turns")
            if turns is None:
                continue  # an export from before turns were carried: the entry can't be undone
            if seq is None or not isinstance(turns, dict):
                raise HistoryFormatError(f'"{path}.turns" must hold "before" and "after"')
            entry.turns_before = _turns_in(turns.get("before"), f"{path}.turns.before")
            entry.turns_after = _turns_in(turns.get("after"), f"{path}.turns.after")
        out.append(entry)
    return out


def _turns_in(raw: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise HistoryFormatError(f'"{path}" must be a list')
    out = []
    for j, t in enumerate(raw):
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise HistoryFormatError(f'"{path}[{j}]" must be a turn with a text')
        for key in ("start_ms", "end_ms"):
            v = t.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise HistoryFormatError(f'"{path}[{j}].{key}" must be milliseconds')
        for key in ("speaker_label", "speaker", "original_text", "context"):
            v = t.get(key)
            if v is not None and not isinstance(v, str):
                raise HistoryFormatError(f'"{path}[{j}].{key}" must be text')
        out.append({k: t.get(k) for k in TURN_KEYS})
    return out


def restore(
    conn: sqlite3.Connection,
    tid: int,
    entries: list[ParsedHistoryEntry],
    speaker_ids: dict[str, int],
) -> None:
    """Write ``entries`` as the history of transcript ``tid`` (inside the caller's
    transaction): corrections as revisions (turns with this library's speaker ids, no turn
    ids: the turns are new rows here), status changes as verification events."""
    for e in entries:
        if e.kind == "verification":
            b, a = e.before, e.after
            conn.execute(
                "INSERT INTO verification_events (transcript_id, status_before, note_before, "
                "status, note, reason, at) VALUES (?,?,?,?,?,?,?)",
                [tid, b.get("status"), b.get("note"), a["status"], a.get("note"), e.reason, e.at],
            )
            continue
        if e.kind == "speaker" and e.seq is None:
            conn.execute(
                "INSERT INTO speaker_events (transcript_id, before, after, reason, at) "
                "VALUES (?,?,?,?,?)",
                [tid, e.before, e.after, e.reason, e.at],
            )
            continue
        conn.execute(
            "INSERT INTO revisions (transcript_id, utterance_id, kind, seq, before, after, "
            "reason, at) VALUES (?,?,?,?,?,?,?,?)",
            [
                tid,
                None,
                e.kind,
                e.seq,
                _turns_json(e.turns_before, speaker_ids),
                _turns_json(e.turns_after, speaker_ids),
                e.reason,
                e.at,
            ],
        )


def _turns_json(turns: list[dict[str, Any]], speaker_ids: dict[str, int]) -> str:
    return json.dumps(
        [
            {
                "id": None,
                "speaker_id": speaker_ids.get(t["speaker_label"])
                if t["speaker_label"] is not None
                else None,
                **{k: t[k] for k in TURN_KEYS[1:]},
            }
            for t in turns
        ],
        ensure_ascii=False,
    )
