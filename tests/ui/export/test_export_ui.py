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
    exporter = window.tagging.exporter
    with qtbot.waitSignal(exporter.finished, timeout=10_000) as sig:
        assert exporter.export_transcript()
    assert sig.args == [str(dest), ""]
    text = dest.read_text(encoding="utf-8")
    assert "[UNVERIFIED]" in text and "Hello, mum." in text
    ((message, error),) = shown
    assert not error and str(dest) in message
    assert str(dest) in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: exporter.worker is None)


def test_export_passages_uses_queue_filter(window, monkeypatch, qtbot, shown, tmp_path):
    lib = window.library
    tid = window.current_transcript_id()
    lib.add_passage(tid, 3, 3, ["other"])
    window.tagging.panel.set_filter(tag="Купянск")
    dest = tmp_path / "passages.csv"
    choose(monkeypatch, dest, "csv")
    with qtbot.waitSignal(window.tagging.exporter.finished, timeout=10_000):
        window.tagging.export_passages_action.trigger()
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
    assert w.tagging.exporter.export_transcript()
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert "unverified" in json.dumps(data)
    choose(monkeypatch, tmp_path / "missing-dir" / "t.txt", "txt")
    w.tagging.exporter.export_transcript()
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
    assert safe_file_stem("Дзвінок: 1/2 <b>") == "Дзвінок_ 1_2 _b"
