"""The part of sqlite-utils' ``Database`` the library uses, without importing sqlite-utils.

Importing sqlite-utils costs more than the rest of the window's start (it brings click,
dateutil, pluggy and its plugin machinery), and the library needs five things of it: the
connection, ``execute`` (a write outside a transaction commits at once), ``atomic`` (one
transaction, savepoints when nested), ``table_names`` and ``close``. This class does exactly
those, with sqlite-utils' semantics (recursive triggers on, as its ``Database`` sets them).
Schema migrations still run on a real sqlite-utils ``Database`` over the same connection
(``utils()``), imported only when a library needs upgrading; any other part of its API
(``query``, ``db["table"]``) is handed to it the same way.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}
#: Savepoint names: unique within a process, which is all nesting on one connection needs
#: (a counter, not ``secrets``: that module costs the start-up 10 ms of imports).
_SAVEPOINTS = itertools.count(1)


def first_keyword(sql: str) -> str:
    """The statement's first keyword, uppercased (whitespace, comments and ``;`` skipped)."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


class Database:
    """A sqlite3 connection with sqlite-utils' ``execute``/``atomic``/``table_names``.

    Attributes:
        conn: the sqlite3 connection.
    """

    def __init__(
        self,
        filename_or_conn: str | Path | sqlite3.Connection | None = None,
        *,
        memory: bool = False,
        execute_plugins: bool = False,
        recursive_triggers: bool = True,
    ) -> None:
        del execute_plugins  # there are none here: the schema is ours
        if memory or filename_or_conn is None or filename_or_conn == ":memory:":
            self.conn = sqlite3.connect(":memory:")
        elif isinstance(filename_or_conn, str | Path):
            self.conn = sqlite3.connect(str(filename_or_conn))
        else:
            self.conn = filename_or_conn
        self._utils: sqlite_utils.Database | None = None
        self._recursive_triggers = recursive_triggers
        if recursive_triggers:
            self.execute("PRAGMA recursive_triggers=on;")

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run one statement; a write outside a transaction is committed at once."""
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is not None:
                cursor = self.conn.execute(sql, parameters)
            else:
                cursor = self.conn.execute(sql)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # the failed statement's implicit transaction
            raise
        if (
            not was_in_transaction
            and self.conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in _TRANSACTION_CONTROL
        ):
            self.conn.execute("COMMIT")
        return cursor

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction; a nested block is a savepoint inside it."""
        if self.conn.in_transaction:
            savepoint = f"iv_{next(_SAVEPOINTS)}"
            self.conn.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a RAISE(ROLLBACK) may have ended it already
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
        else:
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    raise

    def table_names(self) -> list[str]:
        return [
            r[0]
            for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        ]

    def utils(self) -> sqlite_utils.Database:
        """A sqlite-utils Database over this connection (for migrations), made on first use."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(
                self.conn, execute_plugins=False, recursive_triggers=self._recursive_triggers
            )
        return self._utils

    def __getattr__(self, name: str) -> Any:
        """Anything else of sqlite-utils' API (``query``, ``db["table"]`` ...) is its own,
        over this connection: sqlite-utils is imported the first time one is asked for."""
        if name.startswith("__") or name in ("_utils", "_recursive_triggers"):
            raise AttributeError(name)
        return getattr(self.utils(), name)

    def __getitem__(self, table: str) -> Any:
        return self.utils()[table]

    def close(self) -> None:
        self.conn.close()
