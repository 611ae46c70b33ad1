"""DOCX: bold labels, dash paragraphs, tables, core properties, and archives we refuse."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import parse_path, parse_source
from intercept_viewer.core.importers.base import SourceFile

TEXT = Path(__file__).parents[2] / "fixtures" / "importers" / "text"


def test_bold_labels_heading_and_intro() -> None:
    pf = parse_path(TEXT / "bold_labels_ru.docx")
    assert pf.format == "docx"
    p = pf.parsed
    assert p.meta.title == "Перехват: оккупант рассказывает жене о потерях"
    assert p.meta.description and p.meta.description.startswith("Главное управление разведки")
    assert [s.label for s in p.speakers] == ["Оккупант", "Жена"]
    assert [u.speaker for u in p.utterances] == ["Оккупант", "Жена", "Оккупант", "Жена", "Оккупант"]
    # a paragraph without a label continues the turn above it
    assert p.utterances[2].text == (
        "Нас перекинули. Связи нет вообще.\nИз сорока человек осталось семнадцать."
    )
    assert p.utterances[0].line == 3  # paragraphs are counted, not internal lines
    assert p.meta.extra == {"document author": "Translator desk", "document created": "2024-02-11"}


def test_dash_paragraphs_and_core_title_not_overriding_the_headline() -> None:
    p = parse_path(TEXT / "dash_uk.docx").parsed
    assert p.meta.title == "Перехоплення СБУ: «Нас тут кинули»"
    assert [u.speaker for u in p.utterances] == ["A", "B", "A", "B"]
    assert p.meta.language == "uk"
    assert p.meta.extra == {}  # python-docx's template author is not the user's metadata


def test_table_rows_become_timed_turns() -> None:
    p = parse_path(TEXT / "table_en.docx").parsed
    assert [(u.speaker, u.start_ms) for u in p.utterances] == [
        ("Soldier", 3000),
        ("Father", 6000),
        ("Soldier", 10000),
        ("Father", 15000),
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (_zip({"word/document.xml": b"\0" * (8 * 1024 * 1024)}), "zip bomb"),
        (_zip({f"word/m{i}.xml": b"" for i in range(2100)}), "parts"),
        (_zip({"hello.txt": b"hi"}), "not a Word document"),
        (b"PK\x03\x04 this is not really a zip", "not a DOCX"),
        (_zip({"word/document.xml": b"<w:document", "[Content_Types].xml": b"<x"}), "DOCX|Word"),
    ],
    ids=["bomb", "many-members", "not-word", "truncated", "damaged-xml"],
)
def test_refused_archives(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailed, match=message) as info:
        parse_source(SourceFile(name="call.docx", data=data))
    assert str(info.value).startswith("call.docx: ")


def test_docx_without_dialogue_names_the_paragraph(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("A headline")
    d.add_paragraph("Some prose and nothing else, which is not a transcript at all.")
    path = tmp_path / "prose.docx"
    d.save(str(path))
    with pytest.raises(ImportFailed, match="counting paragraphs") as info:
        parse_path(path)
    assert info.value.line == 1
