"""Write a file so that readers only ever see the old complete file or the new complete one.

An export can be interrupted (killed, disk full, exception half-way); the user's earlier
export under the same name must not be replaced by a truncated one. We write to a temporary
file in the same folder (so the final rename stays on one file system), flush and fsync it,
then ``os.replace`` it over the real name, which POSIX and Windows do atomically.

Written here rather than taken from a package: ``atomicwrites`` is archived and unmaintained,
and the whole technique is these few lines.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """Create a fresh hidden temp file next to the target, with the mode ``open()`` would
    give (0666 less the umask) — unlike mkstemp's 0600, and without touching the umask,
    which other threads may rely on."""
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(6)}.part"
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

    On an exception the temporary file is removed and ``path`` is left as it was. The new
    file gets the permissions an ordinary ``open(path, "w")`` would give it, or keeps those
    of the file it replaces.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
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
