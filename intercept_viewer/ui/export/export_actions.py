"""File ▸ Export transcript… (Ctrl+E) and Export passages… (Ctrl+Shift+E) in the window.

The passages export takes the follow-up queue as it is filtered, so it asks the tags dock for
its filters each time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from intercept_viewer.ui.export.export_dialog import Exporter

if TYPE_CHECKING:
    from intercept_viewer.ui.main_window import MainWindow
    from intercept_viewer.ui.tags.tagging import Tagging


def install_export(window: MainWindow, tagging: Tagging) -> Exporter:
    """Create File ▸ Export… in ``window``; the passages export follows the queue's filters."""
    exporter = Exporter(window, tagging.panel.filters)
    tagging.exporter = exporter
    tagging.export_transcript_action = QAction("&Export transcript…", window)
    tagging.export_transcript_action.setShortcut(QKeySequence("Ctrl+E"))
    tagging.export_transcript_action.triggered.connect(exporter.export_transcript)
    tagging.export_passages_action = QAction("Export &passages (queue as filtered)…", window)
    tagging.export_passages_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    tagging.export_passages_action.triggered.connect(exporter.export_passages)
    for action in (tagging.export_transcript_action, tagging.export_passages_action):
        window.addAction(action)
        window.file_menu.insertAction(window.delete_action, action)
    window.file_menu.insertSeparator(window.delete_action)
    return exporter
