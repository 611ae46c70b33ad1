"""The Library: storing, reading, editing, tags and passages, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core import schema
from intercept_viewer.core.errors import LibraryError, NotFound
from intercept_viewer.core.library import Library, resolve_library_path
from intercept_viewer.core.model import ParsedPassage


def test_add_and_read_back(library: Library, parsed_factory) -> None:
    res = library.add(parsed_factory(times=True, publisher="HUR"), sha256="abc", file_name="a.txt")
    assert not res.duplicate and res.utterances == 3 and res.speakers == 2
    t = library.transcript(res.id)
    assert t.title == "Call about Kupyansk"
    assert t.publisher == "HUR"
    assert t.verification == "unverified"
    assert t.utterance_count == 3 and t.has_times
    speakers = library.speakers(res.id)
    assert [s.name for s in speakers] == ["Soldier", "Mother"]
    assert speakers[0].utterance_count == 2
    assert speakers[0].speaking_ms == 8000
    assert speakers[0].color != speakers[1].color
    utts = library.utterances(res.id)
    assert [u.seq for u in utts] == [1, 2, 3]
    assert utts[1].speaker_id == speakers[1].id
    assert library.utterances(res.id, first_seq=2, limit=1)[0].text == "Are you safe there?"


def test_same_bytes_twice_is_a_duplicate(library: Library, parsed_factory) -> None:
    first = library.add(parsed_factory(), sha256="same")
    again = library.add(parsed_factory(), sha256="same")
    assert again.duplicate and again.id == first.id
    assert library.transcript_count() == 1


def test_failed_add_leaves_no_trace(library: Library, parsed_factory) -> None:
    parsed = parsed_factory()
    # a passage with an impossible state fails after the utterances were written
    parsed.passages.append(ParsedPassage(first_seq=1, last_seq=2, state="bogus"))
    with pytest.raises(ValueError):
        library.add(parsed, sha256="x")
    assert library.transcript_count() == 0
    assert library.db.execute("SELECT count(*) FROM utterances").fetchone()[0] == 0
    assert library.db.execute("SELECT count(*) FROM speakers").fetchone()[0] == 0


def test_fts_index_follows_rows(library: Library, parsed_factory) -> None:
    res = library.add(parsed_factory())
    match = "SELECT count(*) FROM utterances_fts WHERE utterances_fts MATCH ?"
    assert library.db.execute(match, ["kupyansk"]).fetchone()[0] == 1
    library.delete_transcripts([res.id])
    assert library.db.execute(match, ["kupyansk"]).fetchone()[0] == 0


def test_update_transcript_validates(library: Library, parsed_factory) -> None:
    tid = library.add(parsed_factory()).id
    t = library.update_transcript(tid, verification="verified", verification_note="checked")
    assert t.is_verified and t.verification_note == "checked"
    with pytest.raises(ValueError):
        library.update_transcript(tid, verification="probably")
    with pytest.raises(ValueError):
        library.update_transcript(tid, file_sha256="forged")
    with pytest.raises(NotFound):
        library.update_transcript(999, title="x")


def test_edits_persist_after_reopening(tmp_path: Path, parsed_factory) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(parsed_factory()).id
        lib.update_transcript(tid, publisher="SBU")
        sp = lib.speakers(tid)[0]
        lib.rename_speaker(sp.id, "Ivan")
    with Library(path) as lib:
        assert lib.transcript(tid).publisher == "SBU"
        assert lib.speakers(tid)[0].name == "Ivan"
        assert lib.speakers(tid)[0].label == "Soldier"


def test_merge_and_unmerge_speakers(library: Library, parsed_factory) -> None:
    tid = library.add(parsed_factory()).id
    soldier, mother = library.speakers(tid)
    seqs = library.merge_speakers(soldier.id, mother.id)
    assert seqs == [2]
    assert [s.id for s in library.speakers(tid)] == [soldier.id]
    assert library.utterance(tid, 2).speaker_id == soldier.id
    library.unmerge_speakers(soldier.id, mother, seqs)
    assert library.utterance(tid, 2).speaker_id == mother.id


def test_delete_refuses_to_drop_passages_silently(library: Library, parsed_factory) -> None:
    tid = library.add(parsed_factory()).id
    library.add_passage(tid, 1, 2, ["Kupyansk"])
    with pytest.raises(LibraryError):
        library.delete_transcripts([tid])
    library.delete_transcripts([tid], delete_passages=True)
    assert library.transcript_count() == 0
    assert library.passages() == []


def test_tags_case_insensitive_in_cyrillic(library: Library, parsed_factory) -> None:
    tid = library.add(parsed_factory()).id
    library.add_passage(tid, 1, 1, ["Проверить"])
    library.add_passage(tid, 2, 3, ["ПРОВЕРИТЬ", "unit"])
    tags = {t.name: t.passage_count for t in library.tags()}
    assert tags == {"Проверить": 2, "unit": 1}
    assert [p.first_seq for p in library.passages(tag="проверить")] == [1, 2]


def test_passage_character_range(library: Library, parsed_factory) -> None:
    tid = library.add(parsed_factory()).id
    p = library.add_passage(tid, 1, 1, ["place"], start_char=19, end_char=33)
    [(_, text)] = library.passage_text(p)
    assert text == "near Kupyansk."


def test_not_a_sqlite_file_is_left_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"just some text, not a database")
    with pytest.raises(LibraryError, match="not a SQLite database"):
        Library(bogus)
    assert bogus.read_bytes() == b"just some text, not a database"


def test_new_library_has_latest_schema(library: Library) -> None:
    assert schema.schema_version(library.db) == schema.latest_version()
    assert library.db.execute("PRAGMA user_version").fetchone()[0] == schema.latest_version()
    assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_library_path_resolution(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INTERCEPT_VIEWER_LIBRARY", str(tmp_path / "env.sqlite"))
    assert resolve_library_path(None) == (tmp_path / "env.sqlite", False)
    assert resolve_library_path(str(tmp_path / "x.sqlite")) == (tmp_path / "x.sqlite", False)
    monkeypatch.delenv("INTERCEPT_VIEWER_LIBRARY")
    path, is_default = resolve_library_path(None)
    assert is_default and path.name == "library.sqlite"


def test_an_importer_bug_fails_one_file_not_the_batch(
    library: Library, tmp_path: Path, monkeypatch
) -> None:
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.importers import registry

    good = tmp_path / "good.txt"
    good.write_text("Soldier: one\nMother: two\nSoldier: three\nMother: four\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("Soldier: boom\nMother: boom\nSoldier: boom\nMother: boom\n", encoding="utf-8")
    real = registry.parse_source

    def flaky(source, format=None):  # type: ignore[no-untyped-def]
        if source.name.endswith("bad.txt"):
            raise ImportError("a missing optional module")
        return real(source, format=format)

    monkeypatch.setattr(registry, "parse_source", flaky)
    outcomes = dict(library.import_files([bad, good]))
    assert isinstance(outcomes[bad], ImportFailed)
    assert "unexpectedly" in str(outcomes[bad]) and str(bad) in str(outcomes[bad])
    assert not isinstance(outcomes[good], ImportFailed)
    assert library.transcript_count() == 1


def test_an_empty_document_is_not_taken_for_a_new_library(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.touch()
    with pytest.raises(LibraryError, match="empty file"):
        Library(notes)
    assert notes.read_bytes() == b""
    touched = tmp_path / "library.sqlite"
    touched.touch()
    with Library(touched) as lib:  # an empty .sqlite is a new library
        assert lib.transcript_count() == 0
