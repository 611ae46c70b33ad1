"""A small library with every kind of release publishing has to carry: Telegram posts with a
voice message and a video, a timed subtitle call, an article's quotes, a verified release, and
tagged passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.telegram import import_telegram_export

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def published_library(tmp_path: Path):
    lib = Library(tmp_path / "library.sqlite")
    import_telegram_export(lib, FIXTURES / "telegram" / "channel_ru", username="sbu_intercepts")
    timed = lib.import_file(FIXTURES / "importers" / "structured" / "cp1251_crlf_ru.srt")
    lib.import_file(FIXTURES / "articles" / "seed_article.txt", format="article")
    lib.update_transcript(
        timed.id, verification="verified", verification_note="Matched with the original audio"
    )
    lib.add(
        ParsedTranscript(
            meta=SourceMeta(title="Bilingual call", language="ru", publisher="HUR"),
            speakers=[ParsedSpeaker("Солдат"), ParsedSpeaker("Мать")],
            utterances=[
                ParsedUtterance(
                    "Мам, мы под Купянском.",
                    "Солдат",
                    1000,
                    3000,
                    translation="Mum, we are near Kupyansk.",
                ),
                ParsedUtterance("Береги себя.", "Мать", 4000, 5000, translation="Take care."),
            ],
            format="subtitles",
        )
    )
    first = lib.transcripts()[0].id
    for t in lib.transcripts():
        if t.utterance_count >= 2 and t.id != timed.id:
            first = t.id
            break
    lib.add_passage(first, 1, 2, ["unit to identify", "проверить"], note="Which brigade?")
    lib.add_passage(timed.id, 1, 1, ["claim"], note=None)
    yield lib
    lib.close()
