"""The bulk import: worker processes prepare, one writer stores; same library either way."""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from pathlib import Path

import pytest

from intercept_viewer.core import import_pool
from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.import_pool import ImportPool, prepare_file
from intercept_viewer.core.library import AddResult, Library
from intercept_viewer.core.wordforms import normalize_text, normalize_texts

CALLS = [
    ("ru", "Солдат: Мама, мы под Купянском.\nМать: Сынок, ты где? Под Бахмутом?\n"),
    ("uk", "Окупант: Мам, ми під Куп'янськом.\nМати: Синку, де ти?\n"),
    ("en", "Soldier: We are near Kupyansk, mum.\nMother: Are the drones still flying?\n"),
]


def _files(tmp_path: Path, turns: int = 1) -> list[Path]:
    out = []
    for i, (lang, text) in enumerate(CALLS):
        p = tmp_path / f"call_{i}_{lang}.txt"
        p.write_text(text * turns, encoding="utf-8")
        out.append(p)
    bad = tmp_path / "broken.txt"
    bad.write_text("no dialogue here at all", encoding="utf-8")
    out.insert(1, bad)
    return out


def _rows(lib: Library) -> list[tuple]:
    return lib.db.execute(
        "SELECT t.title, u.seq, s.label, u.text, u.text_norm FROM utterances u "
        "JOIN transcripts t ON t.id = u.transcript_id LEFT JOIN speakers s ON s.id = u.speaker_id "
        "ORDER BY t.title, u.seq"
    ).fetchall()


def _fts_finds(lib: Library, word: str) -> int:
    return lib.db.execute(
        "SELECT count(*) FROM utterances_fts WHERE utterances_fts MATCH ?", [word]
    ).fetchone()[0]


def test_normalize_texts_is_normalize_text_in_bulk() -> None:
    texts = [t for _lang, call in CALLS for t in call.splitlines()] + ["", "snake_case 42"]
    for lang in ("ru", "uk", "en", None):
        assert normalize_texts(texts, lang) == [normalize_text(t, lang) for t in texts]


def test_searchable_norms_is_searchable_norm_in_bulk() -> None:
    from intercept_viewer.core.model import ParsedUtterance
    from intercept_viewer.core.translation_norm import searchable_norm, searchable_norms

    turns = [
        ParsedUtterance("Мама, мы под Купянском."),
        ParsedUtterance("Мам, тут погано.", translation="Mom, it is bad here."),
        ParsedUtterance(""),
    ]
    for lang in ("ru", "uk", None):
        assert searchable_norms(turns, lang) == [
            searchable_norm(u.text, u.translation, lang) for u in turns
        ]


def test_prepared_file_survives_the_trip_between_processes(tmp_path: Path) -> None:
    path = _files(tmp_path)[0]
    prepared = prepare_file(str(path), None, None)
    back = pickle.loads(pickle.dumps(prepared))
    assert back.parsed_file == prepared.parsed_file and back.norms == prepared.norms
    assert prepared.parsed_file.parsed.utterances  # the original is left whole


def test_inline_batch_stores_each_file_and_reports_the_broken_one(tmp_path: Path) -> None:
    files = _files(tmp_path)
    with Library(tmp_path / "lib.sqlite") as lib:
        outcomes = list(ImportPool(0).run(lib, files))
        assert [p for p, _ in outcomes] == files  # in the order given
        kinds = [type(o) for _p, o in outcomes]
        assert kinds == [AddResult, ImportFailed, AddResult, AddResult]
        assert "broken.txt" in str(outcomes[1][1])
        assert lib.transcript_count() == 3
        assert _fts_finds(lib, "купянск") >= 1  # the index was filled once for the batch
        again = list(lib.import_files(files))
        assert [o.duplicate for _p, o in again if isinstance(o, AddResult)] == [True] * 3


def test_a_long_file_is_normalised_in_chunks_and_cancel_rolls_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [p for p in _files(tmp_path, turns=20) if "broken" not in p.name]
    with Library(tmp_path / "whole.sqlite") as lib:
        list(ImportPool(0).run(lib, files))
        expected = _rows(lib)
    monkeypatch.setattr(import_pool, "SPLIT_FROM", 10)
    monkeypatch.setattr(import_pool, "CHUNK", 7)
    with Library(tmp_path / "chunked.sqlite") as lib:
        seen: list[tuple[int, int]] = []
        list(ImportPool(0).run(lib, files, progress=lambda d, t: seen.append((d, t))))
        assert _rows(lib) == expected
        assert len(seen) > len(files) and seen[-1][0] == seen[-1][1]  # moves inside a file
    with Library(tmp_path / "cancelled.sqlite") as lib:
        calls = {"n": 0}

        def cancelled() -> bool:  # cancel while the second file's chunks are stored
            calls["n"] += 1
            return calls["n"] > 6

        outcomes = list(ImportPool(0).run(lib, files, cancelled=cancelled))
        stored = lib.transcript_count()
        assert stored == len(outcomes) < len(files)
        assert lib.db.execute("SELECT count(*) FROM utterances").fetchone()[0] == 40 * stored


@pytest.mark.slow
def test_worker_processes_give_the_same_library(tmp_path: Path) -> None:
    files = _files(tmp_path, turns=5)
    with Library(tmp_path / "inline.sqlite") as lib:
        list(ImportPool(0).run(lib, files))
        expected = _rows(lib)
    pool = ImportPool(2)
    try:
        with Library(tmp_path / "pool.sqlite") as lib:
            outcomes = list(pool.run(lib, files, use_workers=True))
            assert [type(o) for _p, o in outcomes] == [
                AddResult,
                ImportFailed,
                AddResult,
                AddResult,
            ]
            assert _rows(lib) == expected
            assert _fts_finds(lib, "бахмут") >= 1
            # the workers look the bytes up themselves: known files are not parsed again
            again = list(pool.run(lib, files, use_workers=True))
            assert [o.duplicate for _p, o in again if isinstance(o, AddResult)] == [True] * 3
    finally:
        pool.close()


def test_workers_run_at_a_lower_priority_than_the_writer() -> None:
    """The writer every file passes through keeps its core: workers are niced."""
    import os

    pool = ImportPool(workers=1)
    try:
        worker_nice = pool._pool().submit(os.nice, 0).result(timeout=60)
    finally:
        pool.close()
    assert worker_nice >= min(19, os.nice(0) + import_pool.WORKER_NICENESS)


def test_the_python_fold_is_the_sql_fold() -> None:
    """A bulk import hands the index ``schema.fts_folded`` text; the trigger folds in SQL."""
    import sqlite3

    from intercept_viewer.core import schema

    conn = sqlite3.connect(":memory:")
    samples = [
        "Куп'янськ, Куп’янськ, Купʼянськ, Куп`янськ",
        "Ёлки, ещё, ЁЖ",
        "стре\u0301сс и гра\u0300вис",
        "plain English, no change",
        "",
    ]
    expr = schema.FTS_TEXT_SQL.format(row="x")
    for text in samples:
        (sql_fold,) = conn.execute(f"SELECT {expr} FROM (SELECT ? AS text) x", [text]).fetchone()
        assert schema.fts_folded(text) == sql_fold, text


def test_a_batch_indexes_what_the_per_row_trigger_would(tmp_path: Path, monkeypatch) -> None:
    """The same files stored in a batch (index rows gathered in Python) and one by one through
    the per-row trigger give the same search results; a file that fails inside the batch
    (its savepoint rolled back) leaves nothing in the index."""
    from intercept_viewer.core import import_report

    texts = [
        "Солдат: Мы под Куп’янськом, мам.\nМать: Ёлки, ты где?\n",
        "Окупант: Ми під Купʼянськом, мам.\nМати: Синку!\n",
        "Soldier: Bakhmut is lost, mum.\nMother: Come home.\n",
    ]
    paths = []
    for i, text in enumerate(texts):
        p = tmp_path / f"call_{i}.txt"
        p.write_text(text * 120, encoding="utf-8")  # over BULK_FTS_FROM: the bulk path
        paths.append(p)
    batched, single = Library(tmp_path / "batched.sqlite"), Library(tmp_path / "single.sqlite")
    single.BULK_FTS_FROM = 10**9  # type: ignore[misc]  # every row through the trigger
    real_store = import_report.store_warnings
    calls: list[int] = []

    def failing_second(conn, tid, *args):  # type: ignore[no-untyped-def]
        calls.append(tid)
        if len(calls) == 2:  # the second file, after its rows went in
            raise sqlite3.IntegrityError("planted failure")
        return real_store(conn, tid, *args)

    try:
        with batched.batch():
            monkeypatch.setattr(import_report, "store_warnings", failing_second)
            for p in paths:
                with contextlib.suppress(ImportFailed):
                    batched.import_file(p)
            monkeypatch.setattr(import_report, "store_warnings", real_store)
        assert batched.transcript_count() == 2
        for p in (paths[0], paths[2]):
            single.import_file(p)
        for query in ("Купянськ", "Куп'янськ", "елки", "Bakhmut", "синку", "мам", "home"):
            a, b = batched.search(query), single.search(query)
            assert a.total == b.total, query
            assert [h.text for h in a.hits] == [h.text for h in b.hits], query
        assert batched.search("мам").total > 0 and batched.search("синку").total == 0
    finally:
        batched.close()
        single.close()
