"""Robustness of the window around its library: a restore stops every thread that reads the
file (the strip's outline worker included) and the outline and search come back on the restored
file; the search worker reads through a read-only connection, on a brand-new library too; and an
undoable command whose library write fails leaves nothing in the undo history."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from intercept_viewer.core.backups import daily_backup
from intercept_viewer.core.library import Library
from intercept_viewer.ui import backup_dialog
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.prompts import Prompts
from tests.conftest import make_parsed

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

BACKED_UP = [  # three turns, in the backup only
    ("Soldier", "Hello, mum. We are near Kupyansk."),
    ("Mother", "Are you safe there?"),
    ("Soldier", "We hold the forest belt."),
]
LATER = [  # six turns, added after the backup and gone after the restore
    ("Officer", "Report the positions."),
    ("Wife", "When are you coming home?"),
    ("Officer", "Not before spring."),
    ("Wife", "The children ask about you."),
    ("Officer", "Tell them I am fine."),
    ("Wife", "Come back alive."),
]


def open_files(path: Path) -> list[str]:
    """Paths this process holds open whose name starts with ``path``'s (the file, its WAL and
    SHM, or the same names after a rename): every SQLite connection on it."""
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path.parent / path.stem)):
            found.append(target)
    return found


@pytest.fixture
def opened():  # type: ignore[no-untyped-def]
    """Libraries to close after the test's windows are gone (request it before qtbot)."""
    libraries: list[Library] = []
    yield libraries
    for lib in libraries:
        lib.close()


def answer(monkeypatch: pytest.MonkeyPatch, name: str, reply) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Prompts, name, classmethod(lambda cls, *args: reply(*args)))


def search(qtbot, w: MainWindow, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    panel = w.search_panel
    panel.query_edit.setText(text)
    panel.search_now()
    qtbot.waitUntil(panel.is_current, timeout=5000)
    return [h.title for h in panel.results_model.hits()]


# ---------------------------------------------------------------------------- restore


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_restore_stops_the_outline_worker_and_it_comes_back_on_the_restored_file(
    opened, tmp_path: Path, make_window, monkeypatch, qtbot
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed(BACKED_UP, title="Backed up call"))
        daily_backup(lib, today=dt.date(2024, 5, 1))
    w = make_window(Library(path))
    later = w.library.add(make_parsed(LATER, title="Later call")).id
    w.refresh_library()
    w.show_transcript(later)
    strip, loader = w.transcript_view.strip, w.transcript_view.outline_loader
    qtbot.waitUntil(lambda: strip.turn_count() == 6, timeout=5000)
    assert loader.thread is not None and loader.thread.isRunning()
    assert search(qtbot, w, "Kupyansk") == ["Backed up call"]  # the search thread runs too

    seen_at_restore: list[tuple[bool, list[str]]] = []
    real_restore = backup_dialog.restore_backup

    def checked_restore(backup, library_path):  # type: ignore[no-untyped-def]
        seen_at_restore.append((loader.thread is None, open_files(path)))
        return real_restore(backup, library_path)

    monkeypatch.setattr(backup_dialog, "restore_backup", checked_restore)
    answer(monkeypatch, "choose_backup", lambda _parent, backups: backups[0])
    answer(monkeypatch, "confirm_restore", lambda *_: True)
    answer(monkeypatch, "show_info", lambda *_: None)
    try:
        w.restore_backup_action.trigger()

        # Every connection on the file was closed before it was moved aside.
        assert seen_at_restore == [(True, [])]
        # The outline worker reads the restored file: the strip shows the restored call.
        assert w.transcript_view.transcript is not None
        assert w.transcript_view.transcript.title == "Backed up call"
        qtbot.waitUntil(lambda: strip.turn_count() == 3, timeout=5000)
        assert loader.thread is not None and loader.thread.isRunning()
        assert search(qtbot, w, "children") == []
        assert search(qtbot, w, "Kupyansk") == ["Backed up call"]
        # Nothing in this process still holds the file that was moved aside.
        aside = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
        assert aside
        assert not [f for f in open_files(path) if ".before-restore-" in f]
    finally:
        opened.append(w.library)


# ---------------------------------------------------------------------------- search worker


def test_search_reads_a_brand_new_library_through_a_read_only_connection(
    opened, tmp_path: Path, make_window, qtbot, no_dialogs
) -> None:
    path = tmp_path / "fresh" / "library.sqlite"  # neither the file nor its folder exist yet
    w = make_window(Library(path))
    opened.append(w.library)
    assert search(qtbot, w, "Kupyansk") == []
    assert w.search_panel.status_label.text() == "No hits"
    worker = w.search_panel._thread.worker
    assert worker._library is not None and worker._library.read_only
    w.library.add(make_parsed(BACKED_UP, title="New call"))
    assert search(qtbot, w, "Kupyansk") == ["New call"]  # sees the window's writes
    assert no_dialogs == []


def test_search_worker_reports_a_library_it_cannot_open_and_tries_again(
    tmp_path: Path, qtbot
) -> None:
    from intercept_viewer.ui.search_worker import SearchRequest, SearchWorker

    path = tmp_path / "later.sqlite"
    worker = SearchWorker(path)
    failed: list[str] = []
    done: list[object] = []
    worker.failed.connect(lambda _g, message: failed.append(message))
    worker.done.connect(lambda _g, result, _appended: done.append(result))
    worker.run(SearchRequest(1, "Kupyansk"))
    assert len(failed) == 1 and "Search failed" in failed[0]
    assert not path.exists()  # a read-only open never creates the file
    with Library(path) as lib:
        lib.add(make_parsed(BACKED_UP))
        worker.run(SearchRequest(2, "Kupyansk"))
    worker.close()
    assert len(done) == 1 and done[0].total == 1
