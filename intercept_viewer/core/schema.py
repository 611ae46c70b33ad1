"""The library's schema as numbered migrations (sqlite-utils ``Migrations``).

Each migration is a function; once released it is never edited — a change is a new migration.
``PRAGMA user_version`` mirrors the number of applied migrations so other tools (and a quick
look with the sqlite3 shell) can tell a library's schema version.

Opening an older library (``upgrade``) first writes an online backup (into the library's own
``NAME.backups/`` folder, one per schema version), then applies
every pending migration inside one transaction: either the library reaches the new version or
it stays exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.errors import LibraryError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "intercept_viewer"


@dataclass
class Migration:
    name: str
    fn: Callable[[Any], None]
    transactional: bool = True


@dataclass
class AppliedMigration:
    name: str
    applied_at: str


class LazyMigrations:
    """sqlite-utils ``Migrations`` with the same decorator, read without importing it.

    Opening a library only asks which migrations are pending, a read of the
    ``_sqlite_migrations`` table sqlite-utils keeps; sqlite-utils itself (and its import cost)
    comes in only to apply some, over the library's connection (``core.database``).
    """

    migrations_table = "_sqlite_migrations"

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(
        self, *, name: str | None = None, transactional: bool = True
    ) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
        def inner(fn: Callable[[Any], None]) -> Callable[[Any], None]:
            key = name or fn.__name__
            if any(m.name == key for m in self._migrations):
                raise ValueError(f"Migration {key!r} is already registered in {self.name!r}")
            self._migrations.append(Migration(key, fn, transactional))
            return fn

        return inner

    def applied(self, db: Any) -> list[AppliedMigration]:
        conn: sqlite3.Connection = db.conn
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            [self.migrations_table],
        ).fetchone()
        if exists is None:
            return []
        rows = conn.execute(
            f"SELECT name, applied_at FROM {self.migrations_table} "
            "WHERE migration_set = ? ORDER BY rowid",
            [self.name],
        ).fetchall()
        return [AppliedMigration(str(n), str(at)) for n, at in rows]

    def pending(self, db: Any) -> list[Migration]:
        done = {m.name for m in self.applied(db)}
        return [m for m in self._migrations if m.name not in done]

    def apply(self, db: Any, **kwargs: Any) -> None:
        """Apply what is pending with sqlite-utils (``db``: ours, or a sqlite-utils one)."""
        from sqlite_utils.migrations import Migrations

        real = Migrations(self.name)
        for m in self._migrations:
            # through the entry, so a test that swaps ``fn`` is what runs
            real(name=m.name, transactional=m.transactional)(lambda d, m=m: m.fn(d))
        real.apply(db.utils() if hasattr(db, "utils") else db, **kwargs)


migrations = LazyMigrations(MIGRATION_SET)

#: The FTS5 tokenizer: unicode61 folds case in Latin and Cyrillic; remove_diacritics 2 folds
#: Latin accents. ё→е and apostrophes are folded in SQL before it (``FTS_TEXT_SQL``).
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


@migrations(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    """Schema v1, as DESIGN.md sketches it."""
    db.executescript(
        f"""
        CREATE TABLE transcripts (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            publisher TEXT,
            channel TEXT,
            source_url TEXT,
            archive_url TEXT,
            released_on TEXT,
            recorded_on TEXT,
            language TEXT,
            original_language TEXT,
            translator TEXT,
            verification TEXT NOT NULL DEFAULT 'unverified'
                CHECK (verification IN ('unverified', 'corroborated', 'verified', 'disputed')),
            verification_note TEXT,
            description TEXT,
            media_path TEXT,
            file_name TEXT,
            file_sha256 TEXT UNIQUE,
            format TEXT,
            imported_at TEXT NOT NULL,
            utterance_count INTEGER NOT NULL DEFAULT 0,
            has_times INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT,
            color TEXT NOT NULL
        );
        CREATE INDEX speakers_transcript ON speakers(transcript_id);
        CREATE TABLE utterances (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
            start_ms INTEGER,
            end_ms INTEGER,
            text TEXT NOT NULL,
            text_norm TEXT NOT NULL DEFAULT '',
            UNIQUE (transcript_id, seq)
        );
        CREATE INDEX utterances_speaker ON utterances(speaker_id);
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            color TEXT NOT NULL
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            start_char INTEGER,
            end_char INTEGER,
            note TEXT,
            state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (last_seq >= first_seq)
        );
        CREATE INDEX passages_transcript ON passages(transcript_id, first_seq);
        CREATE TABLE passage_tags (
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (passage_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX passage_tags_tag ON passage_tags(tag_id);

        CREATE VIRTUAL TABLE utterances_fts USING fts5(
            text, text_norm,
            content='utterances', content_rowid='id',
            tokenize='{FTS_TOKENIZER}'
        );
        CREATE TRIGGER utterances_ai AFTER INSERT ON utterances BEGIN
            INSERT INTO utterances_fts(rowid, text, text_norm)
            VALUES (new.id, new.text, new.text_norm);
        END;
        CREATE TRIGGER utterances_ad AFTER DELETE ON utterances BEGIN
            INSERT INTO utterances_fts(utterances_fts, rowid, text, text_norm)
            VALUES ('delete', old.id, old.text, old.text_norm);
        END;
        CREATE TRIGGER utterances_au AFTER UPDATE OF text, text_norm ON utterances BEGIN
            INSERT INTO utterances_fts(utterances_fts, rowid, text, text_norm)
            VALUES ('delete', old.id, old.text, old.text_norm);
            INSERT INTO utterances_fts(rowid, text, text_norm)
            VALUES (new.id, new.text, new.text_norm);
        END;
        """
    )


@migrations(name="0002_articles_and_tag_descriptions")
def _m0002_articles(db: Database) -> None:
    """Article imports (issue 7) and tag descriptions (issue 6).

    ``origin`` says whether the turns are a full transcript or quotes from an article;
    ``context`` keeps the paragraph an article's quote came from.
    """
    db.executescript(
        """
        ALTER TABLE transcripts ADD COLUMN origin TEXT NOT NULL DEFAULT 'transcript';
        ALTER TABLE utterances ADD COLUMN context TEXT;
        ALTER TABLE tags ADD COLUMN description TEXT;
        """
    )


@migrations(name="0003_i15_revisions_and_verification_events")
def _m0003_i15_revisions(db: Database) -> None:
    """Corrections that never lose the original (issue 15).

    ``utterances.original_text`` is the text as imported, set by the first correction of that
    turn (null while never corrected). ``revisions`` records every correction of a transcript's
    turns in order: ``before``/``after`` are JSON lists of the turns replaced and put in their
    place at ``seq``, so each entry can be undone and the transcript as imported rebuilt by
    undoing them newest first. ``verification_events`` records each change of status or note.
    ``passages.turns_deleted_at`` marks a passage whose turns were all deleted: it keeps its
    note and says so.
    """
    db.executescript(
        """
        ALTER TABLE utterances ADD COLUMN original_text TEXT;
        ALTER TABLE passages ADD COLUMN turns_deleted_at TEXT;
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            utterance_id INTEGER,
            kind TEXT NOT NULL CHECK (kind IN
                ('text', 'speaker', 'split', 'merge', 'insert', 'delete', 'time')),
            seq INTEGER NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            reason TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX revisions_transcript ON revisions(transcript_id, id);
        CREATE TABLE verification_events (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            status_before TEXT,
            note_before TEXT,
            status TEXT NOT NULL,
            note TEXT,
            reason TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX verification_events_transcript ON verification_events(transcript_id, id);
        """
    )


@migrations(name="0004_i18_media")
def _m0004_i18_media(db: Database) -> None:
    """The recording beside a transcript (issue 18): where it is, what it is, its waveform.

    ``path`` is relative to the library's folder when the file lies beside (or below) it, so
    a library moved together with its recordings still finds them. ``sha256`` is the
    recording's provenance (and how a moved file is found again, with ``size_bytes`` as the
    cheap first test). ``peaks`` caches the waveform: ``peaks_rate`` bytes per second, each
    the loudest sample of its slice scaled to 0..255, decoded once in the background.
    """
    db.executescript(
        """
        CREATE TABLE media (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL UNIQUE
                REFERENCES transcripts(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size_bytes INTEGER,
            duration_ms INTEGER,
            has_video INTEGER NOT NULL DEFAULT 0,
            peaks BLOB,
            peaks_rate INTEGER,
            added_at TEXT NOT NULL
        );
        CREATE INDEX media_sha256 ON media(sha256);
        """
    )


@migrations(name="0005_i14_translation_and_warnings")
def _m0005_i14_translation_and_warnings(db: Database) -> None:
    """Translations beside their original, and the import report (issue 14).

    ``utterances.translation`` holds a translation the file gave with the turn (a bilingual
    cue's second line); its words are folded into ``text_norm`` so search finds them without a
    change to the FTS layout. ``import_warnings`` keeps what the importer assumed or skipped,
    line by line, until the user dismisses it; ``seq`` is the turn that line belongs to (the
    last turn starting at or above it), so the window can jump there.
    """
    db.executescript(
        """
        ALTER TABLE utterances ADD COLUMN translation TEXT;
        CREATE TABLE import_warnings (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            line INTEGER,
            seq INTEGER,
            message TEXT NOT NULL,
            dismissed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX import_warnings_transcript ON import_warnings(transcript_id, dismissed);
        """
    )


def schema_version(db: Any) -> int:
    """How many of our migrations the library has applied (0 for a new file)."""
    return len(migrations.applied(db))


def latest_version() -> int:
    return len(migrations._migrations)


def migration_names() -> list[str]:
    """Our migrations' names, in order."""
    return [m.name for m in migrations._migrations]


def backup_to(conn: sqlite3.Connection, target: Path, library_path: Path | None = None) -> Path:
    """Copy the live database to ``target`` with SQLite's online backup API.

    With ``library_path``, ``target`` is created first with that library's permission bits.
    """
    if library_path is not None:
        from intercept_viewer.core.backup_files import create_private_file

        create_private_file(target, library_path)
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
        # A backup is one self-contained file: no -wal/-shm beside it when it is opened later.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    return target


def _upgrade_backup(db: Any, path: Path, version: int) -> Path:
    """The backup of schema ``version`` before upgrading: at most one per version, so a
    migration that keeps failing doesn't write another full-size copy on every open."""
    from intercept_viewer.core import backup_files

    existing = backup_files.existing_upgrade_backup(path, version)
    if existing is not None:
        return existing
    backup_files.ensure_backup_folder(path)
    target = backup_files.upgrade_path(path, version)
    partial = target.with_name(target.name + ".partial")
    try:
        backup_to(db.conn, partial, path)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def upgrade(db: Any, path: Path | None) -> Path | None:
    """Bring ``db`` to the latest schema. Returns the backup written first, if any.

    Nothing is written when nothing is pending. A brand-new (empty) file gets no backup. A
    failed migration rolls everything back, keeps the backup, and raises LibraryError saying so.
    """
    pending = migrations.pending(db)
    if not pending:
        return None
    current = schema_version(db)
    backup: Path | None = None
    if current > 0 and path is not None:
        try:
            backup = _upgrade_backup(db, path, current)
        except (OSError, sqlite3.Error) as exc:
            from intercept_viewer.core.sqlite_failures import is_disk_full

            if is_disk_full(exc, path):
                from intercept_viewer.core.errors import DiskFull

                raise DiskFull(
                    f"The disk is full: {path} needs a schema upgrade, and the backup taken "
                    f"first could not be written ({exc}). The library was left unchanged; "
                    "free some space and open it again."
                ) from exc
            raise LibraryError(
                f"{path} needs a schema upgrade, but the backup taken first could not be "
                f"written ({exc}). The library was left unchanged."
            ) from exc
    try:
        with db.atomic():
            # Take the write lock first: a second process opening the same new file waits
            # here (busy timeout), then finds nothing pending instead of re-creating tables.
            db.execute(f"PRAGMA user_version = {current}")
            if not migrations.pending(db):
                return None  # another process upgraded it while we waited
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {latest_version()}")
    except Exception as exc:
        from intercept_viewer.core.errors import DiskFull, LibraryDamaged

        where = f" A backup is at {backup}." if backup else ""
        kind = type(exc) if isinstance(exc, (DiskFull, LibraryDamaged)) else LibraryError
        raise kind(
            f"Upgrading the library from schema v{current} failed ({exc}); the library was "
            f"left unchanged.{where}"
        ) from exc
    return backup


@migrations(name="0005_i19_telegram_identity")
def _m0005_i19_telegram_identity(db: Database) -> None:
    """Telegram imports (issue 19): which channel post a transcript is, and channels' @names.

    ``channel_id`` is the chat id from ``result.json`` (text, so an HTML export's name-based key
    fits too); one post is one transcript, so re-importing an export adds only new posts.
    The export never holds a channel's @username; the one the user gave is remembered here.
    """
    db.executescript(
        """
        CREATE TABLE telegram_posts (
            transcript_id INTEGER PRIMARY KEY REFERENCES transcripts(id) ON DELETE CASCADE,
            channel_id TEXT NOT NULL,
            post_id INTEGER NOT NULL,
            UNIQUE (channel_id, post_id)
        );
        CREATE TABLE telegram_channels (
            channel_id TEXT PRIMARY KEY,
            name TEXT,
            username TEXT
        );
        """
    )


@migrations(name="0006_i20_library_identity")
def _m0006_i20_library_identity(db: Database) -> None:
    """A random identity of this library (issue 20), fixed at creation.

    Published FollowTheMoney entity ids are derived from it and the record ids, so publishing
    the same library again updates the entities already in Aleph, while two analysts'
    libraries (whose transcript 3 are different calls) never collide.
    """
    import uuid

    db.executescript(
        """
        CREATE TABLE library_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            uuid TEXT NOT NULL
        );
        """
    )
    db.execute("INSERT INTO library_identity (id, uuid) VALUES (1, ?)", [str(uuid.uuid4())])


@migrations(name="0007_i12_application_id")
def _m0007_i12_application_id(db: Database) -> None:
    """Mark the file as ours (issue 12): a file with another ``application_id`` is refused."""
    from intercept_viewer.core.library_identity import APPLICATION_ID

    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _folded_sql(column: str) -> str:
    """SQL that folds a text the way ``wordforms.fold`` folds a word, before unicode61 lower-cases
    it: every apostrophe (``'`` ``’`` ``ʼ`` `````) dropped, so ``Куп'янськ`` is one token,
    ``ё`` → ``е``, stress marks dropped. Plain ``replace`` calls: triggers can't call Python."""
    expr = column
    for old, new in (("''", ""), ("’", ""), ("ʼ", ""), ("`", ""), ("ё", "е"), ("Ё", "Е")):
        expr = f"replace({expr}, '{old}', '{new}')"
    return f"replace(replace({expr}, char(769), ''), char(768), '')"


_FTS_FOLD = str.maketrans(
    {"'": None, "’": None, "ʼ": None, "`": None, "ё": "е", "Ё": "Е", "\u0301": None, "\u0300": None}
)


def fts_folded(text: str) -> str:
    """What ``_folded_sql`` makes of ``text``, in Python (one C pass): a bulk import hands the
    index its rows ready, instead of running eight ``replace`` calls per row in SQL."""
    return text.translate(_FTS_FOLD)


#: The two indexed columns of an utterance, as an FTS5 insert (or ``'delete'``) gets them:
#: ``text`` folded (the words as written: exact forms and phrases) and ``text_norm`` (lemmas
#: that differ from the word, spelling keys of names; see ``wordforms.normalize_text``).
FTS_TEXT_SQL = _folded_sql("{row}.text")
#: ``INSERT INTO utterances_fts(rowid, text, text_norm) SELECT {FTS_ROW_SELECT} FROM utterances``
FTS_ROW_SELECT = "id, " + _folded_sql("text") + ", text_norm"


@migrations(name="0008_i16_spelling_keys")
def _m0008_i16_spelling_keys(db: Database) -> None:
    """One index for every spelling (issue 16), and a smaller one.

    * ``utterances_fts`` becomes contentless (``content=''``): its ``text`` column indexes the
      *folded* text (apostrophes and ё handled, which unicode61 can't), which differs from
      ``utterances.text``, so an external-content table would fail FTS5's integrity-check.
      Nothing reads text back from the index: snippets and highlights are made in Python.
    * ``text_norm`` holds only what the folded text lacks: lemmas that differ from the word
      and spelling keys (``wordforms.spelling_key``) of names, instead of a lemma for every
      word; the word itself is found in ``text``.

    Every utterance's ``text_norm`` is recomputed and the index rebuilt here, inside the
    upgrade's transaction.
    """
    from intercept_viewer.core.translation_norm import searchable_norm

    conn = db.conn
    # One statement at a time: executescript would COMMIT the upgrade's transaction first.
    for name in ("utterances_ai", "utterances_ad", "utterances_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("DROP TABLE IF EXISTS utterances_fts")
    rows = conn.execute(
        "SELECT u.id, u.text, u.translation, t.language FROM utterances u "
        "JOIN transcripts t ON t.id = u.transcript_id"
    )
    conn.executemany(
        "UPDATE utterances SET text_norm = ? WHERE id = ?",
        (
            (searchable_norm(text, translation, language), uid)
            for uid, text, translation, language in rows.fetchall()
        ),
    )
    new_fts, old_fts = FTS_TEXT_SQL.format(row="new"), FTS_TEXT_SQL.format(row="old")
    statements = (
        f"""CREATE VIRTUAL TABLE utterances_fts USING fts5(
            text, text_norm, content='', tokenize='{FTS_TOKENIZER}'
        )""",
        f"""CREATE TRIGGER utterances_ai AFTER INSERT ON utterances BEGIN
            INSERT INTO utterances_fts(rowid, text, text_norm)
            VALUES (new.id, {new_fts}, new.text_norm);
        END""",
        f"""CREATE TRIGGER utterances_ad AFTER DELETE ON utterances BEGIN
            INSERT INTO utterances_fts(utterances_fts, rowid, text, text_norm)
            VALUES ('delete', old.id, {old_fts}, old.text_norm);
        END""",
        f"""CREATE TRIGGER utterances_au AFTER UPDATE OF text, text_norm ON utterances BEGIN
            INSERT INTO utterances_fts(utterances_fts, rowid, text, text_norm)
            VALUES ('delete', old.id, {old_fts}, old.text_norm);
            INSERT INTO utterances_fts(rowid, text, text_norm)
            VALUES (new.id, {new_fts}, new.text_norm);
        END""",
        "INSERT INTO utterances_fts(rowid, text, text_norm) "
        f"SELECT {FTS_ROW_SELECT} FROM utterances",
    )
    for sql in statements:
        conn.execute(sql)


@migrations(name="0009_i15_turn_order")
def _m0009_i15_turn_order(db: Database) -> None:
    """Turns ordered by a sparse key (issue 15), so a split, merge, insert or delete writes only
    the turns it changes instead of renumbering every turn after it.

    ``utterances.seq`` stays the column that orders a transcript's turns (imports still write
    1..n), but a correction gives a new turn a key between its neighbours' — a REAL such as
    5.5, which the column's INTEGER affinity keeps as REAL — and never renumbers. The dense
    turn number people see (1..n) is derived (``core.turn_order``). ``passages.first_seq`` /
    ``last_seq`` hold keys too, so a turn inserted inside a passage falls inside it.

    ``transcripts.turn_order_sparse`` is 1 while a transcript's keys are not exactly 1..n: the
    readers derive numbers only then, and take the key as the number otherwise. Deriving one
    costs no walk over the turns: the keys are the integers 1..T minus the *gaps* a delete or
    merge left (``turn_order_gaps``), plus the few REAL keys (``utterances_real_seq``), so a
    turn's number is its key's integer part corrected by the gaps and REAL keys before it.
    """
    db.execute("ALTER TABLE transcripts ADD COLUMN turn_order_sparse INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "CREATE INDEX utterances_real_seq ON utterances(transcript_id, seq) "
        "WHERE typeof(seq) = 'real'"
    )
    db.execute(
        "CREATE TABLE turn_order_gaps ("
        "transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE, "
        "seq INTEGER NOT NULL, PRIMARY KEY (transcript_id, seq)) WITHOUT ROWID"
    )


@migrations(name="0010_i15_speaker_merges")
def _m0010_i15_speaker_merges(db: Database) -> None:
    """Merging two speakers is a change of the transcript too (issue 15): each merge (and its
    undo) is recorded, by the speakers' names, and listed in the history as a ``speaker``
    entry without a turn number (it changes every turn of one speaker at once)."""
    db.execute(
        "CREATE TABLE speaker_events ("
        "id INTEGER PRIMARY KEY, "
        "transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE, "
        "before TEXT, after TEXT, reason TEXT, at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX speaker_events_transcript ON speaker_events(transcript_id, id)")
