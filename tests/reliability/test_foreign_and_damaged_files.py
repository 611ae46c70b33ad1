"""Only our own files are opened as libraries, and damage is found at any size.

Every refused file is left byte for byte as it was (its SHA-256 and its companions checked),
and a damaged library is never written to nor copied into a daily backup.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from intercept_viewer.core import library_open, open_libraries
from intercept_viewer.core.backups import daily_backup, list_backups
from intercept_viewer.core.errors import LibraryDamaged, LibraryError, NotALibrary
from intercept_viewer.core.library import Library
from intercept_viewer.core.library_identity import APPLICATION_ID
from tests.conftest import make_parsed
from tests.reliability.helpers import sha256_of

DAY = dt.date(2024, 5, 1)


def _only_a_view(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIEW v AS SELECT 1 AS x")
    conn.execute("PRAGMA user_version = 42")
    conn.commit()
    conn.close()


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()


def _other_sqlite_utils_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
        "name TEXT, applied_at TEXT);"
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('notes_app', '0001', 'x');"
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
    )
    conn.close()


def _other_application_id(path: Path) -> None:
    with Library(path) as lib:
        lib.add(make_parsed())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _our_library_plus_foreign_tables(path: Path) -> None:
    with Library(path) as lib:
        lib.add(make_parsed())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")  # as if written before the application_id
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _newer_schema(path: Path) -> None:
    with Library(path) as lib:
        lib.add(make_parsed())
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('intercept_viewer', '9999_from_the_future', 'x')"
    )
    conn.execute("PRAGMA user_version = 9999")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


FOREIGN = {
    "only a view, user_version 42": _only_a_view,
    "another program's tables": _other_program,
    "another sqlite-utils app's migrations": _other_sqlite_utils_app,
    "another application_id": _other_application_id,
    "our tables plus foreign ones, no application_id": _our_library_plus_foreign_tables,
    "a newer schema": _newer_schema,
}


def _state(path: Path) -> tuple[str, list[str]]:
    return sha256_of(path), sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("kind", list(FOREIGN))
@pytest.mark.parametrize("read_only", [False, True])
def test_foreign_files_are_refused_and_never_changed(
    tmp_path: Path, kind: str, read_only: bool
) -> None:
    path = tmp_path / "library.sqlite"
    FOREIGN[kind](path)
    before = _state(path)
    with pytest.raises(NotALibrary) as err:
        Library(path, read_only=read_only or None)
    assert str(path) in str(err.value) and "untouched" in str(err.value)
    assert _state(path) == before  # same bytes, no -wal/-shm/backup folder left behind
    assert not open_libraries.is_open(path)


def test_a_new_library_gets_our_application_id(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    Library(path).close()
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID


def test_a_library_from_before_the_application_id_is_still_ours(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    with Library(path) as lib:
        assert lib.transcript_count() == 1


def _scribble_over_a_table_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    for n in range(pages * 2 // 3, pages):  # leave the schema and the tables' roots alone
        data[n * page + 8 : n * page + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


def _damaged_library(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        for n in range(20):
            lib.add(make_parsed([("Soldier", f"line {k} of call {n}") for k in range(60)]))
        lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _scribble_over_a_table_page(path)
    return path


def test_damage_is_found_above_the_quick_check_limit_and_stops_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_library(tmp_path)
    # pretend the file is too big for the check on opening: it opens, then damage is found
    monkeypatch.setattr(library_open, "QUICK_CHECK_MAX_BYTES", 0)
    digest = sha256_of(path)
    lib = Library(path)
    try:
        with pytest.raises(LibraryDamaged):
            lib.check_integrity()  # what the window runs in the background after first paint
        assert lib.damaged
        with pytest.raises(LibraryDamaged):
            lib.add_passage(1, 1, tags=["after damage"])
        with pytest.raises(LibraryDamaged):
            daily_backup(lib, today=DAY)
        # every Library on the file in this process stops
        with Library(path) as worker, pytest.raises(LibraryDamaged):
            worker.create_tag("x")
    finally:
        lib.close()
    assert sha256_of(path) == digest
    assert list_backups(path) == []


def test_corruption_seen_by_any_statement_stops_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_library(tmp_path)
    monkeypatch.setattr(library_open, "QUICK_CHECK_MAX_BYTES", 0)
    seen: list[str] = []
    open_libraries.add_damage_listener(lambda _p, message: seen.append(message))
    try:
        with Library(path) as lib:
            with pytest.raises(LibraryError):
                for t in lib.transcripts():  # reading the damaged pages
                    lib.utterances(t.id)
                lib.search("Kupyansk")
            assert lib.damaged and seen
            with pytest.raises(LibraryDamaged):
                lib.create_tag("x")
    finally:
        open_libraries._damage_listeners.clear()


def test_the_newest_good_daily_backup_is_never_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
        good = daily_backup(lib, today=DAY)
        for n in range(20):
            lib.add(make_parsed([("Soldier", f"line {k} of call {n}") for k in range(60)]))
        lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _scribble_over_a_table_page(path)
    monkeypatch.setattr(library_open, "QUICK_CHECK_MAX_BYTES", 0)
    for n in range(1, 9):  # eight days with a damaged library
        with Library(path) as lib, pytest.raises(LibraryDamaged):
            daily_backup(lib, today=DAY + dt.timedelta(days=n))
    assert [b.path for b in list_backups(path)] == [good]
