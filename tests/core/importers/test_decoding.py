"""Decoding short Russian and Ukrainian files in every encoding people actually send."""

from __future__ import annotations

import codecs
import random

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.decoding import decode_bytes, decode_head

RU = "Мать: Сынок, ты где?\nСолдат: Под Купянском, мам. Тут тяжело.\n"
UK = "Дружина: Ти їв сьогодні?\nОкупант: Їв, не переживай. Тут є ґанок.\n"
RU_SHORT = "Привет, мам.\n"
UK_SHORT = "Де ти є?\n"
RU_CAPS = "СОЛДАТ: ДА\nМАТЬ: НЕТ\n"


@pytest.mark.parametrize("text", [RU, UK, RU_SHORT, UK_SHORT, RU_CAPS])
@pytest.mark.parametrize(
    "encoding", ["utf-8", "cp1251", "koi8-r", "koi8-u", "utf-16-le", "utf-16-be", "mac-cyrillic"]
)
def test_short_cyrillic_files_decode_exactly(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{encoding} has no Ukrainian letters")
    assert decode_bytes(data) == text


@pytest.mark.parametrize(
    "bom, encoding",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_bom_is_honoured_and_dropped(bom: bytes, encoding: str) -> None:
    assert decode_bytes(bom + UK.encode(encoding)) == UK


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "utf-16-le"])
def test_newlines_become_lf(newline: str, encoding: str) -> None:
    data = RU.replace("\n", newline).encode(encoding)
    assert decode_bytes(data) == RU


def test_koi8r_read_as_cp1251_would_be_all_caps_so_koi8_wins() -> None:
    # the classic failure: KOI8-R lower case sits where cp1251 has upper case
    data = "привет, как дела\n".encode("koi8-r")
    assert data.decode("cp1251") != "привет, как дела\n"
    assert decode_bytes(data) == "привет, как дела\n"


def test_western_text_is_not_read_as_cyrillic() -> None:
    assert decode_bytes("Müller sagt: Straße\n".encode("cp1252")) == "Müller sagt: Straße\n"


def test_nuls_and_lone_surrogates_are_removed() -> None:
    assert decode_bytes(b"Soldier: hi\x00 there\n") == "Soldier: hi there\n"
    lone = b"\x00\xd8" + "ok".encode("utf-16-le")  # a high surrogate with nothing after it
    assert "\ud800" not in decode_bytes(codecs.BOM_UTF16_LE + lone)


@pytest.mark.parametrize(
    "data",
    [
        random.Random(4).randbytes(4000),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        b"\x01\x02\x03\x04\x05\x06\x07\x08hello\x0e\x0f\x10\x11\x12\x13",
    ],
    ids=["random", "png", "control-chars"],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFailed, match="not a text file"):
        decode_bytes(data)


def test_head_cut_inside_a_utf8_character_still_decodes() -> None:
    data = ("Мать: привет\n" * 1000).encode("utf-8")
    head = decode_head(data, size=8191)  # 8191 is odd: the cut falls inside a letter
    assert head.startswith("Мать: привет")
    assert "\ufffd" not in head


def test_head_of_binary_never_raises() -> None:
    assert isinstance(decode_head(bytes(range(256)) * 10), str)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16-le"])
def test_long_file_is_decided_on_a_sample_and_decoded_whole(encoding: str) -> None:
    text = "".join(f"Оккупант: строка номер {i}, всё тихо.\nМать: ясно.\n" for i in range(3000))
    data = text.encode(encoding)
    assert len(data) > 128 * 1024
    assert decode_bytes(data) == text
