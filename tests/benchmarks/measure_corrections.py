"""Corrections in the long transcript, as the window makes them (issue 15).

Run by ``window_child correct``: the library is first copied (SQLite's online backup) so the
benchmark's own library is never changed. The window shows the long transcript scrolled to its
middle, with that row selected; each correction is made through the window's corrections
controller, as a key press makes it, and timed from the call until the list has repainted: the
repaint Qt queued is flushed with ``sendPostedEvents(UpdateRequest)`` alone, so the work the
window defers until after the paint (the strip's outline read by a worker, tag chips, the
History dock) is not counted; it is let finish, untimed, before the correction is undone (the
undo timed the same way).

Reported per kind (median of ``repeats``): ``ms`` (correction + repaint), ``undo_ms``,
``rows_painted`` (delegate paint calls in that frame) and ``pages_read`` (pages the model read
from the library for it; 0 means no reload).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from intercept_viewer.ui.main_window import MainWindow

#: One frame at 60 Hz.
FRAME_MS = 1000 / 60


def copy_library(source: str, tmp: str) -> str:
    import sqlite3

    from intercept_viewer.core.schema import backup_to

    target = Path(tmp) / "corrections-copy.sqlite"
    conn = sqlite3.connect(source)
    try:
        backup_to(conn, target)
    finally:
        conn.close()
    return str(target)


def _kinds(window: MainWindow, row: int) -> dict[str, Callable[[], None]]:
    """What each measured correction does at ``row`` (0-based) of the shown transcript (the
    row is selected beforehand, untimed)."""
    c = window.corrections
    model = window.transcript_view.model
    tid = window.current_transcript_id()
    assert tid is not None
    seq = row + 1

    def other_speaker() -> int:
        u = model.utterance_at(row)
        ids = [s.id for s in model.speakers()]
        return next(i for i in ids if u is None or i != u.speaker_id)

    def text() -> None:
        u = model.utterance_at(row)
        c._commit_text(row, (u.text if u else "") + " (corrected)")

    def split() -> None:
        u = model.utterance_at(row)
        text = u.text if u else ""
        c._split_from_editor(row, text, max(1, text.find(" ", len(text) // 2)))

    return {
        "text": text,
        "speaker": lambda: c.reassign_selection(other_speaker()),
        "time": lambda: c.set_times(tid, [(seq, 1000, 2000)]),
        "split": split,
        "merge": c.merge_selection,
        "insert": lambda: c._run(
            "insert", lambda: [window.library.insert_turn(tid, seq, "Inserted turn.")]
        ),
        "delete": c.delete_selection,
    }


def measure_corrections(
    app: QApplication, window: MainWindow, settle: Callable[[], None], repeats: int = 3
) -> dict[str, Any]:
    """Time each kind of correction (and its undo) in the middle of the shown transcript."""
    from PySide6.QtCore import QCoreApplication, QEvent

    def flush_paint() -> None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)

    view = window.list_view
    viewport = view.viewport()
    model = window.transcript_view.model
    delegate = view.utterance_delegate
    painted = [0]
    paint = delegate.paint

    def counting_paint(*args: Any) -> None:
        painted[0] += 1
        paint(*args)

    delegate.paint = counting_paint  # type: ignore[method-assign]
    middle = model.rowCount() // 2
    tid = window.current_transcript_id()
    assert tid is not None
    # One-off costs that are not the correction's: the word-form dictionaries load on first use,
    # and the first time given to an untimed transcript brings the time column in (every row
    # laid out again). Both happen here, untimed.
    from intercept_viewer.core.wordforms import normalize_text

    normalize_text("warm up слова", "ru")
    if not window.library.transcript(tid).has_times:
        window.corrections.set_times(tid, [(1, 0, 500)])
    view.go_to_row(middle)
    settle()
    viewport.repaint()
    results: dict[str, Any] = {}
    for kind in ("text", "speaker", "time", "split", "merge", "insert", "delete"):
        times, undos, rows, pages = [], [], [], []
        for _ in range(repeats):
            view.go_to_row(middle)
            settle()
            viewport.repaint()
            act = _kinds(window, middle)[kind]
            fetched = len(model.pages_fetched)
            painted[0] = 0
            t0 = time.perf_counter()
            act()
            flush_paint()
            times.append((time.perf_counter() - t0) * 1000)
            rows.append(painted[0])
            pages.append(len(model.pages_fetched) - fetched)
            settle()
            t0 = time.perf_counter()
            window.undo_stack.undo()
            flush_paint()
            undos.append((time.perf_counter() - t0) * 1000)
            settle()
        results[kind] = {
            "ms": statistics.median(times),
            "max_ms": max(times),
            "undo_ms": statistics.median(undos),
            "rows_painted": statistics.median(rows),
            "pages_read": max(pages),
        }
    delegate.paint = paint  # type: ignore[method-assign]
    in_place = [results[k]["ms"] for k in ("text", "speaker", "time")]
    structural = [results[k]["ms"] for k in ("split", "merge", "insert", "delete")]
    return {
        "kinds": results,
        "rows": model.rowCount(),
        "at_row": middle,
        "in_place_ms": max(in_place),
        "structural_ms": max(structural),
        "within_frame": [k for k, v in results.items() if v["ms"] <= FRAME_MS],
    }
