"""A read-only copy of the library for Datasette: ``OUT_DIR/library.db`` + ``metadata.json``.

The tables are for a reader, not for the app: names instead of ids next to every row —

* ``transcripts``: title, publisher, channel, dates, URL, language, ``verification`` and its note;
* ``speakers``: name, label, role, with the transcript's title;
* ``utterances``: transcript title, speaker name, time (``mm:ss`` and ms), text, the
  translation when the library keeps one, ``word_forms`` and the transcript's ``verification``
  and publisher;
* ``passages``: transcript title, turns, the quoted text, tags, note, follow-up state, status.

Full-text search (FTS5, sqlite-utils' layout, which Datasette finds by itself) covers the text
and ``word_forms``: the dictionary forms of every word (ё folded to е), so ``?_search=Купянск``
finds "под Купянском". Datasette passes the query to SQLite as typed, and SQLite's tokenizer
does not fold ё: the descriptions say to search dictionary forms with е.

The copy is built by attaching the new file to the library's own connection and filling it
with ``INSERT … SELECT`` (no second descriptor on the library file), written under a
temporary name and renamed into place.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from intercept_viewer.core.atomic_write import atomic_write
from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.publish.records import has_column
from intercept_viewer.core.schema import FTS_TOKENIZER

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

DB_NAME = "library.db"
METADATA_NAME = "metadata.json"
UNVERIFIED_WARNING = (
    "Most of these calls are UNVERIFIED: published by an intelligence service or quoted by the "
    "press, not independently verified. Every row carries its release's verification status; "
    "quote it with the text."
)
SEARCH_HINT = (
    "Search finds every inflected form when you type a word's dictionary form "
    "(Купянск finds «под Купянском»); type е for ё."
)

_CREATE = """
CREATE TABLE pub.transcripts (
    id INTEGER PRIMARY KEY, title TEXT, verification TEXT, verification_note TEXT,
    publisher TEXT, channel TEXT, released_on TEXT, recorded_on TEXT, source_url TEXT,
    archive_url TEXT, language TEXT, translator TEXT, origin TEXT, description TEXT,
    utterances INTEGER, format TEXT
);
CREATE TABLE pub.speakers (
    id INTEGER PRIMARY KEY, transcript_id INTEGER REFERENCES transcripts(id),
    transcript TEXT, name TEXT, label TEXT, role TEXT
);
CREATE TABLE pub.utterances (
    id INTEGER PRIMARY KEY, transcript_id INTEGER REFERENCES transcripts(id),
    transcript TEXT, seq INTEGER, speaker TEXT, time TEXT, start_ms INTEGER, end_ms INTEGER,
    text TEXT, {translation_col}word_forms TEXT, verification TEXT, publisher TEXT,
    released_on TEXT
);
CREATE TABLE pub.passages (
    id INTEGER PRIMARY KEY, transcript_id INTEGER REFERENCES transcripts(id),
    transcript TEXT, first_seq INTEGER, last_seq INTEGER, text TEXT, tags TEXT, note TEXT,
    state TEXT, verification TEXT, created_at TEXT, updated_at TEXT
);
"""

_TIME_SQL = (
    "CASE WHEN u.start_ms IS NULL THEN NULL WHEN u.start_ms >= 3600000 THEN "
    "printf('%d:%02d:%02d', u.start_ms / 3600000, (u.start_ms / 60000) % 60, "
    "(u.start_ms / 1000) % 60) ELSE printf('%02d:%02d', u.start_ms / 60000, "
    "(u.start_ms / 1000) % 60) END"
)


class PublishDirError(InterceptViewerError):
    """The output folder can't be written."""


@dataclass
class DatasetteReport:
    db_path: Path
    metadata_path: Path
    transcripts: int
    utterances: int
    passages: int


def _fill(lib: Library, target: Path, counts: dict[str, int]) -> Iterator[str]:
    """Copy the library's rows into ``target``, yielding each table's name before it; a close
    at a yield (cancel) rolls the copy back."""
    conn = lib.db.conn
    translation = has_column(lib, "utterances", "translation")
    conn.execute("ATTACH DATABASE ? AS pub", [str(target)])
    try:
        conn.execute("BEGIN")
        for statement in _CREATE.replace(
            "{translation_col}", "translation TEXT, " if translation else ""
        ).split(";"):
            if statement.strip():
                conn.execute(statement)
        yield "transcripts"
        conn.execute(
            "INSERT INTO pub.transcripts SELECT id, title, verification, verification_note, "
            "publisher, channel, released_on, recorded_on, source_url, archive_url, language, "
            "translator, origin, description, utterance_count, format FROM main.transcripts"
        )
        yield "speakers"
        conn.execute(
            "INSERT INTO pub.speakers SELECT s.id, s.transcript_id, t.title, s.name, s.label, "
            "s.role FROM main.speakers s JOIN main.transcripts t ON t.id = s.transcript_id"
        )
        yield "utterances"
        conn.execute(
            "INSERT INTO pub.utterances SELECT u.id, u.transcript_id, t.title, u.seq, s.name, "
            f"{_TIME_SQL}, u.start_ms, u.end_ms, u.text, "
            f"{'u.translation, ' if translation else ''}u.text_norm, t.verification, "
            "t.publisher, t.released_on FROM main.utterances u "
            "JOIN main.transcripts t ON t.id = u.transcript_id "
            "LEFT JOIN main.speakers s ON s.id = u.speaker_id ORDER BY u.id"
        )
        yield "passages"
        conn.execute(
            "INSERT INTO pub.passages SELECT p.id, p.transcript_id, t.title, p.first_seq, "
            "p.last_seq, (SELECT group_concat(u.text, ' ') FROM main.utterances u "
            "WHERE u.transcript_id = p.transcript_id AND u.seq BETWEEN p.first_seq AND "
            "p.last_seq), (SELECT group_concat(g.name, ', ') FROM main.passage_tags pt JOIN "
            "main.tags g ON g.id = pt.tag_id WHERE pt.passage_id = p.id), p.note, p.state, "
            "t.verification, p.created_at, p.updated_at FROM main.passages p "
            "JOIN main.transcripts t ON t.id = p.transcript_id"
        )
        _number_sparse_turns(conn)
        for name in ("transcripts", "utterances", "passages"):
            counts[name] = conn.execute(f"SELECT count(*) FROM pub.{name}").fetchone()[0]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE pub")


def _number_sparse_turns(conn: sqlite3.Connection) -> None:
    """Turn numbers in place of ordering keys (``core.turn_order``), for the few transcripts a
    correction added turns to (the keys of all others are their numbers)."""
    sparse = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM main.transcripts WHERE turn_order_sparse = 1"
        ).fetchall()
    ]
    for tid in sparse:
        conn.execute(
            "UPDATE pub.utterances SET seq = r.n FROM (SELECT id, row_number() OVER "
            "(ORDER BY seq) AS n FROM main.utterances WHERE transcript_id = ?) AS r "
            "WHERE pub.utterances.id = r.id",
            [tid],
        )
        conn.execute(
            "UPDATE pub.passages SET first_seq = min(max((SELECT count(*) FROM main.utterances u "
            "WHERE u.transcript_id = ?1 AND u.seq < p.first_seq) + 1, 1), "
            "max((SELECT utterance_count FROM main.transcripts WHERE id = ?1), 1)), "
            "last_seq = (SELECT count(*) FROM main.utterances u WHERE u.transcript_id = ?1 "
            "AND u.seq <= p.last_seq) FROM main.passages p "
            "WHERE pub.passages.id = p.id AND p.transcript_id = ?1",
            [tid],
        )
        conn.execute(
            "UPDATE pub.passages SET last_seq = first_seq "
            "WHERE transcript_id = ? AND last_seq < first_seq",
            [tid],
        )


def _index(target: Path) -> None:
    db = Database(target, execute_plugins=False)
    try:
        db.table("utterances").enable_fts(
            ["text", "word_forms"], tokenize=FTS_TOKENIZER, create_triggers=False
        )
        for table, cols in (
            ("utterances", ["transcript_id", "seq"]),
            ("utterances", ["speaker"]),
            ("utterances", ["verification"]),
            ("utterances", ["publisher"]),
            ("speakers", ["transcript_id"]),
            ("passages", ["transcript_id"]),
            ("transcripts", ["verification"]),
            ("transcripts", ["publisher"]),
        ):
            db.table(table).create_index(cols, if_not_exists=True)
        # no VACUUM: the file is written in one pass and a VACUUM (17 s on 1.1M utterances)
        # did not make it smaller
        db.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.close()


def metadata(title: str = "Intercept library") -> dict[str, Any]:
    """Datasette's metadata: titles, descriptions with the warning, facets, a canned query."""
    db = DB_NAME.rsplit(".", 1)[0]
    return {
        "title": title,
        "description": f"{UNVERIFIED_WARNING} {SEARCH_HINT}",
        "source": "Intercept Viewer",
        "databases": {
            db: {
                "description": UNVERIFIED_WARNING,
                "tables": {
                    "transcripts": {
                        "title": "Releases",
                        "description": "One row per published call or article. "
                        + UNVERIFIED_WARNING,
                        "facets": ["verification", "publisher", "language"],
                        "sort_desc": "released_on",
                    },
                    "speakers": {
                        "title": "Speakers",
                        "description": "Who speaks in each release, as named in the library. "
                        + UNVERIFIED_WARNING,
                        "facets": ["name"],
                    },
                    "utterances": {
                        "title": "What was said",
                        "description": "Every turn, with its speaker, time and release. "
                        f"{SEARCH_HINT} {UNVERIFIED_WARNING}",
                        "facets": ["verification", "publisher", "speaker"],
                        "fts_table": "utterances_fts",
                        "fts_pk": "id",
                        "sort": "id",
                    },
                    "passages": {
                        "title": "Tagged passages",
                        "description": "Passages tagged for follow-up, with notes. "
                        + UNVERIFIED_WARNING,
                        "facets": ["state", "verification", "tags"],
                    },
                },
                "queries": {
                    "speaker_said_about": {
                        "title": "What a speaker said about a word",
                        "description": "Every turn of a speaker (name contains :speaker) that "
                        f"mentions :word in any form. {SEARCH_HINT} Each row carries its "
                        "release's verification status.",
                        "sql": (
                            "select u.transcript, u.speaker, u.time, u.text, u.verification, "
                            "u.publisher, u.released_on from utterances u join utterances_fts "
                            "f on f.rowid = u.id where utterances_fts match :word and "
                            "u.speaker like '%' || :speaker || '%' order by rank limit 500"
                        ),
                    }
                },
            }
        },
    }


class DatasettePublish:
    """One write of ``out_dir/library.db`` and ``metadata.json``.

    ``steps()`` yields the name of each step before it runs (the window's task runner stops a
    cancelled publish at a yield: the half-written copy is removed and the old one stays);
    ``report`` is set when it ends.
    """

    def __init__(self, lib: Library, out_dir: str | os.PathLike[str]) -> None:
        self.lib = lib
        self.out = Path(out_dir)
        self.report: DatasetteReport | None = None

    def steps(self) -> Iterator[str]:
        out = self.out
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishDirError(f"Can't create {out}: {exc.strerror or exc}") from None
        target = out / DB_NAME
        tmp = out / f".{DB_NAME}.{os.getpid()}.tmp"
        counts: dict[str, int] = {}
        try:
            tmp.unlink(missing_ok=True)
            yield from _fill(self.lib, tmp, counts)
            yield "search index"
            _index(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise PublishDirError(f"Can't write {target}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        meta_path = out / METADATA_NAME
        with atomic_write(meta_path) as fh:
            fh.write(json.dumps(metadata(), ensure_ascii=False, indent=2) + "\n")
        self.report = DatasetteReport(
            target, meta_path, counts["transcripts"], counts["utterances"], counts["passages"]
        )
        yield "done"


def publish_datasette(
    lib: Library,
    out_dir: str | os.PathLike[str],
    *,
    progress: Callable[[str], None] | None = None,
) -> DatasetteReport:
    """Write ``out_dir/library.db`` and ``out_dir/metadata.json`` (replacing older ones)."""
    job = DatasettePublish(lib, out_dir)
    for step in job.steps():
        if progress is not None:
            progress(step)
    assert job.report is not None
    return job.report
