"""Where a library's backups live, what they are called, and who may read them.

Each library file has its own folder beside it, named after the whole file name
(``calls.sqlite`` → ``calls.sqlite.backups/``), so ``calls.sqlite`` and ``calls.db`` in one folder
never share a backup name, and a library in a shared folder (the system's temp folder) never
writes into a ``backups/`` folder that everyone there shares. The folder must be ours (not a
symlink, owned by us); when the library is private (no group/other permission bits) the
folder is made readable by the user alone, and every backup file gets the library's own
permission bits, so a 0600 library never gets 0644 copies.

Names: ``NAME.daily-YYYY-MM-DD.sqlite`` and ``NAME.vN-upgrade-YYYYMMDD-HHMMSS.sqlite`` (the
state before the upgrade from schema vN; at most one per version).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
from pathlib import Path

from intercept_viewer.core.errors import LibraryError

FOLDER_SUFFIX = ".backups"
DAILY_RE = re.compile(r"\.daily-(\d{4}-\d{2}-\d{2})\.sqlite$")
UPGRADE_RE = re.compile(r"\.v(\d+)-upgrade-(\d{8}-\d{6})\.sqlite$")


def backup_folder(library_path: str | os.PathLike[str]) -> Path:
    path = Path(library_path)
    return path.parent / f"{path.name}{FOLDER_SUFFIX}"


def daily_path(library_path: str | os.PathLike[str], day: _dt.date) -> Path:
    path = Path(library_path)
    return backup_folder(path) / f"{path.name}.daily-{day.isoformat()}.sqlite"


def upgrade_path(library_path: str | os.PathLike[str], version: int) -> Path:
    path = Path(library_path)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_folder(path) / f"{path.name}.v{version}-upgrade-{stamp}.sqlite"


def existing_upgrade_backup(library_path: str | os.PathLike[str], version: int) -> Path | None:
    """The upgrade backup already written for schema ``version``, if any."""
    path = Path(library_path)
    folder = backup_folder(path)
    if not folder.is_dir():
        return None
    prefix = f"{path.name}.v{version}-upgrade-"
    for f in sorted(folder.iterdir(), reverse=True):
        m = UPGRADE_RE.search(f.name)
        if m and f.name.startswith(prefix) and f.name == f"{prefix}{m.group(2)}.sqlite":
            return f
    return None


def library_mode(library_path: Path) -> int:
    """The library's read/write permission bits (0o644 for a file not yet on disk)."""
    try:
        return stat.S_IMODE(os.stat(library_path).st_mode) & 0o666
    except OSError:
        return 0o644


def is_private(library_path: Path) -> bool:
    return library_mode(library_path) & 0o077 == 0


def ensure_backup_folder(library_path: str | os.PathLike[str]) -> Path:
    """Create (or check) the library's backup folder; raise LibraryError if it isn't ours."""
    path = Path(library_path)
    folder = backup_folder(path)
    private = is_private(path)
    try:
        folder.mkdir(mode=0o700 if private else 0o777, exist_ok=True)
        st = os.lstat(folder)
    except OSError as exc:
        raise LibraryError(
            f"Can't create the backup folder {folder}: {exc.strerror or exc}"
        ) from exc
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise LibraryError(f"The backup folder {folder} is not a plain folder; backups are off.")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise LibraryError(
            f"The backup folder {folder} belongs to another user; backups are off until it "
            "is removed."
        )
    if private and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)
    return folder


def create_private_file(target: Path, library_path: Path) -> None:
    """Create an empty ``target`` with the library's permission bits (before anything is in it)."""
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, library_mode(library_path))
    os.close(fd)
    os.chmod(target, library_mode(library_path))
