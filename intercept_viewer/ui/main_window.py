"""The main window: library (left), transcript (centre), source and speakers (right).

The window is the only module that imports the panels. It builds the ``WindowContext``
(library, undo stack, task runner, the ``changed`` broadcast) every panel receives, docks the
panels and puts their actions in its menus. Every write it makes goes through the context, and
it refreshes its own parts (library list, header, source and speakers) from ``changed`` like
the panels do; it answers the context's ``navigate`` and ``status`` requests.

Signals:
    current_transcript_changed(id): another transcript is shown (-1: none).
    import_finished(results, failures): a folder import ended: (path, transcript id) of each
        imported file, and the ImportFailed of each that could not be.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QWidget,
)

from intercept_viewer.core import import_pipeline
from intercept_viewer.core.errors import ImportFailed, InterceptViewerError, NotFound
from intercept_viewer.core.formats import dialog_filters
from intercept_viewer.core.library import AddResult, Library
from intercept_viewer.core.model import Transcript
from intercept_viewer.core.status import quoted_turn
from intercept_viewer.ui.context import Change, WindowContext
from intercept_viewer.ui.export.export_dialog import Exporter
from intercept_viewer.ui.export.publish_dialog import Publisher
from intercept_viewer.ui.help.menu import install_help, main_toolbar
from intercept_viewer.ui.library.import_progress import ImportProgress
from intercept_viewer.ui.library.import_worker import collect_files, import_task, wants_background
from intercept_viewer.ui.library.library_guard import LibraryGuard
from intercept_viewer.ui.library.library_panel import LibraryPanel
from intercept_viewer.ui.library.telegram_import import TelegramImporter
from intercept_viewer.ui.media.install import MediaController
from intercept_viewer.ui.tags.tagging import Tagging
from intercept_viewer.ui.tasks import TaskHandle
from intercept_viewer.ui.transcript.commands import (
    EditTranscriptCommand,
    MergeSpeakersCommand,
    RecolorSpeakerCommand,
    RenameSpeakerCommand,
    field_change,
    speaker_change,
)
from intercept_viewer.ui.transcript.source_panel import SourcePanel, safe_web_url
from intercept_viewer.ui.transcript.speakers_panel import SpeakersPanel
from intercept_viewer.ui.transcript.transcript_view import TranscriptView
from intercept_viewer.ui.transcript.turn_corrections import TurnCorrections
from intercept_viewer.ui.transcript.utterance_view import UtteranceView
from intercept_viewer.ui.widgets.feedback import UndoFeedback
from intercept_viewer.ui.widgets.layout_defaults import default_layout
from intercept_viewer.ui.widgets.prompts import DELETE_WITH_PASSAGES, Prompts
from intercept_viewer.ui.widgets.safe_text import tooltip_html

if TYPE_CHECKING:
    from intercept_viewer.ui.search.search_panel import SearchPanel

MAX_RECENT = 10
K_GEOMETRY, K_STATE = "window/geometry", "window/state"
K_LAST, K_RECENT = "library/last_transcript", "files/recent"


def file_filters() -> str:
    """One filter per import format plus "all transcripts", for the Open dialog."""
    return dialog_filters()


def import_summary(imported: int, known: int, failed: int) -> str:
    """What the status bar says after an import: new files, ones already there, failures."""
    new = imported - known
    parts = []
    if imported == 1 and known == 1:
        parts.append("Already in the library — shown")
    else:
        if new or not known:
            parts.append(f"Imported {new} file{'s' if new != 1 else ''}")
        if known:
            parts.append(
                f"{known} {'was' if known == 1 else 'were'} already in the library"
                if new
                else f"All {known} were already in the library"
            )
    if failed:
        parts.append(f"{failed} failed")
    return "; ".join(parts)


def citation(t: Transcript) -> str:
    """The citation line that goes with every copied quote, flag included."""
    parts = [f"“{t.title}”", t.publisher or "unknown publisher", t.released_on or "undated"]
    if t.source_url:
        parts.append(t.source_url)
    status = t.verification.upper()
    if t.verification_note:
        status += f" ({t.verification_note})"
    if t.media_sha256:
        parts.append(f"recording SHA-256 {t.media_sha256}")
    line = "— " + ", ".join(parts) + f". Status: {status}."
    if t.origin == "article":
        line += " Quoted from a news article, not a full transcript."
    return line


class MainWindow(QMainWindow):
    """Attributes:
    context: what the panels receive (library, undo stack, task runner, ``changed``).
    library, undo_stack, settings, tasks: the context's.
    library_panel, transcript_view, source_panel, speakers_panel, search_panel, tagging,
    exporter and their docks; the actions named ``*_action``.
    import_task: the running folder import, if any.
    find_handler: what Ctrl+F does (the search panel's focus).
    """

    current_transcript_changed = Signal(int)
    import_finished = Signal(list, list)

    def __init__(
        self, library: Library, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = WindowContext(library, self, settings)
        self.settings = self.context.settings
        self.import_task: TaskHandle | None = None
        self._import_results: list[tuple[str, int]] = []
        self._import_failures: list[ImportFailed] = []
        self._progress: ImportProgress | None = None
        self._recent_pending: set[str] = set()
        self._known = 0  # of the files just imported, how many were in the library already
        self.find_handler: Callable[[], None] | None = None
        self.setWindowTitle("Intercept Viewer")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        # the bottom dock (the follow-up queue) spans the whole width, under the side docks
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)

        self.transcript_view = TranscriptView(library, self, self.context.tasks)
        self.setCentralWidget(self.transcript_view)
        self.library_panel = LibraryPanel(self)
        self.source_panel = SourcePanel(self)
        self.speakers_panel = SpeakersPanel(self)
        self._make_actions()
        self._make_menus()
        self.library_dock = self.add_dock(
            self.library_panel, "Library", Qt.DockWidgetArea.LeftDockWidgetArea, "library"
        )
        self.source_dock = self.add_dock(
            self.source_panel, "Source", Qt.DockWidgetArea.RightDockWidgetArea, "source"
        )
        self.speakers_dock = self.add_dock(
            self.speakers_panel, "Speakers", Qt.DockWidgetArea.RightDockWidgetArea, "speakers"
        )
        self.resizeDocks([self.library_dock], [430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.source_dock], [310], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.source_dock, self.speakers_dock], [480, 200], Qt.Orientation.Vertical
        )

        self.library_panel.transcript_selected.connect(self._library_row_chosen)
        self.library_panel.delete_requested.connect(self.delete_transcripts)
        self.source_panel.field_edited.connect(self.edit_field)
        self.source_panel.open_url_requested.connect(self.open_url)
        self.speakers_panel.rename_requested.connect(self.rename_speaker)
        self.speakers_panel.recolor_requested.connect(self.recolor_speaker)
        self.speakers_panel.merge_requested.connect(self.merge_speakers)
        self.transcript_view.speaker_stats_loaded.connect(self.speakers_panel.update_stats)
        self.transcript_view.review_band.dismiss_requested.connect(self.dismiss_review)
        ctx = self.context
        ctx.changed.connect(self._changed)
        ctx.current_changed.connect(self.current_transcript_changed)
        ctx.library_replaced.connect(self._library_replaced)
        ctx.navigate_requested.connect(self.show_utterance)
        ctx.status_requested.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        ctx.flush_edits.connect(self.source_panel.commit_pending)
        self._add_search()
        self._add_tagging()
        self._add_corrections()
        # others' writes and damage (ui.library.library_guard)
        self.library_guard = LibraryGuard(self.context, lambda: self.restore_backup())
        self.help = install_help(
            self,
            self.settings,
            lambda: self.library.path,
            self.open_action,
            self.import_folder_action,
            self.view_menu,
        )
        self.toolbar = main_toolbar(
            self,
            [
                ("open", self.open_action),
                ("import_folder", self.import_folder_action),
                None,
                ("find", self.find_action),
                ("tag", self.tagging.tag_action),
                ("export", self.exporter.export_transcript_action),
                None,
                ("undo", self.undo_action),
                ("redo", self.redo_action),
            ],
        )
        self.feedback = UndoFeedback(self.undo_stack, self.statusBar())
        self.media = MediaController(self.context, self)  # the recording: player, waveform
        self._add_telegram_and_publish()  # after Attach media: Telegram goes next to the folder
        self.refresh_library()
        self.library_note = QLabel(self)
        self.library_note.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.library_note)
        self._show_library_notes()

    # ---------------------------------------------------------------- building

    @property
    def library(self) -> Library:
        return self.context.library

    @property
    def undo_stack(self) -> QUndoStack:
        return self.context.undo_stack

    @property
    def list_view(self) -> UtteranceView:
        return self.transcript_view.list_view

    def _add_search(self) -> None:
        """The search panel: a tab beside the library (both list what is in it, and the hits
        need the height); Ctrl+F brings it forward, F3 / Shift+F3 step through the hits.

        The tab starts behind the library, so the panel (and ``core.search`` with it, the
        word forms, the search pool) is built when first needed: its tab shown, Ctrl+F, F3,
        ``search_panel`` read, or else just after the window's first paint. It cost the first
        paint about 30 ms.
        """
        self._search_panel: SearchPanel | None = None
        self.search_dock = self.add_dock(
            QWidget(self), "Search", Qt.DockWidgetArea.LeftDockWidgetArea, "search"
        )
        self.tabifyDockWidget(self.library_dock, self.search_dock)
        self.library_dock.raise_()
        self.search_dock.visibilityChanged.connect(
            lambda shown: self.search_panel if shown else None
        )
        self.find_handler = lambda: self.search_panel.focus_search()
        self.find_next_action = self._action(
            "Find &next", lambda: self.search_panel.next_hit(1), "F3"
        )
        self.find_previous_action = self._action(
            "Find pre&vious", lambda: self.search_panel.next_hit(-1), "Shift+F3"
        )
        for action in (self.find_next_action, self.find_previous_action):
            self.edit_menu.addAction(action)
        self.context.after_first_paint(lambda: self.search_panel)

    @property
    def search_panel(self) -> SearchPanel:
        """The search panel, built on first use (``_add_search``)."""
        if self._search_panel is None:
            from intercept_viewer.ui.search.search_panel import SearchPanel

            panel = SearchPanel(self.context, self.transcript_view, self)
            panel.dock = self.search_dock
            placeholder = self.search_dock.widget()
            self.search_dock.setWidget(panel)
            if placeholder is not None:
                placeholder.deleteLater()
            self._search_panel = panel
        return self._search_panel

    def _add_corrections(self) -> None:
        """Correcting turns (Edit ▸ Correct turn, also on the list's right-click), View ▸ Show
        as imported, and the History dock tabbed with the speakers."""
        corrections = TurnCorrections(
            self.context, self.transcript_view, self.speakers_panel, self.source_panel, self
        )
        self.corrections = corrections
        self.history_dock = self.add_dock(
            corrections.history_panel, "History", Qt.DockWidgetArea.RightDockWidgetArea, "history"
        )
        self.tabifyDockWidget(self.speakers_dock, self.history_dock)
        self.speakers_dock.raise_()
        self.edit_menu.addSeparator()
        self.edit_menu.addMenu(corrections.menu)
        self.view_menu.addSeparator()
        self.view_menu.addAction(corrections.show_imported_action)
        self.tagging.menu_actions.append(corrections.menu.menuAction())

    def _add_telegram_and_publish(self) -> None:
        """File ▸ Import Telegram export… after Import folder; File ▸ Publish… before Delete."""
        self.telegram_importer = TelegramImporter(self.context, self)
        actions = self.file_menu.actions()
        after = actions.index(self.import_folder_action) + 1
        before = actions[after] if after < len(actions) else None
        self.file_menu.insertAction(before, self.telegram_importer.action)  # type: ignore[arg-type]
        self.publisher = Publisher(self.context, self)
        self.file_menu.insertAction(self.delete_action, self.publisher.action)

    def _add_tagging(self) -> None:
        """The Tags / Follow-up dock (full width along the bottom), Ctrl+T, and
        File ▸ Export, whose passages export takes the queue as it is filtered."""
        tagging = Tagging(self.context, self.transcript_view, self)
        self.tagging = tagging
        tagging.menu_actions = [self.copy_action]
        # Its own dock along the bottom, the window's full width: as a tab beside the library
        # only three of its columns showed and the tag list had room for two rows.
        self.tags_dock = self.add_dock(
            tagging.panel, "Tags / Follow-up", Qt.DockWidgetArea.BottomDockWidgetArea, "tags"
        )
        self.addAction(tagging.tag_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(tagging.tag_action)
        self.edit_menu.addAction(tagging.tag_part_action)
        self.exporter = Exporter(self.context, tagging.panel.filters, self)
        exporter = self.exporter
        for action in (
            exporter.export_transcript_action,
            exporter.export_original_action,
            exporter.export_passages_action,
        ):
            self.addAction(action)
            self.file_menu.insertAction(self.delete_action, action)
        self.file_menu.insertSeparator(self.delete_action)

    def _action(
        self, text: str, slot: Callable[..., object], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.open_action = self._action("&Open…", self.open_dialog, "Ctrl+O")
        self.import_folder_action = self._action(
            "Import &folder…", self.import_folder_dialog, "Ctrl+Shift+O"
        )
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.restore_backup_action = self._action("Restore &backup…", self.restore_backup)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.copy_action = QAction("&Copy with citation", self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+C"))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.list_view.addAction(self.copy_action)
        self.find_action = self._action("&Find…", self._find, "Ctrl+F")
        self.prev_turn_action = self._action(
            "&Previous speaker turn", lambda: self.list_view.jump_turn(-1), "Alt+Up"
        )
        self.next_turn_action = self._action(
            "&Next speaker turn", lambda: self.list_view.jump_turn(1), "Alt+Down"
        )
        self.delete_action = self.library_panel.delete_action

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.addAction(self.open_action)
        self.file_menu.addAction(self.import_folder_action)
        self.recent_menu = QMenu("Open &recent", self)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.delete_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.restore_backup_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.copy_action)
        self.edit_menu.addAction(self.find_action)
        self.go_menu = bar.addMenu("&Go")
        self.go_menu.addAction(self.prev_turn_action)
        self.go_menu.addAction(self.next_turn_action)
        self.view_menu = bar.addMenu("&View")
        self._rebuild_recent_menu()

    def add_dock(
        self, widget: QWidget, title: str, area: Qt.DockWidgetArea, object_name: str
    ) -> QDockWidget:
        """Add a dock (object name needed for saved layouts) and list it in the View menu."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{object_name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    # ---------------------------------------------------------------- showing

    def current_transcript(self) -> Transcript | None:
        return self.transcript_view.transcript

    def current_transcript_id(self) -> int | None:
        t = self.current_transcript()
        return t.id if t is not None else None

    def refresh_library(self) -> None:
        self.library_panel.set_review_counts(self.library.review_counts())
        self.library_panel.set_transcripts(
            self.library.transcripts(), keep_id=self.current_transcript_id()
        )

    def dismiss_review(self, transcript_id: int) -> None:
        """The import report's remarks were reviewed: hide them (band and "needs review")."""
        self.context.write(
            lambda lib: lib.dismiss_import_warnings(transcript_id),
            Change.of("transcripts", transcripts=[transcript_id]),
        )

    def _show_library_notes(self) -> None:
        """A persistent read-only note; the status bar says where an upgrade backup went."""
        lib = self.library
        read_only = lib.read_only
        self.library_note.setVisible(read_only)
        self.library_note.setText("Read-only: changes can't be saved" if read_only else "")
        self.library_note.setStyleSheet(
            "QLabel { background: #C2410C; color: white; padding: 1px 6px; font-weight: bold; }"
        )
        self.library_note.setToolTip(
            tooltip_html(f"{lib.path} can't be written (the file or its folder is read-only).")
            if read_only
            else ""
        )
        for action in (self.open_action, self.import_folder_action, self.restore_backup_action):
            action.setEnabled(not read_only)
        message = f"Library: {lib.path or 'in memory'}"
        if lib.backup_path is not None:
            message = f"Library upgraded; the previous version was saved as {lib.backup_path}"
        self.statusBar().showMessage(message)

    def restore_backup(self) -> Path | None:
        """File ▸ Restore backup…: pick, confirm, restore and reopen (ui.backup.backup_dialog)."""
        from intercept_viewer.ui.backup.backup_dialog import restore_backup_dialog

        return restore_backup_dialog(self.context)

    def set_library(self, library: Library) -> None:
        """Show another open Library (after a restore): every panel re-reads it.

        The caller closed the old one and stopped the tasks using it (``stop_all``); undo
        history pointed at rows of the old file, so the context drops it.
        """
        self.context.set_library(library)

    def _library_replaced(self) -> None:
        library = self.library
        showing = self.current_transcript_id()
        self.transcript_view.set_library(library)
        self.transcript_view.set_transcript(None, [])
        self.refresh_library()
        rows = self.library_panel.model.transcripts()
        if showing is None or all(t.id != showing for t in rows):
            showing = rows[0].id if rows else None
        self.show_transcript(showing)
        self._show_library_notes()

    def _library_row_chosen(self, transcript_id: int) -> None:
        if transcript_id != self.current_transcript_id():
            self.show_transcript(transcript_id)

    def show_transcript(self, transcript_id: int | None) -> None:
        """Show a transcript in the view, strip, source and speakers panels."""
        self.source_panel.commit_pending()
        if transcript_id is None:
            t, speakers = None, []
        else:
            try:
                t = self.library.transcript(transcript_id)
            except NotFound:
                t = None
            # names and colours only: the stats read every utterance, so the transcript view
            # has them read after the first paint (speaker_stats_loaded)
            speakers = self.library.speakers(t.id, with_stats=False) if t is not None else []
        self.transcript_view.set_transcript(t, speakers)
        self.source_panel.set_transcript(t)
        self.speakers_panel.set_speakers(
            speakers, bool(t and t.has_times), stats_pending=t is not None
        )
        if t is not None:
            self.library_panel.select_transcript(t.id, emit=False)
            self.settings.setValue(K_LAST, t.id)
            self.setWindowTitle(f"{t.title} — Intercept Viewer")
        else:
            self.setWindowTitle("Intercept Viewer")
        self.context.set_current(t.id if t is not None else None)

    def show_utterance(
        self, transcript_id: int, seq: int, highlight: Sequence[tuple[int, int]] | None = None
    ) -> None:
        """Show ``seq`` of a transcript, selected and centred, with optional hit spans (the
        context's ``navigate`` lands here)."""
        if transcript_id != self.current_transcript_id():
            self.show_transcript(transcript_id)
        if highlight:
            self.transcript_view.model.set_highlights({seq: list(highlight)})
        self.transcript_view.go_to_seq(seq)

    def restore_last_transcript(self) -> None:
        last = self.settings.value(K_LAST)
        try:
            tid = int(last) if last is not None else None
        except (TypeError, ValueError):
            tid = None
        rows = self.library_panel.model.transcripts()
        if tid is None or all(t.id != tid for t in rows):
            tid = rows[0].id if rows else None
        if tid is not None:
            self.show_transcript(tid)

    def _find(self) -> None:
        if self.find_handler is not None:
            self.find_handler()
        else:  # until the search panel exists, Ctrl+F filters the library
            self.library_dock.show()
            self.library_panel.filter_edit.setFocus()
            self.library_panel.filter_edit.selectAll()

    # ---------------------------------------------------------------- opening files

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open transcripts", "", file_filters())
        if paths:
            self.open_paths(paths)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of transcripts")
        if folder:
            self.open_paths([folder])

    def open_paths(self, paths: Iterable[str | Path], format: str | None = None) -> list[int]:
        """Import files and show the first one imported. Folders and big files go to a
        background task (the window stays usable, progress and Cancel in the status bar).

        ``format`` forces an importer (the failure dialog's "Import as…"). Returns the ids
        imported here; a folder import reports through ``import_finished``.
        """
        files = [Path(p) for p in paths]
        if self.library.path is not None and wants_background(files):
            named = [p for p in files if not p.is_dir()]
            self.start_import(collect_files(files), format=format, named=named)
            return []
        ids: list[int] = []
        failures: list[ImportFailed] = []
        self._known = 0
        for path in files:
            try:
                result: AddResult | ImportFailed = import_pipeline.import_file(
                    self.library, path, format=format
                )
            except ImportFailed as exc:
                result = exc
            except (InterceptViewerError, OSError, ValueError) as exc:
                result = ImportFailed(str(exc), file=str(path))
            if isinstance(result, AddResult):
                ids.append(result.id)
                self._known += result.duplicate
                self.add_recent(path)
            else:
                failures.append(result)
        self._imported(ids, failures)
        return ids

    def start_import(
        self, files: list[Path], format: str | None = None, named: Sequence[Path] = ()
    ) -> TaskHandle | None:
        """Import ``files`` as a write task, progress and Cancel in the status bar (never a
        modal dialog: the user keeps reading while a long call imports).

        Each file's outcome arrives as progress, so a cancelled import still shows what it
        imported; ``import_finished`` reports the whole batch. ``named`` are files the user
        picked one by one: they go to File ▸ Open recent.
        """
        if self.import_task is not None:
            self.statusBar().showMessage("An import is already running.", 5000)
            return None
        self._import_results, self._import_failures = [], []
        self._recent_pending = {str(p) for p in named}
        progress = ImportProgress(len(files), self)
        stop = threading.Event()
        self._progress = progress
        self.statusBar().addPermanentWidget(progress)
        handle = self.context.tasks.submit(
            import_task(files, format, cancelled=stop.is_set, fraction=progress.fraction.emit),
            on_progress=self._import_progress,
            on_failed=lambda message: self._import_failures.append(
                ImportFailed(message, file=str(self.library.path))
            ),
        )
        if handle.is_finished:  # an in-memory library imported before submit returned
            self._import_ended()
            return None
        progress.cancel_requested.connect(stop.set)
        progress.cancel_requested.connect(handle.cancel)
        handle.finished.connect(self._import_ended)
        self.import_task = handle
        return handle

    def _import_progress(self, step: tuple[int, int, Path, AddResult | ImportFailed]) -> None:
        done, total, path, outcome = step
        if isinstance(outcome, AddResult):
            self._import_results.append((str(path), outcome.id))
            if str(path) in self._recent_pending:
                self.add_recent(path)
        else:
            self._import_failures.append(outcome)
        if self._progress is not None:
            self._progress.set_files_done(done, total, path.name)

    def _import_ended(self) -> None:
        if self._progress is not None:
            self.statusBar().removeWidget(self._progress)
            self._progress.deleteLater()
            self._progress = None
        self._recent_pending = set()
        self.import_task = None
        results, failures = self._import_results, self._import_failures
        self._imported([tid for _p, tid in results], failures)
        self.import_finished.emit(results, failures)

    def _imported(self, ids: list[int], failures: list[ImportFailed]) -> None:
        known, self._known = self._known, 0
        if ids:
            self.context.notify(
                Change.of("transcripts", "speakers", "utterances", "passages", "tags")
            )
            self.show_transcript(ids[0])
        self.statusBar().showMessage(import_summary(len(ids), known, len(failures)), 8000)
        if failures:
            fmt = Prompts.show_import_errors(self, failures)
            if fmt is not None:
                self.open_paths([f.file for f in failures if f.file], format=fmt)

    # ---------------------------------------------------------------- recent files

    def recent_files(self) -> list[str]:
        value = self.settings.value(K_RECENT) or []
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value]

    def add_recent(self, path: Path) -> None:
        p = str(path.resolve())
        recent = [p, *[r for r in self.recent_files() if r != p]][:MAX_RECENT]
        self.settings.setValue(K_RECENT, recent)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for i, p in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{i % 10} {Path(p).name}")
            action.setToolTip(tooltip_html(p))  # a file name may look like HTML
            action.setData(p)
            action.triggered.connect(lambda _=False, path=p: self.open_paths([path]))
        self.recent_menu.setEnabled(bool(recent))

    # ---------------------------------------------------------------- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            # a recording dropped on an open transcript is attached to it
            rest = self.media.take_dropped(paths)
            if rest:
                self.open_paths(rest)

    # ---------------------------------------------------------------- edits (undoable)

    def edit_field(self, field: str, value: object) -> None:
        t = self.current_transcript()
        if t is None:
            return
        old = getattr(t, field)
        if field == "verification" and self.corrections.confirm_status(t.id, str(value)):
            return  # the note was updated with the status, as one undoable step
        done = self.context.write(
            lambda lib: lib.update_transcript(t.id, **{field: cast(Any, value)}),
            field_change(t.id, field),
        )
        if done is None:
            self.source_panel.set_transcript(t)
            return
        self.undo_stack.push(EditTranscriptCommand(self.context, t.id, field, old, value))

    def rename_speaker(self, speaker_id: int, name: str) -> None:
        sp = self.library.speaker(speaker_id)
        change = speaker_change(sp, rows_changed=False)

        def rename(lib: Library) -> bool:
            lib.rename_speaker(speaker_id, name)
            return True

        if self.context.write(rename, change):
            self.undo_stack.push(RenameSpeakerCommand(self.context, sp, name))

    def recolor_speaker(self, speaker_id: int, color: str) -> None:
        sp = self.library.speaker(speaker_id)
        change = speaker_change(sp, rows_changed=False)

        def recolor(lib: Library) -> bool:
            lib.recolor_speaker(speaker_id, color)
            return True

        if self.context.write(recolor, change):
            self.undo_stack.push(RecolorSpeakerCommand(self.context, sp, color))

    def merge_speakers(self, keep_id: int, merge_id: int) -> None:
        keep, gone = self.library.speaker(keep_id), self.library.speaker(merge_id)
        change = speaker_change(keep, rows_changed=True)
        seqs = self.context.write(lambda lib: lib.merge_speakers(keep_id, merge_id), change)
        if seqs is not None:
            self.undo_stack.push(MergeSpeakersCommand(self.context, keep, gone, seqs))

    def _changed(self, change: Change) -> None:
        """Keep the window's own parts in step with the library (edits, undo, imports)."""
        current = self.current_transcript_id()
        if change.touches("transcripts", "verification"):
            self._transcripts_changed(change, current)
        speakers_moved = change.touches("speakers") and change.touches_transcript(current)
        if speakers_moved and current is not None:
            t = self.current_transcript()
            speakers = self.library.speakers(current)
            self.speakers_panel.set_speakers(speakers, bool(t and t.has_times))
            self.transcript_view.set_speakers(speakers, rows_changed=change.touches("utterances"))

    def _transcripts_changed(self, change: Change, current: int | None) -> None:
        """Update the changed rows in place; reload the list when rows came or went."""
        rows = {t.id for t in self.library_panel.model.transcripts()}
        self.library_panel.set_review_counts(self.library.review_counts())
        if change.everything or not change.transcript_ids or not change.transcript_ids <= rows:
            self.refresh_library()
        else:
            for tid in change.transcript_ids:
                try:
                    self.library_panel.model.update_transcript(self.library.transcript(tid))
                except NotFound:
                    self.refresh_library()
                    break
        if current is not None and change.touches_transcript(current):
            try:
                t = self.library.transcript(current)
            except NotFound:
                return
            self.transcript_view.transcript = t
            self.transcript_view.update_header(t)
            self.source_panel.set_transcript(t)
            self.setWindowTitle(f"{t.title} — Intercept Viewer")

    # ---------------------------------------------------------------- delete

    def delete_transcripts(self, ids: list[int]) -> bool:
        if not ids:
            return False
        passages = self.library.passage_count_for(ids)
        choice = Prompts.confirm_delete(self, len(ids), passages)
        if choice is None:
            return False
        with_passages = choice == DELETE_WITH_PASSAGES
        showing = self.current_transcript_id()
        change = Change.of(
            "transcripts", "speakers", "utterances", "passages", "tags", transcripts=ids
        )

        def delete(lib: Library) -> bool:
            lib.delete_transcripts(ids, delete_passages=with_passages)
            return True

        if not self.context.write(delete, change):
            return False
        self.undo_stack.clear()  # the commands may point at rows that no longer exist
        if showing in ids:
            rows = self.library_panel.model.transcripts()
            self.show_transcript(rows[0].id if rows else None)
        elif showing is not None:
            self.library_panel.select_transcript(showing, emit=False)
        return True

    # ---------------------------------------------------------------- copy and links

    def selection_text(self) -> str:
        """The selected utterances as ``Speaker: text`` lines plus the citation line.

        While the release is not verified every line carries its status (``[UNVERIFIED]
        Soldier: …``): a line pasted on its own must not lose the flag.
        """
        t = self.current_transcript()
        rows = self.list_view.selected_rows()
        if t is None or not rows:
            return ""
        model = self.transcript_view.model
        lines = []
        for row in rows:
            u = model.utterance_at(row)
            if u is not None:
                lines.extend(quoted_turn(t.verification, model.speaker_name(u), u.text))
        return "\n".join(lines) + "\n\n" + citation(t) + "\n"

    def copy_selection(self) -> str:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def open_url(self, url: str) -> bool:
        """Open an http(s) address in the browser, only after the user saw and confirmed it."""
        qurl = safe_web_url(url)
        if qurl is None:
            return False
        if not Prompts.confirm_open_url(self, qurl.toString()):
            return False
        return QDesktopServices.openUrl(QUrl(qurl))

    # ---------------------------------------------------------------- state

    def restore_state(self) -> None:
        geometry = self.settings.value(K_GEOMETRY)
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        else:  # first run: a window that fits the screen, not Qt's small default
            screen = self.screen().availableGeometry()
            layout = default_layout(screen.width(), screen.height())
            self.resize(layout.width, layout.height)
            self.apply_default_layout()
        state = self.settings.value(K_STATE)
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def apply_default_layout(self) -> None:
        """Size the docks for the window's current size (first run, View ▸ Reset layout)."""
        layout = default_layout(self.width(), self.height())
        self.resizeDocks(
            [self.library_dock, self.source_dock],
            [layout.left, layout.right],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.tags_dock], [layout.bottom], Qt.Orientation.Vertical)

    def save_state(self) -> None:
        self.source_panel.commit_pending()
        self.settings.setValue(K_GEOMETRY, self.saveGeometry())
        self.settings.setValue(K_STATE, self.saveState())
        tid = self.current_transcript_id()
        if tid is not None:
            self.settings.setValue(K_LAST, tid)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # An import stops after its current file; an export or a backup is let finish.
        if self._search_panel is not None:
            self._search_panel.shutdown()
        self.media.shutdown()
        self.context.tasks.shutdown(keep=("export", "backup"))
        self.save_state()
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self.context.tasks.reopen()  # shown again after a close
        super().showEvent(event)
