"""Searches run off the GUI thread, so typing never waits for SQLite.

A sqlite3 connection belongs to the thread that opened it, so the worker opens its OWN
``Library(path, read_only=True)`` inside its thread (once: opening a big library checks every
page) and closes it there when the thread finishes. Read-only because a search never writes:
the worker can then never upgrade the schema, checkpoint or remove the write-ahead log behind
the window's back (say, of a file a restore is moving away). That needs a file already at the
current schema, which the window's own read-write ``Library`` guarantees before any search: it
creates a brand-new file and upgrades an old one as it opens. If the read-only open fails
anyway, the request fails with the reason and the next one tries again.

Requests carry a generation number; the panel bumps the generation for every new query, and
the worker skips requests that were already overtaken before it got to them. Replies still
carry their generation so the panel can drop stale ones.

Signals (SearchWorker):
    done(generation, SearchResult, appended): a page of hits.
    failed(generation, message): the query can't be read, or the library failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from intercept_viewer.core.errors import InterceptViewerError, QueryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.search import SearchResult
from intercept_viewer.ui.library_worker import LibraryWorker

PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchRequest:
    """One page to fetch: ``cursor`` is the previous page's ``next_cursor`` (None: first page)."""

    generation: int
    query: str
    transcript_id: int | None = None
    speaker: str | int | None = None
    cursor: tuple[float, int] | None = None
    limit: int = PAGE_SIZE

    @property
    def appended(self) -> bool:
        return self.cursor is not None


def run_request(library: Library, request: SearchRequest) -> SearchResult | str:
    """Run one request: the result, or the message to show instead (never raises)."""
    try:
        return library.search(
            request.query,
            transcript_id=request.transcript_id,
            limit=request.limit,
            speaker=request.speaker,
            cursor=request.cursor,
        )
    except QueryError as exc:
        return str(exc)
    except InterceptViewerError as exc:
        return f"Search failed: {exc}"


class SearchWorker(LibraryWorker):
    """Lives in its own QThread."""

    done = Signal(int, object, bool)
    failed = Signal(int, str)

    @Slot(object)
    def run(self, request: SearchRequest) -> None:
        if request.generation < self.latest:
            return  # the user typed on; nobody wants this answer
        try:
            library = self.library()
        except (InterceptViewerError, OSError) as exc:
            self.failed.emit(request.generation, f"Search failed: {exc}")
            return
        outcome = run_request(library, request)
        if isinstance(outcome, str):
            self.failed.emit(request.generation, outcome)
        else:
            self.done.emit(request.generation, outcome, request.appended)

    def interrupt(self) -> None:
        """Abandon a running query (sqlite3's interrupt() may be called from any thread)."""
        library = self._library
        if library is not None:
            library.interrupt()


class SearchThread(QObject):
    """Owns the worker and its thread. Call ``stop()`` before the owner goes away.

    Signals:
        submit(request): queued to the worker's thread (use ``request()``).
    """

    submit = Signal(object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread(self)
        self.thread.setObjectName("search")
        self.worker = SearchWorker(path)
        self.worker.moveToThread(self.thread)
        self.submit.connect(self.worker.run, Qt.ConnectionType.QueuedConnection)
        # finished is emitted in the worker thread itself: close the connection there.
        self.thread.finished.connect(self.worker.close, Qt.ConnectionType.DirectConnection)
        self.thread.start()

    def request(self, request: SearchRequest) -> None:
        if not request.appended:
            self.worker.latest = request.generation
        self.submit.emit(request)

    def stop(self) -> None:
        if self.thread.isRunning():
            self.worker.latest = 1 << 62  # skip whatever is still queued
            self.worker.interrupt()
            self.thread.quit()
            self.thread.wait()
