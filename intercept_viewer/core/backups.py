"""Rolling daily backups of the library, listing them, and restoring one safely.

Months of tags and notes live in one SQLite file, so the app keeps a copy a day (the last
``KEEP``) in the library's own ``NAME.backups/`` folder (``backup_files``: unique names per
library file, the library's permissions, a private folder for a private library). Copies are
taken with SQLite's online backup API, which gives a consistent snapshot even while the library
is open and in WAL mode, and are written as one self-contained file (rollback-journal mode: no
``-wal`` beside it).

A daily backup is kept only when the copy passes ``PRAGMA quick_check``: a damaged library is
never copied over the good days (the check runs on the copy, a separate file, at any size).
Pruning never removes the newest backup that passes the check.

Restoring never destroys anything: the backup is checked with ``PRAGMA integrity_check`` first,
the current library (with its ``-wal``/``-shm`` files, which belong to it) is moved aside under
a ``.before-restore-STAMP`` name, and only then is the backup copied into place. The caller must
have closed every ``Library`` on the file (File ▸ Restore backup closes the window's library
first and reopens it after).

Also listed: the backups ``schema.upgrade`` writes before migrating, and backups written by
earlier versions (a shared ``backups/`` folder, upgrade copies beside the library) when their
names can only belong to this library.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from intercept_viewer.core import backup_files
from intercept_viewer.core.errors import LibraryDamaged, LibraryError
from intercept_viewer.core.library import LIBRARY_SUFFIXES, Library
from intercept_viewer.core.schema import backup_to

#: The folder earlier versions shared between every library of a folder (listed, not written).
LEGACY_BACKUP_DIR = "backups"
#: How many daily backups are kept.
KEEP = 7
#: SQLite's companion files that belong to a database file and must move with it.
COMPANIONS = ("-wal", "-shm", "-journal")

_LEGACY_DAILY = re.compile(r"-(\d{4}-\d{2}-\d{2})\.sqlite$")
_LEGACY_UPGRADE = re.compile(r"\.v(\d+)-backup-(\d{8}-\d{6})\.[^.]+$")


@dataclass(frozen=True)
class Backup:
    """One backup file of a library.

    Attributes:
        path: the backup file.
        taken_at: when it was taken (from its name; daily backups at midnight of that day).
        kind: ``"daily"`` or ``"upgrade"`` (written before a schema upgrade).
        size: its size in bytes.
        legacy: written by an earlier version, outside the library's own folder.
    """

    path: Path
    taken_at: _dt.datetime
    kind: str
    size: int
    #: written by an earlier version (a shared ``backups/`` folder); never pruned
    legacy: bool = False

    @property
    def label(self) -> str:
        """How a Restore dialog lists it: ``2024-05-01 (daily, 1.2 MB)``."""
        when = (
            self.taken_at.date().isoformat()
            if self.kind == "daily"
            else self.taken_at.strftime("%Y-%m-%d %H:%M:%S")
        )
        return f"{when} ({self.kind}, {self.size / 1048576:.1f} MB)"


def backup_dir(library_path: str | os.PathLike[str]) -> Path:
    """The folder holding ``library_path``'s backups (``NAME.backups/``)."""
    return backup_files.backup_folder(library_path)


def daily_backup_path(library_path: str | os.PathLike[str], day: _dt.date) -> Path:
    return backup_files.daily_path(library_path, day)


def daily_backup(
    library: Library, *, today: _dt.date | None = None, keep: int = KEEP
) -> Path | None:
    """Write today's backup of an open library unless there is one; keep the last ``keep``.

    Returns the new backup's path, or None when today's exists already or the library is in
    memory. The copy is written under a temporary name, checked, and renamed into place, so a
    crash mid-copy never leaves a half backup that looks whole. A copy that fails the check
    (the library is damaged) is deleted and LibraryDamaged raised: the good days stay.
    """
    if library.path is None:
        return None
    if library.damaged:
        raise LibraryDamaged(f"No daily backup was written: {library.damaged}")
    day = today or _dt.date.today()
    target = daily_backup_path(library.path, day)
    if target.exists():
        return None
    partial = target.with_name(target.name + ".partial")
    try:
        backup_files.ensure_backup_folder(library.path)
        _remove_with_companions(partial)
        backup_to(library.db.conn, partial, library.path)
        problem = _check_copy(partial)
        if problem is not None:
            _remove_with_companions(partial)
            message = (
                f"{library.path} is damaged ({problem}); no daily backup was written, so the "
                "earlier ones stay. Restore a backup (File ▸ Restore backup)."
            )
            from intercept_viewer.core import open_libraries

            open_libraries.mark_damaged(library._key, message)
            raise LibraryDamaged(message)
        _fsync(partial)
        os.replace(partial, target)
    except LibraryError:
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove_with_companions(partial)
        from intercept_viewer.core.sqlite_failures import disk_full_message, is_disk_full

        if is_disk_full(exc, target):
            from intercept_viewer.core.errors import DiskFull

            raise DiskFull(
                f"Couldn't write the daily backup {target}: {disk_full_message(target.parent)}"
            ) from exc
        raise LibraryError(f"Couldn't write the daily backup {target}: {exc}") from exc
    _prune(library.path, keep, known_good=target)
    return target


def _check_copy(path: Path) -> str | None:
    """None if the copy passes ``PRAGMA quick_check``, else what is wrong."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows)


def _prune(library_path: Path, keep: int, known_good: Path | None = None) -> None:
    """Keep the newest ``keep`` daily backups, and always the newest one that passes the check.

    ``known_good`` (just written and checked) spares re-reading the newest copy.
    """
    daily = [b for b in list_backups(library_path) if b.kind == "daily" and not b.legacy]
    newest_good = next(
        (b for b in daily if b.path == known_good or _check_copy(b.path) is None), None
    )
    for old in daily[keep:]:
        if old != newest_good:
            _remove_with_companions(old.path)


def _legacy_owner_unique(path: Path) -> bool:
    """Earlier versions named backups by the stem only: are they surely this library's?"""
    stem = path.stem
    try:
        siblings = [
            p
            for p in path.parent.glob(f"{glob_escape(stem)}.*")
            if p.suffix.lower() in LIBRARY_SUFFIXES and p.is_file() and p.stem == stem
        ]
    except OSError:
        return False
    return all(p.name == path.name for p in siblings)


def list_backups(library_path: str | os.PathLike[str]) -> list[Backup]:
    """Every backup of ``library_path`` (daily and pre-upgrade), newest first."""
    path = Path(library_path)
    found: list[Backup] = []
    folder = backup_dir(path)
    if folder.is_dir():
        for f in folder.iterdir():
            m = backup_files.DAILY_RE.search(f.name)
            if m and f.name == f"{path.name}.daily-{m.group(1)}.sqlite":
                when = _parse(m.group(1), "%Y-%m-%d")
                if when:
                    found.append(Backup(f, when, "daily", f.stat().st_size))
                continue
            m = backup_files.UPGRADE_RE.search(f.name)
            if m and f.name == f"{path.name}.v{m.group(1)}-upgrade-{m.group(2)}.sqlite":
                when = _parse(m.group(2), "%Y%m%d-%H%M%S")
                if when:
                    found.append(Backup(f, when, "upgrade", f.stat().st_size))
    if _legacy_owner_unique(path):
        found.extend(_legacy_backups(path))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def _parse(text: str, fmt: str) -> _dt.datetime | None:
    try:
        return _dt.datetime.strptime(text, fmt)
    except ValueError:
        return None


def _legacy_backups(path: Path) -> list[Backup]:
    found: list[Backup] = []
    folder = path.parent / LEGACY_BACKUP_DIR
    if folder.is_dir():
        for f in folder.glob(f"{glob_escape(path.stem)}-*.sqlite"):
            m = _LEGACY_DAILY.search(f.name)
            if m is None or f.name != f"{path.stem}-{m.group(1)}.sqlite":
                continue
            when = _parse(m.group(1), "%Y-%m-%d")
            if when:
                found.append(Backup(f, when, "daily", f.stat().st_size, legacy=True))
    if path.parent.is_dir():
        for f in path.parent.glob(f"{glob_escape(path.stem)}.v*-backup-*"):
            m = _LEGACY_UPGRADE.search(f.name)
            if m is None or not f.name.startswith(f"{path.stem}.v"):
                continue
            when = _parse(m.group(2), "%Y%m%d-%H%M%S")
            if when:
                found.append(Backup(f, when, "upgrade", f.stat().st_size, legacy=True))
    return found


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def verify_backup(backup: str | os.PathLike[str]) -> None:
    """Raise LibraryError unless ``backup`` is an intact Intercept Viewer library.

    Opened read-only (immutable), so checking never changes the file.
    """
    path = Path(backup)
    if not path.is_file():
        raise LibraryError(f"The backup {path} does not exist.")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise LibraryError(f"The backup {path} is not a SQLite database.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise LibraryError(f"The backup {path} can't be read ({exc}).") from None
    if result != ["ok"]:
        raise LibraryError(f"The backup {path} is damaged ({'; '.join(result[:3])}).")
    if "_sqlite_migrations" not in tables or "transcripts" not in tables:
        raise LibraryError(f"The backup {path} is not an Intercept Viewer library.")


def restore_backup(
    backup: Backup | str | os.PathLike[str], library_path: str | os.PathLike[str]
) -> Path | None:
    """Put ``backup`` in place of the library at ``library_path``; return where the old one went.

    Close every Library on ``library_path`` first. The backup is verified before anything is
    touched; the current file and its ``-wal``/``-shm`` move aside together (so the set stays
    openable) to ``NAME.before-restore-STAMP.sqlite``. Returns None if there was no current file.
    """
    source = backup.path if isinstance(backup, Backup) else Path(backup)
    target = Path(library_path)
    verify_backup(source)
    if source.resolve() == target.resolve():
        raise LibraryError("That backup is the library itself.")
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside: Path | None = None
    incoming = target.with_name(f"{target.name}.restoring")
    try:
        _remove_with_companions(incoming)
        shutil.copyfile(source, incoming)
        _fsync(incoming)
        if target.exists():
            aside = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
            n = 1
            while aside.exists():
                n += 1
                aside = target.with_name(f"{target.stem}.before-restore-{stamp}-{n}{target.suffix}")
            os.replace(target, aside)
            for suffix in COMPANIONS:
                companion = Path(f"{target}{suffix}")
                if companion.exists():
                    os.replace(companion, Path(f"{aside}{suffix}"))
        os.replace(incoming, target)
    except OSError as exc:
        _remove_with_companions(incoming)
        where = f" The library was moved to {aside}." if aside and not target.exists() else ""
        raise LibraryError(f"Restoring {source} failed: {exc}.{where}") from exc
    return aside


def _remove_with_companions(path: Path) -> None:
    for p in (path, *(Path(f"{path}{s}") for s in COMPANIONS)):
        p.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush a file to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
