"""The recording beside a transcript: attaching it, finding it again, its cached waveform.

A transcript is someone's reading of a recording, so the recording is its provenance: the
library keeps its SHA-256 (shown in the source panel, carried in citations), its duration and
where it lies — relative to the library's folder when it lies beside or below it, so a library
moved together with its recordings still finds them. A file moved elsewhere is found again by
its hash (``relink``): the user points at a folder, files of the right size are hashed.

``Library`` exposes these as thin methods (``attach_media``, ``media``, ``relink_media``…);
the functions take the Library so they share its connection and transaction rules.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.errors import MediaError, NotFound
from intercept_viewer.core.waveform import Peaks, probe

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

#: Endings of recordings found beside a transcript on import, offered by File ▸ Attach media…
#: and accepted when dropped on an open transcript.
MEDIA_SUFFIXES: tuple[str, ...] = (
    ".wav",
    ".mp3",
    ".m4a",
    ".ogg",
    ".opus",
    ".mp4",
    ".webm",
    ".mkv",
)
#: How many files a re-link walks at most (a folder chosen by mistake: the whole disk).
RELINK_MAX_FILES = 200_000

_COLUMNS = (
    "id, transcript_id, path, sha256, size_bytes, duration_ms, has_video, peaks_rate, added_at"
)


@dataclass(frozen=True)
class Media:
    """A transcript's recording as the library knows it.

    Attributes:
        path: as stored: relative to the library's folder, or absolute.
        resolved: where the file should be now (``path`` made absolute).
        has_peaks: the waveform is cached (``Library.media_peaks``).
    """

    id: int
    transcript_id: int
    path: str
    sha256: str
    size_bytes: int | None
    duration_ms: int | None
    has_video: bool
    peaks_rate: int | None
    added_at: str
    resolved: Path

    @property
    def has_peaks(self) -> bool:
        return self.peaks_rate is not None

    @property
    def exists(self) -> bool:
        return self.resolved.is_file()

    def as_json(self) -> dict[str, Any]:
        """What ``show --json`` prints."""
        return {"path": self.path, "sha256": self.sha256, "duration_ms": self.duration_ms}


def is_media_file(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in MEDIA_SUFFIXES


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks (a recording may be gigabytes)."""
    try:
        with path.open("rb") as fh:
            import hashlib  # here: the start of the window needs none of it

            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise MediaError(f"{path}: can't read the file ({exc.strerror or exc})") from None


def library_folder(library: Library) -> Path | None:
    return library.path.resolve().parent if library.path is not None else None


def stored_path(library: Library, path: Path) -> str:
    """``path`` as the library stores it: relative (POSIX) when beside or below the library."""
    folder = library_folder(library)
    absolute = path.resolve()
    if folder is not None and absolute.is_relative_to(folder):
        return absolute.relative_to(folder).as_posix()
    return str(absolute)


def resolve_stored(library: Library, stored: str) -> Path:
    p = Path(stored).expanduser()
    if p.is_absolute():
        return p
    folder = library_folder(library)
    return (folder / p) if folder is not None else p.resolve()


def _row_to_media(library: Library, row: tuple[Any, ...]) -> Media:
    return Media(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        bool(row[6]),
        row[7],
        row[8],
        resolve_stored(library, row[2]),
    )


def media_for(library: Library, transcript_id: int) -> Media | None:
    row = library.db.execute(
        f"SELECT {_COLUMNS} FROM media WHERE transcript_id = ?", [transcript_id]
    ).fetchone()
    return _row_to_media(library, row) if row else None


def attach(library: Library, transcript_id: int, path: str | os.PathLike[str]) -> Media:
    """Attach the recording at ``path`` to a transcript (replacing any attached before).

    Reads the file's hash and its header's duration; the waveform comes later
    (``set_peaks``). ``transcripts.media_path`` follows, so the source panel and older
    readers of that column see the same file.
    """
    from intercept_viewer.core.timefmt import now_iso

    library._writable()
    library.transcript(transcript_id)
    p = Path(path).expanduser()
    if not p.is_file():
        raise MediaError(f"{p}: no such file")
    info = probe(p)
    sha = file_sha256(p)
    stored = stored_path(library, p)
    with library.db.atomic():
        library.db.conn.execute("DELETE FROM media WHERE transcript_id = ?", [transcript_id])
        library.db.conn.execute(
            "INSERT INTO media (transcript_id, path, sha256, size_bytes, duration_ms, has_video, "
            "added_at) VALUES (?,?,?,?,?,?,?)",
            [
                transcript_id,
                stored,
                sha,
                p.stat().st_size,
                info.duration_ms,
                int(info.has_video),
                now_iso(),
            ],
        )
        library.db.conn.execute(
            "UPDATE transcripts SET media_path = ? WHERE id = ?", [stored, transcript_id]
        )
    media = media_for(library, transcript_id)
    assert media is not None
    return media


def detach(library: Library, transcript_id: int) -> Media | None:
    """Forget a transcript's recording (the file is untouched); returns it, for undo."""
    library._writable()
    media = media_for(library, transcript_id)
    with library.db.atomic():
        library.db.conn.execute("DELETE FROM media WHERE transcript_id = ?", [transcript_id])
        library.db.conn.execute(
            "UPDATE transcripts SET media_path = NULL WHERE id = ?", [transcript_id]
        )
    return media


def peaks(library: Library, transcript_id: int) -> Peaks | None:
    """The cached waveform, or None when it was not decoded yet."""
    row = library.db.execute(
        "SELECT peaks, peaks_rate, duration_ms FROM media WHERE transcript_id = ?",
        [transcript_id],
    ).fetchone()
    if row is None or row[1] is None:
        return None
    return Peaks(int(row[1]), bytes(row[0] or b""), int(row[2] or 0))


def set_peaks(library: Library, transcript_id: int, sha256: str, value: Peaks) -> bool:
    """Cache a decoded waveform, and the decoded duration (more exact than the header's).

    Only if the transcript still has the recording with ``sha256``: a decode that finishes
    after the user attached another file must not store the old file's waveform.
    """
    library._writable()
    with library.db.atomic():
        cur = library.db.conn.execute(
            "UPDATE media SET peaks = ?, peaks_rate = ?, "
            "duration_ms = CASE WHEN ? > 0 THEN ? ELSE duration_ms END "
            "WHERE transcript_id = ? AND sha256 = ?",
            [
                value.data,
                value.rate,
                value.duration_ms,
                value.duration_ms,
                transcript_id,
                sha256,
            ],
        )
    return cur.rowcount > 0


def find_beside(source: Path) -> Path | None:
    """A recording with the transcript's stem next to it (``call.srt`` → ``call.mp4``).

    Looks the few names it could have up in the folder's listing, read once per folder and
    kept while the folder is unchanged (its mtime): a folder import of thousands of files
    otherwise pays a dozen ``stat`` calls per file, in the one writer every file waits for.
    """
    folder = source.parent
    names = _folder_names(folder)
    stems = dict.fromkeys((source.stem, source.name.split(".", 1)[0]))
    for stem in stems:
        for suffix in MEDIA_SUFFIXES:
            for ending in (suffix, suffix.upper()):
                name = f"{stem}{ending}"
                if names is not None and name not in names:
                    continue
                candidate = folder / name
                if candidate != source and candidate.is_file():
                    return candidate
    return None


#: folder -> (its mtime in ns, the names in it); a few folders at a time are imported.
_LISTINGS: dict[str, tuple[int, frozenset[str]]] = {}
_LISTINGS_KEPT = 8
#: A listing of a folder changed less than this long ago is not kept (mtime ticks are coarse).
_RACY_NS = 2_000_000_000


def _folder_names(folder: Path) -> frozenset[str] | None:
    """The names in ``folder`` (None when it can't be listed: probe each name instead)."""
    key = str(folder)
    try:
        mtime = folder.stat().st_mtime_ns
        kept = _LISTINGS.get(key)
        if kept is not None and kept[0] == mtime:
            return kept[1]
        names = frozenset(os.listdir(folder))
    except OSError:
        return None
    if time.time_ns() - mtime < _RACY_NS:
        return names  # changed just now: a file made in the same clock tick would be missed
    if len(_LISTINGS) >= _LISTINGS_KEPT:
        _LISTINGS.pop(next(iter(_LISTINGS)))
    _LISTINGS[key] = (mtime, names)
    return names


def named_in_metadata(source: Path, media_path: str | None) -> Path | None:
    """The recording a ``media:`` key (front matter, sidecar, ELAN, Telegram) names, when it
    is a local file; relative names are read from the transcript's folder."""
    if not media_path or ("://" in media_path and not media_path.startswith("file://")):
        return None
    raw = media_path.removeprefix("file://")
    p = Path(raw).expanduser()
    if not p.is_absolute():
        p = source.parent / p
    return p if p.is_file() else None


def attach_found(
    library: Library, transcript_id: int, source: Path, media_path: str | None
) -> Media | None:
    """On import: attach what the metadata names, else a recording beside the file.

    A recording that can't be read is not attached and does not fail the import (the
    transcript is the import; the user can attach another file later).
    """
    candidate = named_in_metadata(source, media_path) or find_beside(source)
    if candidate is None:
        return None
    try:
        return attach(library, transcript_id, candidate)
    except MediaError:
        return None


def attach_from_column(library: Library, transcript_id: int) -> Media | None:
    """A transcript whose ``media_path`` names a file but has no recording attached (an
    importer that filled the column, a library from before this table): attach it now."""
    if media_for(library, transcript_id) is not None or library.read_only:
        return None
    t = library.transcript(transcript_id)
    if not t.media_path:
        return None
    p = resolve_stored(library, t.media_path)
    if not p.is_file():
        return None
    try:
        return attach(library, transcript_id, p)
    except MediaError:
        return None


def _walk_files(folder: Path) -> Iterable[Path]:
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            seen += 1
            if seen > RELINK_MAX_FILES:
                return
            if is_media_file(name):
                yield Path(root) / name


def relink(
    library: Library,
    folder: str | os.PathLike[str],
    transcript_ids: Iterable[int] | None = None,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> list[Media]:
    """Find moved recordings in ``folder`` (and below) by their SHA-256 and store their new
    place. Looks for those of ``transcript_ids`` (default: every recording not found where
    the library expects it). Only files of the recorded size are hashed."""
    library._writable()
    rows = [
        _row_to_media(library, r)
        for r in library.db.execute(f"SELECT {_COLUMNS} FROM media ORDER BY id").fetchall()
    ]
    if transcript_ids is not None:
        wanted_ids = set(transcript_ids)
        rows = [m for m in rows if m.transcript_id in wanted_ids]
    else:
        rows = [m for m in rows if not m.exists]
    by_size: dict[int | None, list[Media]] = {}
    for m in rows:
        by_size.setdefault(m.size_bytes, []).append(m)
    found: dict[str, Path] = {}
    wanted = {m.sha256 for m in rows}
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise MediaError(f"{root}: not a folder")
    for p in _walk_files(root):
        if (cancelled is not None and cancelled()) or not wanted - found.keys():
            break
        try:
            size = p.stat().st_size
        except OSError:
            continue
        if size not in by_size and None not in by_size:
            continue
        try:
            sha = file_sha256(p)
        except MediaError:
            continue
        if sha in wanted:
            found.setdefault(sha, p)
    relinked: list[Media] = []
    with library.db.atomic():
        for m in rows:
            hit = found.get(m.sha256)
            if hit is None:
                continue
            stored = stored_path(library, hit)
            library.db.conn.execute("UPDATE media SET path = ? WHERE id = ?", [stored, m.id])
            library.db.conn.execute(
                "UPDATE transcripts SET media_path = ? WHERE id = ?", [stored, m.transcript_id]
            )
    for m in rows:
        if m.sha256 in found:
            again = media_for(library, m.transcript_id)
            if again is not None:
                relinked.append(again)
    return relinked


def require(library: Library, transcript_id: int) -> Media:
    media = media_for(library, transcript_id)
    if media is None:
        raise NotFound(f"Transcript {transcript_id} has no recording attached.")
    return media
