"""Work a start defers until the window has painted (``ui.widgets.first_paint``)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from intercept_viewer.ui.widgets import first_paint
from intercept_viewer.ui.widgets.first_paint import after_first_paint

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_callbacks_wait_for_the_first_paint_and_run_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QLabel("hello")
    qtbot.addWidget(widget)
    calls: list[str] = []
    after_first_paint(widget, lambda: calls.append("a"))
    after_first_paint(widget, lambda: calls.append("b"))
    qtbot.wait(50)
    assert calls == []  # not shown: nothing painted yet, and the fallback is seconds away
    widget.show()
    qtbot.waitUntil(lambda: calls == ["a", "b"], timeout=2000)
    widget.repaint()
    qtbot.wait(20)
    assert calls == ["a", "b"]  # later paints run nothing again
    after_first_paint(widget, lambda: calls.append("late"))
    assert calls == ["a", "b", "late"]  # painted already: at once


def test_a_widget_that_never_paints_still_runs_them(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(first_paint, "FALLBACK_MS", 30)
    widget = QLabel("never shown")
    qtbot.addWidget(widget)
    calls: list[int] = []
    after_first_paint(widget, lambda: calls.append(1))
    qtbot.waitUntil(lambda: calls == [1], timeout=2000)


def test_the_window_loads_word_forms_only_after_it_has_painted(make_window, library, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window(library)
    tasks = window.context.tasks
    submitted: list[str] = []
    real_submit = tasks.submit

    def spy(task, *args, **kwargs):  # type: ignore[no-untyped-def]
        submitted.append(task.name)
        return real_submit(task, *args, **kwargs)

    tasks.submit = spy  # type: ignore[method-assign]
    qtbot.wait(50)
    assert "warm-words" not in submitted  # built, not painted: the start isn't slowed by it
    window.show()
    qtbot.waitUntil(lambda: "warm-words" in submitted, timeout=3000)
    qtbot.waitUntil(lambda: not tasks.running("warm-words"), timeout=10_000)


def test_a_widget_closed_before_it_painted_runs_nothing(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(first_paint, "FALLBACK_MS", 30)
    widget = QLabel("closed at once")
    qtbot.addWidget(widget)
    calls: list[int] = []
    after_first_paint(widget, lambda: calls.append(1))
    widget.close()
    qtbot.wait(100)
    assert calls == []


def test_the_search_panel_is_built_after_the_first_paint(make_window, library, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window(library)
    qtbot.wait(50)
    assert window._search_panel is None  # its tab starts behind the library
    window.show()
    qtbot.waitUntil(lambda: window._search_panel is not None, timeout=3000)
    assert window.search_dock.widget() is window.search_panel


@pytest.mark.parametrize("how", ["find", "f3", "tab", "attribute"])
def test_the_search_panel_is_built_when_first_needed(make_window, library, qtbot, how) -> None:  # type: ignore[no-untyped-def]
    window = make_window(library)
    assert window._search_panel is None
    if how == "find":
        window.find_action.trigger()
    elif how == "f3":
        window.find_next_action.trigger()  # no query yet: nothing to step to, but ready
    elif how == "tab":
        window.search_dock.visibilityChanged.emit(True)
    else:
        window.search_panel.set_scope(0)
    assert window._search_panel is not None
    assert window.search_dock.widget() is window._search_panel
    assert window.find_next_action.shortcut().toString() == "F3"
