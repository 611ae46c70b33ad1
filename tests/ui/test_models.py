"""Every model through qtmodeltester, and the raw-text contract of the utterance model."""

from __future__ import annotations

from PySide6.QtCore import Qt

from intercept_viewer.ui.library.library_panel import TranscriptTableModel
from intercept_viewer.ui.transcript.speakers_panel import SpeakersModel
from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel
from intercept_viewer.ui.widgets.roles import UtteranceRole


def test_utterance_model_passes_modeltester(qtmodeltester, memory_library, parsed_factory):
    tid = memory_library.add(parsed_factory(times=True)).id
    model = UtteranceListModel(memory_library)
    model.set_transcript(tid, memory_library.speakers(tid))
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    idx = model.index(1, 0)
    assert idx.data(UtteranceRole.SpeakerName) == "Mother"
    assert idx.data(UtteranceRole.Time) == "0:05"
    assert idx.data(UtteranceRole.Seq) == 2


def test_transcript_and_speaker_models_pass_modeltester(
    qtmodeltester, memory_library, parsed_factory
):
    memory_library.add(parsed_factory(title="A"))
    memory_library.add(parsed_factory(title="B", publisher="SBU", released_on="2024-05-01"))
    tmodel = TranscriptTableModel()
    tmodel.set_transcripts(memory_library.transcripts())
    qtmodeltester.check(tmodel)
    assert tmodel.index(0, 0).data() == "B"
    smodel = SpeakersModel()
    smodel.set_speakers(memory_library.speakers(1), has_times=False)
    qtmodeltester.check(smodel)
    assert [smodel.index(r, 0).data() for r in range(2)] == ["Soldier", "Mother"]


def test_html_in_text_is_returned_raw(memory_library, parsed_factory):
    evil = '<b>bold</b> <img src="http://example.invalid/x.png"> &amp;'
    tid = memory_library.add(parsed_factory([("<i>Who</i>", evil)])).id
    model = UtteranceListModel(memory_library)
    model.set_transcript(tid, memory_library.speakers(tid))
    idx = model.index(0, 0)
    assert idx.data(Qt.ItemDataRole.DisplayRole) == evil
    assert idx.data(UtteranceRole.SpeakerName) == "<i>Who</i>"
    # no tooltip role: Qt would render a tooltip that looks like HTML
    assert idx.data(Qt.ItemDataRole.ToolTipRole) is None


def test_highlights_and_tag_chips_roles(memory_library, parsed_factory, qtbot):
    tid = memory_library.add(parsed_factory()).id
    model = UtteranceListModel(memory_library)
    model.set_transcript(tid, memory_library.speakers(tid))
    with qtbot.waitSignal(model.dataChanged):
        model.set_highlights({2: [(0, 3)]})
    model.set_tag_chips({3: [("claim", "#ff0000")]})
    assert model.index(1, 0).data(UtteranceRole.Highlights) == [(0, 3)]
    assert model.index(2, 0).data(UtteranceRole.TagChips) == [("claim", "#ff0000")]
    assert model.index(0, 0).data(UtteranceRole.TagChips) == []
