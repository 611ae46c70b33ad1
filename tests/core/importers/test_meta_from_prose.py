"""A release's headline and blurb fill the publisher and verification note the file left empty."""

from __future__ import annotations

from pathlib import Path

from intercept_viewer.core.importers import parse_path


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_publisher_from_an_english_blurb(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "call.txt",
        "Intercepted call: soldier tells wife about looting\n\n"
        "Released by the SBU on 12 March 2024. The recording could not be independently "
        "verified.\n\n"
        "WIFE: So what did you get?\nSOLDIER: A washing machine.\n"
        "WIFE: Are you crazy?\nSOLDIER: Nobody checks anything here.\n",
    )
    meta = parse_path(path).parsed.meta
    assert meta.publisher == "SBU"
    assert meta.verification == "unverified"
    assert meta.verification_note is not None and "independently" in meta.verification_note


def test_publisher_from_a_ukrainian_headline(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "perekhoplennia.txt",
        "ГУР оприлюднило перехоплення: окупант скаржиться матері\n\n"
        "Окупант: Привіт, мамо.\nМати: Синку! Де ти?\nОкупант: Під Бахмутом.\n"
        "Мати: Бережи себе.\n",
    )
    assert parse_path(path).parsed.meta.publisher == "HUR"


def test_front_matter_wins_over_the_prose(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "fm.txt",
        "---\npublisher: Kyiv Post\n---\nSBU intercept\n\nReleased by the SBU.\n\n"
        "A: one\nB: two\nA: three\nB: four\n",
    )
    assert parse_path(path).parsed.meta.publisher == "Kyiv Post"


def test_a_broken_file_with_a_telling_ending_gets_its_importers_error(tmp_path: Path) -> None:
    """A cut .srt is recognised by nothing, but its ending says subtitles: the error names the
    line and what was expected instead of "can't tell what kind of transcript this is"."""
    import pytest

    from intercept_viewer.core.errors import ImportFailed

    path = tmp_path / "cut.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:0", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        parse_path(path)
    assert err.value.line == 2 and "timing" in err.value.message
