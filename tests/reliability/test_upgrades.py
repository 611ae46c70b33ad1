"""Opening a library written by schema v1: backup first, migrate in one transaction, and a
failed migration leaves the file exactly as it was and names the backup."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from intercept_viewer.core import schema
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.library import Library
from tests.reliability.helpers import V1_LIBRARY, check_whole, library_fingerprint, sha256_of


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "library.sqlite"
    shutil.copyfile(V1_LIBRARY, target)
    return target


def test_fixture_is_schema_v1_in_one_file() -> None:
    assert not Path(f"{V1_LIBRARY}-wal").exists()
    assert V1_LIBRARY.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    conn = sqlite3.connect(f"{V1_LIBRARY.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(tags)")]
    conn.close()
    assert names == ["0001_initial"]
    assert "description" not in cols


def test_open_migrates_after_a_backup(v1_copy: Path) -> None:
    before = library_fingerprint(v1_copy)
    with Library(v1_copy) as lib:
        assert schema.schema_version(lib.db) == schema.latest_version()
        assert lib.db.execute("PRAGMA user_version").fetchone()[0] == schema.latest_version()
        backup = lib.backup_path
        assert backup is not None and backup.parent == v1_copy.parent / "library.sqlite.backups"
        titles = sorted(t.title for t in lib.transcripts())
        passages = sorted((p.transcript_id, p.note, tuple(sorted(p.tags))) for p in lib.passages())
        assert {t.name for t in lib.tags()} == {"Потери", "logistics"}
        assert all(t.origin == "transcript" for t in lib.transcripts())
        # the upgraded library is fully usable: tag, search, add
        lib.add_passage(1, 2, tags=["после апгрейда"], note="новая заметка")
    assert titles == ["Intercepted call: soldier and wife", "Перехват: солдат звонит матери"]
    assert passages == [
        (1, "Место: Купянск — проверить", ("Потери",)),
        (2, "Supply problems", ("logistics", "Потери")),
    ]
    # the backup is the untouched v1 library, in one self-contained file
    assert library_fingerprint(backup) == before
    assert backup.read_bytes()[18:20] == b"\x01\x01"
    check_whole(v1_copy)
    # opening again: nothing pending, no second backup
    with Library(v1_copy) as again:
        assert again.backup_path is None


def test_failed_migration_leaves_the_file_untouched(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = sha256_of(v1_copy)
    migration = schema.migrations._migrations[1]
    original = migration.fn

    def half_then_fail(db: object) -> None:
        original(db)  # the ALTER TABLEs run, then the migration fails
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(migration, "fn", half_then_fail)
    with pytest.raises(LibraryError) as err:
        Library(v1_copy)
    message = str(err.value)
    assert "disk on fire" in message and "unchanged" in message
    backups = list(
        (v1_copy.parent / "library.sqlite.backups").glob("library.sqlite.v1-upgrade-*.sqlite")
    )
    assert len(backups) == 1 and str(backups[0]) in message
    assert sha256_of(v1_copy) == digest  # byte for byte, journal mode included
    assert not Path(f"{v1_copy}-wal").exists()
    monkeypatch.setattr(migration, "fn", original)
    with Library(v1_copy) as lib:  # and a later, working upgrade still succeeds
        assert lib.transcript_count() == 2


def test_new_library_gets_no_backup(tmp_path: Path) -> None:
    with Library(tmp_path / "new.sqlite") as lib:
        assert lib.backup_path is None
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []
