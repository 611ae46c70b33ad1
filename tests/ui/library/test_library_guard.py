"""The window notices other processes' writes, stops writing on damage and offers a restore,
checks a large library after the first paint, and says a full disk is a full disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from intercept_viewer.core import open_libraries
from intercept_viewer.core.errors import DiskFull
from intercept_viewer.core.library import Library
from intercept_viewer.ui import startup
from intercept_viewer.ui.backup.backup_dialog import BackupPrompts
from intercept_viewer.ui.library import library_guard
from intercept_viewer.ui.widgets.prompts import Prompts
from tests.conftest import make_parsed


@pytest.fixture
def file_library(tmp_path: Path):  # type: ignore[no-untyped-def]
    lib = Library(tmp_path / "library.sqlite")
    lib.add(make_parsed())
    yield lib
    lib.close()


def _write_elsewhere(path: Path) -> None:
    """Another connection (as the CLI's process would) commits a passage."""

    def run() -> None:
        with Library(path) as other:
            other.add_passage(1, 1, tags=["from the CLI"])

    t = threading.Thread(target=run)
    t.start()
    t.join()


def test_a_write_by_another_connection_refreshes_the_window(
    qtbot, make_window, file_library: Library
) -> None:
    w = make_window(file_library)
    guard = w.library_guard
    assert guard.poll() is False  # nothing new
    with qtbot.waitSignal(w.context.changed, timeout=2000):
        _write_elsewhere(file_library.path)
        assert guard.poll() is True
    assert guard.poll() is False
    assert [t.name for t in w.context.library.tags()] == ["from the CLI"]


def test_the_timer_polls_by_itself(qtbot, make_window, file_library: Library) -> None:
    w = make_window(file_library)
    assert w.library_guard.timer.isActive()
    _write_elsewhere(file_library.path)
    with qtbot.waitSignal(w.context.changed, timeout=library_guard.POLL_MS * 4):
        pass


def test_damage_stops_writes_and_offers_a_restore(
    qtbot, make_window, file_library: Library, monkeypatch: pytest.MonkeyPatch, no_dialogs
) -> None:
    w = make_window(file_library)
    asked: list[str] = []
    restored: list[bool] = []
    monkeypatch.setattr(
        library_guard, "ask_restore_after_damage", lambda parent, msg: asked.append(msg) or True
    )
    monkeypatch.setattr(w, "restore_backup", lambda: restored.append(True))
    with qtbot.waitSignal(w.library_guard.damage_found, timeout=2000):
        # as a worker thread's connection would report it
        t = threading.Thread(
            target=open_libraries.mark_damaged, args=(file_library._key, "X is damaged")
        )
        t.start()
        t.join()
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["X is damaged"] and restored == [True]
    assert w.context.write(lambda lib: lib.create_tag("after"), change=None) is None
    assert any("damaged" in str(m) for kind, m in no_dialogs if kind == "error")


def test_a_large_library_is_checked_after_the_first_paint(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intercept_viewer.core import library_open
    from tests.reliability.test_foreign_and_damaged_files import _damaged_library

    path = _damaged_library(tmp_path)  # damaged before anything opens it
    monkeypatch.setattr(library_open, "QUICK_CHECK_MAX_BYTES", 0)  # "too big" to check on open
    monkeypatch.setattr(library_guard, "QUICK_CHECK_MAX_BYTES", 0)
    asked: list[str] = []
    monkeypatch.setattr(
        library_guard, "ask_restore_after_damage", lambda parent, msg: asked.append(msg) or False
    )
    lib = Library(path)  # opens: the check would have taken too long
    try:
        w = make_window(lib)
        with qtbot.waitSignal(w.library_guard.damage_found, timeout=10000):
            assert w.library_guard.check_in_background() is True
        qtbot.waitUntil(lambda: bool(asked))
        assert "damaged" in asked[0]
        assert lib.damaged
        w.context.tasks.stop_all()
    finally:
        lib.close()


def test_a_small_library_is_not_checked_again(qtbot, make_window, file_library: Library) -> None:
    w = make_window(file_library)
    assert w.library_guard.check_in_background() is False


def test_a_full_disk_at_start_says_so_and_opens_for_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
    real = startup.Library

    def library(p, read_only=None):  # type: ignore[no-untyped-def]
        if not read_only:
            raise DiskFull("The disk is full: library.sqlite can't be opened")
        return real(p, read_only=read_only)

    monkeypatch.setattr(startup, "Library", library)
    shown: list[str] = []
    monkeypatch.setattr(Prompts, "show_info", classmethod(lambda cls, p, m: shown.append(m)))
    monkeypatch.setattr(
        BackupPrompts,
        "ask_library_recovery",
        classmethod(lambda cls, *a: pytest.fail("a full disk offered a backup")),
    )
    opened = startup.open_library(path)
    assert opened is not None and opened.read_only
    opened.close()
    assert shown and "disk is full" in shown[0] and "restore" not in shown[0].lower()
