"""Front matter and sidecar files: aliases, unknown keys kept, bad sidecars named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.metadata import (
    apply_sidecar,
    normalise_date,
    parse_front_matter,
)
from intercept_viewer.core.model import SourceMeta


def test_front_matter_aliases_and_extra() -> None:
    text = (
        "---\n"
        "Title: A call\n"
        "source: HUR\n"
        "link: https://example.org/x\n"
        "date: 05.03.2024\n"
        "lang: Russian\n"
        "translated-by: Desk\n"
        "status: Verified\n"
        "unit: 3rd battalion\n"
        "---\n"
        "Soldier: hi\n"
    )
    meta, rest, consumed = parse_front_matter(text)
    assert (meta.title, meta.publisher, meta.source_url) == (
        "A call",
        "HUR",
        "https://example.org/x",
    )
    assert (meta.released_on, meta.language, meta.translator) == ("2024-03-05", "ru", "Desk")
    assert meta.verification == "verified"
    assert meta.extra == {"unit": "3rd battalion"}
    assert rest == "Soldier: hi\n"
    assert consumed == 10


def test_cyrillic_keys_and_source_url_by_value() -> None:
    text = "---\nЗаголовок: Перехват\nИсточник: https://t.me/x/1\nМова: українська\n---\nx"
    meta, _rest, _n = parse_front_matter(text)
    assert (meta.title, meta.source_url, meta.language) == ("Перехват", "https://t.me/x/1", "uk")


def test_unknown_verification_word_stays_unverified_and_is_kept() -> None:
    meta, _rest, _n = parse_front_matter("---\nstatus: confirmed by HUR\n---\nx")
    assert meta.verification == "unverified"
    assert meta.extra == {"status": "confirmed by HUR"}


@pytest.mark.parametrize(
    "text",
    [
        "Soldier: hi\n---\nMother: hello\n",  # no fence at the top
        "---\nSoldier: hi\nMother: hello\n",  # never closed
        "---\nthis is just a sentence\n---\n",  # not key: value lines
    ],
)
def test_text_without_a_valid_block_is_untouched(text: str) -> None:
    meta, rest, consumed = parse_front_matter(text)
    assert (rest, consumed) == (text, 0)
    assert meta == SourceMeta()


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2024-03-05", "2024-03-05"),
        ("5.3.2024", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("5 марта 2024", "2024-03-05"),
        ("5 березня 2024 року", "2024-03-05"),
        ("spring 2024", "spring 2024"),
        ("31.02.2024", "31.02.2024"),
    ],
)
def test_dates(raw: str, iso: str) -> None:
    assert normalise_date(raw) == iso


def test_sidecar_overrides_and_keeps_unknown_keys(tmp_path: Path) -> None:
    call = tmp_path / "call.txt"
    call.write_text("x")
    (tmp_path / "call.meta.json").write_text(
        json.dumps({"publisher": "SBU", "date": "2023-11-22", "tags": ["a", "b"]})
    )
    (tmp_path / "call.txt.meta.json").write_text(json.dumps({"publisher": "СБУ"}))
    meta = SourceMeta(publisher="from the file")
    apply_sidecar(meta, call)
    assert meta.publisher == "СБУ"  # NAME.txt.meta.json is the more specific one
    assert meta.released_on == "2023-11-22"
    assert meta.extra == {"tags": "a, b"}


def test_sidecar_bad_verification_stays_unverified(tmp_path: Path) -> None:
    (tmp_path / "c.meta.json").write_text('{"verification": "100% real"}')
    meta = SourceMeta()
    apply_sidecar(meta, tmp_path / "c.txt")
    assert meta.verification == "unverified"
    assert meta.extra["verification"] == "100% real"


def test_malformed_sidecar_names_itself_and_the_line(tmp_path: Path) -> None:
    sidecar = tmp_path / "c.meta.json"
    sidecar.write_text('{\n  "publisher": "HUR",\n  "date": 2024-01-01\n}\n')
    with pytest.raises(ImportFailed) as info:
        apply_sidecar(SourceMeta(), tmp_path / "c.txt")
    assert info.value.file == str(sidecar)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{sidecar}:3: ")


def test_sidecar_that_is_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "c.meta.json").write_text('["HUR"]')
    with pytest.raises(ImportFailed, match="JSON object"):
        apply_sidecar(SourceMeta(), tmp_path / "c.txt")
