"""Robustness of the window around its library: a restore stops every thread that reads the
file (the strip's outline worker included) and the outline and search come back on the restored
file; the search worker reads through a read-only connection, on a brand-new library too; and an
undoable command whose library write fails leaves nothing in the undo history."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import sqlite3
from pathlib import Path

import pytest

from intercept_viewer.core.backups import daily_backup
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.backup import backup_dialog
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.tags import tag_commands
from intercept_viewer.ui.transcript import commands, correction_commands
from intercept_viewer.ui.transcript.commands import HISTORY_CLEARED, _Applied
from intercept_viewer.ui.widgets.prompts import Prompts
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
    target = backup_dialog.BackupPrompts if hasattr(backup_dialog.BackupPrompts, name) else Prompts
    monkeypatch.setattr(target, name, classmethod(lambda cls, *args: reply(*args)))


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
    strip, tasks = w.transcript_view.strip, w.context.tasks
    qtbot.waitUntil(lambda: strip.turn_count() == 6, timeout=5000)
    assert tasks.lane_library("outline") is not None  # the outline lane runs
    assert search(qtbot, w, "Kupyansk") == ["Backed up call"]  # the search lane runs too

    seen_at_restore: list[tuple[bool, list[str]]] = []
    real_restore = backup_dialog.restore_backup

    def checked_restore(backup, library_path):  # type: ignore[no-untyped-def]
        seen_at_restore.append((tasks.lane_library("outline") is None, open_files(path)))
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
        assert tasks.lane_library("outline") is not None
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
    lane_library = w.context.tasks.lane_library("search")
    assert lane_library is not None and lane_library.read_only
    w.library.add(make_parsed(BACKED_UP, title="New call"))
    assert search(qtbot, w, "Kupyansk") == ["New call"]  # sees the window's writes
    assert no_dialogs == []


def test_search_task_reports_a_library_it_cannot_open_and_tries_again(
    tmp_path: Path, qtbot
) -> None:
    from types import SimpleNamespace

    from intercept_viewer.ui.search.search_worker import SearchRequest, search_task
    from intercept_viewer.ui.tasks import TaskRunner

    path = tmp_path / "later.sqlite"
    runner = TaskRunner(SimpleNamespace(path=path))  # type: ignore[arg-type]
    failed: list[str] = []
    done: list[object] = []
    try:
        first = runner.submit(search_task(SearchRequest(1, "Kupyansk")), on_failed=failed.append)
        qtbot.waitUntil(lambda: first.is_finished, timeout=10_000)
        assert len(failed) == 1 and failed[0]
        assert not path.exists()  # a read-only open never creates the file
        with Library(path) as lib:
            lib.add(make_parsed(BACKED_UP))
            second = runner.submit(search_task(SearchRequest(2, "Kupyansk")), on_done=done.append)
            qtbot.waitUntil(lambda: second.is_finished, timeout=10_000)
    finally:
        runner.stop_all()
    assert len(done) == 1 and done[0].total == 1


# ---------------------------------------------------------------------------- undo history


def errors_shown(no_dialogs: list[tuple[str, object]]) -> list[str]:
    return [str(m) for kind, m in no_dialogs if kind == "error"]


def test_every_command_leaves_undo_and_redo_to_the_guarded_base() -> None:
    classes = [
        cls
        for module in (commands, tag_commands, correction_commands)
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, _Applied) and cls is not _Applied
    ]
    # the scan finds the commands of every kind (a count would pin today's list instead)
    names = {cls.__name__ for cls in classes}
    assert {
        "EditTranscriptCommand",
        "MergeSpeakersCommand",
        "AddPassageCommand",
        "DeleteTagCommand",
        "CorrectionCommand",
    } <= names
    for cls in classes:
        assert "undo" not in cls.__dict__ and "redo" not in cls.__dict__, cls
        assert "apply" in cls.__dict__ and "revert" in cls.__dict__, cls


def test_an_undo_the_locked_library_refuses_is_not_recorded_and_clears_the_history(
    library, make_window, qtbot, no_dialogs
) -> None:
    tid = library.add(make_parsed(BACKED_UP)).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("title", "First title")
    w.edit_field("title", "Second title")
    stack = w.undo_stack
    assert (stack.count(), stack.index()) == (2, 2)
    library.db.conn.execute("PRAGMA busy_timeout = 50")  # don't wait the real 5 s
    other = sqlite3.connect(library.path)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        stack.undo()
        # The failed undo was dropped: the stack's index still says "both edits are in".
        assert (stack.count(), stack.index()) == (1, 1)
        assert library.transcript(tid).title == "Second title"
    finally:
        other.rollback()
        other.close()
    qtbot.waitUntil(lambda: bool(errors_shown(no_dialogs)), timeout=5000)
    [message] = errors_shown(no_dialogs)
    assert "locked" in message or "busy" in message
    assert message.endswith(HISTORY_CLEARED)
    assert (stack.count(), stack.index(), stack.canRedo()) == (0, 0, False)
    assert library.transcript(tid).title == "Second title"
    assert w.transcript_view.transcript.title == "Second title"
    w.edit_field("title", "Third title")  # the lock is gone: editing and undo work again
    stack.undo()
    assert library.transcript(tid).title == "Second title"
    assert (stack.count(), stack.index()) == (1, 0)


def test_a_redo_that_fails_leaves_nothing_recorded_that_did_not_happen(
    library, make_window, qtbot, no_dialogs, monkeypatch
) -> None:
    tid = library.add(make_parsed(BACKED_UP)).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("title", "Edited")
    passage = library.add_passage(tid, 1, last_seq=2, tags=["follow up"], note="check")
    stack = w.undo_stack
    stack.push(tag_commands.AddPassageCommand(w.tagging, passage, []))
    assert library.passages() and (stack.count(), stack.index()) == (2, 2)
    stack.undo()
    assert not library.passages() and (stack.count(), stack.index()) == (2, 1)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise LibraryError("The library is open read-only; changes can't be saved.")

    monkeypatch.setattr(library, "restore_passage", refuse)
    stack.redo()
    # The passage is not back, and the history does not claim it is.
    assert not library.passages()
    assert (stack.count(), stack.index()) == (1, 1)
    qtbot.waitUntil(lambda: bool(errors_shown(no_dialogs)), timeout=5000)
    assert errors_shown(no_dialogs) == [
        f"The library is open read-only; changes can't be saved.\n\n{HISTORY_CLEARED}"
    ]
    assert (stack.count(), stack.index()) == (0, 0)
    assert library.transcript(tid).title == "Edited"
