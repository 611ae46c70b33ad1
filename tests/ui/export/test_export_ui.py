"""File ▸ Export from the window: the path/format choice, the worker thread, the message
saying where the file went, and the [UNVERIFIED] flag in what was written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from intercept_viewer.ui.export.export_dialog import (
    PASSAGE_FILTERS,
    TRANSCRIPT_FILTERS,
    ExportDialogs,
    resolve_choice,
    safe_file_stem,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    messages: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        ExportDialogs,
        "show_written",
        classmethod(lambda cls, parent, text, error: messages.append((text, error))),
    )
    return messages


def choose(monkeypatch: pytest.MonkeyPatch, path: Path, fmt: str) -> None:
    monkeypatch.setattr(ExportDialogs, "ask_path", classmethod(lambda cls, *a: (str(path), fmt)))


@pytest.fixture
def window(make_window, library, parsed_factory):  # type: ignore[no-untyped-def]
    tid = library.add(parsed_factory(title="Call about Kupyansk")).id
    library.add_passage(tid, 1, 2, ["Купянск"], note="where exactly?")
    w = make_window(library)
    w.show_transcript(tid)
    return w


def test_export_transcript_in_worker_writes_flagged_file(
    window, monkeypatch, qtbot, shown, tmp_path
):
    dest = tmp_path / "out" / "call.txt"
    dest.parent.mkdir()
    choose(monkeypatch, dest, "txt")
    exporter = window.exporter
    with qtbot.waitSignal(exporter.finished, timeout=10_000) as sig:
        assert exporter.export_transcript()
    assert sig.args == [str(dest), ""]
    text = dest.read_text(encoding="utf-8")
    assert "[UNVERIFIED]" in text and "Hello, mum." in text
    ((message, error),) = shown
    assert not error and str(dest) in message
    assert str(dest) in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: exporter.handle is None)


def test_export_passages_uses_queue_filter(window, monkeypatch, qtbot, shown, tmp_path):
    lib = window.library
    tid = window.current_transcript_id()
    lib.add_passage(tid, 3, 3, ["other"])
    window.tagging.panel.set_filter(tag="Купянск")
    dest = tmp_path / "passages.csv"
    choose(monkeypatch, dest, "csv")
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000):
        window.exporter.export_passages_action.trigger()
    with dest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and rows[0]["tags"].startswith("Купянск")
    assert all(line.startswith("[UNVERIFIED]") for line in rows[0]["quote"].splitlines())
    assert shown and not shown[0][1]


def test_export_in_memory_library_and_failure_is_reported(
    make_window, memory_library, parsed_factory, monkeypatch, shown, tmp_path
):
    tid = memory_library.add(parsed_factory()).id
    w = make_window(memory_library)
    w.show_transcript(tid)
    choose(monkeypatch, tmp_path / "t.json", "json")
    assert w.exporter.export_transcript()
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert "unverified" in json.dumps(data)
    choose(monkeypatch, tmp_path / "missing-dir" / "t.txt", "txt")
    w.exporter.export_transcript()
    assert shown[-1][1] is True and "failed" in shown[-1][0]
    assert not (tmp_path / "missing-dir").exists()


def test_format_from_filter_or_ending():
    assert resolve_choice("/x/a", TRANSCRIPT_FILTERS["vtt"], TRANSCRIPT_FILTERS) == (
        "/x/a.vtt",
        "vtt",
    )
    assert resolve_choice("/x/a.MD", TRANSCRIPT_FILTERS["txt"], TRANSCRIPT_FILTERS) == (
        "/x/a.MD",
        "md",
    )
    assert resolve_choice("/x/q", PASSAGE_FILTERS["json"], PASSAGE_FILTERS) == ("/x/q.json", "json")
    # two CSV flavours share the ending: the chosen filter decides, else plain CSV
    excel = PASSAGE_FILTERS["csv-excel"]
    assert resolve_choice("/x/q.csv", excel, PASSAGE_FILTERS) == ("/x/q.csv", "csv-excel")
    assert resolve_choice("/x/q", excel, PASSAGE_FILTERS) == ("/x/q.csv", "csv-excel")
    assert resolve_choice("/x/q.csv", PASSAGE_FILTERS["md"], PASSAGE_FILTERS) == ("/x/q.csv", "csv")
    assert safe_file_stem("Дзвінок: 1/2 <b>") == "Дзвінок_ 1_2 _b"


def test_save_dialogs_start_in_the_last_export_folder(window, monkeypatch, qtbot, tmp_path):
    from PySide6.QtCore import QStandardPaths

    from intercept_viewer.ui.export.export_dialog import K_EXPORT_FOLDER, export_folder

    asked: list[str] = []
    dest = tmp_path / "findings" / "call.md"
    dest.parent.mkdir()

    def ask(cls, parent, title, default, filters):  # type: ignore[no-untyped-def]
        asked.append(default)
        return str(dest), "md"

    monkeypatch.setattr(ExportDialogs, "ask_path", classmethod(ask))
    monkeypatch.setattr(ExportDialogs, "show_written", classmethod(lambda *a: None))
    settings = window.settings
    # first export: Documents (never the process's current folder)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    first = export_folder(settings)
    assert first == (Path(documents) if Path(documents).is_dir() else Path.home())
    exporter = window.exporter
    with qtbot.waitSignal(exporter.finished, timeout=10_000):
        exporter.export_transcript()
    assert Path(asked[0]).parent == first and asked[0].endswith(".txt")
    assert settings.value(K_EXPORT_FOLDER) == str(dest.parent)
    qtbot.waitUntil(lambda: exporter.handle is None)
    # the next one (passages too) starts where the last one went
    dest = tmp_path / "findings" / "passages.csv"
    with qtbot.waitSignal(exporter.finished, timeout=10_000):
        exporter.export_passages()
    assert asked[1] == str(tmp_path / "findings" / "passages.csv")
    qtbot.waitUntil(lambda: exporter.handle is None)
    # a folder that has gone away falls back to Documents
    settings.setValue(K_EXPORT_FOLDER, str(tmp_path / "gone"))
    assert export_folder(settings) == first


def test_export_transcript_as_imported_leaves_corrections_out(
    window, monkeypatch, qtbot, shown, tmp_path
):
    lib = window.library
    tid = window.current_transcript_id()
    first = lib.utterance(tid, 1).text
    lib.edit_turn_text(tid, 1, "Corrected first line.")
    exporter = window.exporter
    for name, original in (("corrected.txt", False), ("original.txt", True)):
        dest = tmp_path / name
        choose(monkeypatch, dest, "txt")
        with qtbot.waitSignal(exporter.finished, timeout=10_000):
            assert exporter.export_transcript(original=original)
        qtbot.waitUntil(lambda: exporter.handle is None)
    corrected = (tmp_path / "corrected.txt").read_text(encoding="utf-8")
    original = (tmp_path / "original.txt").read_text(encoding="utf-8")
    assert "Corrected first line. [corrected]" in corrected
    assert first in original and "Corrected first line." not in original
    assert exporter.export_original_action in window.file_menu.actions()
