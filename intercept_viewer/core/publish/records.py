"""What publishing reads from the library: transcripts with their speakers, utterances,
passages and recording, one transcript at a time (a 1M-utterance library never sits in memory).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from intercept_viewer.core.model import Passage, Speaker, Transcript

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

VIDEO_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v")


@dataclass
class Line:
    """One utterance as published: its time, speaker and text (and translation, if kept)."""

    seq: int
    speaker_id: int | None
    start_ms: int | None
    text: str
    translation: str | None = None


@dataclass
class MediaFile:
    path: Path
    sha256: str
    sha1: str
    size: int
    duration_ms: int | None = None
    is_video: bool = False


@dataclass
class Release:
    transcript: Transcript
    speakers: list[Speaker]
    lines: list[Line]
    passages: list[Passage] = field(default_factory=list)
    media: MediaFile | None = None


def library_identity(lib: Library) -> str:
    """The library's own uuid (migration i20), the namespace of every published id."""
    row = lib.db.execute("SELECT uuid FROM library_identity WHERE id = 1").fetchone()
    return str(row[0])


def has_column(lib: Library, table: str, column: str) -> bool:
    return any(r[1] == column for r in lib.db.execute(f"PRAGMA table_info({table})").fetchall())


def hash_file(path: Path) -> tuple[str, str, int]:
    """(sha256, sha1, size) of a file, read in blocks."""
    h256, h1, size = hashlib.sha256(), hashlib.sha1(), 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h256.update(block)
            h1.update(block)
            size += len(block)
    return h256.hexdigest(), h1.hexdigest(), size


def _media(lib: Library, t: Transcript) -> MediaFile | None:
    """The recording: the media table's (issue 18: path, SHA-256, duration), else a file
    named in ``media_path``; one that isn't on disk is left out (nothing to hash or send)."""
    attached = lib.media(t.id)
    if attached is not None:
        if not attached.exists:
            return None
        _, sha1, size = hash_file(attached.resolved)
        return MediaFile(
            attached.resolved,
            attached.sha256,
            sha1,
            size,
            attached.duration_ms,
            attached.has_video,
        )
    if not t.media_path or not Path(t.media_path).is_file():
        return None
    p = Path(t.media_path)
    sha256, sha1, size = hash_file(p)
    return MediaFile(p, sha256, sha1, size, None, p.suffix.lower() in VIDEO_SUFFIXES)


def transcript_ids(lib: Library, ids: Iterable[int] | None) -> list[int]:
    if ids:
        wanted = [int(i) for i in ids]
        for i in wanted:
            lib.transcript(i)  # NotFound names the id
        return wanted
    return [int(r[0]) for r in lib.db.execute("SELECT id FROM transcripts ORDER BY id")]


def releases(lib: Library, ids: Iterable[int] | None = None) -> Iterator[Release]:
    """Every release (or those of ``ids``) with what it is published with."""
    translation = "translation" if has_column(lib, "utterances", "translation") else "NULL"
    for tid in transcript_ids(lib, ids):
        t = lib.transcript(tid)
        # the turn number: the stored key is it unless a correction added turns between two
        number = "row_number() OVER (ORDER BY seq)" if lib.turn_order_sparse(tid) else "seq"
        rows = lib.db.execute(
            f"SELECT {number}, speaker_id, start_ms, text, {translation} FROM utterances "
            "WHERE transcript_id = ? ORDER BY seq",
            [tid],
        ).fetchall()
        yield Release(
            transcript=t,
            speakers=lib.speakers(tid, with_stats=False),
            lines=[Line(*r) for r in rows],
            passages=lib.passages(transcript_id=tid),
            media=_media(lib, t),
        )
