"""Corrections of a transcript's turns that never lose what was published.

Every correction is one *replacement*: ``k`` stored turns starting at ``seq`` are replaced by
``m`` new ones (an edit, a reassignment or a time change replaces 1 by 1, a split 1 by 2, a
merge 2 by 1, an insert 0 by 1, a delete 1 by 0). One primitive keeps the things that depend on
turns in step for all of them:

* only the replaced rows are written: turns are ordered by a sparse key (``core.turn_order``),
  so an added turn takes a key between its neighbours' and the turns after keep theirs (the
  turn numbers people see stay 1..n: they are derived);
* ``text_norm`` is recomputed with the importer's own word-form function (the FTS triggers
  then update the index);
* passages are key ranges, so they cover a turn split or inserted inside them by themselves;
  only a passage with an end on a changed turn moves (``_map_passage``); a passage whose turns
  were all deleted keeps its note and is marked ``turns_deleted_at``;
* ``transcripts.utterance_count``/``has_times`` follow; speaker statistics are computed from the
  rows, so they follow by themselves;
* a ``revisions`` row records the kind, the turns before and after (JSON) and the reason.

Each operation returns a ``Correction``: the turns and passages as they were, enough for
``revert`` to put them back exactly. ``revert`` is itself a correction (recorded in the history
with the inverse kind) and returns the ``Correction`` that redoes the first: undo and redo are
the same call.

The original stays recoverable twice over: ``utterances.original_text`` holds a corrected turn's
text as imported, and ``imported_turns`` rebuilds the whole transcript as it came in by undoing
the recorded revisions newest first.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from intercept_viewer.core import turn_order
from intercept_viewer.core.colors import color_for
from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.model import HISTORY_KINDS, Speaker, Transcript, Utterance
from intercept_viewer.core.translation_norm import searchable_norm
from intercept_viewer.core.turn_order import Key
from intercept_viewer.core.wordforms import normalize_text

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

#: The kinds of history entry, as ``history`` and ``intercept-viewer history`` list them.
KINDS: tuple[str, ...] = HISTORY_KINDS
#: What undoing a correction of each kind is.
INVERSE: dict[str, str] = {
    "text": "text",
    "speaker": "speaker",
    "time": "time",
    "split": "merge",
    "merge": "split",
    "insert": "delete",
    "delete": "insert",
}
#: Joins the two texts of a merged turn (and their originals).
MERGE_SEPARATOR = " "


def stamp() -> str:
    """UTC time with microseconds: history entries made in one second keep their order."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Turn:
    """The stored state of one turn, as a correction saves and restores it.

    ``key`` is its ordering key (``core.turn_order``): a restored turn gets it back when it
    still fits between its neighbours; None for a turn a correction is adding (it gets one).
    """

    id: int | None
    speaker_id: int | None
    start_ms: int | None
    end_ms: int | None
    text: str
    original_text: str | None = None
    context: str | None = None
    key: Key | None = None

    @property
    def original(self) -> str:
        """The text as imported ('' for an inserted turn)."""
        return self.text if self.original_text is None else self.original_text


@dataclass(frozen=True)
class PassagePlace:
    """Where a passage is, as stored: keys (not turn numbers) and character offsets.

    ``first_turn``/``last_turn`` are the ids of the turns at its ends when it was read, so an
    undo puts the ends back on those turns even when their keys changed since (a renumber).
    """

    id: int
    first: Key
    last: Key
    start_char: int | None
    end_char: int | None
    turns_deleted_at: str | None
    first_turn: int | None = None
    last_turn: int | None = None


@dataclass
class Step:
    """One replacement: ``before`` turns at turn number ``seq`` became ``after``."""

    kind: str
    seq: int
    before: list[Turn]
    after: list[Turn]
    #: every passage the step moved or changed, as it was before
    passages: list[PassagePlace] = field(default_factory=list)

    @property
    def keys_after(self) -> list[Key]:
        """The keys of the turns now in place (what the window's list puts in its rows)."""
        return [t.key for t in self.after if t.key is not None]


@dataclass
class Correction:
    """What a correction did, enough for ``revert`` to undo it exactly.

    Attributes:
        transcript_id: the transcript corrected.
        steps: the replacements, in the order they were made.
        created_speakers: speakers the correction created (a new name); undo removes them.
        removed_speakers: speakers it removed (undoing a creation); undo recreates them.
        reason: the reason given, recorded with each history entry.
    """

    transcript_id: int
    steps: list[Step]
    created_speakers: list[Speaker] = field(default_factory=list)
    removed_speakers: list[Speaker] = field(default_factory=list)
    reason: str | None = None

    @property
    def kind(self) -> str:
        return self.steps[0].kind if self.steps else "text"

    @property
    def seqs(self) -> list[int]:
        return [s.seq for s in self.steps]

    @property
    def row_delta(self) -> int:
        return sum(len(s.after) - len(s.before) for s in self.steps)


# ---------------------------------------------------------------- reading

_TURN_COLUMNS = "id, speaker_id, start_ms, end_ms, text, original_text, context, seq"


def _turns_from_key(conn: sqlite3.Connection, tid: int, key: Key, count: int) -> list[Turn]:
    rows = conn.execute(
        f"SELECT {_TURN_COLUMNS} FROM utterances WHERE transcript_id = ? AND seq >= ? "
        "ORDER BY seq LIMIT ?",
        [tid, key, count],
    ).fetchall()
    return [Turn(*r) for r in rows]


def _turns(lib: Library, tid: int, seq: int, count: int) -> list[Turn]:
    """Turns ``seq .. seq + count - 1`` (turn numbers), with their keys."""
    if count <= 0:
        return []
    n = lib.utterance_count(tid)
    if not (seq >= 1 and seq + count - 1 <= n):
        raise NotFound(f"Transcript {tid} has turns 1..{n}; got {seq}..{seq + count - 1}.")
    conn = lib.db.conn
    turns = _turns_from_key(conn, tid, turn_order.key_at(conn, tid, seq), count)
    if len(turns) != count:
        raise NotFound(f"Transcript {tid} has turns 1..{n}; got {seq}..{seq + count - 1}.")
    return turns


def _language(lib: Library, tid: int) -> str | None:
    row = lib.db.execute("SELECT language FROM transcripts WHERE id = ?", [tid]).fetchone()
    if row is None:
        raise NotFound(f"No transcript with id {tid}.")
    language: str | None = row[0]
    return language


def _speaker_names(lib: Library, tid: int) -> dict[int, str]:
    return {
        r[0]: r[1]
        for r in lib.db.execute(
            "SELECT id, name FROM speakers WHERE transcript_id = ?", [tid]
        ).fetchall()
    }


_PLACE_SQL = (
    "SELECT p.id, p.first_seq, p.last_seq, p.start_char, p.end_char, p.turns_deleted_at, "
    "(SELECT u.id FROM utterances u WHERE u.transcript_id = p.transcript_id "
    " AND u.seq = p.first_seq), "
    "(SELECT u.id FROM utterances u WHERE u.transcript_id = p.transcript_id "
    " AND u.seq = p.last_seq) FROM passages p WHERE p.transcript_id = ? AND "
)


def _places_at(conn: sqlite3.Connection, tid: int, keys: Sequence[Key]) -> list[PassagePlace]:
    """The passages with an end on one of the turns at ``keys`` (a passage that merely covers
    a changed turn is not touched by the change: its ends are keys, not numbers)."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = conn.execute(
        f"{_PLACE_SQL} p.turns_deleted_at IS NULL AND "
        f"(p.first_seq IN ({marks}) OR p.last_seq IN ({marks})) ORDER BY p.id",
        [tid, *keys, *keys],
    ).fetchall()
    return [PassagePlace(*r) for r in rows]


def _places_by_id(conn: sqlite3.Connection, tid: int, ids: Sequence[int]) -> list[PassagePlace]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"{_PLACE_SQL} p.id IN ({marks}) ORDER BY p.id", [tid, *ids]).fetchall()
    return [PassagePlace(*r) for r in rows]


def _key_of_turn(conn: sqlite3.Connection, utterance_id: int | None) -> Key | None:
    if utterance_id is None:
        return None
    row = conn.execute("SELECT seq FROM utterances WHERE id = ?", [utterance_id]).fetchone()
    key: Key | None = None if row is None else row[0]
    return key


# ---------------------------------------------------------------- the one primitive


def _bounds(
    conn: sqlite3.Connection, tid: int, seq: int, before: list[Turn]
) -> tuple[Key | None, Key | None]:
    """The keys the added turns must fall between: after the last replaced turn (or the turn
    before ``seq``) and before the turn that follows the replaced ones."""
    if before:
        last = before[-1].key
        assert last is not None
        return last, turn_order.next_key(conn, tid, last)
    n = conn.execute("SELECT utterance_count FROM transcripts WHERE id = ?", [tid]).fetchone()[0]
    sparse = turn_order.is_sparse(conn, tid)
    lo = turn_order.key_at(conn, tid, seq - 1, sparse=sparse) if seq > 1 else None
    hi = turn_order.key_at(conn, tid, seq, sparse=sparse) if seq <= n else None
    return lo, hi


def _keys_for(
    conn: sqlite3.Connection, tid: int, seq: int, before: list[Turn], after: list[Turn]
) -> list[Key] | None:
    """Keys for the turns ``after`` adds beyond ``before``'s count; each turn's own key when it
    still fits (an undo restores it exactly), a new one between otherwise. None when no key
    fits (the keys there ran out of precision)."""
    added = after[len(before) :]
    if not added:
        return []
    lo, hi = _bounds(conn, tid, seq, before)
    keys: list[Key] = []
    for t in added:
        fits = t.key is not None and (lo is None or lo < t.key) and (hi is None or t.key < hi)
        key = t.key if fits else turn_order.key_between(lo, hi)
        if key is None:
            return None
        keys.append(key)
        lo = key
    return keys


def _replace(
    lib: Library,
    tid: int,
    kind: str,
    seq: int,
    before: list[Turn],
    after: list[Turn],
    reason: str | None,
    *,
    passages: list[PassagePlace] | None = None,
) -> Step:
    """Replace ``before`` (the stored turns from turn number ``seq`` on) by ``after``, inside
    the caller's transaction. Only those rows are written: the turns after them keep their
    keys, so a split in a 100,000-turn transcript writes two rows, not 50,000.

    ``passages``: the exact places to write back (an undo); otherwise the passages with an end
    on a changed turn are moved by ``_map_passage`` (the others need nothing).
    """
    conn = lib.db.conn
    k, m = len(before), len(after)
    delta = m - k
    language = _language(lib, tid)
    keys = _keys_for(conn, tid, seq, before, after)
    if keys is None:  # no room between the neighbours: 1..n once more (rare), then room
        mapping = turn_order.renumber(conn, tid)
        before = [replace(t, key=mapping[t.key]) for t in before if t.key is not None]
        keys = _keys_for(conn, tid, seq, before, after)
        assert keys is not None
    # passages that may change, read before any write (their end turns still exist)
    if passages is not None:
        affected = _places_by_id(conn, tid, [p.id for p in passages])
    elif kind in ("text", "split", "merge", "delete"):
        affected = _places_at(conn, tid, [t.key for t in before if t.key is not None])
    else:
        affected = []
    written: list[Turn] = []
    # 1. turns kept in place (same id, same key): only the columns that changed
    for old, new in zip(before, after, strict=False):
        if new.text != old.text:
            conn.execute(
                "UPDATE utterances SET text = ?, text_norm = ? WHERE id = ?",
                [new.text, _norm_keeping_translation(conn, old.id, new.text, language), old.id],  # type: ignore[arg-type]
            )
        conn.execute(
            "UPDATE utterances SET speaker_id = ?, start_ms = ?, end_ms = ?, original_text = ?, "
            "context = ? WHERE id = ?",
            [new.speaker_id, new.start_ms, new.end_ms, new.original_text, new.context, old.id],
        )
        written.append(replace(new, id=old.id, key=old.key))
    # 2. turns removed
    for old in before[m:]:
        conn.execute("DELETE FROM utterances WHERE id = ?", [old.id])
    # 3. turns added, each at its key (an undone delete or merge gets its old id back when free)
    for new, key in zip(after[k:], keys, strict=True):
        free = new.id is not None and (
            conn.execute("SELECT 1 FROM utterances WHERE id = ?", [new.id]).fetchone() is None
        )
        cur = conn.execute(
            "INSERT INTO utterances (id, transcript_id, seq, speaker_id, start_ms, end_ms, text, "
            "text_norm, context, original_text) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                new.id if free else None,
                tid,
                key,
                new.speaker_id,
                new.start_ms,
                new.end_ms,
                new.text,
                normalize_text(new.text, language),
                new.context,
                new.original_text,
            ],
        )
        written.append(replace(new, id=int(cur.lastrowid or 0), key=key))
    if delta:
        conn.execute(
            "UPDATE transcripts SET utterance_count = utterance_count + ? WHERE id = ?",
            [delta, tid],
        )
    if k != m:
        turn_order.keys_removed(conn, tid, [t.key for t in before[m:]])
        turn_order.keys_added(conn, tid, keys)
        turn_order.update_flag(conn, tid)
    if any(t.start_ms is not None for t in after):
        conn.execute("UPDATE transcripts SET has_times = 1 WHERE id = ?", [tid])
    elif any(t.start_ms is not None for t in before):  # maybe the last time went
        conn.execute(
            "UPDATE transcripts SET has_times = EXISTS (SELECT 1 FROM utterances "
            "WHERE transcript_id = ? AND start_ms IS NOT NULL) WHERE id = ?",
            [tid, tid],
        )
    # 4. passages
    if passages is not None:
        targets = [_restored(conn, p) for p in passages]
    else:
        targets = [_map_passage(conn, tid, p, kind, before, written) for p in affected]
    now = {p.id: p for p in affected}
    changed_before: list[PassagePlace] = []
    for p in targets:
        old_place = now.get(p.id)
        if old_place is not None and _same_place(old_place, p):
            continue
        if old_place is not None:
            changed_before.append(old_place)
        conn.execute(
            "UPDATE passages SET first_seq = ?, last_seq = ?, start_char = ?, end_char = ?, "
            "turns_deleted_at = ? WHERE id = ?",
            [p.first, p.last, p.start_char, p.end_char, p.turns_deleted_at, p.id],
        )
    # 5. history
    names = _speaker_names(lib, tid)
    conn.execute(
        "INSERT INTO revisions (transcript_id, utterance_id, kind, seq, before, after, reason, at) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [
            tid,
            (written or before or [Turn(None, None, None, None, "")])[0].id,
            kind,
            seq,
            _turns_json(before, names),
            _turns_json(written, names),
            reason or None,
            stamp(),
        ],
    )
    return Step(kind, seq, before, written, changed_before)


def _same_place(a: PassagePlace, b: PassagePlace) -> bool:
    return (a.first, a.last, a.start_char, a.end_char, a.turns_deleted_at) == (
        b.first,
        b.last,
        b.start_char,
        b.end_char,
        b.turns_deleted_at,
    )


def _restored(conn: sqlite3.Connection, p: PassagePlace) -> PassagePlace:
    """``p`` with its ends on the turns they were on (their keys now), for an undo."""
    first = _key_of_turn(conn, p.first_turn)
    last = _key_of_turn(conn, p.last_turn)
    return replace(
        p,
        first=p.first if first is None else first,
        last=p.last if last is None else last,
    )


def _turns_json(turns: Sequence[Turn], names: dict[int, str]) -> str:
    return json.dumps(
        [
            {
                "id": t.id,
                "speaker_id": t.speaker_id,
                "speaker": names.get(t.speaker_id) if t.speaker_id is not None else None,
                "start_ms": t.start_ms,
                "end_ms": t.end_ms,
                "text": t.text,
                "original_text": t.original_text,
                "context": t.context,
            }
            for t in turns
        ],
        ensure_ascii=False,
    )


def _map_passage(
    conn: sqlite3.Connection,
    tid: int,
    p: PassagePlace,
    kind: str,
    before: list[Turn],
    after: list[Turn],
) -> PassagePlace:
    """Where a passage with an end on a changed turn goes when ``before`` became ``after``.

    Ends are keys, so a passage around a split, insert or delete needs nothing, and one after
    it neither. At the ends: a split gives the part of the passage after the cut to the new
    turn; a merge re-bases character offsets into the merged text; a delete narrows a passage
    to its remaining turns or, when none remain, keeps it (and its note) marked
    ``turns_deleted_at``, at the deleted turn's key (it shows at the turn now in its place).
    """
    first, last, sc, ec = p.first, p.last, p.start_char, p.end_char
    if kind == "text":
        # Offsets into an edited turn are kept where the text still reaches.
        key, n = before[0].key, len(after[0].text)
        if first == key and sc is not None and sc >= n:
            sc = None
        if last == key and ec is not None and ec > n:
            ec = n
        if first == last == key and sc is not None and ec is not None and ec <= sc:
            sc = ec = None
        return replace(p, start_char=sc, end_char=ec)
    if kind == "split":  # the head keeps the key; the tail (from `cut`) is the new turn
        key, head_turn, tail_turn = before[0].key, after[0], after[1]
        assert tail_turn.key is not None
        head = len(head_turn.text)
        cut = len(before[0].text) - len(tail_turn.text)
        if first == key and sc is not None and sc >= head:
            first, sc = tail_turn.key, max(sc - cut, 0)
        if last == key:
            if ec is not None and ec <= cut:
                ec = min(ec, head)
            else:
                last, ec = tail_turn.key, (None if ec is None else ec - cut)
        return replace(p, first=first, last=last, start_char=sc, end_char=ec)
    if kind == "merge":  # a and b became a; b's text starts at `shift`
        a, b = before
        assert a.key is not None
        shift = len(a.text) + len(MERGE_SEPARATOR)
        if first == b.key:
            first, sc = a.key, (sc or 0) + shift
        if last == a.key:
            ec = ec if ec is not None else len(a.text)
        elif last == b.key:
            last, ec = a.key, (None if ec is None else ec + shift)
        return replace(p, first=first, last=last, start_char=sc, end_char=ec)
    if kind == "delete":
        key = before[0].key
        assert key is not None
        if first == last == key:
            return replace(p, turns_deleted_at=stamp())
        lo, hi = turn_order.neighbours(conn, tid, key)
        if first == key and hi is not None:
            return replace(p, first=hi, start_char=None)
        if last == key and lo is not None:
            return replace(p, last=lo, end_char=None)
    return p


# ---------------------------------------------------------------- operations


def _first_correction(old: Turn) -> str:
    """The original text a turn carries once corrected."""
    return old.original


def edit_text(lib: Library, tid: int, seq: int, text: str, reason: str | None) -> Correction:
    """Replace a turn's text. The first edit keeps the imported text in ``original_text``."""
    text = text.strip()
    if not text:
        raise ValueError("A turn needs some text; delete the turn instead.")
    (old,) = _turns(lib, tid, seq, 1)
    if text == old.text:
        return Correction(tid, [], reason=reason)
    new = replace(old, text=text, original_text=_first_correction(old))
    with lib.db.atomic():
        step = _replace(lib, tid, "text", seq, [old], [new], reason)
    return Correction(tid, [step], reason=reason)


def _speaker_for(lib: Library, tid: int, speaker: int | str) -> tuple[int, Speaker | None]:
    """The speaker id for an id or a name; a name no speaker has creates one (returned)."""
    if isinstance(speaker, int):
        sp = lib.speaker(speaker)
        if sp.transcript_id != tid:
            raise ValueError(f"Speaker {speaker} belongs to another transcript.")
        return sp.id, None
    name = speaker.strip()
    if not name:
        raise ValueError("A speaker needs a name.")
    for sp in lib.speakers(tid, with_stats=False):
        if name.casefold() in (sp.name.casefold(), sp.label.casefold()):
            return sp.id, None
    n = len(lib.speakers(tid, with_stats=False))
    cur = lib.db.conn.execute(
        "INSERT INTO speakers (transcript_id, label, name, role, color) VALUES (?,?,?,?,?)",
        [tid, name, name, None, color_for(n)],
    )
    sid = int(cur.lastrowid or 0)
    return sid, lib.speaker(sid)


def reassign(
    lib: Library, tid: int, seqs: Sequence[int], speaker: int | str, reason: str | None
) -> Correction:
    """Give turns ``seqs`` to a speaker (an id, or a name: a new name creates the speaker)."""
    steps: list[Step] = []
    created: list[Speaker] = []
    with lib.db.atomic():
        sid, new_speaker = _speaker_for(lib, tid, speaker)
        if new_speaker is not None:
            created.append(new_speaker)
        for seq in sorted(set(seqs)):
            (old,) = _turns(lib, tid, seq, 1)
            if old.speaker_id == sid:
                continue
            new = replace(old, speaker_id=sid, original_text=_first_correction(old))
            steps.append(_replace(lib, tid, "speaker", seq, [old], [new], reason))
    return Correction(tid, steps, created_speakers=created, reason=reason)


def split(lib: Library, tid: int, seq: int, offset: int, reason: str | None) -> Correction:
    """Cut turn ``seq`` at character ``offset`` into two turns of the same speaker.

    The whitespace at the cut is dropped. Times are not invented: the first part keeps the
    start, the second the end.
    """
    (old,) = _turns(lib, tid, seq, 1)
    head, tail = old.text[:offset].rstrip(), old.text[offset:].lstrip()
    if not 0 < offset < len(old.text) or not head or not tail:
        raise ValueError("Split inside the text: both parts need some words.")
    original = _first_correction(old)
    first = replace(old, text=head, end_ms=None, original_text=original)
    second = Turn(None, old.speaker_id, None, old.end_ms, tail, original, old.context)
    with lib.db.atomic():
        step = _replace(lib, tid, "split", seq, [old], [first, second], reason)
    return Correction(tid, [step], reason=reason)


def merge(lib: Library, tid: int, seq: int, reason: str | None) -> Correction:
    """Merge turn ``seq`` with the next one; the first one's speaker and start are kept."""
    a, b = _turns(lib, tid, seq, 2)
    merged = Turn(
        a.id,
        a.speaker_id,
        a.start_ms if a.start_ms is not None else b.start_ms,
        b.end_ms if b.end_ms is not None else a.end_ms,
        f"{a.text}{MERGE_SEPARATOR}{b.text}",
        f"{a.original}{MERGE_SEPARATOR}{b.original}",
        a.context or b.context,
    )
    with lib.db.atomic():
        step = _replace(lib, tid, "merge", seq, [a, b], [merged], reason)
    return Correction(tid, [step], reason=reason)


def insert(
    lib: Library,
    tid: int,
    after_seq: int,
    text: str,
    speaker: int | str | None,
    reason: str | None,
) -> Correction:
    """Insert a turn after ``after_seq`` (0: at the top). It has no original (``''``)."""
    text = text.strip()
    if not text:
        raise ValueError("A turn needs some text.")
    count = lib.utterance_count(tid)
    if not 0 <= after_seq <= count:
        raise NotFound(f"Transcript {tid} has turns 1..{count}; can't insert after {after_seq}.")
    created: list[Speaker] = []
    with lib.db.atomic():
        if speaker is None:
            near = _turns(lib, tid, after_seq, 1) if after_seq else []
            sid = near[0].speaker_id if near else None
        else:
            sid, new_speaker = _speaker_for(lib, tid, speaker)
            created = [new_speaker] if new_speaker else []
        new = Turn(None, sid, None, None, text, "", None)
        step = _replace(lib, tid, "insert", after_seq + 1, [], [new], reason)
    return Correction(tid, [step], created_speakers=created, reason=reason)


def delete(lib: Library, tid: int, seq: int, reason: str | None) -> Correction:
    """Delete turn ``seq``; its text stays in the history, so undo and ``imported_turns``
    bring it back."""
    (old,) = _turns(lib, tid, seq, 1)
    with lib.db.atomic():
        step = _replace(lib, tid, "delete", seq, [old], [], reason)
    return Correction(tid, [step], reason=reason)


def set_times(
    lib: Library,
    tid: int,
    changes: Sequence[tuple[int, int | None, int | None]],
    reason: str | None,
) -> list[tuple[int, int | None, int | None]]:
    """Set or clear turns' start/end (ms); returns (seq, start, end) as they were, for undo.

    Times are not text: a time change is recorded in the history but doesn't mark the turn
    as corrected (giving times to an untimed release is not correcting what it said).
    """
    previous: list[tuple[int, int | None, int | None]] = []
    for seq, start, end in changes:
        for v in (start, end):
            if v is not None and v < 0:
                raise ValueError("A time can't be negative.")
        if start is not None and end is not None and end < start:
            raise ValueError(f"Turn {seq} would end before it starts.")
    with lib.db.atomic():
        for seq, start, end in changes:
            (old,) = _turns(lib, tid, seq, 1)
            previous.append((seq, old.start_ms, old.end_ms))
            if (old.start_ms, old.end_ms) == (start, end):
                continue
            _replace(
                lib, tid, "time", seq, [old], [replace(old, start_ms=start, end_ms=end)], reason
            )
    return previous


def _now_at(lib: Library, tid: int, s: Step) -> tuple[int, list[Turn]]:
    """Where step ``s``'s turns are now (turn number) and their stored state, found by the ids
    of the turns it put in place; a delete's place is the number it had."""
    conn = lib.db.conn
    if not s.after:
        return s.seq, []
    key = _key_of_turn(conn, s.after[0].id)
    current = [] if key is None else _turns_from_key(conn, tid, key, len(s.after))
    if [t.id for t in current] != [t.id for t in s.after]:
        raise ValueError("The transcript changed since; this correction can't be undone.")
    assert key is not None
    return turn_order.number_of(conn, tid, key), current


def revert(lib: Library, c: Correction, reason: str | None = "undo") -> Correction:
    """Undo ``c`` exactly (turns, keys, passages, speakers it created); returns the redo."""
    steps: list[Step] = []
    tid = c.transcript_id
    with lib.db.atomic():
        for sp in c.removed_speakers:
            lib.db.conn.execute(
                "INSERT INTO speakers (id, transcript_id, label, name, role, color) "
                "VALUES (?,?,?,?,?,?)",
                [sp.id, sp.transcript_id, sp.label, sp.name, sp.role, sp.color],
            )
        for s in reversed(c.steps):
            seq, current = _now_at(lib, tid, s)
            steps.append(
                _replace(
                    lib, tid, INVERSE[s.kind], seq, current, s.before, reason, passages=s.passages
                )
            )
        removed: list[Speaker] = []
        for sp in c.created_speakers:
            used = lib.db.execute(
                "SELECT 1 FROM utterances WHERE speaker_id = ? LIMIT 1", [sp.id]
            ).fetchone()
            if used is None:
                lib.db.conn.execute("DELETE FROM speakers WHERE id = ?", [sp.id])
                removed.append(sp)
    return Correction(
        tid, steps, created_speakers=c.removed_speakers, removed_speakers=removed, reason=reason
    )


# ---------------------------------------------------------------- verification events


#: A note that still says the release is unverified (English, Russian, Ukrainian).
_UNVERIFIED_NOTE = re.compile(
    r"\bun-?verified\b|\bnot\s+(?:been\s+|yet\s+)?(?:independently\s+)?verified\b"
    r"|\bcould\s*n[o']t\s+(?:be\s+)?(?:independently\s+)?verif|\bcannot\s+(?:be\s+)?"
    r"(?:independently\s+)?verif|\bunable\s+to\s+(?:independently\s+)?verify"
    r"|не\s+(?:был[аио]?\s+|удалось\s+|может\s+|можем\s+)?(?:независимо\s+)?(?:проверен|провер|подтвержд)"
    r"|не\s+(?:було\s+|вдалося\s+|може\s+)?(?:незалежно\s+)?(?:перевірен|перевір|підтвердж)"
    r"|неперевір|непровер|неподтвержд|непідтвердж",
    re.IGNORECASE,
)


def note_says_unverified(note: str | None) -> bool:
    """True when a verification note still says the release is not verified.

    The window asks to update such a note when the status becomes verified or corroborated.
    """
    return bool(note and _UNVERIFIED_NOTE.search(note))


def record_verification(
    lib: Library, before: Transcript, fields: dict[str, Any], reason: str | None
) -> None:
    """Record a change of verification status or note (inside the caller's transaction)."""
    status = fields.get("verification", before.verification)
    note = fields.get("verification_note", before.verification_note) or None
    if status == before.verification and note == (before.verification_note or None):
        return
    lib.db.conn.execute(
        "INSERT INTO verification_events (transcript_id, status_before, note_before, status, "
        "note, reason, at) VALUES (?,?,?,?,?,?,?)",
        [before.id, before.verification, before.verification_note, status, note, reason, stamp()],
    )


# ---------------------------------------------------------------- history and the original


@dataclass
class HistoryEntry:
    """One change, as ``history`` lists it: before/after in the user's terms."""

    at: str
    kind: str
    seq: int | None
    before: Any
    after: Any
    reason: str | None
    utterance_id: int | None = None
    #: the ``revisions`` row of a correction (None for a change of status)
    revision_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "kind": self.kind,
            "seq": self.seq,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }


def value_text(v: Any) -> str:
    """A history value as one short line (the CLI's listing and the window's History)."""
    from intercept_viewer.core.timefmt import format_ms

    if v is None:
        return "—"
    if isinstance(v, dict) and "start_ms" in v:
        start, end = v.get("start_ms"), v.get("end_ms")
        if start is None and end is None:
            return "no time"
        shown = [format_ms(x) if x is not None else "—" for x in (start, end)]
        return "–".join(shown)
    if isinstance(v, dict):
        note = f" ({v['note']})" if v.get("note") else ""
        return f"{v.get('status')}{note}"
    if isinstance(v, list):
        return " | ".join(str(x) for x in v)
    return str(v)


def _shown(kind: str, turns: list[dict[str, Any]]) -> Any:
    """A revision's turns as a value a person reads: the text, the speaker, the times."""
    if kind == "speaker":
        return turns[0]["speaker"] if turns else None
    if kind == "time":
        return {"start_ms": turns[0]["start_ms"], "end_ms": turns[0]["end_ms"]} if turns else None
    texts = [t["text"] for t in turns]
    if not texts:
        return None
    return texts[0] if len(texts) == 1 else texts


def history(lib: Library, tid: int, *, utterance_id: int | None = None) -> list[HistoryEntry]:
    """Every correction and verification change of a transcript, oldest first."""
    lib.transcript(tid)
    where, params = "transcript_id = ?", list[object]([tid])
    if utterance_id is not None:
        where += " AND (utterance_id = ? OR before LIKE ? OR after LIKE ?)"
        params += [utterance_id, f'%"id": {utterance_id},%', f'%"id": {utterance_id},%']
    entries: list[tuple[str, int, int, HistoryEntry]] = []
    for rid, kind, seq, before, after, reason, at, uid in lib.db.execute(
        "SELECT id, kind, seq, before, after, reason, at, utterance_id FROM revisions "
        f"WHERE {where} ORDER BY id",
        params,
    ).fetchall():
        b, a = json.loads(before), json.loads(after)
        entries.append(
            (
                at,
                0,
                rid,
                HistoryEntry(at, kind, seq, _shown(kind, b), _shown(kind, a), reason, uid, rid),
            )
        )
    if utterance_id is None:
        # speakers merged (and unmerged): every turn of one speaker, so no turn number
        for eid, before_name, after_name, reason, at in lib.db.execute(
            "SELECT id, before, after, reason, at FROM speaker_events WHERE transcript_id = ? "
            "ORDER BY id",
            [tid],
        ).fetchall():
            entries.append(
                (at, 2, eid, HistoryEntry(at, "speaker", None, before_name, after_name, reason))
            )
        for eid, sb, nb, st, note, reason, at in lib.db.execute(
            "SELECT id, status_before, note_before, status, note, reason, at "
            "FROM verification_events WHERE transcript_id = ? ORDER BY id",
            [tid],
        ).fetchall():
            entries.append(
                (
                    at,
                    1,
                    eid,
                    HistoryEntry(
                        at,
                        "verification",
                        None,
                        {"status": sb, "note": nb},
                        {"status": st, "note": note},
                        reason,
                    ),
                )
            )
    entries.sort(key=lambda e: e[:3])
    return [e[3] for e in entries]


def verification_history(lib: Library, tid: int) -> list[HistoryEntry]:
    return [e for e in history(lib, tid) if e.kind == "verification"]


def is_corrected(lib: Library, tid: int) -> bool:
    row = lib.db.execute(
        "SELECT 1 FROM revisions WHERE transcript_id = ? LIMIT 1", [tid]
    ).fetchone()
    return row is not None


def imported_turns(lib: Library, tid: int) -> list[Utterance]:
    """The transcript as it was imported: the current turns with every revision undone,
    newest first. Never corrected: simply the stored turns."""
    current = lib.utterances(tid)
    revisions = lib.db.execute(
        "SELECT seq, before, after FROM revisions WHERE transcript_id = ? ORDER BY id DESC", [tid]
    ).fetchall()
    if not revisions:
        return current
    rows: list[dict[str, Any]] = [
        {
            "id": u.id,
            "speaker_id": u.speaker_id,
            "start_ms": u.start_ms,
            "end_ms": u.end_ms,
            "text": u.text,
            "context": u.context,
        }
        for u in current
    ]
    for seq, before, after in revisions:
        n_after = len(json.loads(after))
        rows[seq - 1 : seq - 1 + n_after] = json.loads(before)
    return [
        Utterance(
            r["id"] or 0,
            tid,
            i,
            r["speaker_id"],
            r["start_ms"],
            r["end_ms"],
            r["text"],
            r.get("context"),
        )
        for i, r in enumerate(rows, start=1)
    ]


def _norm_keeping_translation(
    conn: sqlite3.Connection, utterance_id: int, text: str, language: str | None
) -> str:
    """A corrected turn's search words: its new text's, plus its translation's (issue 14
    folds a translation into ``text_norm``; a correction must not drop it)."""
    row = conn.execute("SELECT translation FROM utterances WHERE id = ?", [utterance_id]).fetchone()
    return searchable_norm(text, row[0] if row else None, language)
