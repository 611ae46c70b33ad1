"""Import feedback in the window's words (issue 21): duplicates, errors, Import as…"""

from __future__ import annotations

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.ui.main_window import import_summary
from intercept_viewer.ui.widgets.import_messages import FORMAT_LABELS, window_message
from intercept_viewer.ui.widgets.prompts import Prompts

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CALL = "Soldier: Mum, we are near Kupyansk.\nMother: Are you safe?\nSoldier: Yes.\n"


@pytest.mark.parametrize(
    "imported, known, failed, expected",
    [
        (1, 0, 0, "Imported 1 file"),
        (1, 1, 0, "Already in the library — shown"),
        (3, 1, 0, "Imported 2 files; 1 was already in the library"),
        (2, 2, 0, "All 2 were already in the library"),
        (0, 0, 2, "Imported 0 files; 2 failed"),
        (1, 1, 1, "Already in the library — shown; 1 failed"),
    ],
)
def test_import_summary(imported: int, known: int, failed: int, expected: str) -> None:
    assert import_summary(imported, known, failed) == expected


@pytest.mark.parametrize(
    "message, said, detail_starts",
    [
        (
            "can't tell what kind of transcript this is (expected labelled dialogue, dash "
            "dialogue, subtitles, ELAN, JSON, DOCX or an article); try --format",
            "Can't tell what kind of transcript this is (expected labelled dialogue, dash "
            "dialogue, subtitles, ELAN, JSON, DOCX or an article). If you know what it is, "
            "choose Import as… and pick the format.",
            "",
        ),
        (
            "valid JSON, but not a transcript shape I know; expected this app's export "
            '({"intercept_viewer": 1, ...}), Whisper / OpenAI verbose_json and WhisperX '
            '({"segments": [...]}), or a list of segments',
            "Valid JSON, but not a transcript shape I know.",
            "Expected this app's export",
        ),
        ("no utterances found (read as json)", "No utterances found (read as json).", ""),
    ],
)
def test_errors_in_the_windows_words(message: str, said: str, detail_starts: str) -> None:
    text, detail = window_message(ImportFailed(message, file="x.json", line=3))
    assert text == said
    assert "--format" not in text
    assert detail.startswith(detail_starts)


def test_opening_a_known_file_says_it_is_shown(make_window, library, tmp_path) -> None:
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    w = make_window(library)
    [first] = w.open_paths([path])
    assert w.statusBar().currentMessage() == "Imported 1 file"
    w.show_transcript(None)
    assert w.open_paths([path]) == [first]
    assert w.statusBar().currentMessage() == "Already in the library — shown"
    assert w.current_transcript_id() == first


def test_import_as_retries_the_failed_files_with_the_chosen_format(
    make_window, library, tmp_path, monkeypatch
) -> None:
    # prose with a speaker-free look: detection gives up, the user knows it is dash dialogue
    odd = tmp_path / "call.notes"
    odd.write_text("— Алло, мам?\n— Да, сынок.\n— Мы под Купянском.\n", encoding="utf-8")
    w = make_window(library)
    asked: list[list[str]] = []

    def show(cls, parent, failures):  # type: ignore[no-untyped-def]
        asked.append([f.file for f in failures])
        return "dash" if len(asked) == 1 else None

    monkeypatch.setattr(Prompts, "show_import_errors", classmethod(show))
    w.open_paths([odd], format="labelled")  # the wrong guess fails…
    assert asked == [[str(odd)]]
    # …and "Import as… dash" imported it
    t = w.current_transcript()
    assert t is not None and t.format == "dash"
    assert library.utterance_count(t.id) == 3


def test_every_format_has_a_label() -> None:
    from intercept_viewer.core.importers.names import FORMAT_NAMES

    assert set(FORMAT_LABELS) == set(FORMAT_NAMES)
