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

from intercept_viewer.core import library_open, open_libraries, sqlite_failures
from intercept_viewer.core.database import Database
from intercept_viewer.core.errors import LibraryDamaged, LibraryError
from intercept_viewer.core.library_identity import (  # noqa: F401 (re-exported)
    LIBRARY_SUFFIXES,
    SQLITE_MAGIC,
    check_header,
    quick_check,
)
from intercept_viewer.core.library_open import (  # noqa: F401 (re-exported)
    BUSY_TIMEOUT_MS,
    QUICK_CHECK_MAX_BYTES,
)
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


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not a SQLite database of ours, without touching it.

    Reads the header with Python: call only while this process holds no connection to it
    (``Library`` does that through ``open_libraries``).
    """
    check_header(path)


def write_failure(exc: sqlite3.Error, path: Path | None = None) -> LibraryError:
    """A LibraryError saying, in the user's terms, why a write to the library failed."""
    return sqlite_failures.write_failure(exc, path)


class _LibraryDatabase(Database):
    """A sqlite-utils Database whose transactions report failures as LibraryError.

    Every write in Library goes through ``atomic()``, so this one override turns "database is
    locked" (after the busy timeout), "attempt to write a readonly database" and "disk full"
    into a clear message naming the file instead of a raw sqlite3.OperationalError. Constraint
    errors (IntegrityError) pass through unchanged: they are the caller's business.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # sqlite-utils plugins (found by scanning every installed distribution's entry points,
        # ~20 ms at start) can't apply to a library: its schema is ours.
        kwargs.setdefault("execute_plugins", False)
        super().__init__(*args, **kwargs)
        self.library_path: Path | None = getattr(self.conn, "library_path", None)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        try:
            with super().atomic():
                yield self
        except sqlite3.OperationalError as exc:
            raise write_failure(exc, self.library_path) from exc


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
    ) -> None:
        self.path: Path | None = None if memory or path is None else Path(path)
        self.backup_path: Path | None = None
        self._key: open_libraries.FileKey | None = None
        self._closed = False
        if self.path is None:
            self.read_only = False
            self.db = _LibraryDatabase(library_open.connect(None))
            self.backup_path = library_open.configure_writer(self.db, None)
            return
        opened = library_open.open_file(self.path, read_only)
        self.read_only = opened.read_only
        self._key = opened.key
        self.db = _LibraryDatabase(opened.conn)
        if opened.read_only:
            return
        try:
            self.backup_path = library_open.configure_writer(self.db, self.path)
        except BaseException as exc:
            self.close()
            if isinstance(exc, sqlite3.Error):
                raise sqlite_failures.open_failure(exc, self.path) from None
            raise

    # ------------------------------------------------------------------ opening and closing

    @property
    def damaged(self) -> str | None:
        """Why the file was found damaged in this process (then nothing is saved), or None."""
        return open_libraries.damage(self._key)

    def data_version(self) -> int:
        """``PRAGMA data_version``: changes when another connection commits to the file."""
        try:
            return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:  # closed, or busy for an instant: the caller asks again
            raise LibraryError(f"Can't read {self.path}'s version ({exc})") from None

    def check_integrity(self) -> None:
        """Read every page (``PRAGMA quick_check``); raise LibraryDamaged, marking the file."""
        try:
            quick_check(self.db.conn, self.path, left_untouched=False)
        except LibraryDamaged as exc:
            open_libraries.mark_damaged(self._key, str(exc))
            raise

    def _writable(self) -> None:
        super()._writable()
        damage = self.damaged
        if damage is not None:
            raise LibraryDamaged(damage)

    @property
    def closed(self) -> bool:
        """True once ``close`` has run (work deferred by a window checks it)."""
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._close_import_pool()
        from intercept_viewer.core.search_pool import close_readers

        close_readers(self.path)  # the search's own connections to this file
        self.db.close()
        open_libraries.unregister(self._key)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
