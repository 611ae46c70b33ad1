"""The main window: library (left), transcript (centre), source and speakers (right).

Other panels plug in through ``add_dock`` (which also lists the dock in the View menu), the
``find_action`` placeholder (Ctrl+F; set ``find_handler``), ``show_utterance`` (jump to and
highlight a hit), the ``current_transcript_changed`` signal, the utterance model's
``set_highlights`` / ``set_tag_chips`` and the strip's ``set_marks``.

Signals:
    current_transcript_changed(id): another transcript is shown (-1: none).
    library_changed(): transcripts were imported, edited or deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QThread, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressDialog,
    QWidget,
)

from intercept_viewer.core.errors import ImportFailed, InterceptViewerError, NotFound
from intercept_viewer.core.importers import accepted_suffixes
from intercept_viewer.core.library import AddResult, Library
from intercept_viewer.core.model import Transcript
from intercept_viewer.ui.export.export_actions import install_export
from intercept_viewer.ui.library.import_worker import FolderImportWorker, collect_files
from intercept_viewer.ui.library.library_panel import LibraryPanel
from intercept_viewer.ui.search.search_panel import install_search
from intercept_viewer.ui.tags.tagging import install_tagging
from intercept_viewer.ui.transcript.commands import (
    EditTranscriptCommand,
    MergeSpeakersCommand,
    RecolorSpeakerCommand,
    RenameSpeakerCommand,
)
from intercept_viewer.ui.transcript.source_panel import SourcePanel, safe_web_url
from intercept_viewer.ui.transcript.speakers_panel import SpeakersPanel
from intercept_viewer.ui.transcript.transcript_view import TranscriptView
from intercept_viewer.ui.transcript.turn_strip import tooltip_html
from intercept_viewer.ui.transcript.utterance_view import UtteranceView
from intercept_viewer.ui.widgets.prompts import DELETE_WITH_PASSAGES, Prompts

MAX_RECENT = 10
K_GEOMETRY, K_STATE = "window/geometry", "window/state"
K_LAST, K_RECENT = "library/last_transcript", "files/recent"


def file_filters() -> str:
    """One filter per import format plus "all transcripts", for the Open dialog."""
    from intercept_viewer.core.importers import IMPORTERS  # loaded on first use: heavy

    all_patterns = " ".join(f"*{s}" for s in accepted_suffixes())
    filters = [f"All transcripts ({all_patterns})"]
    for imp in IMPORTERS:
        if imp.suffixes:
            label = imp.description if not imp.description.startswith("(") else imp.name
            label = label.split(":")[0].split("(")[0].strip() or imp.name
            filters.append(f"{label} ({' '.join('*' + s for s in imp.suffixes)})")
    filters.append("All files (*)")
    return ";;".join(filters)


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
    library: the GUI thread's Library. settings: where state is remembered.
    undo_stack: every undoable edit. library_panel, transcript_view, source_panel,
    speakers_panel and their docks; the actions named ``*_action``.
    import_worker: the running folder import, if any.
    find_handler: what Ctrl+F does (the search panel sets it).
    """

    current_transcript_changed = Signal(int)
    library_changed = Signal()

    def __init__(
        self, library: Library, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(self)
        self.import_worker: FolderImportWorker | None = None
        self.backup_worker: QThread | None = None  # the daily backup (ui.startup)
        self._progress: QProgressDialog | None = None
        self.find_handler: Callable[[], None] | None = None
        self.setWindowTitle("Intercept Viewer")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)

        self.transcript_view = TranscriptView(library, self)
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
        self.search_panel = install_search(self)
        self.tagging = install_tagging(self)
        install_export(self, self.tagging)
        self.refresh_library()
        self.library_note = QLabel(self)
        self.library_note.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.library_note)
        self._show_library_notes()

    # ---------------------------------------------------------------- building

    @property
    def list_view(self) -> UtteranceView:
        return self.transcript_view.list_view

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
        self.library_panel.set_transcripts(
            self.library.transcripts(), keep_id=self.current_transcript_id()
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

        return restore_backup_dialog(self)

    def set_library(self, library: Library) -> None:
        """Show another open Library (after a restore): every panel re-reads it.

        The caller closed the old one and stopped the threads using it (search, import,
        export, backup); undo history pointed at rows of the old file, so it is dropped.
        """
        showing = self.current_transcript_id()
        self.library = library
        self.undo_stack.clear()
        self.transcript_view.set_library(library)
        self.tagging.library = library
        self.tagging.panel.set_library(library)
        self.search_panel._closed = False  # shutdown() stopped its thread on the old file
        self.transcript_view.set_transcript(None, [])
        self.refresh_library()
        rows = self.library_panel.model.transcripts()
        if showing is None or all(t.id != showing for t in rows):
            showing = rows[0].id if rows else None
        self.show_transcript(showing)
        self.search_panel.refill_speakers()
        self.library_changed.emit()
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
        self.current_transcript_changed.emit(t.id if t is not None else -1)

    def show_utterance(
        self, transcript_id: int, seq: int, highlight: Sequence[tuple[int, int]] | None = None
    ) -> None:
        """Show ``seq`` of a transcript, selected and centred, with optional hit spans."""
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

    def open_paths(self, paths: Iterable[str | Path]) -> list[int]:
        """Import files (folders go to a worker thread) and show the first one imported.

        Returns the ids imported here; a folder import reports through ``import_worker``.
        """
        paths = [Path(p) for p in paths]
        if any(p.is_dir() for p in paths):
            self.start_import(collect_files(paths))
            return []
        ids: list[int] = []
        failures: list[ImportFailed] = []
        for path in paths:
            try:
                result: AddResult | ImportFailed = self.library.import_file(path)
            except ImportFailed as exc:
                result = exc
            except (InterceptViewerError, OSError, ValueError) as exc:
                result = ImportFailed(str(exc), file=str(path))
            if isinstance(result, AddResult):
                ids.append(result.id)
                self.add_recent(path)
            else:
                failures.append(result)
        self._imported(ids, failures)
        return ids

    def start_import(self, files: list[Path]) -> FolderImportWorker | None:
        """Import ``files`` in a worker thread with a progress dialog and Cancel."""
        if self.library.path is None:  # an in-memory library can't be shared with a thread
            ids, failures = [], []
            for _path, outcome in self.library.import_files(files):
                if isinstance(outcome, AddResult):
                    ids.append(outcome.id)
                else:
                    failures.append(outcome)
            self._imported(ids, failures)
            return None
        worker = FolderImportWorker(self.library.path, files, self)
        progress = QProgressDialog(
            f"Importing {len(files)} files…", "Cancel", 0, max(1, len(files)), self
        )
        progress.setWindowTitle("Import folder")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.canceled.connect(worker.requestInterruption)
        worker.progress.connect(self._import_progress)
        worker.outcome.connect(self._import_outcome)
        worker.finished.connect(worker.deleteLater)
        self.import_worker = worker
        self._progress = progress
        worker.start()
        return worker

    def _import_progress(self, done: int, total: int, name: str) -> None:
        # A window-modal QProgressDialog.setValue() processes events, so the outcome may arrive
        # (and drop self._progress) in the middle of this slot: work on a local reference.
        progress = self._progress
        if progress is None:
            return
        progress.setLabelText(f"Imported {done} of {total}: {name}")
        progress.setMaximum(max(1, total))
        progress.setValue(done)

    def _import_outcome(self, results: list[tuple[str, int]], failures: list[ImportFailed]) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        self.import_worker = None
        self._imported([tid for _p, tid in results], failures)

    def _imported(self, ids: list[int], failures: list[ImportFailed]) -> None:
        self.refresh_library()
        if ids:
            self.show_transcript(ids[0])
            self.library_changed.emit()
        n = len(ids)
        self.statusBar().showMessage(
            f"Imported {n} file{'s' if n != 1 else ''}"
            + (f"; {len(failures)} failed" if failures else ""),
            8000,
        )
        if failures:
            Prompts.show_import_errors(self, failures)

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
            self.open_paths(paths)

    # ---------------------------------------------------------------- edits (undoable)

    def _try(self, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self, str(exc))
            return False
        return True

    def edit_field(self, field: str, value: object) -> None:
        t = self.current_transcript()
        if t is None:
            return
        old = getattr(t, field)
        if not self._try(lambda: self.library.update_transcript(t.id, **{field: value})):
            self.source_panel.set_transcript(t)
            return
        self.undo_stack.push(EditTranscriptCommand(self, t.id, field, old, value))
        self.transcript_edited(t.id)

    def rename_speaker(self, speaker_id: int, name: str) -> None:
        sp = self.library.speaker(speaker_id)
        if self._try(lambda: self.library.rename_speaker(speaker_id, name)):
            self.undo_stack.push(RenameSpeakerCommand(self, sp, name))
            self.speakers_edited(sp.transcript_id, rows_changed=False)

    def recolor_speaker(self, speaker_id: int, color: str) -> None:
        sp = self.library.speaker(speaker_id)
        if self._try(lambda: self.library.recolor_speaker(speaker_id, color)):
            self.undo_stack.push(RecolorSpeakerCommand(self, sp, color))
            self.speakers_edited(sp.transcript_id, rows_changed=False)

    def merge_speakers(self, keep_id: int, merge_id: int) -> None:
        keep, gone = self.library.speaker(keep_id), self.library.speaker(merge_id)
        seqs: list[int] = []

        def merge() -> None:
            seqs.extend(self.library.merge_speakers(keep_id, merge_id))

        if self._try(merge):
            self.undo_stack.push(MergeSpeakersCommand(self, keep, gone, seqs))
            self.speakers_edited(keep.transcript_id, rows_changed=True)

    # EditTarget protocol: called after the library changed (edit, undo or redo)

    def transcript_edited(self, transcript_id: int) -> None:
        t = self.library.transcript(transcript_id)
        self.library_panel.model.update_transcript(t)
        if transcript_id == self.current_transcript_id():
            self.transcript_view.transcript = t
            self.transcript_view.update_header(t)
            self.source_panel.set_transcript(t)
            self.setWindowTitle(f"{t.title} — Intercept Viewer")
        self.library_changed.emit()

    def speakers_edited(self, transcript_id: int, *, rows_changed: bool) -> None:
        if transcript_id != self.current_transcript_id():
            return
        t = self.current_transcript()
        speakers = self.library.speakers(transcript_id)
        self.speakers_panel.set_speakers(speakers, bool(t and t.has_times))
        self.transcript_view.set_speakers(speakers, rows_changed=rows_changed)

    # ---------------------------------------------------------------- delete

    def delete_transcripts(self, ids: list[int]) -> bool:
        if not ids:
            return False
        passages = self.library.passage_count_for(ids)
        choice = Prompts.confirm_delete(self, len(ids), passages)
        if choice is None:
            return False
        with_passages = choice == DELETE_WITH_PASSAGES
        if not self._try(
            lambda: self.library.delete_transcripts(ids, delete_passages=with_passages)
        ):
            return False
        self.undo_stack.clear()  # the commands may point at rows that no longer exist
        showing = self.current_transcript_id()
        self.library_panel.set_transcripts(self.library.transcripts())
        if showing in ids:
            rows = self.library_panel.model.transcripts()
            self.show_transcript(rows[0].id if rows else None)
        elif showing is not None:
            self.library_panel.select_transcript(showing, emit=False)
        self.library_changed.emit()
        return True

    # ---------------------------------------------------------------- copy and links

    def selection_text(self) -> str:
        """The selected utterances as ``Speaker: text`` lines plus the citation line."""
        t = self.current_transcript()
        rows = self.list_view.selected_rows()
        if t is None or not rows:
            return ""
        model = self.transcript_view.model
        lines = []
        for row in rows:
            u = model.utterance_at(row)
            if u is not None:
                lines.append(f"{model.speaker_name(u)}: {u.text}")
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
            self.resize(
                min(1280, int(screen.width() * 0.95)), min(820, int(screen.height() * 0.95))
            )
            self.resizeDocks(
                [self.library_dock, self.source_dock], [400, 310], Qt.Orientation.Horizontal
            )
        state = self.settings.value(K_STATE)
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def save_state(self) -> None:
        self.source_panel.commit_pending()
        self.settings.setValue(K_GEOMETRY, self.saveGeometry())
        self.settings.setValue(K_STATE, self.saveState())
        tid = self.current_transcript_id()
        if tid is not None:
            self.settings.setValue(K_LAST, tid)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_worker is not None:
            self.import_worker.requestInterruption()
            self.import_worker.wait()
        self.tagging.exporter.wait()
        if self.backup_worker is not None:
            self.backup_worker.wait()
        self.save_state()
        super().closeEvent(event)
