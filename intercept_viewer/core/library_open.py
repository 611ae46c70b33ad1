"""Opening a library file: refuse what isn't ours or is damaged, change nothing unless asked.

The order matters (see ``open_libraries`` for why the header may only be read first):

1. Under the registry's lock: if no connection to the file is open in this process, read its
   header with Python (``check_header``); then open the first connection — read-only — and
   register it. From here on the file is only touched through SQLite.
2. On that read-only connection, once per process: ``check_identity`` (our application_id or
   our own legacy schema, a known user_version) and, up to ``QUICK_CHECK_MAX_BYTES``, a
   quick check. A refused file was never opened for writing, so not one byte of it changed.
3. A reader keeps the read-only connection: no migration, no backup, no header write; in WAL
   mode a writer holding the lock never blocks it. A library that still needs an upgrade is
   read from an upgraded in-memory copy, the file itself untouched.
4. A writer opens a read-write connection, upgrades (backup first) and switches to WAL.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intercept_viewer.core import open_libraries, schema
from intercept_viewer.core.database import Database
from intercept_viewer.core.errors import LibraryDamaged, LibraryError
from intercept_viewer.core.guarded_connection import GuardedConnection
from intercept_viewer.core.library_identity import check_header, check_identity, quick_check
from intercept_viewer.core.sqlite_failures import open_failure

BUSY_TIMEOUT_MS = 5000
#: Libraries up to this size get ``PRAGMA quick_check`` on opening; bigger ones are checked in
#: the background after the window's first paint (``ui.integrity_check``).
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class Opened:
    """What ``open_file`` hands to ``Library``."""

    conn: GuardedConnection
    read_only: bool
    key: open_libraries.FileKey | None
    #: the data is an upgraded in-memory copy of an older (read-only) library
    memory_copy: bool = False


def connect(
    path: Path | None, *, read_only: bool = False, immutable: bool = False
) -> GuardedConnection:
    """A GuardedConnection to ``path`` (None: in memory)."""
    if path is None:
        conn = sqlite3.connect(":memory:", factory=GuardedConnection)
    elif read_only:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?{flags}", uri=True, factory=GuardedConnection
        )
    else:
        conn = sqlite3.connect(str(path), factory=GuardedConnection)
    assert isinstance(conn, GuardedConnection)
    conn.library_path = path
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_reader(path: Path) -> GuardedConnection:
    """A read-only connection; at 0 bytes free (no room for the ``-shm``) and with no ``-wal``
    to read, the file alone is the whole database, so it is opened as immutable."""
    conn = connect(path, read_only=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if Path(f"{path}-wal").exists():
            raise
    except BaseException:
        conn.close()
        raise
    return connect(path, read_only=True, immutable=True)


def open_file(path: Path, read_only: bool | None) -> Opened:
    """Open ``path`` as a library (see the module docstring). Raises LibraryError."""
    probe: GuardedConnection | None = None
    key: open_libraries.FileKey | None = None
    with open_libraries.opening():
        exists = path.exists()
        first = not (exists and open_libraries.is_open(path))
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(
                    f"Can't create the library {path}: {exc.strerror or exc}"
                ) from None
        elif first:
            check_header(path)
        if read_only is None:
            read_only = exists and not (
                os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
            )
        if read_only and not exists:
            raise LibraryError(f"The library {path} does not exist.")
        try:
            # a new file is created by its first (read-write) connection
            probe = _connect_reader(path) if exists else connect(path)
        except sqlite3.Error as exc:
            raise open_failure(exc, path) from None
        except LibraryDamaged as exc:
            cause = getattr(exc, "sqlite_error", None)
            if cause is None:
                raise
            raise open_failure(cause, path) from None
        key = open_libraries.register(path)
        probe.library_key = key
    try:
        if first and exists:
            check_identity(probe, path, schema.latest_version())
            if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                quick_check(probe, path, left_untouched=True)
        if read_only:
            return _reader(probe, path, key)
        conn = probe
        if exists:
            conn = connect(path)
            conn.library_key = key
            probe.close()
        probe = None
        return Opened(conn, False, key)
    except sqlite3.Error as exc:
        if probe is not None:
            probe.close()
        open_libraries.unregister(key)
        raise open_failure(exc, path) from None
    except LibraryDamaged as exc:  # seen by the guarded connection during the checks
        if probe is not None:
            probe.close()
        open_libraries.unregister(key)
        cause = getattr(exc, "sqlite_error", None)
        if cause is None:
            raise
        raise open_failure(cause, path) from None
    except BaseException:
        if probe is not None:
            probe.close()
        open_libraries.unregister(key)
        raise


def _reader(conn: GuardedConnection, path: Path, key: open_libraries.FileKey | None) -> Opened:
    """Keep a read-only connection; an older library is read from an upgraded memory copy."""
    if not schema.migrations.pending(
        Database(conn, execute_plugins=False, recursive_triggers=False)
    ):
        return Opened(conn, True, key)
    copy = connect(None)
    copy.library_path = path
    conn.backup(copy)
    conn.close()
    open_libraries.unregister(key)
    schema.upgrade(Database(copy, execute_plugins=False), None)
    return Opened(copy, True, None, memory_copy=True)


def configure_writer(db: Database, path: Path | None) -> Path | None:
    """Upgrade (backup first) and switch to WAL; returns the upgrade backup, if one was made.

    Upgrade before switching to WAL, so a failed upgrade leaves the file byte for byte as it
    was (the journal rolls it back; the journal mode is in the file's header).
    """
    backup = schema.upgrade(db, path)
    if path is not None:
        mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = NORMAL")
    return backup


def configure_kwargs() -> dict[str, Any]:
    """sqlite-utils ``Database`` options for a library connection."""
    return {"execute_plugins": False}
