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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

#: Worker threads: the machines this runs on have two to eight cores; two already halve a rank.
WORKERS = 2
BUSY_TIMEOUT_MS = 5_000

Statement = tuple[str, Sequence[Any]]
Setup = Callable[[sqlite3.Connection], None]

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="iv-search")
        return _pool


def can_share(library: Library) -> bool:
    """True when other connections see what ``library``'s connection sees: a file, and no
    transaction of its own open."""
    return library.path is not None and not library.db.conn.in_transaction


def _file_id(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _reader(path: Path, setup: Setup) -> sqlite3.Connection:
    """This thread's read-only connection to ``path`` (reopened if the file was replaced)."""
    readers: dict[Path, tuple[tuple[int, int], sqlite3.Connection]] = (
        getattr(_local, "readers", None) or {}
    )
    _local.readers = readers
    fid = _file_id(path)
    found = readers.get(path)
    if found is not None and found[0] == fid:
        return found[1]
    if found is not None:
        found[1].close()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    setup(conn)
    readers[path] = (fid, conn)
    return conn


def _run_on_reader(path: Path, setup: Setup, sql: str, params: Sequence[Any]) -> list[Any]:
    return _reader(path, setup).execute(sql, list(params)).fetchall()


def run_all(library: Library, statements: Sequence[Statement], setup: Setup) -> list[list[Any]]:
    """Every statement's rows, in order. The first runs on the library's own connection (so
    ``Library.interrupt`` stops it), the others at the same time on worker connections when
    ``can_share``; otherwise all run here, in turn."""
    conn = library.db.conn
    if len(statements) == 1 or not can_share(library):
        return [conn.execute(sql, list(params)).fetchall() for sql, params in statements]
    assert library.path is not None
    path = library.path
    futures: list[Future[list[Any]]] = [
        _executor().submit(_run_on_reader, path, setup, sql, params)
        for sql, params in statements[1:]
    ]
    first_sql, first_params = statements[0]
    try:
        first = conn.execute(first_sql, list(first_params)).fetchall()
    finally:
        rest = [f.result() for f in futures]
    return [first, *rest]
