"""Run a search's statements side by side on read-only connections of the same library file.

Ranking is the cost of a search: FTS5's bm25 runs per matching row (about a microsecond each,
most of it its per-row document-size lookup), so a word found in 60,000 of a million
utterances costs tens of milliseconds however the SQL is written. The work splits cleanly:
bm25 of a row depends only on the row and on whole-index statistics, so the best 100 of the
lower half of the rowids and the best 100 of the upper half, merged, are exactly the best 100
of all. This module runs such independent statements (the halves, and the count beside them)
at once: sqlite3 releases the GIL while a statement runs, so they use every core.

The extra connections are opened once per worker thread and file, read-only, and reopened if
the file was replaced (a restored backup). A library in memory, or one whose connection is in
the middle of a transaction (its writes are not visible to other connections yet), runs
everything on its own connection, one statement after another.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from intercept_viewer.core.database import Database


class Shared(Protocol):
    """What the pool needs of a library: its database connection and its file."""

    @property
    def db(self) -> Database: ...

    @property
    def path(self) -> Path | None: ...


#: Worker threads: the machines this runs on have two to eight cores; two already halve a rank.
WORKERS = 2
BUSY_TIMEOUT_MS = 5_000

Statement = tuple[str, Sequence[Any]]
Setup = Callable[[sqlite3.Connection], None]

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="iv-search")
        return _pool


def can_share(library: Shared) -> bool:
    """True when other connections see what ``library``'s connection sees: a file, and no
    transaction of its own open."""
    return library.path is not None and not library.db.conn.in_transaction


def _file_id(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


class _Reader:
    """A worker thread's read-only connection to one file. ``lock`` is held while a statement
    runs, so ``close_readers`` (from another thread) never closes it mid-statement."""

    def __init__(self, path: Path, setup: Setup) -> None:
        self.file_id = _file_id(path)
        self.lock = threading.Lock()
        # check_same_thread=False: only so close_readers may close it from another thread;
        # statements run on the worker thread that opened it, under ``lock``.
        self.conn: sqlite3.Connection | None = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        setup(self.conn)

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


#: (worker thread id, resolved path) -> its reader
_readers: dict[tuple[int, Path], _Reader] = {}
_readers_lock = threading.Lock()


def close_readers(path: Path | None) -> None:
    """Close every worker connection to ``path`` (the library is closing: a restore moves the
    file away and must find nothing holding it open). The next search opens them again."""
    if path is None:
        return
    key_path = path.resolve()
    with _readers_lock:
        found = [(k, r) for k, r in _readers.items() if k[1] == key_path]
        for k, _r in found:
            del _readers[k]
    for _k, r in found:
        r.close()


def _reader(path: Path, setup: Setup) -> _Reader:
    """This thread's reader of ``path`` (reopened if the file was replaced or it was closed)."""
    key = (threading.get_ident(), path.resolve())
    with _readers_lock:
        found = _readers.get(key)
    if found is not None and found.conn is not None and found.file_id == _file_id(path):
        return found
    if found is not None:
        found.close()
    reader = _Reader(path, setup)
    with _readers_lock:
        _readers[key] = reader
    return reader


def _run_on_reader(
    path: Path, setup: Setup, prepare: Setup | None, sql: str, params: Sequence[Any]
) -> list[Any]:
    for _attempt in range(2):
        reader = _reader(path, setup)
        with reader.lock:
            conn = reader.conn
            if conn is None:
                continue  # closed under us: open another
            if prepare is not None:
                prepare(conn)
            return conn.execute(sql, list(params)).fetchall()
    raise sqlite3.OperationalError("the library was closed while searching")


def run_all(
    library: Shared,
    statements: Sequence[Statement],
    setup: Setup,
    prepare: Setup | None = None,
) -> list[list[Any]]:
    """Every statement's rows, in order. The first runs on the library's own connection (so
    ``Library.interrupt`` stops it), the others at the same time on worker connections when
    ``can_share``; otherwise all run here, in turn. ``setup`` runs once on a new worker
    connection, ``prepare`` on every connection before its statement (temporary tables)."""
    conn = library.db.conn
    if prepare is not None:
        prepare(conn)
    if len(statements) == 1 or not can_share(library):
        return [conn.execute(sql, list(params)).fetchall() for sql, params in statements]
    assert library.path is not None
    path = library.path
    futures: list[Future[list[Any]]] = [
        _executor().submit(_run_on_reader, path, setup, prepare, sql, params)
        for sql, params in statements[1:]
    ]
    first_sql, first_params = statements[0]
    try:
        first = conn.execute(first_sql, list(first_params)).fetchall()
    finally:
        rest = [f.result() for f in futures]
    return [first, *rest]
