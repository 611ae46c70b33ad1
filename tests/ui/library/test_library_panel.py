"""The library panel sorts in its model (key functions over the rows), the proxy only filters."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from intercept_viewer.ui.library.library_panel import COUNT, RELEASED, TITLE, LibraryPanel


def titles(panel: LibraryPanel) -> list[str]:
    return [panel.proxy.index(r, TITLE).data() for r in range(panel.proxy.rowCount())]


def test_header_sorting_keeps_selection_and_resorts_on_edit(
    qtbot, memory_library, parsed_factory
) -> None:
    lib = memory_library
    lib.add(parsed_factory(title="beta", released_on="2024-02-01"))
    lib.add(parsed_factory(title="Alpha", released_on=None))
    gamma = lib.add(parsed_factory(title="gamma", released_on="2024-03-01")).id
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_transcripts(lib.transcripts())
    assert titles(panel) == ["gamma", "beta", "Alpha"]  # newest first, undated last
    panel.select_transcript(gamma, emit=False)
    panel.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    assert titles(panel) == ["Alpha", "beta", "gamma"]  # case-insensitive
    assert panel.selected_ids() == [gamma]  # the selection followed its row
    panel.table.sortByColumn(RELEASED, Qt.SortOrder.AscendingOrder)
    assert titles(panel) == ["Alpha", "beta", "gamma"]
    panel.table.sortByColumn(COUNT, Qt.SortOrder.DescendingOrder)  # ties keep their order
    assert titles(panel) == ["Alpha", "beta", "gamma"]
    panel.table.sortByColumn(TITLE, Qt.SortOrder.DescendingOrder)
    t = lib.transcript(gamma)
    panel.model.update_transcript(replace(t, title="Aardvark"))
    assert titles(panel) == ["beta", "Alpha", "Aardvark"]
    assert panel.selected_ids() == [gamma]
    panel.filter_edit.setText("ALP")
    assert titles(panel) == ["Alpha"]
