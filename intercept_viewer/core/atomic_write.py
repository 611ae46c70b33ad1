"""Write a file so that readers only ever see the old complete file or the new complete one.

An export can be interrupted (killed, disk full, exception half-way); the user's earlier
export under the same name must not be replaced by a truncated one. We write to a temporary
file in the same folder (so the final rename stays on one file system), flush and fsync it,
then ``os.replace`` it over the real name, which POSIX and Windows do atomically.

A process killed mid-write can't remove its temporary file, so temporary files are named
recognisably, ``.NAME.<12 hex digits>.part``, and a new write to ``NAME`` first removes that
target's own leftovers older than ``STALE_AFTER_S`` (younger ones may belong to an export still
running in another window). Nothing but that exact pattern for that exact name is touched.

Written here rather than taken from a package: ``atomicwrites`` is archived and unmaintained,
and the whole technique is these few lines.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

#: A temporary file of a target left this long (by its modification time) is abandoned.
STALE_AFTER_S = 60.0
_TOKEN_BYTES = 6


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The names of ``name``'s temporary files, and nothing else."""
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{{_TOKEN_BYTES * 2}}}\.part")


def remove_stale_temps(folder: Path, name: str, *, older_than: float = STALE_AFTER_S) -> int:
    """Remove ``name``'s temporary files in ``folder`` not modified for ``older_than`` seconds
    (left by a killed export); returns how many. Never raises: cleaning up is a courtesy."""
    pattern = temp_name_pattern(name)
    cutoff = time.time() - older_than
    removed = 0
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return 0
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff
            ):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """Create a fresh hidden temp file next to the target, with the mode ``open()`` would
    give (0666 less the umask) — unlike mkstemp's 0600, and without touching the umask,
    which other threads may rely on."""
    for _ in range(100):
        tmp = folder / f".{name}.{os.urandom(_TOKEN_BYTES).hex()}.part"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"Can't create a temporary file in {folder}.")


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[TextIO]:
    """Open a text stream whose content replaces ``path`` only if the block ends normally.

    Leftover temporary files of ``path`` from killed writes are removed first (see the module
    docstring). On an exception the temporary file is removed and ``path`` is left as it was.
    The new file gets the permissions an ordinary ``open(path, "w")`` would give it, or keeps
    those of the file it replaces.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale_temps(folder, target.name)
    fd, tmp = _create_temp(folder, target.name)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, target.stat().st_mode & 0o777)
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows can't open folders, and needs not."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
