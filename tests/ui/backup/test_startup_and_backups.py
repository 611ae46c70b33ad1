"""The window side of backups and odd libraries: opening a bad library at start (message, offer
to restore, the bad file kept unchanged), a read-only library (visible note, edits refused with
a message), File ▸ Restore backup, the daily backup (once a day, last 7) and a locked library
during an edit (a message, not a crash)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from intercept_viewer.core.backups import Backup, daily_backup, list_backups
from intercept_viewer.core.library import Library
from intercept_viewer.ui.backup.backup_dialog import RETRY, BackupDialog, BackupPrompts
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.startup import install_error_hook, open_library, start_daily_backup
from intercept_viewer.ui.widgets.prompts import Prompts

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

DAY = dt.date(2024, 5, 1)


def fill(path: Path, parsed_factory, tags: tuple[str, ...] = ("first",)) -> int:  # type: ignore[no-untyped-def]
    with Library(path) as lib:
        tid = lib.add(parsed_factory(title="Kupyansk call")).id
        lib.add_passage(tid, 1, tags=list(tags), note="checked")
        daily_backup(lib, today=DAY)
    return tid


def damage(path: Path) -> bytes:
    """Overwrite the second page with junk (the size stays right, so SQLite must find it)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page : page * 2] = b"\xa5" * page
    path.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def opened():  # type: ignore[no-untyped-def]
    """Libraries to close after the test's windows are gone (request it before qtbot)."""
    libraries: list[Library] = []
    yield libraries
    for lib in libraries:
        lib.close()


def record(monkeypatch: pytest.MonkeyPatch, name: str, answer: object) -> list[tuple]:
    calls: list[tuple] = []

    def prompt(cls, *args):  # type: ignore[no-untyped-def]
        calls.append(args)
        return answer(*args) if callable(answer) else answer

    target = BackupPrompts if hasattr(BackupPrompts, name) else Prompts
    monkeypatch.setattr(target, name, classmethod(prompt))
    return calls


# ---------------------------------------------------------------------------- at start


def test_corrupted_library_offers_a_backup_and_keeps_the_bad_file(
    tmp_path: Path, parsed_factory, monkeypatch, qtbot
) -> None:
    path = tmp_path / "library.sqlite"
    fill(path, parsed_factory)
    bad = damage(path)
    asked = record(monkeypatch, "ask_library_recovery", lambda _p, _m, backups: backups[0])
    infos = record(monkeypatch, "show_info", None)

    lib = open_library(path)

    assert lib is not None
    try:
        (_parent, message, backups) = asked[0]
        assert "damaged" in message and str(path) in message
        assert [b.kind for b in backups] == ["daily"]
        assert [t.title for t in lib.transcripts()] == ["Kupyansk call"]
        assert [t.name for t in lib.tags()] == ["first"]
    finally:
        lib.close()
    aside = [
        p for p in tmp_path.iterdir() if ".before-restore-" in p.name and p.suffix == ".sqlite"
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == bad
    assert str(aside[0]) in infos[0][1]


def test_not_a_library_without_backups_quits_and_leaves_the_file(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Dear diary, this is not a database.\n" * 50)
    asked = record(monkeypatch, "ask_library_recovery", None)

    assert open_library(path) is None

    assert "not a SQLite database" in asked[0][1] and asked[0][2] == []
    assert path.read_bytes() == b"Dear diary, this is not a database.\n" * 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_try_again_opens_once_the_problem_is_gone(tmp_path: Path, parsed_factory, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "library.sqlite"
    fill(path, parsed_factory)
    good = path.read_bytes()
    path.write_bytes(b"junk" * 100)

    def fix_then_retry(_parent, _message, _backups):  # type: ignore[no-untyped-def]
        path.write_bytes(good)  # e.g. the disk came back
        return RETRY

    asked = record(monkeypatch, "ask_library_recovery", fix_then_retry)
    with open_library(path) as lib:  # type: ignore[union-attr]
        assert len(lib.transcripts()) == 1
    assert len(asked) == 1


def test_start_dialog_lists_backups_as_plain_text(tmp_path: Path, parsed_factory, qtbot) -> None:
    path = tmp_path / "library.sqlite"
    fill(path, parsed_factory)
    backups = list_backups(path)
    dialog = BackupDialog(backups, "<b>broken</b> library", at_start=True)
    qtbot.addWidget(dialog)
    assert dialog.message_label.text() == "<b>broken</b> library"
    assert dialog.message_label.textFormat().name == "PlainText"
    row = dialog.tree.topLevelItem(0)
    assert [row.text(0), row.text(1)] == ["2024-05-01", "daily"]
    assert row.text(2).endswith("KB") and row.text(3) == backups[0].path.name
    assert dialog.selected() == backups[0]
    dialog.retry_button.click()  # type: ignore[union-attr]
    assert dialog.choice == RETRY


# ---------------------------------------------------------------------------- read-only


def test_read_only_library_shows_a_note_and_refuses_edits_with_a_message(
    opened, tmp_path: Path, parsed_factory, settings: QSettings, qtbot, no_dialogs
) -> None:
    path = tmp_path / "library.sqlite"
    tid = fill(path, parsed_factory)
    lib = Library(path, read_only=True)
    opened.append(lib)
    w = MainWindow(lib, settings)
    qtbot.addWidget(w)
    w.show_transcript(tid)
    try:
        assert not w.library_note.isHidden()
        assert w.library_note.text() == "Read-only: changes can't be saved"
        assert not w.open_action.isEnabled() and not w.restore_backup_action.isEnabled()

        w.edit_field("title", "Another title")
        w.rename_speaker(lib.speakers(tid)[0].id, "Ivan")

        errors = [m for kind, m in no_dialogs if kind == "error"]
        assert len(errors) == 2 and all("read-only" in m for m in errors)
        assert w.library.transcript(tid).title == "Kupyansk call"
        assert w.undo_stack.count() == 0
        assert start_daily_backup(w.context, today=DAY + dt.timedelta(days=1)) is None
    finally:
        w.close()


def test_writable_library_has_no_note_and_says_where_an_upgrade_backup_went(
    library, make_window, tmp_path: Path
) -> None:
    w = make_window(library)
    assert w.library_note.isHidden()
    library.backup_path = tmp_path / "library.v1-backup-20240501-120000.sqlite"
    w._show_library_notes()
    assert str(library.backup_path) in w.statusBar().currentMessage()


# ---------------------------------------------------------------------------- locked


def test_locked_library_during_an_edit_shows_a_message(
    library, make_window, parsed_factory, no_dialogs
) -> None:
    tid = library.add(parsed_factory()).id
    w = make_window(library)
    w.show_transcript(tid)
    library.db.conn.execute("PRAGMA busy_timeout = 50")  # don't wait the real 5 s
    other = sqlite3.connect(library.path)
    other.execute("BEGIN IMMEDIATE")  # another window holds the write lock
    try:
        w.edit_field("title", "Renamed")
        w.tagging._try(lambda: library.add_passage(tid, 1, tags=["x"]))
        w.open_paths([Path(__file__)])  # an import: the failure is listed, not raised
    finally:
        other.rollback()
        other.close()
    errors = [m for kind, m in no_dialogs if kind == "error"]
    assert len(errors) == 2 and all("busy" in m for m in errors)
    assert library.transcript(tid).title != "Renamed"
    w.edit_field("title", "Renamed")  # the lock is gone: works again
    assert library.transcript(tid).title == "Renamed"


def test_error_hook_turns_a_library_error_from_undo_into_a_message(
    library, make_window, parsed_factory, no_dialogs, monkeypatch
) -> None:
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_error_hook()
    from intercept_viewer.core.errors import LibraryError

    sys.excepthook(LibraryError, LibraryError("The library is busy"), None)
    assert no_dialogs == [("error", "The library is busy")]


# ---------------------------------------------------------------------------- restore


def test_restore_backup_from_the_menu_brings_back_the_older_state(
    opened, tmp_path: Path, parsed_factory, make_window, monkeypatch
) -> None:
    path = tmp_path / "library.sqlite"
    tid = fill(path, parsed_factory, tags=("early",))  # backed up on DAY
    w = make_window(Library(path))
    w.show_transcript(tid)
    w.library.add_passage(tid, 2, tags=["late"], note="after the backup")
    w.tagging.tagging_changed()
    assert {t.name for t in w.tagging.panel.tag_model._tags} == {"early", "late"}
    old_library = w.library
    chosen = record(monkeypatch, "choose_backup", lambda _p, backups: backups[0])
    confirmed = record(monkeypatch, "confirm_restore", True)
    infos = record(monkeypatch, "show_info", None)

    w.restore_backup_action.trigger()

    try:
        assert chosen and confirmed and isinstance(confirmed[0][1], Backup)
        assert w.library is not old_library
        assert [t.name for t in w.library.tags()] == ["early"]
        assert {t.name for t in w.tagging.panel.tag_model._tags} == {"early"}
        assert w.current_transcript_id() == tid
        assert w.transcript_view.model.rowCount() == 3
        assert w.tagging.chip_passages.keys() == {1}
        aside = [
            p for p in tmp_path.iterdir() if ".before-restore-" in p.name and p.suffix == ".sqlite"
        ]
        assert len(aside) == 1 and str(aside[0]) in infos[0][1]
        with Library(aside[0], read_only=True) as before:
            assert {t.name for t in before.tags()} == {"early", "late"}
        w.library.add_passage(tid, 3, tags=["after restore"])  # the reopened library is writable
    finally:
        opened.append(w.library)


def test_restore_cancelled_changes_nothing(
    opened, tmp_path: Path, parsed_factory, make_window, monkeypatch
):  # type: ignore[no-untyped-def]
    path = tmp_path / "library.sqlite"
    fill(path, parsed_factory)
    w = make_window(Library(path))
    lib = w.library
    record(monkeypatch, "choose_backup", lambda _p, backups: backups[0])
    record(monkeypatch, "confirm_restore", False)
    assert w.restore_backup() is None
    assert w.library is lib and len(lib.tags()) == 1
    assert not [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    opened.append(lib)


# ---------------------------------------------------------------------------- daily backup


def test_daily_backup_runs_once_a_day_as_a_task_and_keeps_seven(
    library, make_window, parsed_factory, qtbot
) -> None:
    library.add(parsed_factory())
    w = make_window(library)
    written: list[str] = []
    for n in range(9):
        day = DAY + dt.timedelta(days=n)
        w.statusBar().clearMessage()
        handle = start_daily_backup(w.context, today=day)
        assert handle is not None and w.context.tasks.running("backup") == [handle]
        qtbot.waitUntil(lambda: not w.context.tasks.running("backup"), timeout=10000)
        path = str(list_backups(library.path)[0].path)  # the newest
        assert Path(path).is_file() and path not in written
        # routine: a written backup is not announced (a failed one is)
        assert w.statusBar().currentMessage() == ""
        written.append(path)
        assert start_daily_backup(w.context, today=day) is None  # once a day
    kept = list_backups(library.path)
    assert [str(b.path) for b in kept] == written[::-1][:7]
    with Library(kept[0].path, read_only=True) as copy:
        assert len(copy.transcripts()) == 1
