"""Untrusted text is shown literally and safely everywhere in the window.

A transcript whose text, speaker names, tag names, notes and metadata carry HTML, a
``javascript:`` URL, a RIGHT-TO-LEFT OVERRIDE and a 10,000-character word is opened, and every
place that shows it is checked: the list model gives the raw text (the delegate never renders
rich text), every QLabel showing data is PlainText, every tooltip is escaped, RTL overrides sit
inside a directional isolate, dialogs are plain text, and the URL is refused.
"""

from __future__ import annotations

import html
import re

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.ui.tags.tag_dialog import TagDialog, TagRequest
from intercept_viewer.ui.widgets.prompts import Prompts
from intercept_viewer.ui.widgets.roles import UtteranceRole
from intercept_viewer.ui.widgets.safe_text import FSI, PDI, isolate, tooltip_html

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

#: The real dialogs, saved before tests/ui/conftest.py replaces them with recorders.
REAL_SHOW_IMPORT_ERRORS = Prompts.__dict__["show_import_errors"]
REAL_CONFIRM_OPEN_URL = Prompts.__dict__["confirm_open_url"]

HTML = '<b>bold</b> <img src=x> <a href="javascript:alert(1)">x</a>'
RLO = "\u202e"
LONG = "Щ" * 10_000
MARKERS = ("<b>", "<img", "<a href", "javascript:")

LINES = [
    (f"Іван {HTML}", f"Слухай {HTML} тут"),
    (f"Мама {RLO}kcab", f"{RLO}ecnetnes desrever then more"),
    ("Солдат", f"before {LONG} after"),
]


@pytest.fixture
def hostile(library, parsed_factory):  # type: ignore[no-untyped-def]
    tid = library.add(
        parsed_factory(
            LINES,
            title=f"Title {HTML} {RLO}drow",
            publisher=f"Publisher {HTML} {RLO}",
            source_url="javascript:alert(document.cookie)",
            verification_note=f"Note {HTML} {RLO}x",
            description=f"Desc {HTML}",
        )
    ).id
    library.add_passage(tid, 1, 2, tags=[f"tag {HTML}", f"{RLO}gat"], note=f"note {HTML} {RLO}")
    return tid


@pytest.fixture
def window(make_window, library, hostile):  # type: ignore[no-untyped-def]
    w = make_window(library)
    w.show()
    w.show_transcript(hostile)
    return w


def from_data(text: str) -> bool:
    return any(m in text for m in MARKERS) or RLO in text or LONG[:100] in text


def assert_isolated(text: str) -> None:
    """Every RLO sits inside an FSI … PDI pair on its own line."""
    for line in text.split("\n"):
        if RLO in line:
            assert FSI in line and PDI in line, repr(line[:80])
            assert line.index(FSI) < line.index(RLO) < line.rindex(PDI), repr(line[:80])


def assert_safe_tooltip(tip: str) -> None:
    """A tooltip is shown as rich text when it looks like HTML: the data must be escaped."""
    if not tip:
        return
    for marker in ("<b>bold", "<img", "<a href"):
        assert marker not in tip, tip[:200]
    if QtGui.Qt.mightBeRichText(tip):
        assert "&lt;b&gt;bold&lt;/b&gt;" in tip or "<b>" not in html.unescape(tip)
    assert_isolated(html.unescape(re.sub(r"<[^>]*>", "", tip)))


def all_model_tooltips(model) -> list[str]:  # type: ignore[no-untyped-def]
    tips = []
    for row in range(model.rowCount(QModelIndex())):
        try:
            cols = model.columnCount(QModelIndex())
        except TypeError:  # a list model's columnCount is private in PySide6
            cols = 1
        for col in range(max(1, cols)):
            tip = model.data(model.index(row, col), Qt.ItemDataRole.ToolTipRole)
            if tip:
                tips.append(tip)
    return tips


# ---------------------------------------------------------------------------- the list


def test_list_model_gives_raw_text_and_the_delegate_stays_bounded(window) -> None:
    model = window.transcript_view.model
    assert model.rowCount() == 3
    utts = [model.data(model.index(r, 0), UtteranceRole.Utterance) for r in range(3)]
    assert [u.text for u in utts] == [text for _who, text in LINES]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole) in (None, LINES[0][1]) or (
        HTML in model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    )
    assert HTML in model.speaker_name(utts[0])
    delegate = window.list_view.utterance_delegate
    one_line = delegate.measure("short", False)
    height = delegate.measure(LINES[2][1], False)
    # wrapped (or clipped), never an unbounded or negative height
    assert one_line <= height < 200 * one_line
    window.list_view.scrollTo(model.index(2, 0))
    window.list_view.viewport().repaint()


# ---------------------------------------------------------------------------- labels


def test_every_label_showing_data_is_plain_text_and_isolated(window, qtbot) -> None:
    window.search_panel.set_scope(1)
    window.search_panel.query_edit.setText("Слухай")
    window.search_panel.search_now()
    qtbot.waitUntil(lambda: window.search_panel.results_model.rowCount() > 0, timeout=5000)
    seen = 0
    widgets = [window, *window.findChildren(QWidget)]
    for label in (w for w in widgets if isinstance(w, QLabel)):
        if not from_data(label.text()):
            continue
        seen += 1
        assert label.textFormat() == Qt.TextFormat.PlainText, (
            label.objectName(),
            label.text()[:80],
        )
        assert_isolated(label.text())
    assert seen >= 2  # the title and the publisher line (at least)
    assert window.transcript_view.title_label.text().count(HTML) == 1


def test_every_tooltip_is_escaped(window, qtbot) -> None:
    window.search_panel.set_scope(1)
    window.search_panel.query_edit.setText("Слухай")
    window.search_panel.search_now()
    qtbot.waitUntil(lambda: window.search_panel.results_model.rowCount() > 0, timeout=5000)
    tips: list[str] = []
    for w in [window, *window.findChildren(QWidget)]:
        tips.append(w.toolTip())
    for action in window.findChildren(type(window.open_action)):
        tips.append(action.toolTip())
    tagging = window.tagging
    models = [
        window.library_panel.model,
        window.speakers_panel.model,
        tagging.panel.tag_model,
        tagging.panel.queue_model,
        window.search_panel.results_model,
    ]
    for model in models:
        tips.extend(all_model_tooltips(model))
    panel = window.search_panel
    panel.set_scope(0)  # this transcript: the speaker filter lists names with their labels
    panel.refill_speakers()
    combo = panel.speaker_combo
    tips.extend(combo.itemData(i, Qt.ItemDataRole.ToolTipRole) or "" for i in range(combo.count()))
    strip = window.transcript_view.strip
    tips.extend(tooltip_html(strip.text_for_seq(seq)) for seq in (1, 2, 3))
    assert sum(1 for t in tips if "&lt;b&gt;bold" in t) >= 6
    for tip in tips:
        assert_safe_tooltip(tip)


def test_tooltip_helper_escapes_and_isolates() -> None:
    tip = tooltip_html(f"a {HTML}\n{RLO}abc\u2069{RLO}def")
    assert "<b>" not in tip and "&lt;b&gt;" in tip
    line = html.unescape(tip.split("\n")[1])
    assert line.startswith(FSI) and line.count(PDI) == 1  # the data's own PDI is dropped
    assert isolate("plain") == "plain"


def test_recent_file_with_html_in_its_name_has_an_escaped_tooltip(window, tmp_path) -> None:
    path = tmp_path / "<b>bold<img src=x>.txt"
    path.write_text("Іван: привіт\nМама: так\n", encoding="utf-8")
    window.add_recent(path)
    tips = [a.toolTip() for a in window.recent_menu.actions()]
    assert tips and all("<b>bold" not in t for t in tips)


# ---------------------------------------------------------------------------- dialogs


def test_import_error_dialog_lists_html_file_names_literally(window, monkeypatch) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(Prompts, "show_import_errors", REAL_SHOW_IMPORT_ERRORS)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    name = f"/tmp/{HTML}.txt"
    Prompts.show_import_errors(window, [ImportFailed(f"bad {HTML}", file=name, line=3)])
    box = boxes[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    # the window capitalises the sentence; the untrusted part is kept literally
    assert name in box.text() and f"Bad {HTML}" in box.text()
    assert HTML in box.detailedText()


def test_tag_dialog_shows_quote_and_note_literally(qtbot) -> None:
    request = TagRequest(quote=f"{HTML} {RLO}x", note=f"note {HTML}", tags=[f"tag {HTML}"])
    dialog = TagDialog(request, [f"tag {HTML}"])
    qtbot.addWidget(dialog)
    assert dialog.quote_edit.toPlainText() == request.quote
    assert dialog.note_edit.toPlainText() == request.note
    for label in dialog.findChildren(QLabel):
        if from_data(label.text()):
            assert label.textFormat() == Qt.TextFormat.PlainText


# ---------------------------------------------------------------------------- URLs


def test_javascript_url_is_never_opened(window, monkeypatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    # the conftest makes confirm_open_url fail the test if it is asked
    for url in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "http://",
    ):
        assert window.open_url(url) is False
    window.source_panel.open_url_requested.emit(window.current_transcript().source_url)
    assert opened == []


def test_web_url_opens_only_after_the_full_address_is_shown(window, monkeypatch) -> None:
    opened: list[object] = []
    shown: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    url = "https://example.org/a%3Cb%3E?q=javascript:alert(1)"

    monkeypatch.setattr(
        Prompts, "confirm_open_url", classmethod(lambda cls, p, u: shown.append(u) or False)
    )
    assert window.open_url(url) is False and opened == []
    monkeypatch.setattr(
        Prompts, "confirm_open_url", classmethod(lambda cls, p, u: shown.append(u) or True)
    )
    assert window.open_url(url) is True
    assert len(opened) == 1 and opened[0].toString() == shown[-1]
    assert shown[-1].startswith("https://example.org/")


def test_url_confirmation_is_plain_text(window, monkeypatch) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(Prompts, "confirm_open_url", REAL_CONFIRM_OPEN_URL)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    assert Prompts.confirm_open_url(window, "https://example.org/<b>x</b>") is False
    assert boxes[0].textFormat() == Qt.TextFormat.PlainText
    assert "https://example.org/<b>x</b>" in boxes[0].text()
