"""A big file imports in the background: the window paints and answers input meanwhile,
shows progress in the status bar, and Cancel leaves the library as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer

from intercept_viewer.core.library import Library
from intercept_viewer.ui.app import build_window
from intercept_viewer.ui.library.import_progress import ImportProgress
from intercept_viewer.ui.library.import_worker import BACKGROUND_FROM_BYTES

pytestmark = [pytest.mark.qt_log_ignore("propagateSizeHints"), pytest.mark.slow]


def _long_call(path: Path, turns: int) -> Path:
    lines = []
    for i in range(turns):
        who = "Soldier" if i % 2 == 0 else "Mother"
        lines.append(f"{who}: We are still near Kupyansk, turn {i}, the forest belt again.\n")
    path.write_text("".join(lines), encoding="utf-8")
    assert path.stat().st_size > BACKGROUND_FROM_BYTES
    return path


class _Paints(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_window_paints_and_answers_input_while_a_big_file_imports(
    qtbot, library: Library, settings, tmp_path: Path, no_dialogs
) -> None:
    big = _long_call(tmp_path / "long_call.txt", 40_000)
    w = build_window(library, [str(big)], settings)  # as `intercept-viewer long_call.txt`
    qtbot.addWidget(w)
    w.resize(1000, 700)
    handle = w.import_task
    assert handle is not None, "a big file must import in the background"
    progress = w.findChild(ImportProgress)
    assert progress is not None and progress.isVisibleTo(w)

    paints = _Paints()
    w.library_panel.filter_edit.installEventFilter(paints)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    w.show()
    qtbot.waitExposed(w)
    # input and painting while the worker is still importing
    qtbot.keyClicks(w.library_panel.filter_edit, "kup")
    w.library_panel.filter_edit.update()
    qtbot.waitUntil(lambda: paints.count > 0 and len(ticks) >= 5, timeout=10_000)
    assert not handle.is_finished, "the import ended before the window was shown to respond"
    assert w.library_panel.filter_edit.text() == "kup"
    w.library_panel.filter_edit.clear()

    with qtbot.waitSignal(w.import_finished, timeout=120_000) as blocker:
        pass
    timer.stop()
    results, failures = blocker.args
    assert failures == [] and len(results) == 1
    qtbot.waitUntil(lambda: w.current_transcript() is not None)
    assert w.current_transcript().utterance_count == 40_000
    assert w.findChild(ImportProgress) is None or not w.findChild(ImportProgress).isVisible()
    assert [Path(p).name for p in w.recent_files()] == ["long_call.txt"]


def test_cancel_rolls_the_big_file_back(
    qtbot, make_window, library: Library, tmp_path: Path, no_dialogs
) -> None:
    big = _long_call(tmp_path / "long_call.txt", 40_000)
    w = make_window(library)
    assert w.open_paths([big]) == []
    assert w.import_task is not None
    progress = w.findChild(ImportProgress)
    with qtbot.waitSignal(w.import_finished, timeout=120_000) as blocker:
        progress.cancel_button.click()
    results, failures = blocker.args
    assert results == [] and failures == []
    assert library.transcript_count() == 0
    assert w.import_task is None


def test_small_files_import_at_once(qtbot, make_window, library: Library, tmp_path: Path) -> None:
    small = _long_call(tmp_path / "long_call.txt", 40_000).with_name("short.txt")
    small.write_text("Soldier: Hello, mum.\nMother: Are you safe?\n", encoding="utf-8")
    w = make_window(library)
    ids = w.open_paths([small])
    assert len(ids) == 1 and w.import_task is None
