"""Rolling daily backups of the library, listing them, and restoring one safely.

Months of tags and notes live in one SQLite file, so the app keeps a copy a day (the last
``KEEP``) in a ``backups/`` folder next to the library. Copies are taken with SQLite's online
backup API, which gives a consistent snapshot even while the library is open and in WAL mode,
and are written as one self-contained file (rollback-journal mode: no ``-wal`` beside it).

Restoring never destroys anything: the backup is checked with ``PRAGMA integrity_check`` first,
the current library (with its ``-wal``/``-shm`` files, which belong to it) is moved aside under
a ``.before-restore-STAMP`` name, and only then is the backup copied into place. The caller must
have closed every ``Library`` on the file (File ▸ Restore backup closes the window's library
first and reopens it after).

Also listed: the backups ``schema.upgrade`` writes next to the library before migrating it.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.schema import backup_to

#: The folder, next to the library, that holds the daily backups.
BACKUP_DIR = "backups"
#: How many daily backups are kept.
KEEP = 7
#: SQLite's companion files that belong to a database file and must move with it.
COMPANIONS = ("-wal", "-shm", "-journal")

_DAILY = re.compile(r"-(\d{4}-\d{2}-\d{2})\.sqlite$")
_UPGRADE = re.compile(r"\.v(\d+)-backup-(\d{8}-\d{6})\.[^.]+$")


@dataclass(frozen=True)
class Backup:
    """One backup file of a library.

    Attributes:
        path: the backup file.
        taken_at: when it was taken (from its name; daily backups at midnight of that day).
        kind: ``"daily"`` or ``"upgrade"`` (written before a schema upgrade).
        size: its size in bytes.
    """

    path: Path
    taken_at: _dt.datetime
    kind: str
    size: int

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
    """The folder holding ``library_path``'s daily backups."""
    return Path(library_path).parent / BACKUP_DIR


def daily_backup_path(library_path: str | os.PathLike[str], day: _dt.date) -> Path:
    path = Path(library_path)
    return backup_dir(path) / f"{path.stem}-{day.isoformat()}.sqlite"


def daily_backup(
    library: Library, *, today: _dt.date | None = None, keep: int = KEEP
) -> Path | None:
    """Write today's backup of an open library unless there is one; keep the last ``keep``.

    Returns the new backup's path, or None when today's exists already or the library is in
    memory. The copy is written under a temporary name and renamed into place, so a crash
    mid-copy never leaves a half backup that looks whole.
    """
    if library.path is None:
        return None
    day = today or _dt.date.today()
    target = daily_backup_path(library.path, day)
    if target.exists():
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        _remove_with_companions(partial)
        backup_to(library.db.conn, partial)
        _fsync(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise LibraryError(f"Couldn't write the daily backup {target}: {exc}") from exc
    _prune(library.path, keep)
    return target


def _prune(library_path: Path, keep: int) -> None:
    daily = [b for b in list_backups(library_path) if b.kind == "daily"]
    for old in daily[keep:]:
        _remove_with_companions(old.path)


def list_backups(library_path: str | os.PathLike[str]) -> list[Backup]:
    """Every backup of ``library_path`` (daily and pre-upgrade), newest first."""
    path = Path(library_path)
    found: list[Backup] = []
    folder = backup_dir(path)
    if folder.is_dir():
        for f in folder.glob(f"{glob_escape(path.stem)}-*.sqlite"):
            m = _DAILY.search(f.name)
            if m is None or f.name != f"{path.stem}-{m.group(1)}.sqlite":
                continue
            try:
                day = _dt.datetime.strptime(m.group(1), "%Y-%m-%d")
            except ValueError:
                continue
            found.append(Backup(f, day, "daily", f.stat().st_size))
    if path.parent.is_dir():
        for f in path.parent.glob(f"{glob_escape(path.stem)}.v*-backup-*"):
            m = _UPGRADE.search(f.name)
            if m is None or not f.name.startswith(f"{path.stem}.v"):
                continue
            try:
                when = _dt.datetime.strptime(m.group(2), "%Y%m%d-%H%M%S")
            except ValueError:
                continue
            found.append(Backup(f, when, "upgrade", f.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
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
