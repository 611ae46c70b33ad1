"""What SQLite's errors mean to the person whose change was (not) saved.

One place turns ``sqlite3`` exceptions into the user's terms: damage (SQLITE_CORRUPT,
SQLITE_NOTADB) becomes ``LibraryDamaged``; a full disk ``DiskFull`` (SQLite reports it as
SQLITE_FULL, or as an I/O error while growing its shared-memory file, so the free space is
looked at too); locks and read-only files their own sentences. Every message names the library
file. ``is_transient`` says which errors a reader may simply retry: a schema change by another
connection, a lock held for an instant.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from intercept_viewer.core.errors import DiskFull, LibraryDamaged, LibraryError

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_SCHEMA = 17
SQLITE_NOTADB = 26
#: Below this many free bytes an I/O error while writing is taken to be a full disk.
NEARLY_FULL_BYTES = 256 * 1024

RESTORE_HINT = "restore a backup (File ▸ Restore backup) or choose another file"


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code (the low byte of the extended one), if known."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_corruption(exc: BaseException) -> bool:
    """The file is damaged: SQLITE_CORRUPT or SQLITE_NOTADB."""
    code = primary_code(exc)
    if code is not None:
        return code in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def free_bytes(path: Path | None) -> int | None:
    """Free space for an unprivileged writer on the disk holding ``path`` (statvfs: no fd)."""
    if path is None:
        return None
    folder = path if path.is_dir() else path.parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def is_disk_full(exc: BaseException, path: Path | None = None) -> bool:
    """No space left: SQLITE_FULL, ENOSPC, or an I/O error on a disk with (almost) no room."""
    if isinstance(exc, OSError):
        import errno

        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    code = primary_code(exc)
    text = str(exc).lower()
    if code == SQLITE_FULL or "disk is full" in text:
        return True
    if code == SQLITE_IOERR or "disk i/o" in text:
        room = free_bytes(path)
        return room is not None and room < NEARLY_FULL_BYTES
    return False


def is_transient(exc: BaseException) -> bool:
    """An error a statement outside a transaction may just run again to get past.

    Another connection changed the schema (SQLITE_SCHEMA; FTS5 reports it as "vtable
    constructor failed" when its config is re-read mid-change), or a lock was held for an
    instant (WAL recovery or a snapshot, a shared-cache table lock). A plain SQLITE_BUSY is
    not: it comes after the busy timeout has already waited.
    """
    text = str(exc).lower()
    if "interrupt" in text:
        return False
    extended = getattr(exc, "sqlite_errorcode", None)
    return (
        primary_code(exc) in (SQLITE_SCHEMA, SQLITE_LOCKED)
        or (extended is not None and extended & 0xFF == SQLITE_BUSY and extended != SQLITE_BUSY)
        or "schema has changed" in text
        or "vtable constructor failed" in text
        or "database table is locked" in text
    )


def damaged_message(path: Path | None, exc: BaseException) -> str:
    where = path if path is not None else "The library"
    return f"{where} is damaged ({exc}). Nothing more will be saved to it; {RESTORE_HINT}."


def disk_full_message(path: Path | None) -> str:
    where = f" for {path}" if path is not None else ""
    return f"The disk is full{where}: nothing was saved. Free some space and try again."


#: (text in SQLite's message, what it means) for writes that failed.
_WRITE_FAILURES: tuple[tuple[str, str], ...] = (
    (
        "locked",
        "is busy: another program or window is writing to it. Nothing was saved; try again "
        "in a moment.",
    ),
    ("busy", "is busy: another program or window is writing to it. Nothing was saved."),
    ("readonly", "can't be written (the file or its folder is read-only). Nothing was saved."),
    ("read-only", "can't be written (it is open read-only). Nothing was saved."),
    ("disk i/o", "could not be saved: the disk reported an error. Nothing was saved."),
)


def write_failure(exc: sqlite3.Error, path: Path | None = None) -> LibraryError:
    """A LibraryError (DiskFull, LibraryDamaged where apt) saying why a write failed."""
    if is_corruption(exc):
        return LibraryDamaged(damaged_message(path, exc))
    if is_disk_full(exc, path):
        return DiskFull(f"{disk_full_message(path)} ({exc})")
    where = str(path) if path is not None else "The library"
    text = str(exc).lower().replace("read only", "readonly")
    for needle, meaning in _WRITE_FAILURES:
        if needle in text:
            return LibraryError(f"{where} {meaning} ({exc})")
    return LibraryError(f"Saving to {where} failed ({exc}). Nothing was saved.")


def open_failure(exc: sqlite3.Error, path: Path | None) -> LibraryError:
    """A LibraryError saying why ``path`` could not be opened (nothing was changed)."""
    if is_corruption(exc):
        return LibraryDamaged(f"{path} is damaged ({exc}). It was left untouched; {RESTORE_HINT}.")
    if is_disk_full(exc, path):
        return DiskFull(f"The disk is full: {path} can't be opened ({exc}). Free some space.")
    if is_transient(exc):
        return LibraryError(
            f"{path} is busy: another program is changing it ({exc}). Try again in a moment."
        )
    return LibraryError(f"Can't open the library {path} ({exc}). It was left untouched.")
