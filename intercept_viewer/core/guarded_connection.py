"""A sqlite3 connection that notices damage on every statement and retries transient errors.

Every query of a Library (sqlite-utils, search, the exporters) runs through this connection, so
SQLITE_CORRUPT seen *anywhere* — a search, a page of utterances, a write — marks the file
damaged in the process registry (every Library on it then refuses writes) and surfaces as
``LibraryDamaged`` instead of a raw ``sqlite3.DatabaseError``. A statement run outside a
transaction that meets a schema change by another connection, or a lock held for an instant,
is run again a few times (``is_transient``) rather than failing the reader.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from intercept_viewer.core import open_libraries
from intercept_viewer.core.sqlite_failures import damaged_message, is_corruption, is_transient

#: How often a transient failure is retried, and the pause before the first retry.
RETRIES = 6
FIRST_PAUSE_S = 0.01


class GuardedConnection(sqlite3.Connection):
    """Attributes:
    library_path: the file, for messages.
    library_key: its registry key, set once the file is registered.
    """

    library_path: Path | None = None
    library_key: open_libraries.FileKey | None = None

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or GuardedCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        return self.cursor().executescript(script)

    def seen(self, exc: sqlite3.Error) -> BaseException:
        """What to raise for ``exc``: LibraryDamaged (after marking the file) for damage."""
        if not is_corruption(exc):
            return exc
        from intercept_viewer.core.errors import LibraryDamaged

        message = damaged_message(self.library_path, exc)
        open_libraries.mark_damaged(self.library_key, message)
        damaged = LibraryDamaged(message)
        damaged.sqlite_error = exc  # type: ignore[attr-defined]
        return damaged


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose failures go through ``GuardedConnection.seen``."""

    def _guard(self, exc: sqlite3.Error) -> BaseException:
        conn = self.connection
        return conn.seen(exc) if isinstance(conn, GuardedConnection) else exc

    def execute(self, sql: str, parameters: Any = (), /) -> GuardedCursor:
        conn = self.connection
        pause = FIRST_PAUSE_S
        for attempt in range(RETRIES + 1):
            in_transaction = conn.in_transaction
            try:
                super().execute(sql, parameters)
                return self
            except sqlite3.DatabaseError as exc:
                if in_transaction or attempt == RETRIES or not is_transient(exc):
                    raise self._guard(exc) from None
            time.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> GuardedCursor:
        try:
            super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None
        return self

    def executescript(self, script: str, /) -> GuardedCursor:
        try:
            super().executescript(script)
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            raise self._guard(exc) from None
