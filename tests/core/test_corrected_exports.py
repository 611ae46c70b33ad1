"""Exports of a corrected transcript: corrected lines marked, the original on request, passage
quotes marked, and a passage whose turns were deleted said so (issue 15)."""

from __future__ import annotations

import io
import json

import pytest

from intercept_viewer.core.exporters import export_passages, export_transcript
from intercept_viewer.core.exporters.common import CORRECTED_MARK, TURNS_DELETED
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

ORIGINAL = "Hello, mum. We are near Kupyansk."
FIXED = "Hello, mum. We are near Izium."


@pytest.fixture
def corrected(library: Library) -> tuple[Library, int]:
    tid = library.add(make_parsed(times=True)).id
    library.edit_turn_text(tid, 1, FIXED)
    return library, tid


def export(lib: Library, tid: int, fmt: str, **kw) -> str:
    out = io.StringIO()
    export_transcript(lib, tid, fmt, out, **kw)
    return out.getvalue()


@pytest.mark.parametrize(
    "fmt, corrected_line",
    [
        ("txt", f"Soldier: {FIXED} {CORRECTED_MARK}\n"),
        ("md", f"{FIXED} \\[corrected\\]\n"),
        ("srt", f"Soldier: {FIXED} {CORRECTED_MARK}\n"),
        ("vtt", f"<v Soldier>{FIXED} {CORRECTED_MARK}</v>\n"),
    ],
)
def test_corrected_lines_are_marked_and_the_original_can_be_exported(
    corrected, fmt, corrected_line
) -> None:
    lib, tid = corrected
    text = export(lib, tid, fmt)
    assert corrected_line in text
    text = text.replace("\\[", "[").replace("\\]", "]")  # Markdown escapes
    # the line, and the header saying what the mark means (SRT has a header only as an opening
    # cue, when the talk leaves a second for it; this call starts at 0:00)
    assert text.count(CORRECTED_MARK) == (1 if fmt == "srt" else 2)
    assert "Are you safe there?" in text and "Are you safe there? [corrected]" not in text
    original = export(lib, tid, fmt, original=True).replace("\\[", "[").replace("\\]", "]")
    assert ORIGINAL in original and FIXED not in original
    assert fmt == "srt" or "as imported" in original
    assert CORRECTED_MARK not in original


def test_uncorrected_export_is_unchanged(library: Library) -> None:
    tid = library.add(make_parsed()).id
    text = export(library, tid, "txt")
    assert CORRECTED_MARK not in text and "Corrected after import" not in text
    assert export(library, tid, "txt", original=True) == text


def test_original_export_undoes_structural_corrections(corrected) -> None:
    lib, tid = corrected
    lib.split_turn(tid, 3, 3)
    lib.delete_turn(tid, 2)
    lib.insert_turn(tid, 0, "Beep.")
    original = export(lib, tid, "txt", original=True).split("---")[-1].strip().splitlines()
    assert original == [
        f"[UNVERIFIED] [0:00] Soldier: {ORIGINAL}",
        "[UNVERIFIED] [0:05] Mother: Are you safe there?",
        "[UNVERIFIED] [0:10] Soldier: We can't even secure a forest belt here.",
    ]


def test_project_json_keeps_the_original_and_the_history(corrected) -> None:
    lib, tid = corrected
    doc = json.loads(export(lib, tid, "json"))
    first, second = doc["utterances"][:2]
    assert first["text"] == FIXED and first["original_text"] == ORIGINAL
    assert "original_text" not in second
    assert [e["kind"] for e in doc["history"]] == ["text"]
    with pytest.raises(ValueError):
        export(lib, tid, "json", original=True)


def test_passage_exports_mark_corrected_quotes_and_deleted_turns(corrected) -> None:
    lib, tid = corrected
    lib.add_passage(tid, 1, 2, ["Izium"], note="where?")
    gone = lib.add_passage(tid, 3, 3, ["belt"], note="which unit?")
    lib.delete_turn(tid, 3)
    passages = lib.passages(transcript_id=tid)
    out = io.StringIO()
    export_passages(lib, passages, "json", out)
    records = {r["id"]: r for r in json.loads(out.getvalue())["passages"]}
    quoted = next(r for r in records.values() if r["id"] != gone.id)
    assert [q["corrected"] for q in quoted["quote"]] == [True, False]
    assert f"Soldier [0:00]: {FIXED} {CORRECTED_MARK}" in quoted["quote_text"]
    deleted = records[gone.id]
    assert deleted["turns_deleted"] is True and deleted["note"] == "which unit?"
    assert deleted["quote"] == [] and TURNS_DELETED in deleted["quote_text"]
    md = io.StringIO()
    export_passages(lib, passages, "md", md)
    assert "which unit?" in md.getvalue() and "were deleted in a correction" in md.getvalue()
    transcript_md = export(lib, tid, "md")
    assert "its turns were deleted in a correction" in transcript_md
