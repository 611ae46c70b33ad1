"""Rolling daily backups: one a day, the last seven kept, listing, and a restore that checks
the backup and never overwrites the current library without keeping it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from intercept_viewer.core.backups import (
    KEEP,
    daily_backup,
    list_backups,
    restore_backup,
    verify_backup,
)
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed
from tests.reliability.helpers import V1_LIBRARY, library_fingerprint, sha256_of

DAY = dt.date(2024, 5, 1)


def test_one_backup_a_day_keeps_the_last_seven(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
        first = daily_backup(lib, today=DAY)
        assert (
            first == tmp_path / "library.sqlite.backups" / "library.sqlite.daily-2024-05-01.sqlite"
        )
        assert daily_backup(lib, today=DAY) is None  # at most one a day
        for n in range(1, 10):
            lib.add(make_parsed(title=f"call {n}"))
            assert daily_backup(lib, today=DAY + dt.timedelta(days=n)) is not None
    backups = list_backups(path)
    assert [b.kind for b in backups] == ["daily"] * KEEP
    assert [b.taken_at.date() for b in backups] == [
        DAY + dt.timedelta(days=n) for n in range(9, 9 - KEEP, -1)
    ]
    assert sorted(p.name for p in (tmp_path / "library.sqlite.backups").iterdir()) == sorted(
        b.path.name for b in backups
    )  # no -wal, -shm or .partial left behind
    for b in backups:
        verify_backup(b.path)
        assert "daily" in b.label
    with Library(backups[0].path, read_only=True) as newest:
        assert newest.transcript_count() == 10


def test_backup_of_a_memory_library_is_skipped() -> None:
    with Library(memory=True) as lib:
        assert daily_backup(lib) is None


def test_list_includes_upgrade_backups(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    shutil.copyfile(V1_LIBRARY, path)
    with Library(path) as lib:
        daily_backup(lib, today=DAY)
    kinds = sorted(b.kind for b in list_backups(path))
    assert kinds == ["daily", "upgrade"]
    # another library in the same folder has its own backups
    assert list_backups(tmp_path / "other.sqlite") == []


def test_restore_moves_the_current_library_aside(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed(title="kept in the backup"))
        backup = daily_backup(lib, today=DAY)
        assert backup is not None
        lib.add(make_parsed(title="added after the backup"))
        lib.add_passage(2, 1, tags=["after"])
    before = library_fingerprint(path)
    aside = restore_backup(list_backups(path)[0], path)
    assert aside is not None and aside.exists() and aside.parent == tmp_path
    assert library_fingerprint(aside) == before  # nothing lost: the old library is aside
    with Library(path) as lib:
        assert [t.title for t in lib.transcripts()] == ["kept in the backup"]
        lib.add_passage(1, 1, tags=["restored and writable"])


def test_restore_refuses_a_damaged_backup_and_touches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
        backup = daily_backup(lib, today=DAY)
    assert backup is not None
    data = bytearray(backup.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 2 : page * 2 + 200] = b"\xa5" * 200  # scribble over a b-tree page
    backup.write_bytes(bytes(data))
    digest = sha256_of(path)
    with pytest.raises(LibraryError, match=r"damaged|can't be read"):
        restore_backup(backup, path)
    assert sha256_of(path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "library.sqlite",
        "library.sqlite.backups",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "not a SQLite"), (b"hello world", "not a SQLite"), (None, "does not exist")],
)
def test_restore_refuses_what_is_not_a_backup(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
    digest = sha256_of(path)
    bogus = tmp_path / "bogus.sqlite"
    if content is not None:
        bogus.write_bytes(content)
    with pytest.raises(LibraryError, match=reason):
        restore_backup(bogus, path)
    assert sha256_of(path) == digest


def test_restore_refuses_a_sqlite_file_that_is_no_library(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="not an Intercept Viewer library"):
        restore_backup(other, tmp_path / "library.sqlite")


def test_restore_carries_the_wal_along(tmp_path: Path) -> None:
    """A library left with a -wal (a crash) moves aside with it, so the aside copy is whole."""
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        backup = daily_backup(lib, today=DAY)
    assert backup is not None
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")  # stands in for a WAL left behind by a crash
    aside = restore_backup(backup, path)
    assert aside is not None
    assert not wal.exists() and Path(f"{aside}-wal").exists()
