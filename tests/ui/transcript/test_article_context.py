"""Turns quoted from an article show, on hover, the paragraph they were taken from."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import ParsedSpeaker, ParsedTranscript, ParsedUtterance, SourceMeta


def test_article_turn_tooltip_shows_its_paragraph_as_plain_text(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    lib = Library(memory=True)
    paragraph = "“Do they really need <b>Kupyansk</b>?” she asks."
    parsed = ParsedTranscript(
        meta=SourceMeta(title="Article", origin="article"),
        speakers=[ParsedSpeaker("Mother")],
        utterances=[
            ParsedUtterance("Do they really need <b>Kupyansk</b>?", "Mother", context=paragraph),
            ParsedUtterance("A turn from a real transcript.", "Mother"),
        ],
    )
    tid = lib.add(parsed).id
    window = make_window(lib)
    window.show_transcript(tid)
    model = window.transcript_view.model
    tip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "From the article" in tip and "she asks" in tip
    assert "<b>" not in tip and "&lt;b&gt;Kupyansk&lt;/b&gt;" in tip  # escaped, never rendered
    assert model.data(model.index(1), Qt.ItemDataRole.ToolTipRole) is None


# offscreen windows can't propagate size hints or raise; harmless here
@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_hovering_an_article_turn_shows_the_tooltip(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    lib = Library(memory=True)
    parsed = ParsedTranscript(
        meta=SourceMeta(title="Article", origin="article"),
        speakers=[ParsedSpeaker("Soldier")],
        utterances=[
            ParsedUtterance(
                "We can't even secure a forest belt.",
                "Soldier",
                context="The soldier then ridicules the claims, saying: …",
            )
        ],
    )
    window = make_window(lib)
    window.show_transcript(lib.add(parsed).id)
    window.show()
    qtbot.waitExposed(window)
    view = window.list_view
    rect = view.visualRect(view.model().index(0, 0))
    pos = rect.center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: "ridicules" in QToolTip.text(), timeout=2000)
    QToolTip.hideText()
