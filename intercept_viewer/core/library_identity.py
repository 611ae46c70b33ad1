"""Is this file one of our libraries? Checked before anything is written to it.

Two steps, neither of which changes the file:

* ``check_header`` reads the first 100 bytes with Python. Only allowed while this process has
  no connection to the file (see ``open_libraries``); it refuses what SQLite would happily
  "open": a short or zero-filled file, a document, a file cut short, another application's id.
* ``check_identity`` asks SQLite, on a read-only connection: our ``application_id`` (or, for a
  library from before it was set, our own migrations and only our own tables), a
  ``user_version`` this version knows. Anything else — a file holding only a view, another
  program's tables, another sqlite-utils app's migrations — is refused and never migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from intercept_viewer.core.errors import LibraryDamaged, LibraryError, NotALibrary
from intercept_viewer.core.sqlite_failures import RESTORE_HINT

SQLITE_MAGIC = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of an Intercept Viewer library: "IVwr".
APPLICATION_ID = int.from_bytes(b"IVwr", "big")
#: Endings under which an existing empty file may become a new library.
LIBRARY_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".library", "")
#: Tables SQLite itself may add to any database.
_SQLITE_TABLES = frozenset(
    {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)
_our_tables: frozenset[str] | None = None


def our_tables() -> frozenset[str]:
    """Every table our migrations create (found once, by running them in memory)."""
    global _our_tables
    if _our_tables is None:
        from sqlite_utils import Database

        from intercept_viewer.core import schema

        db = Database(memory=True, execute_plugins=False)
        schema.migrations.apply(db)
        _our_tables = frozenset(db.table_names()) | _SQLITE_TABLES
        db.close()
    return _our_tables


def check_header(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database of ours, reading its header.

    Call only while no connection to ``path`` is open in this process. Checked before SQLite
    opens the file, because SQLite treats a short or zero-filled file as an empty database
    and would happily write a fresh schema over someone's document.
    """
    try:
        if path.is_dir():
            raise NotALibrary(f"{path} is a folder, not a library file.")
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise LibraryError(f"Can't read the library {path}: {exc.strerror or exc}") from None
    if not head:
        if path.suffix.lower() in LIBRARY_SUFFIXES:
            return  # an empty library.sqlite (touched, or cut at creation) is a new library
        raise NotALibrary(
            f"{path} is an empty file, not a library: name a .sqlite file (it is created if it "
            "doesn't exist). The file was left untouched."
        )
    if head[:16] != SQLITE_MAGIC:
        raise NotALibrary(
            f"{path} is not an Intercept Viewer library (it is not a SQLite database). "
            "It was left untouched."
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if len(head) < 100 or page_size < 512 or size < page_size or size % page_size:
        raise LibraryDamaged(
            f"{path} is damaged (the file is cut short: {size} bytes). It was left untouched; "
            f"{RESTORE_HINT}."
        )
    app_id = int.from_bytes(head[68:72], "big")
    if app_id not in (0, APPLICATION_ID):
        raise _foreign(path, f"its application_id is {app_id:#010x}")


def _foreign(path: Path, why: str) -> NotALibrary:
    return NotALibrary(
        f"{path} is a SQLite database of another program, not an Intercept Viewer library "
        f"({why}). It was left untouched."
    )


def check_identity(conn: sqlite3.Connection, path: Path | None, latest: int) -> int:
    """Refuse ``conn``'s database unless it is ours (or empty); return its user_version.

    ``latest`` is the newest schema version this build knows.
    """
    where = path if path is not None else "The database"
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    if app_id not in (0, APPLICATION_ID):
        raise _foreign(where, f"its application_id is {app_id:#010x}")  # type: ignore[arg-type]
    if not objects:
        if version != 0:
            raise _foreign(where, f"an empty database with user_version {version}")  # type: ignore[arg-type]
        return 0  # a new library
    tables = {name for kind, name in objects if kind == "table"}
    if "_sqlite_migrations" not in tables:
        raise _foreign(where, "it has no Intercept Viewer schema")  # type: ignore[arg-type]
    sets = {row[0] for row in conn.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    from intercept_viewer.core.schema import MIGRATION_SET, migration_names

    if sets - {MIGRATION_SET}:
        raise _foreign(where, f"it holds another program's migrations: {sorted(sets)[:3]}")  # type: ignore[arg-type]
    applied = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]
    known = set(migration_names())
    unknown = [name for name in applied if name not in known]
    if version > latest or unknown:
        raise NotALibrary(
            f"{where} was written by a newer version of Intercept Viewer (schema v{version}; "
            f"this one knows up to v{latest}). It was left untouched; update the app."
        )
    if version != len(applied):
        raise _foreign(where, f"user_version {version} does not match its schema")  # type: ignore[arg-type]
    if app_id == 0:  # a library from before the application_id: only our own tables
        foreign = sorted(tables - our_tables())
        if foreign:
            raise _foreign(where, f"it has tables {', '.join(foreign[:5])}")  # type: ignore[arg-type]
    return int(version)


def quick_check(conn: sqlite3.Connection, path: Path | None, *, left_untouched: bool) -> None:
    """``PRAGMA quick_check``: reads every page (~10 ms a MB). Raises LibraryDamaged."""
    try:
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
    except LibraryDamaged:
        raise
    except sqlite3.DatabaseError as exc:
        row = (str(exc),)
    if row is None or row[0] != "ok":
        untouched = (
            "It was left untouched; " if left_untouched else "Nothing more will be saved to it; "
        )
        raise LibraryDamaged(
            f"{path} is damaged ({row[0] if row else 'unreadable'}). {untouched}{RESTORE_HINT}."
        )
