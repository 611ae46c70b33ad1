"""The turn strip's outline and the speakers' stats, read off the GUI thread.

Opening a transcript paints its first rows from one page; everything that reads all of its
utterances comes after, here: the outline (seq, speaker, times of every turn) laid out for the
strip (``layout_turns``) and the speakers' turn counts and speaking time. For 100,000 turns that
is a few hundred milliseconds the GUI thread no longer spends, so the list scrolls at once.

A sqlite3 connection belongs to the thread that opened it, so the worker opens its OWN
``Library(path, read_only=True)`` in its thread (read-only: it never writes, and closing it can
never checkpoint or remove the write-ahead log of a file that was moved away under it) and closes
it there when the thread finishes. An in-memory library (path None) can't be shared, so its
outline is computed synchronously, in the caller's thread.

Every request carries a generation; a newer request makes older ones stale: the worker skips
them, and the owner drops any stale answer that was already on its way.

Signals (OutlineLoader):
    loaded(generation, OutlineResult): the outline of a requested transcript.
    failed(generation, message): the library couldn't be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker
from intercept_viewer.ui.library_worker import LibraryWorker
from intercept_viewer.ui.transcript.turn_strip import TurnLayout, layout_turns


@dataclass(frozen=True)
class OutlineRequest:
    generation: int
    transcript_id: int
    has_times: bool


@dataclass(frozen=True)
class OutlineResult:
    """Attributes:
    transcript_id: whose outline this is.
    layout: the strip's layout (lanes follow ``speakers``).
    speakers: the transcript's speakers with their turn counts and speaking time.
    """

    transcript_id: int
    layout: TurnLayout
    speakers: list[Speaker]


def load_outline(library: Library, request: OutlineRequest) -> OutlineResult:
    """Read and lay out one transcript's outline (any thread that owns ``library``)."""
    speakers = library.speakers(request.transcript_id, with_stats=True)
    outline = library.turn_outline(request.transcript_id)
    layout = layout_turns(outline, [s.id for s in speakers], request.has_times)
    return OutlineResult(request.transcript_id, layout, speakers)


class OutlineWorker(LibraryWorker):
    """Lives in the loader's QThread."""

    done = Signal(int, object)
    failed = Signal(int, str)

    @Slot(object)
    def run(self, request: OutlineRequest) -> None:
        if request.generation < self.latest:
            return  # another transcript was opened since
        try:
            result = load_outline(self.library(), request)
        except (InterceptViewerError, OSError) as exc:
            self.failed.emit(request.generation, f"Can't read the turn outline: {exc}")
            return
        if request.generation >= self.latest:
            self.done.emit(request.generation, result)


class OutlineLoader(QObject):
    """Hands outline requests to a worker thread (started on the first request) and reports
    the answers that are still wanted. Stops its thread when the window closes, when the app
    quits, and before switching libraries: a QThread destroyed while running aborts the app.

    Attributes:
        generation: the newest request's number; answers for older ones are dropped.
        thread: the worker's QThread while it runs, else None.
    """

    loaded = Signal(int, object)
    failed = Signal(int, str)
    _submit = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.generation = 0
        self.thread: QThread | None = None
        self._worker: OutlineWorker | None = None
        self._watched: QObject | None = None
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def set_library(self, library: Library) -> None:
        self.stop()
        self.cancel()  # an answer from the old file may still be queued
        self.library = library

    def cancel(self) -> int:
        """Make every pending request stale; returns the new generation."""
        self.generation += 1
        if self._worker is not None:
            self._worker.latest = self.generation
        return self.generation

    def request(self, transcript_id: int, has_times: bool) -> int:
        """Ask for ``transcript_id``'s outline; returns the request's generation. With an
        in-memory library the answer is emitted before this returns."""
        generation = self.cancel()
        req = OutlineRequest(generation, transcript_id, has_times)
        path = self.library.path
        if path is None:
            try:
                result = load_outline(self.library, req)
            except InterceptViewerError as exc:
                self.failed.emit(generation, f"Can't read the turn outline: {exc}")
            else:
                self.loaded.emit(generation, result)
            return generation
        self._start(path)
        self._submit.emit(req)
        return generation

    def _start(self, path: Path) -> None:
        if self.thread is not None:
            return
        self.thread = QThread(self)
        self.thread.setObjectName("outline")
        self._worker = OutlineWorker(path)
        self._worker.latest = self.generation
        self._worker.moveToThread(self.thread)
        self._submit.connect(self._worker.run, Qt.ConnectionType.QueuedConnection)
        self._worker.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._worker.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        # finished is emitted in the worker thread itself: close the connection there.
        self.thread.finished.connect(self._worker.close, Qt.ConnectionType.DirectConnection)
        parent = self.parent()
        window = parent.window() if hasattr(parent, "window") else None
        if window is not None and window is not self._watched:
            window.installEventFilter(self)
            self._watched = window
        self.thread.start()

    def _done(self, generation: int, result: OutlineResult) -> None:
        if generation == self.generation:
            self.loaded.emit(generation, result)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.failed.emit(generation, message)

    def stop(self) -> None:
        """Stop the worker thread and wait for it (it closes its own connection); the next
        request starts a new one."""
        thread, worker = self.thread, self._worker
        if thread is None or worker is None:
            return
        self.thread = None
        self._worker = None
        self._submit.disconnect(worker.run)
        worker.latest = 1 << 62  # skip whatever is still queued
        thread.quit()
        thread.wait()
        thread.deleteLater()  # the worker (no parent, its thread ended) goes with Python's ref

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Close:
            self.stop()
        return super().eventFilter(watched, event)
