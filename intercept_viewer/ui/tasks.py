"""One task runner for all background work: search, outlines, imports, exports, backups, and
wave 2's waveforms and publishing.

A task is a *generator op*: ``op(library)`` gets a ``Library`` opened for it and yields
progress values; what it returns is the result. It declares whether it reads or writes:

* a read task gets a read-only connection (it can never upgrade the schema, checkpoint or
  remove the write-ahead log behind the window's back), a write task a read-write one;
* tasks run on *lanes*, one QThread each, that keep their connection open between tasks (a
  sqlite3 connection belongs to the thread that opened it, and opening a big library reads
  every page once). Tasks on one lane run one after another; all writes share the ``write``
  lane, so there is one writer at a time. Search and outline have lanes of their own so a
  slow outline never holds up typing;
* progress reaches the GUI thread as ``TaskHandle.progress``; the result as ``done``, an error
  as ``failed`` (a message: a worker never kills the app), a cancel as ``cancelled``;
  ``finished`` always comes last;
* ``TaskHandle.cancel()`` stops a task at its next ``yield`` (and interrupts a running SQLite
  statement). ``supersede=True`` cancels the earlier tasks of the same name: the newest search
  or outline is the only one anyone wants;
* the runner keeps a registry of what runs; ``stop_all()`` cancels everything and waits for the
  lanes to end (closing their connections, in their threads). Closing the window and restoring
  a backup use it; the next task starts its lane again.

An in-memory library (tests) can't be shared with a thread: its tasks run at once on the GUI
thread with the window's own Library, and their signals are delivered before ``submit``
returns. Anki's ``QueryOp`` and napari's ``thread_worker`` are the models.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library

Access = Literal["read", "write"]
#: What a task runs: a generator function over the Library opened for it.
Op = Callable[[Library], Generator[Any, None, Any]]


@dataclass
class Task:
    """A unit of background work.

    Attributes:
        name: what it is ("search", "outline", "import", "export", "backup", ...); also the
            key ``supersede`` cancels by.
        op: the generator op (see the module docstring).
        access: "read" or "write".
        lane: the thread it runs on; default: its name for reads of their own ("search",
            "outline"), else "read" or "write".
    """

    name: str
    op: Op
    access: Access = "read"
    lane: str | None = None

    def lane_name(self) -> str:
        if self.lane is not None:
            return self.lane
        return "write" if self.access == "write" else "read"


class TaskHandle(QObject):
    """One submitted task, seen from the GUI thread.

    Signals:
        progress(value): a value the op yielded.
        done(result): the op returned ``result``.
        failed(message): the op (or opening its connection) raised; ``message`` says why.
        cancelled(): the task was cancelled before it ended.
        finished(): after any of done / failed / cancelled.
    """

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, task: Task, task_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.task_id = task_id
        self._cancel = threading.Event()
        self._interrupt: Callable[[], None] | None = None
        self.is_finished = False
        self.result: Any = None
        self.error: str | None = None

    @property
    def name(self) -> str:
        return self.task.name

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Stop at the next yield; a statement running now is interrupted."""
        if self.is_finished:
            return
        self._cancel.set()
        interrupt = self._interrupt
        if interrupt is not None:
            interrupt()


@dataclass
class _Job:
    handle: TaskHandle
    path: Path


def _drive(handle: TaskHandle, library: Library, report: Callable[[str, Any], None]) -> None:
    """Run the handle's op over ``library``, reporting ("progress"|"done"|"failed"|"cancelled",
    value). Never raises."""
    if handle.is_cancelled():
        report("cancelled", None)
        return
    try:
        gen = handle.task.op(library)
        while True:
            try:
                value = next(gen)
            except StopIteration as stop:
                if handle.is_cancelled():
                    report("cancelled", None)
                else:
                    report("done", stop.value)
                return
            if handle.is_cancelled():
                gen.close()
                report("cancelled", None)
                return
            report("progress", value)
    except InterceptViewerError as exc:
        report("cancelled" if handle.is_cancelled() else "failed", str(exc))
    except Exception as exc:  # a bug in an op must not take the app down
        report(
            "cancelled" if handle.is_cancelled() else "failed",
            f"unexpected error ({type(exc).__name__}: {exc})",
        )


class _LaneWorker(QObject):
    """Lives in a lane's thread; keeps that thread's connection."""

    report = Signal(int, str, object)

    def __init__(self, access: Access) -> None:
        super().__init__()
        self.access = access
        self._library: Library | None = None
        self._path: Path | None = None
        self.current: TaskHandle | None = None

    def _open(self, path: Path) -> Library:
        if self._library is not None and self._path != path:
            self.close()
        if self._library is None:
            self._library = Library(path, read_only=True if self.access == "read" else None)
            self._path = path
        return self._library

    @Slot(object)
    def run(self, job: _Job) -> None:
        handle = job.handle

        def report(kind: str, value: Any) -> None:
            self.report.emit(handle.task_id, kind, value)

        if handle.is_cancelled():
            report("cancelled", None)
            return
        try:
            library = self._open(job.path)
        except (InterceptViewerError, OSError) as exc:
            report("failed", str(exc))
            return
        self.current = handle
        handle._interrupt = library.interrupt
        try:
            _drive(handle, library, report)
        finally:
            handle._interrupt = None
            self.current = None

    def close(self) -> None:
        """Close the connection; called in the lane's thread as it finishes."""
        if self._library is not None:
            self._library.close()
            self._library = None


class _Lane(QObject):
    submit = Signal(object)

    def __init__(self, name: str, access: Access, parent: QObject) -> None:
        super().__init__(parent)
        self.qthread = QThread(self)
        self.qthread.setObjectName(f"task-{name}")
        self.worker = _LaneWorker(access)
        self.worker.moveToThread(self.qthread)
        self.submit.connect(self.worker.run, Qt.ConnectionType.QueuedConnection)
        # finished is emitted in the lane's thread itself: close the connection there.
        self.qthread.finished.connect(self.worker.close, Qt.ConnectionType.DirectConnection)
        self.qthread.start()

    def stop(self) -> None:
        self.qthread.quit()
        self.qthread.wait()


class TaskRunner(QObject):
    """Runs tasks against the library at ``library.path``; see the module docstring.

    Attributes:
        library: the GUI thread's Library (its path is where lanes connect; in-memory
            libraries run tasks inline with it).

    Signals:
        task_started(handle), task_finished(handle): for status displays and tests.
    """

    task_started = Signal(object)
    task_finished = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._lanes: dict[str, _Lane] = {}
        self._running: dict[int, TaskHandle] = {}
        self._ids = itertools.count(1)
        self.closed = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---------------------------------------------------------------- submitting

    def submit(
        self,
        task: Task,
        *,
        supersede: bool = False,
        on_progress: Callable[[Any], None] | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskHandle:
        """Start ``task``; the callbacks are connected to its handle before it can report."""
        if supersede:
            for other in list(self._running.values()):
                if other.name == task.name:
                    other.cancel()
        handle = TaskHandle(task, next(self._ids), self)
        for signal, slot in (
            (handle.progress, on_progress),
            (handle.done, on_done),
            (handle.failed, on_failed),
            (handle.cancelled, on_cancelled),
        ):
            if slot is not None:
                signal.connect(slot)
        self._running[handle.task_id] = handle
        self.task_started.emit(handle)
        if self.closed:  # the window closed: start no thread that could outlive it
            handle.cancel()
            self._report(handle.task_id, "cancelled", None)
            return handle
        path = self.library.path
        if path is None:
            _drive(
                handle,
                self.library,
                lambda kind, value: self._report(handle.task_id, kind, value),
            )
            return handle
        lane = self._lane(task.lane_name(), task.access)
        lane.submit.emit(_Job(handle, path))
        return handle

    def _lane(self, name: str, access: Access) -> _Lane:
        lane = self._lanes.get(name)
        if lane is None:
            lane = _Lane(name, access, self)
            lane.worker.report.connect(self._report, Qt.ConnectionType.QueuedConnection)
            self._lanes[name] = lane
        return lane

    @Slot(int, str, object)
    def _report(self, task_id: int, kind: str, value: Any) -> None:
        handle = self._running.get(task_id)
        if handle is None or handle.is_finished:
            return
        if kind == "progress":
            if not handle.is_cancelled():
                handle.progress.emit(value)
            return
        handle.is_finished = True
        del self._running[task_id]
        if kind == "done" and not handle.is_cancelled():
            handle.result = value
            handle.done.emit(value)
        elif kind == "failed" and not handle.is_cancelled():
            handle.error = str(value)
            handle.failed.emit(str(value))
        else:
            handle.cancelled.emit()
        handle.finished.emit()
        self.task_finished.emit(handle)
        handle.deleteLater()

    # ---------------------------------------------------------------- the registry

    def running(self, name: str | None = None) -> list[TaskHandle]:
        """Tasks submitted and not yet finished (of one name, or all)."""
        return [h for h in self._running.values() if name is None or h.name == name]

    def lane_library(self, lane: str) -> Library | None:
        """The connection a lane keeps open, if it runs (for diagnostics and tests)."""
        found = self._lanes.get(lane)
        return found.worker._library if found is not None else None

    def cancel(self, name: str) -> None:
        for handle in self.running(name):
            handle.cancel()

    def stop_all(self, keep: tuple[str, ...] = ()) -> None:
        """Cancel every task and wait for every lane to end (their connections close).

        Running tasks named in ``keep`` (an export, a backup) are let finish instead of
        cancelled. Tasks still queued report ``cancelled``; the next ``submit`` starts lanes
        again.
        """
        for handle in list(self._running.values()):
            if handle.name not in keep:
                handle.cancel()
        lanes, self._lanes = list(self._lanes.values()), {}
        for lane in lanes:
            lane.stop()
        # deliver what the lanes reported before they ended, then settle the rest
        QCoreApplication.sendPostedEvents(self)
        for task_id in list(self._running):
            self._report(task_id, "cancelled", None)
        for lane in lanes:
            lane.worker.deleteLater()
            lane.deleteLater()

    def shutdown(self, keep: tuple[str, ...] = ()) -> None:
        """``stop_all`` and accept no more tasks (they report ``cancelled``) until ``reopen``:
        the window is closing, and a QThread destroyed while running aborts the app."""
        self.closed = True
        self.stop_all(keep)

    def reopen(self) -> None:
        """Accept tasks again (the window is shown again)."""
        self.closed = False

    def set_library(self, library: Library) -> None:
        """Work on another open Library (after a restore); its lanes were stopped."""
        self.stop_all()
        self.library = library

    def wait_idle(self, name: str | None = None) -> None:
        """Block until the named (or every) task has finished, delivering their reports."""
        while self.running(name):
            QCoreApplication.processEvents()
            QThread.msleep(5)
