"""publish-datasette: the copy served by datasette's own in-process client finds inflected
forms through the word forms, every hit carries its status, metadata sets facets and the
canned query."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from intercept_viewer.core.publish.datasette import UNVERIFIED_WARNING, publish_datasette


def _get(db: Path, meta: Path, url: str) -> Any:
    from datasette.app import Datasette

    async def fetch() -> Any:
        ds = Datasette([str(db)], metadata=json.loads(meta.read_text(encoding="utf-8")))
        response = await ds.client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


@pytest.fixture
def site(published_library, tmp_path: Path):  # type: ignore[no-untyped-def]
    return publish_datasette(published_library, tmp_path / "site")


def test_search_finds_an_inflected_form_and_the_hit_carries_unverified(site) -> None:
    # the text says "под Купянском"; the dictionary form finds it through word_forms
    rows = _get(
        site.db_path, site.metadata_path, "/library/utterances.json?_search=Купянск&_shape=array"
    )
    assert rows, "no hit for Купянск"
    assert any("Купянском" in r["text"] for r in rows)
    assert all("Купянск" not in r["text"].split() for r in rows if "Купянском" in r["text"])
    hit = next(r for r in rows if "Купянском" in r["text"])
    assert hit["verification"] == "unverified"
    assert hit["speaker"] == "Оккупант" and hit["transcript"].startswith("Перехват")
    assert hit["publisher"] == "SBU"


def test_canned_query_what_a_speaker_said_about_a_word(site) -> None:
    rows = _get(
        site.db_path,
        site.metadata_path,
        "/library/speaker_said_about.json?word=командир&speaker=Оккупант&_shape=array",
    )
    assert rows and all(r["speaker"] == "Оккупант" for r in rows)
    assert all(r["verification"] == "unverified" for r in rows)
    assert any("Командиры" in r["text"] for r in rows)


def test_facets_and_descriptions_carry_the_warning(site) -> None:
    data = _get(site.db_path, site.metadata_path, "/library/utterances.json")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"verification", "publisher", "speaker"} <= set(facets)
    meta = json.loads(site.metadata_path.read_text(encoding="utf-8"))
    tables = meta["databases"]["library"]["tables"]
    assert all(UNVERIFIED_WARNING in t["description"] for t in tables.values())
    assert "speaker_said_about" in meta["databases"]["library"]["queries"]


def test_tables_a_reader_understands(site, published_library) -> None:
    conn = sqlite3.connect(site.db_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"transcripts", "speakers", "utterances", "passages", "utterances_fts"} <= tables
        cols = [r[1] for r in conn.execute("PRAGMA table_info(utterances)")]
        for col in (
            "transcript",
            "speaker",
            "time",
            "text",
            "translation",
            "word_forms",
            "verification",
        ):
            assert col in cols
        assert conn.execute(
            "SELECT translation FROM utterances WHERE text = 'Береги себя.'"
        ).fetchone() == ("Take care.",)
        verified = conn.execute(
            "SELECT DISTINCT verification FROM utterances WHERE publisher IS NOT 'HUR' "
            "AND time IS NOT NULL"
        ).fetchall()
        assert verified == [("verified",)]
        first_time = conn.execute(
            "SELECT time FROM utterances WHERE time IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()[0]
        assert len(first_time) == 5 and first_time[2] == ":"
        tags = conn.execute("SELECT tags, note FROM passages ORDER BY id").fetchall()
        assert tags[0] == ("unit to identify, проверить", "Which brigade?")
        n = conn.execute("SELECT count(*) FROM utterances").fetchone()[0]
        total = published_library.db.execute("SELECT count(*) FROM utterances").fetchone()[0]
        assert n == total == site.utterances
    finally:
        conn.close()


def test_publishing_again_replaces_the_copy(published_library, tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish_datasette(published_library, out)
    published_library.delete_transcripts(
        [published_library.transcripts()[0].id], delete_passages=True
    )
    report = publish_datasette(published_library, out)
    assert report.transcripts == published_library.transcript_count()
    assert sorted(p.name for p in out.iterdir()) == ["library.db", "metadata.json"]
