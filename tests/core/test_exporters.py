"""Every export format, read back and compared; the status on every quoted line; atomic
writes, including a process killed in the middle of one."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pysubs2
import pytest

from intercept_viewer.core.atomic_write import atomic_write
from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.exporters import (
    PASSAGE_FORMATS,
    TRANSCRIPT_FORMATS,
    export_passages,
    export_transcript,
    format_for_path,
)
from intercept_viewer.core.exporters.project_json import TRANSCRIPT_KEYS
from intercept_viewer.core.exporters.subtitles import estimate_times
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
    Utterance,
)
from tests.conftest import make_parsed

TRICKY = "Tom & Jerry said <b>hi</b> --> {\\an8} \\N =1+1"


def _tricky_call() -> ParsedTranscript:
    """Unverified, untimed, English, with an unknown speaker and text that means something
    to Markdown, HTML, WebVTT, SRT players and spreadsheets."""
    return ParsedTranscript(
        meta=SourceMeta(
            title='Call "near" Kupyansk <1>',
            publisher="HUR",
            channel="Telegram @DIUkraine",
            released_on="2024-03-01",
            source_url="https://t.me/DIUkraine/3456",
            archive_url="https://archive.ph/abc",
            language="en",
            translator="HUR",
            verification_note="only one source",
        ),
        speakers=[ParsedSpeaker("S", name="Soldier"), ParsedSpeaker("M", name="Mother")],
        utterances=[
            ParsedUtterance("Hello, mum. We are near Kupyansk.", "S"),
            ParsedUtterance("Are you safe there?\nAnswer me.\n\nPlease.", "M"),
            ParsedUtterance(TRICKY, None),
            ParsedUtterance('=HYPERLINK("http://x")', "S"),
        ],
        format="labelled",
    )


RU_TIMED = [
    ("Солдат", "Мам, мы под Купянском, тут жёстко."),
    ("Мать", "Сынок, береги себя."),
    ("Солдат", "Командир сказал — ещё неделя."),
]


@pytest.fixture
def lib(library: Library) -> Library:
    a = library.add(_tricky_call()).id
    b = library.add(
        make_parsed(RU_TIMED, title="Звонок матери", times=True, verification="verified")
    ).id
    c = library.add(
        make_parsed(
            [("Боєць", "Ми під Бахмутом."), ("Дружина", "Коли додому?")],
            title="Дзвінок дружині",
            times=True,
            verification="disputed",
            language="uk",
        )
    ).id
    library.add_passage(a, 1, 2, ["Kupyansk", "Проверить"], note="which unit?\n= second line")
    library.add_passage(a, 3, 4, ["tricky"])
    library.add_passage(b, 1, 1, ["Проверить"], start_char=5, end_char=21, state="done")
    library.add_passage(c, 1, 2, ["Бахмут"], note="Bakhmut")
    assert (a, b, c) == (1, 2, 3)
    return library


def _export(lib: Library, tid: int, fmt: str) -> str:
    out = io.StringIO()
    export_transcript(lib, tid, fmt, out)
    return out.getvalue()


def _export_passages(lib: Library, fmt: str) -> str:
    out = io.StringIO()
    export_passages(lib, lib.passages(), fmt, out)
    return out.getvalue()


# ---------------------------------------------------------------- whole transcripts


def test_txt_lines_and_header(lib: Library) -> None:
    text = _export(lib, 2, "txt")
    header, body = text.split("\n---\n", 1)
    assert header.startswith("---\n# Status: verified")
    assert "title: Звонок матери" in header
    lines = body.strip().split("\n")
    assert lines == [
        "[0:00] Солдат: Мам, мы под Купянском, тут жёстко.",
        "[0:05] Мать: Сынок, береги себя.",
        "[0:10] Солдат: Командир сказал — ещё неделя.",
    ]


def test_txt_of_unverified_transcript_flags_it_first(lib: Library) -> None:
    text = _export(lib, 1, "txt")
    lines = text.split("\n")
    assert lines[0] == "---"
    assert lines[1] == "# [UNVERIFIED] Nobody has verified this release. Note: only one source"
    assert "source_url: https://t.me/DIUkraine/3456" in lines
    # every line of the conversation carries the status, continuation lines included
    assert "[UNVERIFIED] Mother: Are you safe there?" in lines
    assert "[UNVERIFIED]     Answer me." in lines  # a multi-line turn stays under its speaker
    assert f"[UNVERIFIED] Unknown: {TRICKY}" in lines
    body = text.split("\n---\n", 1)[1].strip().split("\n")
    assert body and all(line.startswith("[UNVERIFIED] ") for line in body)


def test_txt_header_is_front_matter_the_importers_read(lib: Library) -> None:
    from intercept_viewer.core.importers.metadata import parse_front_matter

    meta, rest, _ = parse_front_matter(_export(lib, 1, "txt"))
    t = lib.transcript(1)
    assert (meta.title, meta.publisher, meta.source_url, meta.verification) == (
        t.title,
        t.publisher,
        t.source_url,
        "unverified",
    )
    assert rest.lstrip().startswith("[UNVERIFIED] Soldier: Hello, mum.")


def test_srt_reads_back_with_pysubs2(lib: Library) -> None:
    subs = pysubs2.SSAFile.from_string(_export(lib, 2, "srt"), format_="srt")
    utts = lib.utterances(2)
    assert [(e.start, e.end) for e in subs] == [(u.start_ms, u.end_ms) for u in utts]
    assert [e.plaintext for e in subs] == [
        f"{s}: {t}" for s, t in RU_TIMED
    ]  # verified: no status cue


def test_srt_of_unverified_transcript_opens_with_status_cue(lib: Library) -> None:
    srt = _export(lib, 1, "srt")
    subs = pysubs2.SSAFile.from_string(srt, format_="srt")
    assert subs[0].plaintext.startswith("[UNVERIFIED] Call")
    assert "estimated" in subs[0].plaintext
    assert len(subs) == 1 + 4
    assert subs[2].plaintext == "Mother: Are you safe there?\nAnswer me.\nPlease."
    # numbering is 1..n and no blank line splits a cue
    assert re.findall(r"^(\d+)\n\d\d:", srt, re.M) == [str(i) for i in range(1, 6)]


def _parse_vtt(text: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """A small WebVTT reader: NOTE blocks and cues (start, end, lines)."""
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    notes, cues = [], []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith("NOTE"):
            notes.extend(lines[1:])
            continue
        start, arrow, end = lines[0].split(" ")
        assert arrow == "-->"
        cues.append((start, end, lines[1:]))
    return notes, cues


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_vtt_voice_tags_escaping_and_note(lib: Library) -> None:
    vtt = _export(lib, 1, "vtt")
    notes, cues = _parse_vtt(vtt)
    assert any("[UNVERIFIED]" in n and "https://t.me/DIUkraine/3456" in n for n in notes)
    assert all("-->" not in n for n in notes)
    assert cues[0][2][0].startswith("[UNVERIFIED] Call")
    body = cues[1:]
    assert body[0][2] == ["<v Soldier>Hello, mum. We are near Kupyansk.</v>"]
    assert body[1][2] == ["<v Mother>Are you safe there?", "Answer me.", "Please.</v>"]
    # the unknown speaker has no voice tag; & < > are escaped, nothing else is touched
    assert body[2][2] == [TRICKY.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")]
    assert _unescape(body[2][2][0]) == TRICKY
    for _, _, lines in cues:
        for line in lines:
            stripped = re.sub(r"</?v[^>]*>", "", line)
            assert "<" not in stripped and ">" not in stripped
    # and a common reader agrees on cues and times
    subs = pysubs2.SSAFile.from_string(vtt, format_="vtt")
    assert len(subs) == len(cues)


def test_vtt_times_of_timed_transcript(lib: Library) -> None:
    notes, cues = _parse_vtt(_export(lib, 3, "vtt"))
    # the talk starts at 0:00: no notice fits before it, so the status is in the NOTE only
    assert any(n.startswith("[DISPUTED] Дзвінок дружині") for n in notes)
    assert [(s, e) for s, e, _ in cues] == [
        ("00:00:00.000", "00:00:04.000"),
        ("00:00:05.000", "00:00:09.000"),
    ]
    assert cues[1][2] == ["<v Дружина>Коли додому?</v>"]


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
@pytest.mark.parametrize(
    "first_start, notice",
    [(0, None), (900, None), (1500, (0, 1400)), (3000, (0, 2900)), (60_000, (0, 4000))],
)
def test_the_status_notice_never_overlaps_a_cue(
    tmp_path: Path, fmt: str, first_start: int, notice: tuple[int, int] | None
) -> None:
    with Library(tmp_path / "l.sqlite") as lib:
        parsed = make_parsed([("Солдат", "Алло"), ("Мать", "Да")])
        parsed.utterances[0].start_ms, parsed.utterances[0].end_ms = first_start, first_start + 2000
        parsed.utterances[1].start_ms = first_start + 2500
        tid = lib.add(parsed).id
        subs = pysubs2.SSAFile.from_string(_export(lib, tid, fmt), format_=fmt)
    events = [(e.start, e.end, e.plaintext) for e in subs]
    flagged = [e for e in events if e[2].startswith("[UNVERIFIED]")]
    talk = [e for e in events if not e[2].startswith("[UNVERIFIED]")]
    assert talk[0][0] == first_start
    if notice is None:
        assert flagged == []
    else:
        assert [(s, e) for s, e, _ in flagged] == [notice]
    for _, e, _ in flagged:
        assert all(e <= ts for ts, _, _ in talk)  # ends before any real cue starts


def _utt(seq: int, text: str, start: int | None = None, end: int | None = None) -> Utterance:
    return Utterance(seq, 1, seq, None, start, end, text)


def test_estimated_times_keep_known_ones_and_never_go_back() -> None:
    utts = [
        _utt(1, "short"),
        _utt(2, "x" * 500),
        _utt(3, "known", 20_000, 21_000),
        _utt(4, "start only", 22_000),
        _utt(5, "y" * 50),
    ]
    times, estimated = estimate_times(utts)
    assert estimated == 4
    assert times[2] == (20_000, 21_000)
    assert times[3][0] == 22_000 and times[3][1] > 22_000
    for (s1, e1), (s2, _) in itertools.pairwise(times):
        assert s1 < e1 <= s2
    assert times[1][1] - times[1][0] <= 7000  # a long turn doesn't stay up forever


def test_estimated_times_stop_at_the_next_known_start() -> None:
    times, _ = estimate_times([_utt(1, "z" * 100), _utt(2, "b", 2000, 3000)])
    assert times == [(0, 2000), (2000, 3000)]


def test_markdown_transcript(lib: Library) -> None:
    md = _export(lib, 1, "md")
    assert md.startswith('# Call "near" Kupyansk \\<1\\>\n')
    assert "> **\\[UNVERIFIED\\]** Nobody has verified this release." in md
    assert "- **Source:** <https://t.me/DIUkraine/3456>" in md
    assert "**Soldier**: Hello, mum. We are near Kupyansk." in md
    assert "<b>" not in md and "\\<b\\>" in md
    assert "## Tagged passages" in md and "Kupyansk, Проверить — open: which unit?" in md


def test_markdown_doesnt_link_a_javascript_url(library: Library) -> None:
    tid = library.add(make_parsed(source_url="javascript:alert(1)")).id
    md = _export(library, tid, "md")
    assert "<javascript" not in md and "javascript:alert(1)" in md


def test_project_json_shape(lib: Library) -> None:
    doc = json.loads(_export(lib, 1, "json"))
    assert list(doc) == [
        "intercept_viewer",
        "transcript",
        "speakers",
        "utterances",
        "passages",
        "tags",
    ]
    assert doc["intercept_viewer"] == 1
    assert tuple(doc["transcript"]) == TRANSCRIPT_KEYS
    assert doc["transcript"]["verification"] == "unverified"
    assert [s["label"] for s in doc["speakers"]] == ["S", "M"]
    assert [s["name"] for s in doc["speakers"]] == ["Soldier", "Mother"]
    assert set(doc["speakers"][0]) == {"label", "name", "role", "color"}
    assert [(u["seq"], u["speaker"], u["text"]) for u in doc["utterances"]] == [
        (u.seq, {1: "S", 2: "M"}.get(u.speaker_id or 0), u.text) for u in lib.utterances(1)
    ]
    assert set(doc["utterances"][0]) == {
        "seq",
        "speaker",
        "start_ms",
        "end_ms",
        "text",
        "context",
        "translation",
    }
    assert [(p["first_seq"], p["last_seq"], p["tags"], p["note"]) for p in doc["passages"]] == [
        (1, 2, ["Kupyansk", "Проверить"], "which unit?\n= second line"),
        (3, 4, ["tricky"], None),
    ]
    assert set(doc["passages"][0]) == {
        "first_seq",
        "last_seq",
        "start_char",
        "end_char",
        "tags",
        "note",
        "state",
        "created_at",
        "updated_at",
    }
    assert [t["name"] for t in doc["tags"]] == ["Kupyansk", "tricky", "Проверить"]
    assert set(doc["tags"][0]) == {"name", "color", "description"}


def _json_importer_written() -> bool:
    from intercept_viewer.core.importers.json_formats import JsonImporter

    return "not yet written" not in JsonImporter.description


@pytest.mark.xfail(
    not _json_importer_written(),
    reason="the JSON importer (core/importers/json_formats.py) is still a stub",
    strict=False,
)
@pytest.mark.parametrize("tid", [1, 2, 3])
def test_project_json_round_trip(lib: Library, tmp_path: Path, tid: int) -> None:
    from intercept_viewer.core.importers import parse_path

    lib.update_tag(lib.tag("Проверить").id, description="проверить по OSINT", color="#123456")
    first = tmp_path / "first.json"
    export_transcript(lib, tid, "json", first)
    with Library(tmp_path / "other.sqlite") as other:
        parsed = parse_path(first, format="json").parsed
        new_id = other.add(parsed).id
        again = io.StringIO()
        export_transcript(other, new_id, "json", again)
        back = json.loads(again.getvalue())
        original = json.loads(first.read_text(encoding="utf-8"))
        assert back["speakers"] == original["speakers"]
        assert back["utterances"] == original["utterances"]
        assert back["passages"] == original["passages"]
        assert back["transcript"] == original["transcript"]
        assert back["tags"] == original["tags"]
        assert back == original


# ---------------------------------------------------------------- passages


def test_passages_csv_for_excel_has_a_bom_and_the_same_rows(lib: Library, tmp_path: Path) -> None:
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    export_passages(lib, lib.passages(), "csv", plain)
    export_passages(lib, lib.passages(), "csv-excel", excel)
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(excel.read_text(encoding="utf-8-sig"))))
    assert [int(r["passage_id"]) for r in rows] == [p.id for p in lib.passages()]


def test_passages_csv(lib: Library) -> None:
    rows = list(csv.DictReader(io.StringIO(_export_passages(lib, "csv"))))
    assert [int(r["passage_id"]) for r in rows] == [p.id for p in lib.passages()]
    first, tricky, verified, disputed = rows
    assert first["verification"] == "unverified"
    assert first["quote"].split("\n") == [
        "[UNVERIFIED] Soldier: Hello, mum. We are near Kupyansk.",
        "[UNVERIFIED] Mother: Are you safe there?",
        "[UNVERIFIED]     Answer me.",
        "[UNVERIFIED]     ",
        "[UNVERIFIED]     Please.",
    ]
    assert first["tags"] == "Kupyansk; Проверить"
    assert first["note"] == "which unit?\n= second line"
    assert first["speakers"] == "Soldier; Mother"
    assert (first["title"], first["publisher"], first["channel"]) == (
        'Call "near" Kupyansk <1>',
        "HUR",
        "Telegram @DIUkraine",
    )
    assert (first["released_on"], first["source_url"]) == (
        "2024-03-01",
        "https://t.me/DIUkraine/3456",
    )
    assert first["citation"].endswith("[UNVERIFIED]")
    assert tricky["quote"].split("\n")[1] == '[UNVERIFIED] Soldier: =HYPERLINK("http://x")'
    # verified: the quote is bare; a character range is marked with ellipses
    assert verified["verification"] == "verified"
    assert verified["quote"] == "Солдат [0:00]: …мы под Купянском…"
    assert (verified["start_char"], verified["end_char"], verified["state"]) == ("5", "21", "done")
    assert verified["time"] == "0:00–0:04"
    assert disputed["quote"].startswith("[DISPUTED] Боєць [0:00]: Ми під Бахмутом.")


def test_csv_defuses_spreadsheet_formulas(library: Library) -> None:
    tid = library.add(
        make_parsed([("=cmd|' /C calc'!A0", "+1 plus")], title="@SUM(1)", verification="verified")
    ).id
    library.add_passage(tid, 1, 1, ["-tag"], note="=1+2")
    rows = list(csv.DictReader(io.StringIO(_export_passages(library, "csv"))))
    for key in ("quote", "title", "tags", "note", "speakers"):
        assert rows[0][key].startswith("'"), key


def test_passages_json(lib: Library) -> None:
    doc = json.loads(_export_passages(lib, "json"))
    assert doc["count"] == 4
    for record, p in zip(doc["passages"], lib.passages(), strict=True):
        t = lib.transcript(p.transcript_id)
        assert record["id"] == p.id and record["verification"] == t.verification
        assert record["tags"] == p.tags and record["note"] == p.note
        assert [q["text"] for q in record["quote"]] == [x for _, x in lib.passage_text(p)]
        assert all(q["verification"] == t.verification for q in record["quote"])
        assert record["citation"]["title"] == t.title
        assert record["citation"]["source_url"] == t.source_url


def test_passages_markdown(lib: Library) -> None:
    md = _export_passages(lib, "md")
    assert "> **Солдат** \\[0:00\\]: …мы под Купянском…\n" in md
    assert "**\\[UNVERIFIED\\]** **Unknown**: Tom \\& Jerry said \\<b\\>hi\\</b\\>" in md
    assert "- **Note:** which unit?  \n  = second line" in md
    assert "<https://t.me/DIUkraine/3456>" in md


def _sections(md: str) -> list[str]:
    return md.split("\n## ")[1:]


@pytest.mark.parametrize("fmt", list(PASSAGE_FORMATS))
def test_every_quoted_line_of_an_unverified_passage_carries_its_status(
    lib: Library, fmt: str
) -> None:
    text = _export_passages(lib, fmt)
    expected = {1: "unverified", 2: "unverified", 3: "verified", 4: "disputed"}
    if fmt.startswith("csv"):
        text = text.removeprefix("\ufeff")
        assert text.startswith("passage_id")
        for row in csv.DictReader(io.StringIO(text)):
            status = expected[int(row["passage_id"])]
            assert row["verification"] == status
            tag = "" if status == "verified" else f"[{status.upper()}] "
            assert all(line.startswith(tag) for line in row["quote"].split("\n"))
            assert row["citation"].endswith(f"[{status.upper()}]")
    elif fmt == "json":
        for record in json.loads(text)["passages"]:
            status = expected[record["id"]]
            assert record["verification"] == status
            assert {q["verification"] for q in record["quote"]} == {status}
            tag = "" if status == "verified" else f"[{status.upper()}] "
            assert all(line.startswith(tag) for line in record["quote_text"].split("\n"))
    else:
        sections = _sections(text)
        assert len(sections) == 4
        for section, status in zip(sections, expected.values(), strict=True):
            heading, *lines = section.split("\n")
            quote_lines = [line for line in lines if line.startswith(">")]
            assert quote_lines
            if status == "verified":
                assert not any(line.startswith("> **\\[") for line in quote_lines)
                continue
            flag = f"**\\[{status.upper()}\\]**"
            assert f"\\[{status.upper()}\\]" in heading
            assert all(line.startswith(f"> {flag} ") for line in quote_lines), quote_lines
            source = next(line for line in lines if line.startswith("- **Source:**"))
            assert flag in source


def test_status_follows_the_transcript(lib: Library) -> None:
    lib.update_transcript(1, verification="verified")
    rows = list(csv.DictReader(io.StringIO(_export_passages(lib, "csv"))))
    assert not rows[0]["quote"].startswith("[")
    lib.update_transcript(2, verification="unverified")
    rows = list(csv.DictReader(io.StringIO(_export_passages(lib, "csv"))))
    assert rows[2]["quote"].startswith("[UNVERIFIED] Солдат [0:00]: …мы")


def test_empty_queue_exports_cleanly(library: Library) -> None:
    from intercept_viewer.core.exporters.passages import CSV_COLUMNS

    assert list(csv.reader(io.StringIO(_export_passages(library, "csv")))) == [list(CSV_COLUMNS)]
    assert json.loads(_export_passages(library, "json"))["passages"] == []


# ---------------------------------------------------------------- files and atomicity


@pytest.mark.parametrize("fmt", list(TRANSCRIPT_FORMATS))
def test_export_to_a_file_matches_the_stream(lib: Library, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"call{TRANSCRIPT_FORMATS[fmt]}"
    export_transcript(lib, 1, fmt, target)
    assert target.read_text(encoding="utf-8") == _export(lib, 1, fmt)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_csv_file_has_crlf_rows_once(lib: Library, tmp_path: Path) -> None:
    target = tmp_path / "queue.csv"
    export_passages(lib, lib.passages(), "csv", target)
    raw = target.read_bytes()
    assert b"\r\r\n" not in raw and raw.count(b"\r\n") >= 5
    with target.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 4


def test_unknown_transcript_or_format(lib: Library, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        export_transcript(lib, 99, "txt", tmp_path / "x.txt")
    with pytest.raises(ValueError):
        export_transcript(lib, 1, "docx", tmp_path / "x.docx")
    with pytest.raises(ValueError):
        export_passages(lib, [], "srt", tmp_path / "x.srt")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".x", "x"))]


@pytest.mark.parametrize(
    "name, expected",
    [("a.TXT", "txt"), ("b.vtt", "vtt"), ("c.json", "json"), ("d.docx", None), ("srt", None)],
)
def test_format_for_path(name: str, expected: str | None) -> None:
    assert format_for_path(name, TRANSCRIPT_FORMATS) == expected


def test_atomic_write_keeps_the_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old complete export\n")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("new but half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old complete export\n"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_permissions(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.txt"
    with atomic_write(fresh) as fh:
        fh.write("x")
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    assert stat.S_IMODE(fresh.stat().st_mode) == stat.S_IMODE(probe.stat().st_mode)
    probe.chmod(0o640)
    with atomic_write(probe) as fh:
        fh.write("y")
    assert stat.S_IMODE(probe.stat().st_mode) == 0o640 and probe.read_text() == "y"


_EXPORT_THEN_STALL = textwrap.dedent(
    """
    import sys, time
    from intercept_viewer.core import exporters
    from intercept_viewer.core.exporters import common
    from intercept_viewer.core.library import Library

    lib = Library(sys.argv[1])
    target = sys.argv[2]
    exporters.export_transcript(lib, 1, sys.argv[3], target)
    print("complete", flush=True)

    real_atomic_write = common.atomic_write

    class Stalling:
        # passes writes through; half-way, makes them reach the disk and waits to be killed
        def __init__(self, fh):
            self.fh, self.n = fh, 0
        def write(self, s):
            self.fh.write(s)
            self.n += len(s)
            if self.n > int(sys.argv[4]):
                self.fh.flush()
                print("stalled", flush=True)
                time.sleep(60)
            return len(s)

    import contextlib
    @contextlib.contextmanager
    def stalling_atomic_write(path, **kw):
        with real_atomic_write(path, **kw) as fh:
            yield Stalling(fh)

    common.atomic_write = stalling_atomic_write
    lib.update_transcript(1, title="A newer title")
    exporters.export_transcript(lib, 1, sys.argv[3], target)
    print("unreachable", flush=True)
    """
)


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_an_export_killed_midway_leaves_the_older_complete_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "lib.sqlite"
    lines = [("Солдат" if i % 2 else "Мать", f"Реплика номер {i} про Купянск.") for i in range(400)]
    with Library(path) as lib:
        lib.add(make_parsed(lines, title="Long call"))
        expected = _export(lib, 1, fmt)
    target = tmp_path / f"call.{fmt}"
    proc = subprocess.Popen(
        [sys.executable, "-c", _EXPORT_THEN_STALL, str(path), str(target), fmt, "4000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "complete"
        assert target.read_text(encoding="utf-8") == expected
        assert proc.stdout.readline().strip() == "stalled"
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, err
    assert "unreachable" not in out
    # the real name still holds the older, complete export ...
    assert target.read_text(encoding="utf-8") == expected
    # ... while the interrupted one is a truncated temp file beside it
    [part] = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    partial = part.read_text(encoding="utf-8")
    assert "A newer title" in partial and len(partial) < len(expected)


@pytest.mark.parametrize(
    "verification, text, expected",
    [
        ("unverified", "Алло", ["[UNVERIFIED] Мать: Алло"]),
        ("verified", "Алло", ["Мать: Алло"]),
        ("disputed", "a\nb", ["[DISPUTED] Мать: a", "[DISPUTED]     b"]),
        ("corroborated", "", ["[CORROBORATED] Мать: "]),
    ],
)
def test_a_quoted_turn_flags_every_line(verification: str, text: str, expected: list[str]) -> None:
    from intercept_viewer.core.status import quoted_turn

    assert quoted_turn(verification, "Мать", text) == expected
