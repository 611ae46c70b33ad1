"""Subtitles, JSON and ELAN files in the shapes real tools write, read through ``parse_path``.

The fixtures in tests/fixtures/importers/unseen_structured/ copy the layout of real outputs:
YouTube auto-captions, Subtitle Edit / Aegisub exports, OpenAI / WhisperX / whisper.cpp /
faster-whisper / Deepgram / AssemblyAI / Rev.ai JSON, an ELAN file from an interview workflow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import parse_path
from intercept_viewer.core.model import ParsedTranscript

UNSEEN = Path(__file__).parent.parent.parent / "fixtures" / "importers" / "unseen_structured"


def read(name: str) -> ParsedTranscript:
    return parse_path(UNSEEN / name).parsed


def turns(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    return [(u.speaker, u.text) for u in parsed.utterances]


def times(parsed: ParsedTranscript) -> list[tuple[int | None, int | None]]:
    return [(u.start_ms, u.end_ms) for u in parsed.utterances]


# ------------------------------------------------------------------ JSON


def test_openai_verbose_json_reads_segments_not_words() -> None:
    parsed = read("openai_verbose_words_ru.json")
    assert turns(parsed) == [(None, "Алло, мам."), (None, "Привет, сынок."), (None, "Как ты там?")]
    assert times(parsed)[1] == (1600, 3200)
    assert parsed.meta.language == "ru"  # "russian"


def test_whisperx_with_top_level_word_segments() -> None:
    parsed = read("whisperx_word_segments_uk.json")
    assert turns(parsed) == [
        ("SPEAKER_01", "Алло, ти де?"),
        ("SPEAKER_00", "На позиціях, під Авдіївкою."),
        (None, "Ой, лишенько."),
    ]
    assert times(parsed)[0] == (310, 2050)
    assert parsed.meta.language == "uk"


def test_whisper_cpp_full_output_with_model_and_params() -> None:
    parsed = read("whisper_cpp_full_ru.json")
    assert [u.text for u in parsed.utterances][0] == "Алло, ты меня слышишь?"
    assert times(parsed)[-1] == (8000, 62500)
    assert parsed.meta.language == "ru"


def test_faster_whisper_list_of_segments() -> None:
    parsed = read("faster_whisper_list_en.json")
    assert [u.text for u in parsed.utterances] == [
        "Hello, Mum?",
        "Yes, darling, I can hear you.",
        "They sent us forward again.",
    ]
    assert times(parsed)[1] == (2500, 5250)


def test_deepgram_utterances_with_numbered_speakers() -> None:
    parsed = read("deepgram_diarized_ru.json")
    assert turns(parsed) == [
        ("Speaker 0", "Алло, мам."),
        ("Speaker 1", "Привет, сынок. Ты где?"),
        ("Speaker 0", "Мы под Херсоном."),
    ]
    assert times(parsed)[1] == (1500, 3400)
    assert parsed.meta.language == "ru"


def test_deepgram_paragraphs_when_there_are_no_utterances() -> None:
    parsed = read("deepgram_paragraphs_en.json")
    assert turns(parsed) == [
        ("Speaker 1", "Hello? Who is this?"),
        ("Speaker 0", "It's me, your brother."),
    ]
    assert times(parsed) == [(200, 1500), (1900, 3000)]


def test_assemblyai_utterances_in_milliseconds_with_letter_speakers() -> None:
    parsed = read("assemblyai_utterances_en.json")
    assert turns(parsed) == [
        ("A", "Hello?"),
        ("B", "Hi, it's me. We're near Vuhledar."),
        ("A", "Oh God. Are you hurt?"),
    ]
    assert times(parsed)[0] == (250, 900)
    assert parsed.meta.language == "en"  # "en_us"


def test_revai_monologues_join_their_elements() -> None:
    parsed = read("revai_monologues_en.json")
    assert turns(parsed) == [("Speaker 0", "Hello, Mum."), ("Speaker 1", "Where are you?")]
    assert times(parsed) == [(500, 1300), (2000, 2800)]


def test_deepgram_without_channels_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "dg.json"
    path.write_text('{"metadata": {}, "results": {"channels": []}}', encoding="utf-8")
    with pytest.raises(ImportFailed, match="Deepgram returned no transcript"):
        parse_path(path)
