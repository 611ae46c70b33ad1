"""The window-side measurements, each run in its own process (clean Qt state and memory).

``python -m tests.benchmarks.window_child MODE --library PATH [...]`` prints one JSON object as
its last stdout line. Modes:

* ``open``    time from asking the window to show a transcript until its first rows are painted
              (taken when the list view's ``painted`` signal fires with rows in the model, i.e.
              as its paintEvent returns; without that signal, once the viewport's Paint event
              seen by an event filter has been handled). One other transcript is opened first, so
              both the long and the short case start from a warmed-up window.
* ``scroll``  mean time per page while paging down the transcript: a scroll-bar page step, the
              events it causes (page fetches, relayout), and a synchronous repaint.
* ``startup`` the app's own start sequence (``ui.app.run_app`` minus ``exec``): the library
              opened, the window built, shown and painted; prints ``shown`` the moment the
              first paint is done, so the parent can time process start to shown.
* ``bare``    the baseline for ``startup``: a QMainWindow showing a 100-row text list, shown
              and painted (fonts initialised, an item view laid out).
* ``correct`` corrections of the long transcript through the window (on a copy of the
              library): each kind timed until the list has repainted, with its undo
              (``measure_corrections``).
* ``rss``     the window on the library, the long transcript opened and scrolled, a search
              done (through the window's search panel when there is one) and its first hit
              shown; reports the peak resident set (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from intercept_viewer.core.library import Library
    from intercept_viewer.ui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WINDOW_SIZE = (1280, 800)


def none_refcount_leak() -> int:
    """How many references to ``None`` 100 void Qt calls lose (0 on a sound PySide6).

    PySide6 6.12.0 on Python 3.11 (where None is not yet immortal) drops one reference to None
    on every call of a method returning void (``setWindowTitle``, ``repaint``, ``processEvents``
    ...): after a few thousand calls None's count reaches zero and the interpreter aborts with
    "none_dealloc". The benchmark's own driving calls would hit that long before the app does.
    """
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(100):
        obj.setObjectName("x")
    return before - sys.getrefcount(None)


def guard_none_refcount() -> bool:
    """Work around the leak above by giving None, True and False huge reference counts (as 3.12
    makes them immortal). Returns True when the leak was present and the guard applied."""
    if none_refcount_leak() <= 0:
        return False
    import ctypes

    for singleton in (None, True, False):  # emit() loses references to True the same way
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    return True


def _paint_waiter(widget: QWidget) -> Any:
    """An event filter object that counts Paint events of ``widget`` (and those painted while
    its ``model`` had rows)."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0
            self.with_rows = 0
            self.model: Any = None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
                model = self.model
                if model is not None and model.rowCount() > 0:
                    self.with_rows += 1
            return False

    counter = PaintCounter()
    widget.installEventFilter(counter)
    return counter


def _process_until(app: QApplication, done: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    from PySide6.QtCore import QEventLoop

    end = time.perf_counter() + timeout_s
    while not done():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if time.perf_counter() > end:
            return False
    return True


def _settle(app: QApplication, window: MainWindow, timeout_s: float = 120.0) -> None:
    """Let deferred work finish: the strip's outline, and the batched layout of every row."""
    bar = window.list_view.verticalScrollBar()
    end = time.perf_counter() + timeout_s
    stable, last = 0, None
    while stable < 20 and time.perf_counter() < end:
        app.processEvents()
        now = (bar.maximum(), window.list_view.model().rowCount())
        stable = stable + 1 if now == last else 0
        last = now
        time.sleep(0.002)


def _settings(tmp: str) -> Any:
    from PySide6.QtCore import QSettings

    return QSettings(os.path.join(tmp, "settings.ini"), QSettings.Format.IniFormat)


def _window(library_path: str, tmp: str) -> tuple[QApplication, Library, MainWindow]:
    from intercept_viewer.core.library import Library
    from intercept_viewer.ui.app import application
    from intercept_viewer.ui.main_window import MainWindow

    app = application()
    library = Library(library_path)
    window = MainWindow(library, _settings(tmp))
    window.resize(*WINDOW_SIZE)
    window.show()
    counter = _paint_waiter(window.list_view.viewport())
    _process_until(app, lambda: counter.count > 0, 30)
    # What the start defers to after its first paint (the word forms, the follow-up queue's
    # first reading: about 0.7 s of background work on this data) is let finish, so opening,
    # scrolling and correcting are timed in a started window, not against the start's tail
    # (``startup`` times the start itself).
    _process_until(app, lambda: not window.context.tasks.running(), 30)
    return app, library, window


def measure_open(args: argparse.Namespace) -> dict[str, object]:
    app, library, window = _window(args.library, args.tmp)
    if args.warm is not None:  # a first opening pays one-off costs (fonts, delegate caches)
        window.show_transcript(args.warm)
        _settle(app, window, 20)
    view = window.list_view
    painted_at: list[float] = []
    signal = getattr(view, "painted", None)
    if signal is not None:
        # The view's own "painted" signal is emitted as its paintEvent returns: the moment the
        # rows are on screen, before any work the window defers to after the first paint.
        signal.connect(
            lambda: painted_at.append(time.perf_counter()) if view.model().rowCount() else None
        )
        done: Callable[[], bool] = lambda: bool(painted_at)  # noqa: E731
    else:  # no signal: the Paint event seen by an event filter (handled in the same batch)
        counter = _paint_waiter(view.viewport())
        counter.model = view.model()
        done = lambda: counter.with_rows > 0  # noqa: E731
    t0 = time.perf_counter()
    window.show_transcript(args.transcript)
    ok = _process_until(app, done)
    first_paint = (painted_at[0] if painted_at else time.perf_counter()) - t0
    _settle(app, window, 120)
    settled = time.perf_counter() - t0
    rows = window.list_view.model().rowCount()
    library.close()
    return {
        "first_paint_ms": first_paint * 1000 if ok else None,
        "settled_ms": settled * 1000,
        "rows": rows,
    }


def measure_scroll(args: argparse.Namespace) -> dict[str, object]:
    from PySide6.QtWidgets import QAbstractSlider

    app, library, window = _window(args.library, args.tmp)
    view = window.list_view
    window.show_transcript(args.transcript)
    _settle(app, window, 180)
    bar = view.verticalScrollBar()
    viewport = view.viewport()
    page = bar.pageStep()
    pages_total = max(1, (bar.maximum() - bar.minimum()) // max(page, 1) + 1)
    # A full pass when it is short; otherwise blocks of consecutive pages spread evenly from
    # top to bottom (each block starts with an untimed jump).
    if pages_total <= args.max_pages:
        starts, block = [bar.minimum()], pages_total
    else:
        blocks = max(1, args.max_pages // args.block)
        block = args.block
        span = bar.maximum() - bar.minimum() - block * page
        starts = [bar.minimum() + span * i // max(blocks - 1, 1) for i in range(blocks)]
    times: list[float] = []
    blank = 0

    def page_down() -> float:
        """One page step until the rows are on screen again and painted."""
        nonlocal blank
        t = time.perf_counter()
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        app.processEvents()
        if view.visible_rows()[0] < 0:  # a relayout is under way: nothing is on screen
            blank += 1
            _process_until(app, lambda: view.visible_rows()[0] >= 0, 10)
        viewport.repaint()
        return time.perf_counter() - t

    for start in starts:
        bar.setValue(start)
        _settle(app, window, 10)
        viewport.repaint()
        done = 0
        while done < block:
            if bar.value() >= bar.maximum():
                _settle(app, window, 10)  # a relayout may still be growing the range
                if bar.value() >= bar.maximum():
                    break
            times.append(page_down())
            done += 1
    library.close()
    return {
        "ms_per_page": (sum(times) / len(times) * 1000) if times else None,
        "max_ms": max(times) * 1000 if times else None,
        "pages_measured": len(times),
        "pages_total": pages_total,
        "sampled": pages_total > args.max_pages,
        "blank_pages": blank,
        "rows": view.model().rowCount(),
    }


def measure_correct(args: argparse.Namespace) -> dict[str, object]:
    from tests.benchmarks.measure_corrections import copy_library, measure_corrections

    app, library, window = _window(copy_library(args.library, args.tmp), args.tmp)
    window.show_transcript(args.transcript)
    _settle(app, window, 180)
    result = measure_corrections(app, window, lambda: _settle(app, window, 30))
    library.close()
    return result


def _search_in_window(app: QApplication, window: MainWindow, query: str) -> str:
    """Search as a user would: type into the window's search panel (whole library), wait for
    its background search to land and open the first hit; the library directly otherwise."""
    panel = getattr(window, "search_panel", None)
    edit = getattr(panel, "query_edit", None)
    if panel is not None and edit is not None and hasattr(panel, "search_now"):
        from intercept_viewer.ui.search import search_panel as module

        scope = getattr(module, "SCOPE_LIBRARY", None)
        if scope is not None and hasattr(panel, "set_scope"):
            panel.set_scope(scope)
        edit.setText(query)
        panel.search_now()
        model = panel.results_model
        landed = _process_until(app, lambda: model.rowCount() > 0, 60)
        if landed and hasattr(panel, "open_hit"):
            panel.open_hit(0)
            app.processEvents()
        return "window.search_panel" + ("" if landed else " (no hits arrived)")
    result = window.library.search(query, limit=100)
    if result.hits:
        hit = result.hits[0]
        window.show_utterance(hit.transcript_id, hit.seq, getattr(hit, "spans", None))
        app.processEvents()
    return "library.search + window.show_utterance"


def _vm_hwm_kb() -> int | None:
    """This process's own peak resident set, from /proc (Linux); None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            status = fh.read()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def measure_rss(args: argparse.Namespace) -> dict[str, object]:
    import resource

    app, library, window = _window(args.library, args.tmp)
    window.restore_last_transcript()
    _settle(app, window, 30)
    window.show_transcript(args.transcript)
    _settle(app, window, 180)
    bar = window.list_view.verticalScrollBar()
    for frac in (0.25, 0.5, 0.75, 1.0):
        bar.setValue(int(bar.maximum() * frac))
        app.processEvents()
        window.list_view.viewport().repaint()
    how = _search_in_window(app, window, "Купянск деньги")
    _settle(app, window, 30)
    # VmHWM, not ru_maxrss: a child started by subprocess inherits the benchmark process's
    # high-water mark in ru_maxrss (Linux keeps it across exec), hiding the window's own.
    peak_kb = _vm_hwm_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    library.close()
    return {"rss_mb": peak_kb / 1024, "search_via": how}


def run_startup(args: argparse.Namespace) -> None:
    """What ``run_app`` does, up to the first paint of a window with the library loaded."""
    import intercept_viewer.launch  # noqa: F401  (the real entry point's imports)
    from intercept_viewer.core.library import Library
    from intercept_viewer.ui.app import application
    from intercept_viewer.ui.main_window import MainWindow

    app = application()
    library = Library(args.library)
    window = MainWindow(library, _settings(args.tmp))
    window.resize(*WINDOW_SIZE)
    window.restore_state()
    counter = _paint_waiter(window.list_view.viewport())
    counter.model = window.list_view.model()
    window.show()
    window.restore_last_transcript()
    _process_until(app, lambda: counter.with_rows > 0, 60)
    print("shown", flush=True)
    library.close()


def run_bare(args: argparse.Namespace) -> None:
    """A window showing a 100-row text list: what any app pays for Qt, fonts and a painted
    item view, so the ratio measures what the app adds to that."""
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QApplication, QListView, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(*WINDOW_SIZE)
    view = QListView(window)
    view.setModel(QStringListModel([f"Row {i}: some text to lay out" for i in range(100)], view))
    window.setCentralWidget(view)
    counter = _paint_waiter(view.viewport())
    counter.model = view.model()
    window.show()
    _process_until(app, lambda: counter.with_rows > 0, 60)
    print("shown", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="window_child")
    parser.add_argument("mode", choices=["open", "scroll", "startup", "bare", "rss", "correct"])
    parser.add_argument("--library")
    parser.add_argument("--transcript", type=int)
    parser.add_argument("--warm", type=int)
    parser.add_argument("--tmp", default=".")
    parser.add_argument("--max-pages", type=int, default=600)
    parser.add_argument("--block", type=int, default=60)
    args = parser.parse_args()
    guarded = guard_none_refcount()
    if args.mode == "startup":
        run_startup(args)
    elif args.mode == "bare":
        run_bare(args)
    else:
        fn = {
            "open": measure_open,
            "scroll": measure_scroll,
            "rss": measure_rss,
            "correct": measure_correct,
        }[args.mode]
        print(json.dumps({**fn(args), "none_refcount_guard": guarded}), flush=True)
    sys.stdout.flush()
    os._exit(0)  # skip teardown: nothing is measured after this


if __name__ == "__main__":
    main()
