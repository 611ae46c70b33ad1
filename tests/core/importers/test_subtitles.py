"""Subtitles: speakers from voice tags, labels and dashes; markup; timing; broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import SourceFile, detect, parse_source
from intercept_viewer.core.importers.subtitles import SubtitleImporter, strip_markup
from intercept_viewer.core.model import ParsedTranscript

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "importers" / "structured"


def parse(text: str, name: str = "call.srt") -> ParsedTranscript:
    return SubtitleImporter().parse(SourceFile(name, text.encode("utf-8")))


def turns(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    return [(u.speaker, u.text) for u in parsed.utterances]


VTT_VOICES = """WEBVTT - Перехват ГУР

NOTE Субтитры к видео.
Это комментарий, не реплика.

STYLE
::cue(v[voice="Мать"]) { color: yellow }

intro
00:00:00.500 --> 00:00:02.900 align:start position:10%
<v Мать>Алло, Дима? Сыночек, ты?</v>

00:03.200 --> 00:07.400
<v.loud Солдат>Да, мам. Связь плохая &amp; быстро.
<i>Нас</i> опять на штурм.</v>

00:00:08.000 --> 00:00:10.000
<v Мать>Я в военкомат пойду.
<v Солдат Иванов>Не ходи.
"""


def test_webvtt_voice_tags_name_speakers_and_skip_note_style_and_cue_ids() -> None:
    parsed = parse(VTT_VOICES, "call.vtt")
    assert parsed.meta.title == "Перехват ГУР"
    assert turns(parsed) == [
        ("Мать", "Алло, Дима? Сыночек, ты?"),
        ("Солдат", "Да, мам. Связь плохая & быстро. Нас опять на штурм."),
        ("Мать", "Я в военкомат пойду."),
        ("Солдат Иванов", "Не ходи."),
    ]
    assert [s.label for s in parsed.speakers] == ["Мать", "Солдат", "Солдат Иванов"]
    assert parsed.utterances[1].start_ms == 3200
    assert parsed.utterances[1].end_ms == 7400


def test_two_voices_in_one_cue_split_the_cue_time_by_text_length() -> None:
    parsed = parse(VTT_VOICES, "call.vtt")
    first, second = parsed.utterances[2], parsed.utterances[3]
    assert first.start_ms == 8000 and second.end_ms == 10000
    assert first.end_ms == second.start_ms
    # "Я в военкомат пойду." (20 chars) vs "Не ходи." (8 chars) over 2000 ms
    assert first.end_ms == 8000 + round(2000 * 20 / 28)


SRT_LABELS = """1
00:00:00,800 --> 00:00:03,200
<i>[Intercepted call. Audio: SBU]</i>

2
00:00:03,600 --> 00:00:06,400
WIFE: Hello? Lyosha, is that you?

3
00:00:06,900 --> 00:00:10,300
SOLDIER: Yeah, it's me. We only got
the signal back an hour ago.

4
00:00:10,800 --> 00:00:14,900
They moved us again, closer to Vovchansk.

5
00:00:15,300 --> 00:00:18,600
- WIFE: What do you mean?
- SOLDIER: Don't start.

6
00:00:19,000 --> 00:00:23,400
WIFE: Lyosha, what was that?
SOLDIER: Ours. Or theirs.

7
00:00:23,800 --> 00:00:26,000
He said: no retreat.
"""


def test_srt_caps_labels_continuation_and_two_speakers_per_cue() -> None:
    parsed = parse(SRT_LABELS)
    assert turns(parsed) == [
        (None, "[Intercepted call. Audio: SBU]"),
        ("WIFE", "Hello? Lyosha, is that you?"),
        ("SOLDIER", "Yeah, it's me. We only got the signal back an hour ago."),
        # no label: the last named speaker goes on (subtitlers name speaker changes)
        ("SOLDIER", "They moved us again, closer to Vovchansk."),
        ("WIFE", "What do you mean?"),
        ("SOLDIER", "Don't start."),
        ("WIFE", "Lyosha, what was that?"),
        ("SOLDIER", "Ours. Or theirs."),
        # "He said" occurs once and is not in capitals: not a label
        ("SOLDIER", "He said: no retreat."),
    ]
    assert [s.label for s in parsed.speakers] == ["WIFE", "SOLDIER"]
    # consecutive cues of one speaker stay separate turns, each with its own cue time
    assert [(u.start_ms, u.end_ms) for u in parsed.utterances[2:4]] == [
        (6900, 10300),
        (10800, 14900),
    ]
    assert parsed.utterances[1].line == 6  # the cue's timing line


def test_mixed_case_cyrillic_label_counts_when_it_repeats() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nМама: Алло?\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nСын: Это я.\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nМама: Слава богу.\n\n"
        "4\n00:00:04,000 --> 00:00:05,000\nСын: Всё нормально.\n"
    )
    assert turns(parse(text)) == [
        ("Мама", "Алло?"),
        ("Сын", "Это я."),
        ("Мама", "Слава богу."),
        ("Сын", "Всё нормально."),
    ]


def test_dash_only_file_alternates_two_speakers() -> None:
    parsed = SubtitleImporter().parse(
        SourceFile("d.srt", (FIXTURES / "dashes_only_uk.srt").read_bytes())
    )
    assert turns(parsed) == [
        ("Speaker A", "Алло, ти мене чуєш?"),
        ("Speaker B", "Чую, чую."),
        ("Speaker A", "Де ви зараз стоїте?"),
        ("Speaker B", "Біля Херсона, на лівому березі."),
        (None, "(перешкоди на лінії)"),
    ]


def test_single_speaker_cues_without_marks_have_no_speaker() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,000 --> 00:00:03,000\nBye.\n"
    )
    parsed = parse(text)
    assert turns(parsed) == [(None, "Hello there."), (None, "Bye.")]
    assert parsed.speakers == []


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("<i>курсив</i>", "курсив"),
        ("{\\an8}наверху", "наверху"),
        ('<font color="#ff0000">red</font>', "red"),
        ("<b><u>bold</u></b>", "bold"),
        ("Tom &amp; Jerry &quot;x&quot;", 'Tom & Jerry "x"'),
        ("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"),
        ("<c.yellow>жёлтый</c> <00:00:01.500>дальше", "жёлтый дальше"),
        ("a&nbsp;b", "a b"),
    ],
)
def test_markup_is_stripped_and_entities_decoded(raw: str, plain: str) -> None:
    assert strip_markup(raw) == plain


def test_markup_inside_cues_never_reaches_the_text() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\n"
        '{\\an8}<font color="red"><i>SOLDIER:</i> Мы &lt;тут&gt; стоим</font>\n'
    )
    assert turns(parse(text)) == [("SOLDIER", "Мы <тут> стоим")]


def test_ass_name_field_is_the_speaker_comments_are_skipped_times_sorted() -> None:
    parsed = SubtitleImporter().parse(
        SourceFile("s.ass", (FIXTURES / "styled_ass_ru.ass").read_bytes())
    )
    assert turns(parsed) == [
        ("Оккупант", "Братан, привет. Нас опять перебрасывают."),
        ("Брат", "Ты это, держись там."),
        ("Оккупант", "Да держусь. Нормально."),
    ]
    assert parsed.utterances[0].start_ms == 1000
    assert parsed.utterances[0].line == 15


def test_cp1251_crlf_srt_decodes_and_parses() -> None:
    data = (FIXTURES / "cp1251_crlf_ru.srt").read_bytes()
    assert b"\r\n" in data
    parsed = parse_source(SourceFile("old.srt", data)).parsed
    assert turns(parsed)[1] == ("МАТЬ", "Ой, сынок! Ты где?")
    assert parsed.utterances[2].start_ms == 6400


def test_bom_and_cue_without_blank_line_between() -> None:
    text = (
        "\ufeff1\n00:00:01,000 --> 00:00:02,000\nA: one\n2\n00:00:02,000 --> 00:00:03,000\nA: two\n"
    )
    assert turns(parse(text)) == [("A", "one"), ("A", "two")]


def test_stray_blank_line_inside_a_cue_continues_it() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nfirst line\n\nsecond line\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nnext\n"
    )
    assert [u.text for u in parse(text).utterances] == ["first line second line", "next"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        # cut in the middle of a timing line
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:03,000 --> 00:00:0", 6, "timing"),
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:03,0", 6, "cut short"),
        # a cue number whose timing line is missing
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\nWorld\n", 6, "no timing line"),
        # the file ends right after a cue number
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n", 5, "no timing line"),
        # the file ends right after a timing line
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:03,000 --> 00:00:05,000\n", 6, "cut"),
        # prose before the first cue
        ("This is not a subtitle file\n\n1\n00:00:01,000 --> 00:00:03,000\nHi\n", 1, "timing"),
        # garbage where a timing line should be
        ("1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:05 --> banana\nHi\n", 6, "timing"),
    ],
)
def test_broken_srt_raises_import_failed_with_file_and_line(
    text: str, line: int, words: str
) -> None:
    with pytest.raises(ImportFailed) as info:
        parse(text, "broken.srt")
    assert info.value.line == line
    assert info.value.file == "broken.srt"
    assert words in info.value.message
    assert str(info.value).startswith(f"broken.srt:{line}: ")


def test_binary_garbage_after_cues_is_refused_naming_the_file() -> None:
    data = b"1\n00:00:01,000 --> 00:00:03,000\nHello\n\n\x01\x02\x03garbage\x00\xff\n"
    with pytest.raises(ImportFailed) as info:
        SubtitleImporter().parse(SourceFile("junk.srt", data))
    assert str(info.value).startswith("junk.srt")


def test_broken_ass_is_import_failed_not_a_pysubs2_error() -> None:
    text = (
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Start, End, Text\nDialogue: x,y\n"
    )
    with pytest.raises(ImportFailed):
        parse(text, "bad.ass")


def test_no_cues_at_all() -> None:
    with pytest.raises(ImportFailed, match="no subtitle cues"):
        parse("WEBVTT\n\nNOTE only a note\n", "empty.vtt")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("call.txt", "1\n00:00:01,000 --> 00:00:03,000\nSOLDIER: hi\n"),
        ("call.txt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>hi\n"),
        ("call", "[Script Info]\nScriptType: v4.00+\n"),
    ],
)
def test_content_sniffing_finds_subtitles_whatever_the_name(name: str, text: str) -> None:
    assert detect(SourceFile(name, text.encode())).name == "subtitles"


def test_sniff_says_no_to_prose() -> None:
    assert SubtitleImporter().sniff(SourceFile("a.txt", b"SOLDIER: hello\nMOTHER: hi\n")) == 0


def test_failed_import_leaves_the_library_unchanged(library, tmp_path: Path) -> None:
    good = tmp_path / "good.srt"
    good.write_text("1\n00:00:01,000 --> 00:00:02,000\nSOLDIER: hi\n", encoding="utf-8")
    library.import_file(good)
    before = [(t.id, t.title, t.utterance_count) for t in library.transcripts()]
    bad = tmp_path / "cut.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:02,0", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        library.import_file(bad)
    assert info.value.file == str(bad) and info.value.line == 6
    assert "cut short" in info.value.message
    assert [(t.id, t.title, t.utterance_count) for t in library.transcripts()] == before


def test_imported_srt_keeps_speakers_and_times_in_the_library(library, tmp_path: Path) -> None:
    path = tmp_path / "sbu.srt"
    path.write_text(SRT_LABELS, encoding="utf-8")
    result = library.import_file(path)
    assert result.utterances == 9
    utts = library.utterances(result.id)
    names = {s.id: s.name for s in library.speakers(result.id)}
    assert names[utts[1].speaker_id] == "WIFE"
    assert utts[0].speaker_id is None
    assert (utts[4].start_ms, utts[5].end_ms) == (15300, 18600)


def test_unknown_label_means_no_speaker_so_our_own_srt_export_reads_back() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nSOLDIER: Алло.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nUnknown: [помехи]\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nНевідомий: Хто це?\n"
    )
    parsed = parse(text)
    assert turns(parsed) == [("SOLDIER", "Алло."), (None, "[помехи]"), (None, "Хто це?")]
    assert [s.label for s in parsed.speakers] == ["SOLDIER"]


def test_a_broken_vtt_timing_line_is_explained_in_vtt_notation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.importers import parse_path

    path = tmp_path / "cut.vtt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:0\n<v Мать>Алло", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        parse_path(path)
    assert err.value.line == 3
    assert "00:00:01.000 --> 00:00:03.000" in err.value.message
