"""JSON: our own export round-trips; speech-to-text shapes; bad JSON is a clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.exporters.project_json import transcript_document
from intercept_viewer.core.importers import SourceFile, detect
from intercept_viewer.core.importers.json_formats import JsonImporter
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import ParsedTranscript, ParsedUtterance

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "importers" / "structured"


def parse(obj: Any, name: str = "call.json") -> ParsedTranscript:
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False, indent=1)
    return JsonImporter().parse(SourceFile(name, text.encode("utf-8")))


def rows(parsed: ParsedTranscript) -> list[tuple[str | None, int | None, int | None, str]]:
    return [(u.speaker, u.start_ms, u.end_ms, u.text) for u in parsed.utterances]


# ------------------------------------------------------------------ speech-to-text shapes


def test_whisper_verbose_json_seconds_to_ms_trimmed_empty_dropped() -> None:
    parsed = parse(
        {
            "task": "transcribe",
            "language": "russian",
            "duration": 9.5,
            "text": " Алло, мам? Да, я.",
            "segments": [
                {"id": 0, "seek": 0, "start": 0.0, "end": 2.48, "text": " Алло, мам?",
                 "tokens": [50364, 1234], "temperature": 0.0, "avg_logprob": -0.3},
                {"id": 1, "seek": 0, "start": 2.48, "end": 3.0, "text": "   "},
                {"id": 2, "seek": 0, "start": 3.0, "end": 9.5, "text": " Да, я. "},
            ],
        }
    )  # fmt: skip
    assert rows(parsed) == [(None, 0, 2480, "Алло, мам?"), (None, 3000, 9500, "Да, я.")]
    assert parsed.meta.language == "ru"
    assert parsed.speakers == []


def test_whisperx_speakers_kept_words_ignored_missing_speaker_unknown() -> None:
    parsed = JsonImporter().parse(
        SourceFile("x.json", (FIXTURES / "whisperx_ru.json").read_bytes())
    )
    assert rows(parsed) == [
        ("SPEAKER_00", 520, 3110, "Алло, пап, привет. Это я, Саша."),
        ("SPEAKER_01", 3480, 5020, "Сашка! Ты откуда звонишь?"),
        (None, 5300, 6000, "[неразборчиво]"),
        ("SPEAKER_00", 6200, 10870, "Мы под Торецком стоим."),
    ]
    assert [s.label for s in parsed.speakers] == ["SPEAKER_00", "SPEAKER_01"]
    assert parsed.meta.language == "ru"


def test_whisper_cpp_offsets_and_timestamps() -> None:
    parsed = parse(
        {
            "systeminfo": "AVX = 1",
            "model": {"type": "medium"},
            "result": {"language": "uk"},
            "transcription": [
                {"timestamps": {"from": "00:00:00,000", "to": "00:00:02,640"},
                 "offsets": {"from": 0, "to": 2640}, "text": " Алло, ти мене чуєш?"},
                {"timestamps": {"from": "00:00:02,640", "to": "00:01:05,120"},
                 "text": " Чую. Ми під Херсоном."},
                {"offsets": {"from": 65120, "to": 66000}, "text": ""},
            ],
        }
    )  # fmt: skip
    assert rows(parsed) == [
        (None, 0, 2640, "Алло, ти мене чуєш?"),
        (None, 2640, 65120, "Чую. Ми під Херсоном."),
    ]
    assert parsed.meta.language == "uk"


def test_hugging_face_chunks_with_open_end() -> None:
    parsed = parse(
        {
            "text": " Ну что там? Холодно.",
            "chunks": [
                {"timestamp": [0.0, 1.5], "text": " Ну что там у вас?"},
                {"timestamp": [1.5, None], "text": " Холодно, брат, очень."},
            ],
        }
    )
    assert rows(parsed) == [
        (None, 0, 1500, "Ну что там у вас?"),
        (None, 1500, None, "Холодно, брат, очень."),
    ]


def test_hugging_face_word_chunks_become_sentences() -> None:
    words = ["We", "are", "near", "Bakhmut.", "Three", "days", "without", "food.", "Send", "money"]
    chunks = [{"timestamp": [i * 0.4, i * 0.4 + 0.3], "text": f" {w}"} for i, w in enumerate(words)]
    chunks[4]["timestamp"] = [3.0, 3.3]  # a pause before "Three"
    parsed = parse({"text": " ".join(words), "chunks": chunks})
    assert [u.text for u in parsed.utterances] == [
        "We are near Bakhmut.",
        "Three days without food.",
        "Send money",
    ]
    assert parsed.utterances[0].start_ms == 0
    assert parsed.utterances[0].end_ms == 1500


def test_assemblyai_like_utterances_in_milliseconds() -> None:
    parsed = parse(
        {
            "id": "abc",
            "status": "completed",
            "audio_url": "https://example.org/a.mp3",
            "language_code": "en",
            "utterances": [
                {"speaker": "A", "text": "Hello, mum.", "start": 250, "end": 1800,
                 "confidence": 0.9, "words": [{"text": "Hello,", "start": 250, "end": 600}]},
                {"speaker": "B", "text": "Where are you?", "start": 1900, "end": 2500},
            ],
        }
    )  # fmt: skip
    assert rows(parsed) == [("A", 250, 1800, "Hello, mum."), ("B", 1900, 2500, "Where are you?")]


def test_plain_utterances_in_seconds_and_bare_list() -> None:
    plain = parse({"utterances": [{"speaker": "Мать", "text": "Алло", "start": 0.5, "end": 1.25}]})
    assert rows(plain) == [("Мать", 500, 1250, "Алло")]
    bare = parse(
        [
            {"start": 1, "end": 2.5, "text": " Привет ", "speaker": 1},
            {"start": 3, "end": 4, "text": "Пока"},
        ]
    )
    assert rows(bare) == [("1", 1000, 2500, "Привет"), (None, 3000, 4000, "Пока")]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('{"intercept_viewer": 1, "transcript": {}}', "json"),
        ('{"text": "x", "segments": []}', "json"),
        ('[{"start": 0, "end": 1, "text": "x"}]', "json"),
    ],
)
def test_detect_json_by_content(head: str, expected: str) -> None:
    assert detect(SourceFile("download", head.encode())).name == expected


# ------------------------------------------------------------------ our own export


def test_own_export_round_trips_exactly(tmp_path: Path, parsed_factory) -> None:
    lines: list[tuple[str | None, str]] = [
        ("Солдат", "Мам, привет. Мы под Купянском."),
        ("Мать", "Господи, сынок. Кормят вас?"),
        (None, "[помехи]"),
        ("Солдат", "Сухпай один на двоих, «Мавик» просим — 180 тысяч."),
    ]
    parsed = parsed_factory(
        lines,
        title="Перехват ГУР: «Сухпай один на двоих»",
        times=True,
        publisher="ГУР МО Украины",
        channel="Telegram",
        source_url="https://t.me/DIUkraine/sample",
        archive_url="https://web.archive.org/web/2024/https://t.me/DIUkraine/sample",
        released_on="2024-03-05",
        recorded_on="2024-03",
        language="ru",
        original_language="ru",
        translator=None,
        verification="corroborated",
        verification_note="Voice matched with an earlier release.",
        description="Звонок матери.\nВторая строка.",
        media_path="/data/calls/0305.mp3",
    )
    parsed.utterances[2].context = "a paragraph around it"
    first = Library(tmp_path / "one.sqlite")
    second = Library(tmp_path / "two.sqlite")
    try:
        tid = first.add(parsed).id
        soldier = next(s for s in first.speakers(tid) if s.label == "Солдат")
        first.rename_speaker(soldier.id, "Иван Петров")
        first.recolor_speaker(soldier.id, "#aa3300")
        first.create_tag("unit", "#3366ff", "Identify the unit")
        first.add_passage(tid, 1, 2, ["unit", "Купянск"], note="Which brigade?")
        first.add_passage(tid, 4, 4, ["unit"], state="done", start_char=0, end_char=20)
        doc = transcript_document(first, tid)
        path = tmp_path / "export.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")

        result = second.import_file(path)
        again = transcript_document(second, result.id)
    finally:
        first.close()
        second.close()
    assert again == doc
    assert len(doc["passages"]) == 2 and doc["speakers"][0]["name"] == "Иван Петров"


def test_own_export_reorders_by_seq_and_remaps_passages() -> None:
    parsed = parse(
        {
            "intercept_viewer": 1,
            "transcript": {"title": "T", "origin": "article"},
            "speakers": [{"label": "A", "name": "Alpha", "role": "soldier", "color": "#112233"}],
            "utterances": [
                {"seq": 20, "speaker": None, "text": " second ", "start_ms": None},
                {"seq": 10, "speaker": "A", "text": "first", "start_ms": 0, "end_ms": 5},
            ],
            "passages": [{"first_seq": 10, "last_seq": 20, "tags": ["t"], "note": "n"}],
            "tags": [{"name": "t", "color": "#ff0000", "description": "check it"}],
        }
    )
    assert rows(parsed) == [("A", 0, 5, "first"), (None, None, None, " second ")]
    assert (parsed.passages[0].first_seq, parsed.passages[0].last_seq) == (1, 2)
    assert parsed.tag_colors == {"t": "#ff0000"}
    assert parsed.tag_descriptions == {"t": "check it"}
    assert parsed.meta.origin == "article"
    assert parsed.speakers[0].role == "soldier"


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"transcript": {"title": 5}}, '"transcript.title"'),
        ({"transcript": []}, '"transcript"'),
        ({"transcript": {"verification": "true"}}, '"transcript.verification"'),
        ({"speakers": [{"name": "x"}]}, '"speakers[0].label"'),
        ({"speakers": "A, B"}, '"speakers"'),
        ({"utterances": [{"text": 3}]}, '"utterances[0].text"'),
        ({"utterances": [{"text": "x", "start_ms": "0:01"}]}, '"utterances[0].start_ms"'),
        ({"utterances": [{"text": "x", "start_ms": True}]}, '"utterances[0].start_ms"'),
        ({"utterances": [{"seq": 1, "text": "x"}], "passages": [{"first_seq": 1, "last_seq": 9}]},
         '"passages[0].last_seq"'),
        ({"utterances": [{"seq": 1, "text": "x"}],
          "passages": [{"first_seq": 1, "last_seq": 1, "tags": "a"}]}, '"passages[0].tags"'),
        ({"tags": [{"color": "#fff"}]}, '"tags[0].name"'),
    ],
)  # fmt: skip
def test_own_export_with_wrong_types_names_the_key(doc: dict[str, Any], key: str) -> None:
    with pytest.raises(ImportFailed) as info:
        parse({"intercept_viewer": 1, **doc}, "mine.json")
    assert key in info.value.message
    assert str(info.value).startswith("mine.json: ")


def test_own_export_from_a_newer_version_is_refused() -> None:
    with pytest.raises(ImportFailed, match="newer"):
        parse({"intercept_viewer": 7, "utterances": []})


# ------------------------------------------------------------------ bad input


def test_malformed_json_names_the_line() -> None:
    text = '{\n  "segments": [\n    {"start": 1, "end": , "text": "x"}\n  ]\n}\n'
    with pytest.raises(ImportFailed) as info:
        parse(text, "broken.json")
    assert info.value.line == 3
    assert str(info.value).startswith("broken.json:3: not valid JSON")


def test_truncated_json_names_the_last_line() -> None:
    text = '{"segments": [\n {"start": 0.0, "end": 1.0, "text": "Алло"},\n {"start": 1.0, "en'
    with pytest.raises(ImportFailed) as info:
        parse(text, "cut.json")
    assert info.value.line == 3


@pytest.mark.parametrize(
    "obj", [{"foo": 1}, {"segments": "nope"}, 42, json.dumps("just a string"), None]
)
def test_unknown_shape_lists_the_shapes_understood(obj: Any) -> None:
    with pytest.raises(ImportFailed) as info:
        parse(obj)
    assert "not a transcript shape" in info.value.message
    assert "whisper.cpp" in info.value.message and "intercept_viewer" in info.value.message


@pytest.mark.parametrize(
    ("obj", "key"),
    [
        ({"segments": [{"start": "zero", "end": 1, "text": "x"}]}, '"segments[0].start"'),
        ({"segments": [{"start": -1, "end": 1, "text": "x"}]}, '"segments[0].start"'),
        ({"segments": [["not", "a", "segment"]]}, '"segments[0]"'),
        ({"chunks": [{"timestamp": [1], "text": "x"}]}, '"chunks[0].timestamp"'),
        ({"transcription": [{"timestamps": {"from": "soon"}, "text": "x"}]},
         '"transcription[0].timestamps.from"'),
    ],
)  # fmt: skip
def test_wrong_types_in_speech_to_text_shapes_name_the_key(obj: Any, key: str) -> None:
    with pytest.raises(ImportFailed, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse(obj)


def test_absurd_nesting_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed, match="nested too deeply"):
        parse("[" * 200_000 + "]" * 200_000)


def test_failed_import_leaves_the_library_unchanged(library, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"start": 0, "end": 1, "text": "Алло"}]), encoding="utf-8")
    library.import_file(good)
    before = [(t.id, t.title, t.utterance_count) for t in library.transcripts()]
    for name, text in [
        ("bad.json", '{"segments": [\n{"start": 1,'),
        ("shape.json", '{"foo": 1}'),
        ("types.json", '{"intercept_viewer": 1, "utterances": [{"text": 1}]}'),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ImportFailed) as info:
            library.import_file(path)
        assert info.value.file == str(path)
    assert [(t.id, t.title, t.utterance_count) for t in library.transcripts()] == before


def test_whisper_json_imports_with_speakers_into_the_library(library) -> None:
    result = library.import_file(FIXTURES / "whisperx_ru.json")
    assert (result.utterances, result.speakers) == (4, 2)
    t = library.transcript(result.id)
    assert t.language == "ru" and t.format == "json"
    utts = library.utterances(result.id)
    assert utts[2].speaker_id is None and utts[3].start_ms == 6200


def test_parsed_utterance_type_is_plain() -> None:
    # the importer hands the library plain ParsedUtterance objects, never JSON leftovers
    parsed = parse({"segments": [{"start": 0, "end": 1, "text": "x", "speaker": 7}]})
    assert isinstance(parsed.utterances[0], ParsedUtterance)
    assert parsed.utterances[0].speaker == "7"
