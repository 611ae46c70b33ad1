"""The Library: the one API over the SQLite library file.

Everything the UI and the CLI know about stored transcripts goes through this class; nothing
else writes SQL. Rules it keeps:

* one transaction per user action (an import, a tagging, an edit): a failure leaves no trace;
* a sqlite3 connection belongs to the thread that opened it — a worker thread opens its own
  ``Library(path)``;
* utterances are written in bulk (``executemany`` on a prepared statement), the FTS index kept
  in step by triggers inside the same transaction.

This module opens, checks and configures the file; the SQL of each table group lives in
``core.store`` (transcripts, speakers, utterances, tags, passages, importing), and ``Library``
is the thin facade combining them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from intercept_viewer.core import schema
from intercept_viewer.core.database import Database
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.paths import ENV_LIBRARY, default_library_path, resolve_library_path
from intercept_viewer.core.store.base import now_iso
from intercept_viewer.core.store.corrections import CorrectionStore
from intercept_viewer.core.store.importing import AddResult, ImportStore
from intercept_viewer.core.store.media import MediaStore
from intercept_viewer.core.store.passages import PassageStore
from intercept_viewer.core.store.review import ReviewStore
from intercept_viewer.core.store.speakers import SpeakerStore
from intercept_viewer.core.store.tags import TagDeletion, TagMerge, TagStore
from intercept_viewer.core.store.transcripts import TranscriptStore
from intercept_viewer.core.store.utterances import UtteranceStore

__all__ = [
    "ENV_LIBRARY",
    "AddResult",
    "Library",
    "TagDeletion",
    "TagMerge",
    "default_library_path",
    "now_iso",
    "resolve_library_path",
    "write_failure",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: Libraries up to this size get ``PRAGMA quick_check`` on opening.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


#: Endings under which an existing empty file may become a new library.
LIBRARY_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".library", "")


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database, without touching it.

    Checked before SQLite opens the file, because SQLite treats a short or zero-filled file
    as an empty database and would happily write a fresh schema over someone's document.
    """
    try:
        if path.is_dir():
            raise LibraryError(f"{path} is a folder, not a library file.")
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise LibraryError(f"Can't read the library {path}: {exc.strerror or exc}") from None
    if not head:
        if path.suffix.lower() in LIBRARY_SUFFIXES:
            return  # an empty library.sqlite (touched, or cut at creation) is a new library
        raise LibraryError(
            f"{path} is an empty file, not a library: name a .sqlite file (it is created if it "
            "doesn't exist). The file was left untouched."
        )
    if head[:16] != SQLITE_MAGIC:
        raise LibraryError(
            f"{path} is not an Intercept Viewer library (it is not a SQLite database). "
            "It was left untouched."
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if len(head) < 100 or page_size < 512 or size < page_size or size % page_size:
        raise LibraryError(
            f"{path} is damaged (the file is cut short: {size} bytes). It was left untouched; "
            "restore a backup or choose another file."
        )


#: What SQLite's operational errors mean to someone whose change was not saved.
_WRITE_FAILURES: tuple[tuple[str, str], ...] = (
    (
        "locked",
        "The library is busy: another program or window is writing to it. Nothing was "
        "saved; try again in a moment.",
    ),
    ("busy", "The library is busy: another program or window is writing to it. Nothing was saved."),
    (
        "readonly",
        "The library can't be written (the file or its folder is read-only). Nothing was saved.",
    ),
    ("read-only", "The library can't be written (it is open read-only). Nothing was saved."),
    ("full", "The disk is full. Nothing was saved; free some space and try again."),
    ("disk i/o", "The disk reported an error while saving. Nothing was saved."),
    ("malformed", "The library file is damaged. Nothing was saved; restore a backup."),
)


def write_failure(exc: sqlite3.Error) -> LibraryError:
    """A LibraryError saying, in the user's terms, why a write to the library failed."""
    text = str(exc).lower().replace("read only", "readonly")
    for needle, message in _WRITE_FAILURES:
        if needle in text:
            return LibraryError(f"{message} ({exc})")
    return LibraryError(f"Saving to the library failed ({exc}). Nothing was saved.")


class _LibraryDatabase(Database):
    """A sqlite-utils Database whose transactions report failures as LibraryError.

    Every write in Library goes through ``atomic()``, so this one override turns "database is
    locked" (after the busy timeout), "attempt to write a readonly database" and "disk full"
    into a clear message instead of a raw sqlite3.OperationalError. Constraint errors
    (IntegrityError) pass through unchanged: they are the caller's business.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # sqlite-utils plugins (found by scanning every installed distribution's entry points,
        # ~20 ms at start) can't apply to a library: its schema is ours.
        kwargs.setdefault("execute_plugins", False)
        super().__init__(*args, **kwargs)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        try:
            with super().atomic():
                yield self
        except sqlite3.OperationalError as exc:
            raise write_failure(exc) from exc


class Library(
    ImportStore,
    TranscriptStore,
    SpeakerStore,
    UtteranceStore,
    TagStore,
    PassageStore,
    MediaStore,
    CorrectionStore,
    ReviewStore,
):
    """An open library file. Use as a context manager or call ``close()``.

    Attributes:
        path: the file, or None for an in-memory library (tests).
        db: the sqlite-utils Database. Only core code uses it.
        read_only: True when the file or its folder can't be written.
        backup_path: the backup written before a schema upgrade, if one happened on open.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        memory: bool = False,
        read_only: bool | None = None,
        quick_check: bool = True,
    ) -> None:
        #: whether opening reads every page (``PRAGMA quick_check``); a task's connection to
        #: a file the window opened (and checked) this session skips it
        self.quick_check = quick_check
        self.path: Path | None = None if memory or path is None else Path(path)
        self.backup_path: Path | None = None
        if self.path is None:
            self.read_only = False
            self.db = _LibraryDatabase(memory=True)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True) if not self.path.exists() else None
            if self.path.exists():
                _check_sqlite_file(self.path)
            if read_only is None:
                read_only = self.path.exists() and not (
                    os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
                )
            self.read_only = read_only
            try:
                if read_only:
                    conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
                    self.db = _LibraryDatabase(conn)
                else:
                    self.db = _LibraryDatabase(self.path)
            except sqlite3.Error as exc:
                raise LibraryError(f"Can't open the library {self.path}: {exc}") from None
        try:
            self._configure()
        except LibraryError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise LibraryError(
                f"{self.path} can't be opened as a library ({exc}). It was left untouched; "
                "restore a backup or choose another file."
            ) from None

    # ------------------------------------------------------------------ opening and closing

    def _configure(self) -> None:
        conn = self.db.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if (
            self.quick_check
            and self.path is not None
            and self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES
        ):
            # Reads every page: finds damage before any write, at ~10 ms a MB; a bigger
            # library skips it (a 150 MB one would wait seconds) and damage found later
            # still surfaces as a LibraryError on write.
            quick = conn.execute("PRAGMA quick_check(1)").fetchone()
            if quick is None or quick[0] != "ok":
                raise LibraryError(
                    f"{self.path} is damaged ({quick[0] if quick else 'unreadable'}). It was "
                    "left untouched; restore a backup or choose another file."
                )
        tables = set(self.db.table_names())
        if tables and "_sqlite_migrations" not in tables:
            raise LibraryError(
                f"{self.path} is a SQLite database but not an Intercept Viewer library. "
                "It was left untouched."
            )
        if self.read_only:
            if schema.migrations.pending(self.db):
                raise LibraryError(
                    f"{self.path} needs a schema upgrade but is read-only; open a writable copy."
                )
            return
        # Upgrade before switching to WAL, so a failed upgrade leaves the file byte for byte
        # as it was (the journal rolls it back; the journal mode is in the file's header).
        self.backup_path = schema.upgrade(self.db, self.path)
        if self.path is not None:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        self._close_import_pool()
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
