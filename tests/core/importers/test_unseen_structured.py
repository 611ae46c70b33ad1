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
    assert parsed.utterances[0].text == "Алло, ты меня слышишь?"
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


# ------------------------------------------------------------------ subtitles


def test_youtube_auto_captions_keep_each_rolling_line_once() -> None:
    parsed = read("youtube_auto_ru.vtt")
    assert [u.text for u in parsed.utterances] == [
        "алло мам привет",
        "ну что там у вас",
        "[музыка]",
        "нас опять на штурм гонят",
    ]
    assert times(parsed)[0] == (0, 2869)
    # the file's last cue (11.000-11.010) only repeats the finished line: the line lasts
    # until it ends (issue 14: the last cue's end time is not lost)
    assert times(parsed)[3] == (8160, 11010)
    assert parsed.meta.language == "ru"  # "Language: ru" header


def test_subtitle_edit_font_tags_and_an8_overrides_are_stripped() -> None:
    parsed = read("subtitle_edit_font_ru.srt")
    assert turns(parsed) == [
        ("ЖЕНА", "Алло, Серёжа?"),
        ("СОЛДАТ", "Да, я. Слышишь меня?"),
        ("ЖЕНА", "Слышу. Ты где сейчас?"),
        ("СОЛДАТ", "Под Покровском. Не говори никому."),
    ]


def test_srt_with_bom_crlf_and_numbering_gaps() -> None:
    parsed = read("gaps_bom_crlf_en.srt")
    assert [s for s, _ in turns(parsed)] == ["MOTHER", "SOLDIER", "MOTHER", "SOLDIER"]
    assert turns(parsed)[0] == ("MOTHER", "Hello? Sasha?")
    assert times(parsed)[2] == (4500, 7000)


def test_bilingual_cues_keep_the_original_and_sounds_stay_nobodys() -> None:
    parsed = read("sounds_bilingual_ru_en.srt")
    assert turns(parsed) == [
        (None, "[музыка]"),
        (None, "(ЗВОНОК)"),
        (None, "Мам, привет."),  # one dash left after the translation: not two speakers
        (None, "Привет, сынок. Ты живой?"),
        (None, "[Music]"),
        (None, "Живой. Нас вчера обстреляли."),
    ]
    # issue 14: the translation lines are kept beside their originals, and reported
    assert [u.translation for u in parsed.utterances] == [
        None,
        None,
        "Mum, hi.",
        "Hi, son. Are you alive?",
        None,
        "Alive. They shelled us yesterday.",
    ]
    assert any("3 translation lines" in w.message for w in parsed.warnings)


def test_one_dash_per_cue_alternates_speakers_across_cues() -> None:
    parsed = read("dash_per_cue_ru.srt")
    assert turns(parsed) == [
        ("Speaker A", "Мам?"),
        ("Speaker B", "Да, сынок, слышу тебя."),
        ("Speaker A", "Нас перебрасывают."),
        ("Speaker B", "Куда?"),
        ("Speaker A", "Не могу сказать."),
        ("Speaker B", "Береги себя."),
    ]


def test_aegisub_name_field_comments_skipped_and_script_title() -> None:
    parsed = read("aegisub_names_comments_uk.ass")
    assert parsed.meta.title == "Перехоплення ГУР"
    assert turns(parsed) == [
        (None, "ГУР МО України"),  # an on-screen sign, no Name: nobody's turn
        ("Окупант", "Алло, ти мене чуєш?"),
        ("Дружина", "Чую. Де ти? Я так хвилювалася."),
        ("Окупант", "Нас поклали майже всіх."),
    ]
    assert all("старий" not in u.text and "TODO" not in u.text for u in parsed.utterances)


# ------------------------------------------------------------------ ELAN


def test_elan_interview_with_unaligned_slots_and_symbolic_child_tiers() -> None:
    parsed = read("interview_unaligned_ru.eaf")
    assert turns(parsed) == [
        ("Interviewer", "Алло, Вадим?"),
        ("Speaker1", "Да. Нас опять отвели."),
        ("Speaker1", "Из сорока человек осталось девять."),
        ("Interviewer", "А командир что говорит?"),
        ("Speaker1", "Ничего он не говорит."),
    ]
    assert times(parsed)[1] == (2100, None)  # an unaligned slot stays unknown, not invented
    assert times(parsed)[2] == (None, 5600)
    assert [s.label for s in parsed.speakers] == ["Interviewer", "Speaker1"]
    assert parsed.meta.media_path is not None
    assert parsed.meta.media_path.endswith("perehvat_0511.wav")


def test_elan_preferences_file_says_what_it_is() -> None:
    with pytest.raises(ImportFailed, match=r"preferences file \(\.pfsx"):
        parse_path(UNSEEN / "interview_unaligned_ru.pfsx")
