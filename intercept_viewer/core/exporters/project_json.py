"""The project's own JSON: a whole transcript with its speakers, passages, tags and notes.

This shape is a contract: the JSON importer (``core/importers/json_formats.py``) reads it back
and a round trip must give the same document. Speakers are referred to by their *label* (as
written in the original file), passages by utterance ``seq``, tags by name, so nothing depends
on one library's row ids.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from intercept_viewer.core import history_transfer
from intercept_viewer.core.exporters.common import passage_fields
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import META_FIELDS, Passage

#: The value of the top-level ``"intercept_viewer"`` key: the version of this shape.
FORMAT_VERSION = 1

TRANSCRIPT_KEYS: tuple[str, ...] = (*META_FIELDS, "origin")


def _passage_order(p: Passage) -> tuple[Any, ...]:
    """Passages in reading order; ties by creation, then id (which a re-import preserves)."""
    return (
        p.first_seq,
        p.last_seq,
        -1 if p.start_char is None else p.start_char,
        -1 if p.end_char is None else p.end_char,
        p.created_at or "",
        p.id,
    )


def transcript_document(library: Library, transcript_id: int) -> dict[str, Any]:
    """The project JSON of one transcript as a plain dict (see the module docstring)."""
    t = library.transcript(transcript_id)
    speakers = library.speakers(transcript_id)
    labels = {s.id: s.label for s in speakers}
    passages = sorted(library.passages(transcript_id=transcript_id), key=_passage_order)
    used = {name.casefold() for p in passages for name in p.tags}
    tags = [tag for tag in library.tags() if tag.name.casefold() in used]
    return {
        "intercept_viewer": FORMAT_VERSION,
        "transcript": {key: getattr(t, key) for key in TRANSCRIPT_KEYS},
        "speakers": [
            {"label": s.label, "name": s.name, "role": s.role, "color": s.color} for s in speakers
        ],
        "utterances": [
            {
                "seq": u.seq,
                "speaker": labels.get(u.speaker_id) if u.speaker_id is not None else None,
                "start_ms": u.start_ms,
                "end_ms": u.end_ms,
                "text": u.text,
                "context": u.context,
                **({"original_text": u.original_text} if u.corrected else {}),
                "translation": u.translation,
            }
            for u in library.utterances(transcript_id)
        ],
        "passages": [passage_fields(p) for p in passages],
        **(
            {"history": history}
            if (history := history_transfer.export_entries(library, transcript_id))
            else {}
        ),
        "tags": [{"name": t.name, "color": t.color, "description": t.description} for t in tags],
    }


def write_project_json(library: Library, transcript_id: int, out: TextIO) -> int:
    """Write the project JSON of one transcript; returns the number of utterances."""
    doc = transcript_document(library, transcript_id)
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(doc["utterances"])
