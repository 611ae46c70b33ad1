"""The process's registry of open library files.

POSIX advisory locks belong to a process and a file, not to a descriptor: closing ANY
descriptor of the library file drops every lock SQLite holds on it in this process. So once one
connection to a library is open, nothing here may ``open()``/``close()`` that file outside
SQLite (SQLite itself keeps such descriptors until its last lock is gone). If we did, another
process would believe it is the last user and delete the ``-wal`` under us: our committed
writes vanish (SQLite's "How to corrupt an SQLite database file", section 2.2).

The registry makes that rule cheap to keep: a file's header is read with Python only while no
connection to it is registered, and the checks that need SQLite run once per process. Files are
keyed by (device, inode), so two spellings of one path are one entry, and a restored file (a new
inode) is a new one. An entry also remembers that the file was found damaged, so every Library on
it in this process stops writing at once, and notifies listeners (the window offers a restore).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

FileKey = tuple[int, int]

_lock = threading.RLock()
_entries: dict[FileKey, _Entry] = {}
_damage_listeners: list[Callable[[Path, str], None]] = []


@dataclass
class _Entry:
    path: Path
    count: int = 0
    damaged: str | None = None


def file_key(path: Path) -> FileKey | None:
    """(device, inode) of ``path``; ``stat`` opens no descriptor, so it is always safe."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@contextlib.contextmanager
def opening() -> Iterator[None]:
    """Hold while checking a file and opening its first connection.

    Two threads opening the same file at once must not both think they are first: the second
    one's header read would drop the first one's fresh locks.
    """
    with _lock:
        yield


def is_open(path: Path) -> bool:
    """Does this process hold a connection to ``path``? (Then don't touch it with Python.)"""
    key = file_key(path)
    with _lock:
        return key is not None and key in _entries


def register(path: Path) -> FileKey | None:
    """Count one more connection to ``path`` (call after connecting; the file exists then)."""
    key = file_key(path)
    if key is None:
        return None
    with _lock:
        entry = _entries.setdefault(key, _Entry(path))
        entry.count += 1
    return key


def unregister(key: FileKey | None) -> None:
    """One connection fewer; the entry goes with the last one."""
    if key is None:
        return
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return
        entry.count -= 1
        if entry.count <= 0:
            del _entries[key]


def damage(key: FileKey | None) -> str | None:
    """Why the file was found damaged in this process, or None."""
    if key is None:
        return None
    with _lock:
        entry = _entries.get(key)
        return entry.damaged if entry else None


def mark_damaged(key: FileKey | None, message: str) -> None:
    """Record damage (first report wins) and tell the listeners, once per file."""
    if key is None:
        return
    with _lock:
        entry = _entries.get(key)
        if entry is None or entry.damaged is not None:
            return
        entry.damaged = message
        path = entry.path
        listeners = list(_damage_listeners)
    for listener in listeners:
        listener(path, message)


def add_damage_listener(listener: Callable[[Path, str], None]) -> None:
    """Call ``listener(path, message)`` (from whichever thread saw it) when damage is found."""
    with _lock:
        _damage_listeners.append(listener)


def remove_damage_listener(listener: Callable[[Path, str], None]) -> None:
    with _lock, contextlib.suppress(ValueError):
        _damage_listeners.remove(listener)
