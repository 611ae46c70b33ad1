"""The main window end to end: opening files, the library list, the view, edits, undo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QLabel

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.library import Library
from intercept_viewer.ui.app import build_window
from intercept_viewer.ui.main_window import MainWindow, citation, file_filters
from intercept_viewer.ui.transcript.source_panel import safe_web_url
from intercept_viewer.ui.widgets.prompts import DELETE_TRANSCRIPTS, DELETE_WITH_PASSAGES, Prompts
from intercept_viewer.ui.widgets.roles import UtteranceRole

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

FIX = Path(__file__).parent.parent / "fixtures" / "ui"


def _set_prompt(monkeypatch: pytest.MonkeyPatch, name: str, answer: object) -> list[tuple]:
    calls: list[tuple] = []

    def ask(cls, *args: object) -> object:  # type: ignore[no-untyped-def]
        calls.append(args[1:])
        return answer

    monkeypatch.setattr(Prompts, name, classmethod(ask))
    return calls


# ------------------------------------------------------------------ opening files


def test_files_from_command_line_are_imported_and_first_shown(qtbot, library, settings):
    files = [str(FIX / "call_ru.txt"), str(FIX / "call_uk.txt")]
    w = build_window(library, files, settings)
    qtbot.addWidget(w)
    t = w.current_transcript()
    assert t is not None and t.file_name == "call_ru.txt"
    assert w.transcript_view.model.rowCount() == 4
    assert w.library_panel.model.rowCount() == 2
    recent = [Path(p).name for p in w.recent_files()]
    assert recent == ["call_uk.txt", "call_ru.txt"]  # most recent first
    assert [Path(a.data()).name for a in w.recent_menu.actions()] == recent


def test_failing_file_reports_file_line_and_reason(qtbot, library, settings, no_dialogs):
    w = build_window(library, [str(FIX / "garbage.txt"), str(FIX / "call_uk.txt")], settings)
    qtbot.addWidget(w)
    assert w.current_transcript().file_name == "call_uk.txt"
    ((kind, failures),) = no_dialogs
    assert kind == "import"
    assert len(failures) == 1 and isinstance(failures[0], ImportFailed)
    assert failures[0].file.endswith("garbage.txt")
    assert "binary" in failures[0].message or "text" in failures[0].message


def test_drop_files_imports_them(qtbot, make_window, library):
    w = make_window(library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FIX / "call_uk.txt"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    assert w.current_transcript().file_name == "call_uk.txt"
    assert [t.title for t in library.transcripts()] == ["call uk"]


def test_folder_import_in_worker_lists_failures(qtbot, make_window, library, tmp_path, no_dialogs):
    folder = tmp_path / "calls"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(FIX / "call_ru.txt", folder / "a.txt")
    shutil.copy(FIX / "call_uk.txt", folder / "sub" / "b.txt")
    shutil.copy(FIX / "garbage.txt", folder / "sub" / "broken.txt")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not a transcript")
    w = make_window(library)
    assert w.open_paths([folder]) == []
    assert w.import_task is not None
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as blocker:
        pass
    assert w.import_task is None
    results, failures = blocker.args
    assert sorted(Path(p).name for p, _ in results) == ["a.txt", "b.txt"]
    assert [Path(f.file).name for f in failures] == ["broken.txt"]
    qtbot.waitUntil(lambda: w.library_panel.model.rowCount() == 2)
    assert no_dialogs and no_dialogs[-1][0] == "import"
    assert w.current_transcript() is not None


def test_file_filters_have_one_per_format():
    filters = file_filters().split(";;")
    assert filters[0].startswith("All transcripts (") and "*.srt" in filters[0]
    assert any("*.eaf" in f for f in filters[1:])
    assert filters[-1] == "All files (*)"


# ------------------------------------------------------------------ library and view


def test_selecting_a_transcript_fills_view_strip_and_source(
    qtbot, make_window, library, parsed_factory
):
    library.add(parsed_factory(title="First", publisher="HUR", released_on="2024-01-02"))
    second = library.add(
        parsed_factory(title="Второй звонок", publisher="SBU", released_on="2024-03-04", times=True)
    ).id
    w = make_window(library)
    w.show()
    qtbot.waitExposed(w)
    assert w.library_panel.model.rowCount() == 2
    table, proxy = w.library_panel.table, w.library_panel.proxy
    # newest release first
    assert proxy.index(0, 0).data() == "Второй звонок"
    with qtbot.waitSignal(w.current_transcript_changed) as sig:
        table.selectRow(0)
    assert sig.args == [second]
    view = w.transcript_view
    assert view.title_label.text() == "Второй звонок"
    assert "SBU" in view.meta_label.text() and "2024-03-04" in view.meta_label.text()
    assert view.model.rowCount() == 3
    qtbot.waitUntil(lambda: view.strip.turn_count() == 3)
    assert view.strip.by_time
    assert w.source_panel.edits["title"].text() == "Второй звонок"
    assert w.source_panel.edits["publisher"].text() == "SBU"
    assert w.source_panel.info["format"].text() == "labelled"
    assert w.speakers_panel.model.rowCount() == 2
    # the filter box narrows the list
    w.library_panel.filter_edit.setText("hur")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "First"


def test_flag_shows_until_verified(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory(verification_note="One anonymous source")).id
    w = make_window(library)
    w.show_transcript(tid)
    flag = w.transcript_view.flag
    assert not flag.isHidden()
    assert "UNVERIFIED" in flag.text()
    assert "One anonymous source" in flag.toolTip()
    w.edit_field("verification", "disputed")
    assert "DISPUTED" in flag.text() and not flag.isHidden()
    w.edit_field("verification", "verified")
    assert flag.isHidden()
    assert library.transcript(tid).verification == "verified"
    w.undo_stack.undo()
    assert not flag.isHidden() and "DISPUTED" in flag.text()


def test_article_marker(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory(origin="article")).id
    w = make_window(library)
    w.show_transcript(tid)
    assert not w.transcript_view.article_band.isHidden()
    assert "news article" in w.transcript_view.article_band.text()


def test_html_is_shown_literally(qtbot, make_window, library, parsed_factory):
    title = "<b>Call</b> <img src=x>"
    tid = library.add(parsed_factory([("<i>A</i>", "<b>hi</b> <img src=x>")], title=title)).id
    w = make_window(library)
    w.show_transcript(tid)
    view = w.transcript_view
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert view.title_label.text() == title
    assert view.model.index(0, 0).data() == "<b>hi</b> <img src=x>"
    # the strip's tooltip escapes the text
    from intercept_viewer.ui.transcript.turn_strip import tooltip_html

    assert "&lt;b&gt;" in tooltip_html("<b>hi</b>") and "<b>" not in tooltip_html("<b>hi</b>")
    # the library tooltip too
    assert "<img" not in (w.library_panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole))


def test_copy_gives_speaker_lines_and_citation(qtbot, make_window, library, parsed_factory):
    tid = library.add(
        parsed_factory(
            publisher="HUR", released_on="2024-02-01", source_url="https://example.org/x"
        )
    ).id
    w = make_window(library)
    w.show_transcript(tid)
    view = w.list_view
    sm = view.selectionModel()
    sm.select(view.model().index(0, 0), sm.SelectionFlag.Select)
    sm.select(view.model().index(1, 0), sm.SelectionFlag.Select)
    text = w.copy_selection()
    lines = text.splitlines()
    assert lines[0] == "[UNVERIFIED] Soldier: Hello, mum. We are near Kupyansk."
    assert lines[1] == "[UNVERIFIED] Mother: Are you safe there?"
    assert "HUR" in lines[-1] and "2024-02-01" in lines[-1] and "https://example.org/x" in lines[-1]
    assert "UNVERIFIED" in lines[-1]
    assert QGuiApplication.clipboard().text() == text


def test_alt_arrows_jump_between_speaker_turns(qtbot, make_window, library, parsed_factory):
    lines = [("A", "1"), ("A", "2"), ("B", "3"), ("B", "4"), ("A", "5")]
    tid = library.add(parsed_factory(lines)).id
    w = make_window(library)
    w.show_transcript(tid)
    # the turns come with the strip's outline, from its worker thread
    qtbot.waitUntil(lambda: w.transcript_view.strip.turn_count() == 5)
    view = w.list_view
    view.go_to_row(0)
    w.next_turn_action.trigger()
    assert view.currentIndex().row() == 2
    w.next_turn_action.trigger()
    assert view.currentIndex().row() == 4
    w.prev_turn_action.trigger()
    assert view.currentIndex().row() == 2
    w.prev_turn_action.trigger()
    assert view.currentIndex().row() == 0
    assert w.next_turn_action.shortcut().toString() == "Alt+Down"


def test_strip_click_jumps_to_the_turn(qtbot, make_window, library, parsed_factory):
    lines = [("A" if i % 2 else "B", f"line {i}") for i in range(40)]
    tid = library.add(parsed_factory(lines)).id
    w = make_window(library)
    w.show()
    qtbot.waitExposed(w)
    w.show_transcript(tid)
    strip = w.transcript_view.strip
    qtbot.waitUntil(lambda: strip.turn_count() == 40)
    point = strip.point_for_seq(31)
    assert strip.seq_at(point) == 31
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=point)
    assert w.list_view.currentIndex().row() == 30


# ------------------------------------------------------------------ edits and undo


def test_metadata_edit_persists_after_reopening(
    qtbot, make_window, library, parsed_factory, settings
):
    tid = library.add(parsed_factory()).id
    path = library.path
    w = make_window(library)
    w.show_transcript(tid)
    panel = w.source_panel
    edit = panel.edits["publisher"]
    edit.setText("Головне управління розвідки")
    edit.editingFinished.emit()
    panel.edits["description"].setPlainText("Released on Telegram")
    panel.commit_pending()
    assert w.library_panel.model.index(0, 1).data() == "Головне управління розвідки"
    qtbot.waitUntil(lambda: w.transcript_view.strip.turn_count() == 3)
    library.close()
    with Library(path) as again:
        t = again.transcript(tid)
        assert t.publisher == "Головне управління розвідки"
        assert t.description == "Released on Telegram"
        w2 = MainWindow(again, settings)
        qtbot.addWidget(w2)
        w2.restore_last_transcript()
        assert w2.current_transcript().id == tid
        assert w2.source_panel.edits["publisher"].text() == "Головне управління розвідки"
        qtbot.waitUntil(lambda: w2.transcript_view.strip.turn_count() == 3)


def test_undo_redo_metadata(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory(title="Old")).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("title", "New")
    assert w.transcript_view.title_label.text() == "New"
    w.undo_action.trigger()
    assert library.transcript(tid).title == "Old"
    assert w.source_panel.edits["title"].text() == "Old"
    w.redo_action.trigger()
    assert library.transcript(tid).title == "New"
    assert w.undo_action.shortcut().toString() == "Ctrl+Z"
    assert w.redo_action.shortcut().toString() == "Ctrl+Shift+Z"


def test_empty_title_is_refused_with_a_message(
    qtbot, make_window, library, parsed_factory, no_dialogs
):
    tid = library.add(parsed_factory(title="Keep")).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("title", None)
    assert library.transcript(tid).title == "Keep"
    assert no_dialogs[-1][0] == "error"
    assert w.undo_stack.count() == 0


def test_rename_recolor_and_merge_speakers_with_undo(
    qtbot, make_window, library, parsed_factory, monkeypatch
):
    tid = library.add(parsed_factory([("S1", "a"), ("S2", "b"), ("S1", "c"), ("S3", "d")])).id
    w = make_window(library)
    w.show_transcript(tid)
    panel = w.speakers_panel
    model = w.transcript_view.model
    panel.select_rows([0])
    _set_prompt(monkeypatch, "ask_text", "Soldier")
    panel.rename_selected()
    assert [s.name for s in library.speakers(tid)] == ["Soldier", "S2", "S3"]
    assert library.speakers(tid)[0].label == "S1"
    assert model.index(0, 0).data(UtteranceRole.SpeakerName) == "Soldier"
    panel.select_rows([0])
    _set_prompt(monkeypatch, "ask_color", "#123456")
    panel.recolor_selected()
    assert library.speakers(tid)[0].color == "#123456"
    panel.select_rows([1, 2])
    _set_prompt(monkeypatch, "choose", 0)  # keep S2, merge S3 into it
    panel.merge_selected()
    speakers = library.speakers(tid)
    assert [s.name for s in speakers] == ["Soldier", "S2"]
    assert model.index(3, 0).data(UtteranceRole.SpeakerName) == "S2"
    assert [s.utterance_count for s in speakers] == [2, 2]
    w.undo_stack.undo()  # merge
    assert [s.name for s in library.speakers(tid)] == ["Soldier", "S2", "S3"]
    assert model.index(3, 0).data(UtteranceRole.SpeakerName) == "S3"
    w.undo_stack.undo()  # colour
    w.undo_stack.undo()  # rename
    assert [s.name for s in library.speakers(tid)] == ["S1", "S2", "S3"]
    assert panel.model.index(0, 0).data() == "S1"
    w.undo_stack.redo()
    assert library.speakers(tid)[0].name == "Soldier"


def test_delete_asks_and_keeps_passages_unless_chosen(
    qtbot, make_window, library, parsed_factory, monkeypatch
):
    a = library.add(parsed_factory(title="A")).id
    b = library.add(parsed_factory(title="B")).id
    library.add_passage(b, 1, 2, ["claim"])
    w = make_window(library)
    w.show_transcript(a)
    calls = _set_prompt(monkeypatch, "confirm_delete", None)
    assert not w.delete_transcripts([a, b])
    assert calls == [(2, 1)]
    assert library.transcript_count() == 2
    _set_prompt(monkeypatch, "confirm_delete", DELETE_TRANSCRIPTS)
    assert w.delete_transcripts([a])
    assert [t.title for t in library.transcripts()] == ["B"]
    assert w.current_transcript().id == b
    _set_prompt(monkeypatch, "confirm_delete", DELETE_WITH_PASSAGES)
    assert w.delete_transcripts([b])
    assert library.transcript_count() == 0 and library.passages() == []
    assert w.current_transcript() is None


def test_urls_open_only_http_after_confirmation(qtbot, make_window, library, monkeypatch):
    assert safe_web_url("javascript:alert(1)") is None
    assert safe_web_url("file:///etc/passwd") is None
    assert safe_web_url("https://t.me/s/DIUkraine/123") is not None
    opened: list[QUrl] = []
    monkeypatch.setattr(
        "intercept_viewer.ui.main_window.QDesktopServices.openUrl",
        lambda url: opened.append(url) or True,
    )
    w = make_window(library)
    calls = _set_prompt(monkeypatch, "confirm_open_url", False)
    assert not w.open_url("https://example.org/a?b=c")
    assert calls == [("https://example.org/a?b=c",)] and opened == []
    _set_prompt(monkeypatch, "confirm_open_url", True)
    assert w.open_url("https://example.org/a")
    assert w.open_url("file:///etc/passwd") is False
    assert [u.toString() for u in opened] == ["https://example.org/a"]


def test_state_and_menus(qtbot, make_window, library, parsed_factory, settings):
    tid = library.add(parsed_factory()).id
    w = make_window(library)
    w.show_transcript(tid)
    w.save_state()
    assert settings.value("window/geometry") is not None
    assert int(settings.value("library/last_transcript")) == tid
    texts = {
        a.text(): a.shortcut().toString()
        for m in (w.file_menu, w.edit_menu, w.go_menu)
        for a in m.actions()
        if a.text()
    }
    assert texts["&Open…"] == "Ctrl+O"
    assert texts["&Quit"] == "Ctrl+Q"
    assert texts["&Find…"] == "Ctrl+F"
    assert texts["&Copy with citation"] == "Ctrl+C"
    found = []
    w.find_handler = lambda: found.append(True)
    w.find_action.trigger()
    assert found == [True]
    # other engineers add docks through add_dock; they show up in the View menu
    dock = w.add_dock(QLabel("x"), "Search", Qt.DockWidgetArea.BottomDockWidgetArea, "search")
    assert dock.toggleViewAction() in w.view_menu.actions()


def test_citation_mentions_article_origin(library, parsed_factory):
    tid = library.add(parsed_factory(origin="article", publisher="Kyiv Independent")).id
    line = citation(library.transcript(tid))
    assert "news article" in line and "UNVERIFIED" in line


def test_show_utterance_highlights(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory()).id
    w = make_window(library)
    w.show_utterance(tid, 3, highlight=[(0, 2)])
    assert w.list_view.currentIndex().row() == 2
    assert w.transcript_view.model.highlights_for(3) == [(0, 2)]


def test_delegate_paints_without_rich_text(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory([("A", "<b>x</b> " * 40)])).id
    w = make_window(library)
    w.show()
    qtbot.waitExposed(w)
    w.show_transcript(tid)
    w.transcript_view.model.set_highlights({1: [(0, 3)]})
    w.transcript_view.model.set_tag_chips({1: [("claim", "#C0392B")]})
    w.list_view.relayout_now()
    img = w.list_view.viewport().grab()
    assert not img.isNull()
    d = w.list_view.utterance_delegate
    # wrapped: taller than one line, plus a row of tag chips
    assert d.height_for_row(w.transcript_view.model, 0) > 3 * d.line_height()
