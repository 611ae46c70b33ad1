"""The one script and language detector the importers share."""

from __future__ import annotations

import pytest

from intercept_viewer.core.script import guess_language, language_of, script_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мам, тут плохо.", "cyr"),
        ("(Mom, it's bad here.)", "lat"),
        ("Під Kupyansk знову обстріл, мамо", "cyr"),  # a Latin name does not make it mixed
        ("Kupyansk Купянск", None),  # a real mix
        ("Ok", None),  # too few letters
        ("12:30 — …", None),
    ],
)
def test_script_of(text: str, expected: str | None) -> None:
    assert script_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мамо, я живий, тримайся. Їжі вистачає.", "uk"),
        ("Мама, я живой, держись. Еды хватает, объясню потом.", "ru"),
        ("Что там? Надо идти.", "ru"),  # no telling letters: the telling words decide
        ("Що там? Треба йти, кажу.", "uk"),
        ("Mum, we are near the forest belt.", "en"),
        ("?!", None),
    ],
)
def test_guess_language(text: str, expected: str | None) -> None:
    assert guess_language(text) == expected


def test_language_of_falls_back_to_english() -> None:
    assert language_of("…") == "en"
    assert language_of("Привіт, мамо") == "uk"
