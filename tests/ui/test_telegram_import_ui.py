"""File ▸ Import Telegram export…: usernames asked once per channel, the worker's progress,
the summary with reasons, Cancel, and the library panel showing the new transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.telegram.store import channel_username
from intercept_viewer.ui.library.telegram_import import TelegramPrompts, summary_text

TG = Path(__file__).parents[1] / "fixtures" / "telegram"


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    seen: dict[str, list] = {"asked": [], "summaries": []}

    def ask(cls, parent, channel):  # type: ignore[no-untyped-def]
        seen["asked"].append(channel)
        return "@sbu_intercepts"

    monkeypatch.setattr(TelegramPrompts, "ask_username", classmethod(ask))
    monkeypatch.setattr(
        TelegramPrompts,
        "show_summary",
        classmethod(lambda cls, parent, report: seen["summaries"].append(report)),
    )
    return seen


def test_menu_has_the_action(qtbot, make_window, library) -> None:
    w = make_window(library)
    texts = [a.text() for a in w.file_menu.actions()]
    assert texts.index("Import &Telegram export…") == texts.index("Import &folder…") + 1


def test_import_in_worker_with_progress_and_summary(
    qtbot, make_window, library, prompts, monkeypatch
) -> None:
    w = make_window(library)
    monkeypatch.setattr(
        TelegramPrompts, "choose_export", classmethod(lambda cls, parent: str(TG / "channel_ru"))
    )
    steps: list[tuple[int, int]] = []
    w.telegram_importer.action.trigger()
    handle = w.telegram_importer.task
    assert handle is not None
    handle.progress.connect(lambda value: steps.append((value[0].done, value[0].total)))
    with qtbot.waitSignal(handle.finished, timeout=30_000):
        pass
    assert prompts["asked"] == ["СБУ | Перехоплення"]
    report = prompts["summaries"][-1]
    assert len(report.imported) == 6 and len(report.skipped) == 5
    assert steps and max(steps) == (11, 11)  # a modal setValue may nest deliveries
    qtbot.waitUntil(lambda: w.library_panel.model.rowCount() == 6)
    assert w.current_transcript_id() == report.imported[0].transcript_id
    assert channel_username(library, "1234567890") == "sbu_intercepts"
    text = summary_text(report)
    assert "6 transcripts, 5 skipped" in text and "× no call in the text" in text

    # a second run asks nothing (the username is remembered) and adds nothing
    handle = w.telegram_importer.start(TG / "channel_ru" / "result.json")
    with qtbot.waitSignal(handle.finished, timeout=30_000):
        pass
    assert prompts["asked"] == ["СБУ | Перехоплення"]
    assert prompts["summaries"][-1].imported == []
    assert library.transcript_count() == 6


def test_cancel_stops_between_posts(qtbot, make_window, library, prompts, monkeypatch) -> None:
    import threading

    from intercept_viewer.core.telegram.importer import TelegramImport

    # The worker waits after its 4th post until the window has asked to cancel, so the test
    # doesn't race it (a fast machine used to finish all six posts before the cancel came).
    asked = threading.Event()
    real_run = TelegramImport.run

    def run(self):  # type: ignore[no-untyped-def]
        for step in real_run(self):
            yield step
            if step.done >= 4:
                asked.wait(10)

    monkeypatch.setattr(TelegramImport, "run", run)
    w = make_window(library)
    handle = w.telegram_importer.start(TG / "channel_ru")
    assert handle is not None

    def on_progress(value) -> None:  # type: ignore[no-untyped-def]
        if value[0].done >= 4:
            handle.cancel()
            asked.set()

    handle.progress.connect(on_progress)
    with qtbot.waitSignal(handle.finished, timeout=30_000):
        pass
    report = prompts["summaries"][-1]
    assert report.cancelled and "cancelled" in report.summary()
    assert 0 < library.transcript_count() == len(report.imported) < 6


def test_not_an_export_is_said_so(qtbot, make_window, library, tmp_path, no_dialogs) -> None:
    w = make_window(library)
    assert w.telegram_importer.start(tmp_path) is None
    assert no_dialogs[-1][0] == "error" and "not a Telegram Desktop export" in no_dialogs[-1][1]
