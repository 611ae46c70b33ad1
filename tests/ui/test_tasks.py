"""The one task runner: generator ops on lanes with their own connections, progress by yield,
cancel at the next yield, supersede by name, a registry with stop_all()."""

from __future__ import annotations

import threading
from collections.abc import Generator
from pathlib import Path

import pytest

from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.tasks import Task, TaskRunner


@pytest.fixture
def file_library(tmp_path: Path, parsed_factory):  # type: ignore[no-untyped-def]
    lib = Library(tmp_path / "library.sqlite")
    lib.add(parsed_factory(title="Call A"))
    yield lib
    lib.close()


@pytest.fixture
def runner(qtbot, file_library: Library):  # type: ignore[no-untyped-def]
    r = TaskRunner(file_library)
    yield r
    r.stop_all()


def counting(n: int) -> Task:
    def op(library: Library) -> Generator[int, None, str]:
        yield from range(n)
        return f"{library.transcript_count()} transcript(s)"

    return Task("count", op)


def test_progress_arrives_in_order_then_the_result_on_the_gui_thread(qtbot, runner) -> None:
    seen: list[object] = []
    threads: list[bool] = []

    def on_progress(value: object) -> None:
        seen.append(value)
        threads.append(threading.current_thread() is threading.main_thread())

    handle = runner.submit(counting(5), on_progress=on_progress, on_done=seen.append)
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert seen == [0, 1, 2, 3, 4, "1 transcript(s)"]
    assert all(threads)
    assert runner.running() == []


def test_read_tasks_get_a_read_only_connection_and_write_tasks_a_writable_one(
    qtbot, runner
) -> None:
    def mode(library: Library) -> Generator[None, None, tuple[bool, str]]:
        yield from ()
        return library.read_only, threading.current_thread().name

    got: list[tuple[bool, str]] = []
    read = runner.submit(Task("probe", mode, access="read"), on_done=got.append)
    write = runner.submit(Task("probe", mode, access="write"), on_done=got.append)
    qtbot.waitUntil(lambda: read.is_finished and write.is_finished, timeout=10_000)
    assert sorted(ro for ro, _thread in got) == [False, True]
    assert all(thread != threading.main_thread().name for _ro, thread in got)
    assert runner.lane_library("read").read_only
    assert not runner.lane_library("write").read_only


def test_cancel_stops_at_the_next_yield(qtbot, runner) -> None:
    started, steps = threading.Event(), []

    def endless(library: Library) -> Generator[int, None, None]:
        n = 0
        while True:
            started.set()
            n += 1
            steps.append(n)
            yield n

    cancelled: list[bool] = []
    done: list[object] = []
    handle = runner.submit(
        Task("endless", endless), on_done=done.append, on_cancelled=lambda: cancelled.append(True)
    )
    qtbot.waitUntil(started.is_set, timeout=10_000)
    handle.cancel()
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert cancelled == [True] and done == []
    stopped_at = len(steps)
    qtbot.wait(50)
    assert len(steps) == stopped_at  # the generator was closed, nothing runs on


def test_supersede_cancels_the_older_task_of_the_same_name(qtbot, runner) -> None:
    release = threading.Event()

    def slow(library: Library) -> Generator[None, None, str]:
        release.wait(10)
        yield
        return "old"

    def fast(library: Library) -> Generator[None, None, str]:
        yield from ()
        return "new"

    results: list[str] = []
    old = runner.submit(Task("search", slow, lane="search"), on_done=results.append)
    new = runner.submit(Task("search", fast, lane="search"), supersede=True, on_done=results.append)
    release.set()
    qtbot.waitUntil(lambda: old.is_finished and new.is_finished, timeout=10_000)
    assert results == ["new"]
    assert old.is_cancelled() and not new.is_cancelled()


def test_a_failing_op_reports_a_message_and_the_lane_keeps_working(qtbot, runner) -> None:
    def broken(library: Library) -> Generator[None, None, None]:
        yield from ()
        raise LibraryError("the library is busy")

    def buggy(library: Library) -> Generator[None, None, None]:
        yield from ()
        raise KeyError("oops")

    failed: list[str] = []
    done: list[object] = []
    runner.submit(Task("a", broken), on_failed=failed.append)
    runner.submit(Task("b", buggy), on_failed=failed.append)
    last = runner.submit(counting(1), on_done=done.append)
    qtbot.waitUntil(lambda: last.is_finished, timeout=10_000)
    assert failed[0] == "the library is busy"
    assert failed[1].startswith("unexpected error (KeyError")
    assert done == ["1 transcript(s)"]


def test_stop_all_cancels_waits_for_the_lanes_and_the_next_task_starts_them_again(
    qtbot, runner
) -> None:
    started = threading.Event()

    def endless(library: Library) -> Generator[None, None, None]:
        while True:
            started.set()
            yield

    handle = runner.submit(Task("endless", endless))
    queued = runner.submit(counting(1))  # behind it on the same lane
    qtbot.waitUntil(started.is_set, timeout=10_000)
    runner.stop_all()
    assert handle.is_finished and handle.is_cancelled()
    assert queued.is_finished and runner.running() == []
    assert runner.lane_library("read") is None  # the lane ended and closed its connection
    done: list[object] = []
    again = runner.submit(counting(0), on_done=done.append)
    qtbot.waitUntil(lambda: again.is_finished, timeout=10_000)
    assert done == ["1 transcript(s)"]


def test_stop_all_lets_the_kept_tasks_finish(qtbot, runner) -> None:
    release, started = threading.Event(), threading.Event()

    def export(library: Library) -> Generator[None, None, str]:
        started.set()
        release.wait(10)
        yield from ()
        return "written"

    done: list[str] = []
    handle = runner.submit(Task("export", export), on_done=done.append)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    threading.Timer(0.05, release.set).start()
    runner.stop_all(keep=("export",))
    assert handle.is_finished and done == ["written"]


def test_a_shut_down_runner_starts_nothing_until_reopened(qtbot, runner) -> None:
    runner.shutdown()
    cancelled: list[bool] = []
    handle = runner.submit(counting(1), on_cancelled=lambda: cancelled.append(True))
    assert handle.is_finished and cancelled == [True]
    assert runner.lane_library("read") is None
    runner.reopen()
    done: list[object] = []
    again = runner.submit(counting(1), on_done=done.append)
    qtbot.waitUntil(lambda: again.is_finished, timeout=10_000)
    assert done == ["1 transcript(s)"]


def test_an_in_memory_library_runs_tasks_inline(qtbot, memory_library, parsed_factory) -> None:
    memory_library.add(parsed_factory())
    runner = TaskRunner(memory_library)
    seen: list[object] = []
    handle = runner.submit(counting(2), on_progress=seen.append, on_done=seen.append)
    assert handle.is_finished  # before submit returned
    assert seen == [0, 1, "1 transcript(s)"]
    assert runner.lane_library("read") is None
