"""Odd situations around the library file: a second process, read-only files, files that
are not libraries or are damaged, and a database locked by another writer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from intercept_viewer.core import library as library_module
from intercept_viewer.core import library_open
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed
from tests.reliability.helpers import check_whole, sha256_of

ROOT = Path(__file__).parents[2]

_WRITER = """
import sys
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed
path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Library(path) as lib:
    for i in range(n):
        t = lib.add(make_parsed(title=f"{who} {i}"))
        lib.add_passage(t.id, 1, tags=[who], note=f"{who} note {i}")
print("done", flush=True)
"""


def test_two_processes_write_the_same_library(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:  # this process keeps it open and writes too
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _WRITER, str(path), who, "15"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for who in ("alpha", "beta")
        ]
        for i in range(15):
            t = lib.add(make_parsed(title=f"main {i}"))
            lib.add_passage(t.id, 2, tags=["main"])
        for p in procs:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            assert out.strip() == "done"
        assert lib.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.transcript_count() == 45
        assert {t.name: t.passage_count for t in lib.tags()} == {
            "alpha": 15,
            "beta": 15,
            "main": 15,
        }
    assert check_whole(path)["transcripts"] == 45


def test_read_only_parameter(library: Library, tmp_path: Path) -> None:
    library.add(make_parsed())
    library.close()
    with Library(library.path, read_only=True) as ro:
        assert ro.read_only
        assert ro.transcript_count() == 1
        with pytest.raises(LibraryError, match="read-only"):
            ro.add_passage(1, 1, tags=["x"])
        with pytest.raises(LibraryError, match="read-only"):
            ro.add(make_parsed(title="other"))
        # even a write that skipped the read-only guard gets a clear message
        ro.read_only = False
        with pytest.raises(LibraryError, match="can't be written"):
            ro.create_tag("sneaky")
    with Library(library.path) as lib:
        assert lib.tags() == []


def test_a_connection_opened_with_mode_ro_cannot_be_written(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
    lib = Library(path)
    lib.db.conn.close()
    lib.db = library_module._LibraryDatabase(
        sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    )
    try:
        with pytest.raises(LibraryError, match="can't be written"):
            lib.rename_speaker(1, "Renamed")
    finally:
        lib.close()
    with Library(path) as again:
        assert again.speakers(1)[0].name != "Renamed"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; covered above")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_file_or_folder(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    path = folder / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
    target = path if what == "file" else folder
    mode = target.stat().st_mode
    target.chmod(0o555 if what == "folder" else 0o444)
    try:
        with Library(path) as ro:
            assert ro.read_only
            assert ro.transcript_count() == 1
            with pytest.raises(LibraryError):
                ro.add_passage(1, 1, tags=["x"])
    finally:
        target.chmod(mode)


def _valid_library_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "source.sqlite"
    with Library(path) as lib:
        for n in range(30):
            lib.add(make_parsed(title=f"call {n}"))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path.read_bytes()


def _corrupt(kind: str, good: bytes) -> bytes:
    if kind == "text":
        return "Солдат: это не база данных\n".encode() * 50
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    if kind == "header only":
        return good[:100]
    if kind == "truncated":
        return good[: len(good) // 2 + 17]
    if kind == "truncated at a page":
        page = int.from_bytes(good[16:18], "big")
        return good[: page * 3]
    if kind == "garbage after header":
        return good[:100] + os.urandom(len(good) - 100)
    if kind == "zeroed pages":
        page = int.from_bytes(good[16:18], "big")
        return good[: page * 2] + b"\0" * (len(good) - page * 2)
    if kind == "scribbled page":
        page = int.from_bytes(good[16:18], "big")
        return good[: page * 3] + b"\xff" * 300 + good[page * 3 + 300 :]
    raise AssertionError(kind)


CORRUPTIONS = [
    "text",
    "png",
    "header only",
    "truncated",
    "truncated at a page",
    "garbage after header",
    "zeroed pages",
    "scribbled page",
]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_not_a_library_or_damaged_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(_corrupt(kind, _valid_library_bytes(tmp_path)))
    digest = sha256_of(path)
    with pytest.raises(LibraryError) as err:
        Library(path)
    message = str(err.value)
    assert str(path) in message
    assert "untouched" in message
    assert sha256_of(path) == digest
    assert not Path(f"{path}-wal").exists()
    with pytest.raises(LibraryError):  # and again: still refused, still the same bytes
        Library(path, read_only=True)
    assert sha256_of(path) == digest


def test_a_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('mum')")
    conn.commit()
    conn.close()
    digest = sha256_of(path)
    with pytest.raises(LibraryError, match="not an Intercept Viewer library"):
        Library(path)
    assert sha256_of(path) == digest


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="folder"):
        Library(tmp_path)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(library_open, "BUSY_TIMEOUT_MS", 300)
    return 300


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO tags (name, name_key, color) VALUES ('other', 'other', '#000000')")
    return other


def test_locked_library_gives_a_clear_message(tmp_path: Path, short_busy_timeout: int) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.add(make_parsed())
        other = _hold_write_lock(path)
        try:
            started = time.monotonic()
            with pytest.raises(LibraryError, match="busy") as err:
                lib.add_passage(1, 1, tags=["waiting"])
            assert time.monotonic() - started >= short_busy_timeout / 1000 * 0.9  # it retried
            assert not isinstance(err.value, sqlite3.Error)
            with pytest.raises(LibraryError, match="busy"):
                lib.add(make_parsed(title="second"))
            assert lib.transcript_count() == 1  # reads still work
        finally:
            other.rollback()
            other.close()
        lib.add_passage(1, 1, tags=["after the lock"])  # and writes work again
        assert [t.name for t in lib.tags()] == ["after the lock"]


def test_a_short_lock_is_waited_out(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:  # the real busy timeout (seconds)
        lib.add(make_parsed())
        other = _hold_write_lock(path)
        release = threading.Timer(0.3, other.execute, ["COMMIT"])
        release.start()
        try:
            lib.add_passage(1, 1, tags=["patient"])
        finally:
            release.join()
            other.close()
        assert sorted(t.name for t in lib.tags()) == ["other", "patient"]
