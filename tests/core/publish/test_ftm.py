"""FtM export (issue 20): every entity checked against followthemoney's own model, each
release's words and status carried, ids stable per library."""

from __future__ import annotations

import io
import json

from followthemoney import model

from intercept_viewer.core.library import Library
from intercept_viewer.core.publish.ftm import write_ftm


def _export(lib: Library, ids=None) -> list[dict]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    n = write_ftm(lib, out, ids)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == n
    return rows


def test_every_entity_is_valid_by_the_followthemoney_model(published_library) -> None:
    rows = _export(published_library)
    ids = {r["id"]: r for r in rows}
    assert len(ids) == len(rows), "an id is used twice"
    for row in rows:
        schema = model.get(row["schema"])
        assert schema is not None and not schema.abstract, row["schema"]
        assert row["properties"], row
        for name, values in row["properties"].items():
            prop = schema.get(name)
            assert prop is not None, f"{row['schema']} has no property {name}"
            for value in values:
                assert prop.type.validate(value), f"{row['schema']}.{name}: {value!r}"
                if prop.type.name == "entity":
                    target = ids.get(value)
                    assert target is not None, f"{row['schema']}.{name} points nowhere"
                    assert model.get(target["schema"]).is_a(prop.range), (name, target["schema"])
        # what followthemoney itself makes of the row keeps every value
        proxy = model.get_proxy(row)
        assert proxy.to_dict()["properties"] == row["properties"]


def test_each_release_carries_its_words_and_status(published_library) -> None:
    lib = published_library
    rows = _export(lib)
    by_schema: dict[str, list[dict]] = {}
    for r in rows:
        by_schema.setdefault(r["schema"], []).append(r)
    texts = {
        r["properties"]["title"][0]: r
        for schema in ("PlainText", "Article")
        for r in by_schema.get(schema, [])
    }
    calls = by_schema["Call"]
    assert len(calls) == lib.transcript_count()
    for t in lib.transcripts():
        doc = texts[t.title]
        body = doc["properties"]["bodyText"][0]
        for u in lib.utterances(t.id):
            assert u.text in body
        assert f"verification:{t.verification}" in doc["properties"]["keywords"]
        assert doc["properties"]["summary"][0].startswith(f"[{t.verification.upper()}")
        call = next(c for c in calls if doc["id"] in c["properties"]["proof"])
        assert call["properties"]["summary"][0].startswith(f"[{t.verification.upper()}")
        notes = [
            n
            for n in by_schema["Note"]
            if doc["id"] in n["properties"]["entity"]
            and n["properties"]["name"][0].startswith("Verification:")
        ]
        assert len(notes) == 1
    assert any(t.origin == "article" for t in lib.transcripts())
    assert by_schema["Article"], "article imports become Article entities"


def test_body_text_is_timed_speaker_lines_and_media_is_hashed(published_library) -> None:
    rows = _export(published_library)
    timed = next(
        r for r in rows if r["schema"] == "PlainText" and "[00:" in r["properties"]["bodyText"][0]
    )
    first = timed["properties"]["bodyText"][0].splitlines()[0]
    assert first.startswith("[00:0") and ": " in first[8:]
    audio = [r for r in rows if r["schema"] == "Audio"]
    video = [r for r in rows if r["schema"] == "Video"]
    assert len(audio) == 1 and len(video) == 1
    assert audio[0]["properties"]["fileName"] == ["audio_1@01-03-2024_10-00-00.ogg"]
    assert len(audio[0]["properties"]["contentHash"][0]) == 40
    assert audio[0]["properties"]["notes"][0].startswith("SHA-256 ")
    assert 900 < float(audio[0]["properties"]["duration"][0]) < 1200  # ms, from the media table
    persons = {r["properties"]["name"][0] for r in rows if r["schema"] == "Person"}
    assert {"Оккупант", "Мать"} <= persons
    passage_notes = [
        r for r in rows if r["schema"] == "Note" and "tag:claim" in r["properties"]["keywords"]
    ]
    assert len(passage_notes) == 1
    assert "follow-up:open" in passage_notes[0]["properties"]["keywords"]


def test_ids_are_stable_per_library_and_differ_between_libraries(
    published_library, tmp_path
) -> None:
    first = [r["id"] for r in _export(published_library)]
    published_library.update_transcript(published_library.transcripts()[0].id, title="Renamed")
    assert [r["id"] for r in _export(published_library)] == first
    other = Library(tmp_path / "other.sqlite")
    try:
        other.import_file(_srt_path())
        assert not set(r["id"] for r in _export(other)) & set(first)
    finally:
        other.close()


def test_chosen_ids_only(published_library) -> None:
    one = published_library.transcripts()[0].id
    rows = _export(published_library, [one])
    assert sum(1 for r in rows if r["schema"] == "Call") == 1


def _srt_path():  # type: ignore[no-untyped-def]
    from pathlib import Path

    return (
        Path(__file__).parents[2] / "fixtures" / "importers" / "structured" / "cp1251_crlf_ru.srt"
    )


def test_translations_travel_in_translated_text(published_library) -> None:
    rows = _export(published_library)
    doc = next(
        r
        for r in rows
        if r["schema"] == "PlainText" and r["properties"]["title"] == ["Bilingual call"]
    )
    assert doc["properties"]["translatedText"] == [
        "[00:01] Солдат: Mum, we are near Kupyansk.\n[00:04] Мать: Take care."
    ]
    assert doc["properties"]["bodyText"][0].startswith("[00:01] Солдат: Мам, мы под Купянском.")
