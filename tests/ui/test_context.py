"""The window's context: one place every window write goes through, and the ``changed``
broadcast panels refresh themselves from."""

from __future__ import annotations

import pytest

from intercept_viewer.ui.context import Change


def test_change_names_kinds_and_ids_and_refuses_unknown_kinds() -> None:
    change = Change.of("speakers", transcripts=[3, None], ids=[7])
    assert change.touches("speakers") and not change.touches("tags")
    assert change.touches_transcript(3) and not change.touches_transcript(4)
    assert change.ids == {7}
    assert Change.all().touches("media") and Change.all().touches_transcript(99)
    with pytest.raises(ValueError, match="unknown change kinds"):
        Change.of("speaker")


def test_a_write_broadcasts_what_changed(make_window, library, parsed_factory) -> None:
    tid = library.add(parsed_factory(title="Call A")).id
    w = make_window(library)
    w.show_transcript(tid)
    seen: list[Change] = []
    w.context.changed.connect(seen.append)
    sp = library.speakers(tid)[0]
    w.rename_speaker(sp.id, "Ivan")
    assert len(seen) == 1
    assert seen[0].kinds == {"speakers"}
    assert seen[0].transcript_ids == {tid} and seen[0].ids == {sp.id}
    # the speakers panel and the list refreshed themselves from the broadcast
    assert w.speakers_panel.model.speakers()[0].name == "Ivan"
    w.edit_field("verification", "verified")
    assert seen[-1].kinds == {"transcripts", "verification"}
    assert not w.transcript_view.flag.isVisibleTo(w)


def test_undo_and_redo_broadcast_too(make_window, library, parsed_factory) -> None:
    tid = library.add(parsed_factory(title="Call A")).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("title", "Renamed")
    seen: list[Change] = []
    w.context.changed.connect(seen.append)
    w.undo_stack.undo()
    assert [c.kinds for c in seen] == [{"transcripts"}]
    assert w.library_panel.model.transcripts()[0].title == "Call A"
    w.undo_stack.redo()
    assert w.library_panel.model.transcripts()[0].title == "Renamed"


def test_a_refused_write_broadcasts_nothing_and_says_why(
    make_window, library, parsed_factory, no_dialogs
) -> None:
    tid = library.add(parsed_factory(title="Call A")).id
    w = make_window(library)
    w.show_transcript(tid)
    seen: list[Change] = []
    w.context.changed.connect(seen.append)
    w.edit_field("title", "  ")
    assert seen == []
    assert no_dialogs[-1] == ("error", "A transcript needs a title.")
    assert w.undo_stack.count() == 0


def test_tagging_refreshes_the_queue_and_the_search_speakers_from_the_broadcast(
    make_window, library, parsed_factory
) -> None:
    tid = library.add(parsed_factory(title="Call A")).id
    w = make_window(library)
    w.show_transcript(tid)
    library.add_passage(tid, 1, tags=["unit"])  # behind the window's back: nothing shows
    assert w.tagging.panel.queue_model.rowCount() == 0
    w.context.notify(Change.of("passages", "tags", transcripts=[tid]))
    assert w.tagging.panel.queue_model.rowCount() == 1
    assert w.tagging.chip_passages.keys() == {1}
