"""Dash dialogue: alternating speakers, headlines, continuations, KOI8-R hyphens, bullets."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import detect, parse_path
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.dash import dash_score, parse_dash_text
from intercept_viewer.core.importers.labelled import labelled_score

TEXT = Path(__file__).parents[2] / "fixtures" / "importers" / "text"


def test_russian_dash_file_with_headline_intro_and_continuation() -> None:
    pf = parse_path(TEXT / "ru_dash.txt")
    assert pf.format == "dash"
    p = pf.parsed
    assert p.meta.title == "Перехват ГУР: «Нас бросили»"
    assert p.meta.description == "Разговор российского военного с женой, опубликованный разведкой."
    assert [(s.label, s.name) for s in p.speakers] == [("A", "Speaker A"), ("B", "Speaker B")]
    assert [u.speaker for u in p.utterances] == ["A", "B", "A", "B", "A"]
    assert p.utterances[2].text == (
        "Под Кременной. Тут вообще ничего не понятно. Командиры сами не знают, куда нас."
    )
    assert p.utterances[0].line == 5
    assert p.meta.language == "ru"


def test_koi8r_file_with_hyphens() -> None:
    pf = parse_path(TEXT / "ru_dash_hyphen_koi8r.txt")
    assert pf.format == "dash"
    assert [u.text for u in pf.parsed.utterances] == [
        "Алло?",
        "Да, мам, слышу.",
        "Ты покушал?",
        "Покушал. Всё нормально.",
    ]


@pytest.mark.parametrize("dash", ["—", "–", "-", "--"])
def test_every_dash(dash: str) -> None:
    text = f"{dash} Алло?\n{dash} Слышу.\n{dash} Ну как ты?\n"
    assert dash_score(text) >= 0.8
    assert [u.speaker for u in parse_dash_text(text).utterances] == ["A", "B", "A"]


def test_em_dash_without_space_and_timestamps_either_side() -> None:
    p = parse_dash_text("[00:01] — Алло?\n—[00:03] Да.\n—Ну?\n")
    assert [(u.start_ms, u.end_ms, u.text) for u in p.utterances] == [
        (1000, 3000, "Алло?"),
        (3000, None, "Да."),
        (None, None, "Ну?"),
    ]


def test_ukrainian_release_with_closing_paragraph() -> None:
    text = (
        "Перехоплення СБУ\n\n— Алло, мам?\n— Синку, де ти?\n— Під Бахмутом.\n\n"
        "Нагадаємо, СБУ раніше оприлюднювала інші розмови.\n"
    )
    p = parse_dash_text(text)
    assert p.meta.title == "Перехоплення СБУ"
    assert p.meta.description == "Нагадаємо, СБУ раніше оприлюднювала інші розмови."
    assert p.utterances[-1].text == "Під Бахмутом."
    assert p.meta.language == "uk"


def test_markdown_bullets_are_not_confident_dialogue() -> None:
    text = (TEXT / "markdown_bullets.md").read_text(encoding="utf-8")
    assert dash_score(text) <= 0.3
    assert dash_score("— Алло?\n— Да.\n— Ты где?\n") > 0.8


def test_bulleted_labels_belong_to_the_labelled_importer() -> None:
    text = "- Soldier: hi\n- Mother: hello\n- Soldier: bye\n"
    assert labelled_score(text) > dash_score(text)
    assert detect(SourceFile(name="c.txt", data=text.encode())).name == "labelled"


def test_no_dash_lines_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed, match="starting with a dash") as info:
        parse_dash_text("Headline\n\nJust prose here.\n")
    assert info.value.line == 1
