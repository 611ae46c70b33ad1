"""File ▸ Publish…: send the library to an Aleph/OpenAleph collection or write a Datasette
copy, in a worker thread with progress and Cancel.

The dialog only gathers options (address, collection, folder) and remembers them in the
settings; the work is the core's (``core.publish``). The Aleph API key is never typed here:
it comes from the environment, as for the command line, and the dialog says whether it is set.

Signals (PublishWorker):
    progress(done, total, text): total 0 means "working, no count" (Datasette's steps).
    outcome(ok, message): the summary, or what went wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QThread, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library

if TYPE_CHECKING:
    from intercept_viewer.ui.main_window import MainWindow

K_HOST = "publish/aleph_host"
K_COLLECTION = "publish/aleph_collection"
K_FOLDER = "publish/datasette_folder"
K_TARGET = "publish/target"


class _Cancelled(Exception):
    pass


class PublishWorker(QThread):
    """Publishes the library at ``library_path`` to one target.

    Attributes:
        target: "aleph" or "datasette".
        options: host, collection, upload_media (Aleph) or folder (Datasette).
    """

    progress = Signal(int, int, str)
    outcome = Signal(bool, str)

    def __init__(
        self, library_path: Path, target: str, options: dict[str, object], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.library_path = library_path
        self.target = target
        self.options = options

    def run(self) -> None:
        try:
            with Library(self.library_path, read_only=None) as lib:
                message = self._aleph(lib) if self.target == "aleph" else self._datasette(lib)
            self.outcome.emit(True, message)
        except _Cancelled:
            self.outcome.emit(False, "Cancelled; nothing was written.")
        except InterceptViewerError as exc:
            self.outcome.emit(False, str(exc))
        except Exception as exc:  # report, never kill the app from a worker thread
            self.outcome.emit(False, f"Unexpected error: {type(exc).__name__}: {exc}")

    def _aleph(self, lib: Library) -> str:
        from intercept_viewer.core.publish.aleph import publish_aleph

        report = publish_aleph(
            lib,
            str(self.options["host"]),
            str(self.options["collection"]),
            upload_media=bool(self.options.get("upload_media", True)),
            progress=lambda done, total: self.progress.emit(
                done, total, f"Release {done} of {total}"
            ),
            cancelled=self.isInterruptionRequested,
        )
        text = (
            f"Published {report.releases} releases to collection {report.collection_id}: "
            f"{report.entities} entities, {report.files} recordings."
        )
        if report.cancelled:
            text += " Cancelled before the end (what was sent stays; publishing again updates it)."
        return text

    def _datasette(self, lib: Library) -> str:
        from intercept_viewer.core.publish.datasette import publish_datasette

        def step(name: str) -> None:
            if self.isInterruptionRequested():
                raise _Cancelled
            self.progress.emit(0, 0, f"Writing {name}…")

        report = publish_datasette(lib, Path(str(self.options["folder"])), progress=step)
        return (
            f"Wrote {report.db_path} ({report.transcripts} transcripts, {report.utterances} "
            f"utterances, {report.passages} passages) and {report.metadata_path.name}. "
            f"Serve it with: datasette {report.db_path} -m {report.metadata_path}"
        )


class PublishDialog(QDialog):
    """Choose Aleph or Datasette, fill in where, publish with progress.

    Attributes:
        aleph_radio, datasette_radio, host_edit, collection_edit, media_check, folder_edit,
        progress_bar, status_label, publish_button; worker: the running publish, if any.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.settings: QSettings = window.settings
        self.worker: PublishWorker | None = None
        self.setWindowTitle("Publish the library")

        self.aleph_radio = QRadioButton("Aleph / OpenAleph collection (FollowTheMoney entities)")
        self.datasette_radio = QRadioButton("Datasette folder (a read-only SQLite copy)")
        self.stack = QStackedWidget()

        aleph = QWidget()
        form = QFormLayout(aleph)
        self.host_edit = QLineEdit(str(self.settings.value(K_HOST) or ""))
        self.host_edit.setPlaceholderText("https://aleph.example.org")
        self.collection_edit = QLineEdit(str(self.settings.value(K_COLLECTION) or ""))
        self.collection_edit.setPlaceholderText("intercepts-2024")
        self.media_check = QCheckBox("Upload the recordings too")
        self.media_check.setChecked(True)
        from intercept_viewer.core.publish.aleph import API_KEY_VARIABLES, api_key_from_environment

        key_note = QLabel(
            "API key: taken from the environment ("
            + " or ".join(API_KEY_VARIABLES)
            + ("), set." if api_key_from_environment() else "), not set: pushing anonymously.")
        )
        key_note.setTextFormat(Qt.TextFormat.PlainText)
        key_note.setWordWrap(True)
        form.addRow("Address", self.host_edit)
        form.addRow("Collection (foreign id)", self.collection_edit)
        form.addRow("", self.media_check)
        form.addRow("", key_note)
        self.stack.addWidget(aleph)

        ds = QWidget()
        row = QHBoxLayout(ds)
        self.folder_edit = QLineEdit(str(self.settings.value(K_FOLDER) or ""))
        self.folder_edit.setPlaceholderText("a folder for library.db and metadata.json")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("Folder"))
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.stack.addWidget(ds)

        note = QLabel(
            "The verification status travels with the text: in every entity's summary and "
            "keywords (Aleph), and in every row and table description (Datasette)."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.status_label = QLabel("")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.publish_button = self.buttons.addButton(
            "Publish", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.aleph_radio)
        layout.addWidget(self.datasette_radio)
        layout.addWidget(self.stack)
        layout.addWidget(note)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.aleph_radio.toggled.connect(self._target_changed)
        if str(self.settings.value(K_TARGET) or "aleph") == "datasette":
            self.datasette_radio.setChecked(True)
        else:
            self.aleph_radio.setChecked(True)
        self._target_changed()

    @property
    def target(self) -> str:
        return "aleph" if self.aleph_radio.isChecked() else "datasette"

    def _target_changed(self) -> None:
        self.stack.setCurrentIndex(0 if self.aleph_radio.isChecked() else 1)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the Datasette copy")
        if folder:
            self.folder_edit.setText(folder)

    def _options(self) -> dict[str, object] | None:
        if self.target == "aleph":
            host, coll = self.host_edit.text().strip(), self.collection_edit.text().strip()
            if not host.startswith(("http://", "https://")) or not coll:
                self.status_label.setText(
                    "Give the Aleph address (http:// or https://) and the collection's foreign id."
                )
                return None
            self.settings.setValue(K_HOST, host)
            self.settings.setValue(K_COLLECTION, coll)
            return {"host": host, "collection": coll, "upload_media": self.media_check.isChecked()}
        folder = self.folder_edit.text().strip()
        if not folder:
            self.status_label.setText("Choose a folder for library.db and metadata.json.")
            return None
        self.settings.setValue(K_FOLDER, folder)
        return {"folder": folder}

    def publish(self) -> PublishWorker | None:
        options = self._options()
        if options is None or self.worker is not None:
            return None
        self.settings.setValue(K_TARGET, self.target)
        path = self.window_.library.path
        if path is None:
            self.status_label.setText("An in-memory library can't be published.")
            return None
        worker = PublishWorker(path, self.target, options, self)
        worker.progress.connect(self._on_progress)
        worker.outcome.connect(self._on_outcome)
        worker.finished.connect(worker.deleteLater)
        self.worker = worker
        self.publish_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setVisible(True)
        self.progress_bar.setRange(0, 0)
        self.status_label.setText("Publishing…")
        worker.start()
        return worker

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.requestInterruption()
            self.status_label.setText("Cancelling…")

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setRange(0, total)
        if total:
            self.progress_bar.setValue(done)
        self.status_label.setText(text)

    def _on_outcome(self, ok: bool, message: str) -> None:
        self.worker = None
        self.publish_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1 if ok else 0)
        self.status_label.setText(message if ok else f"Not published: {message}")

    def wait(self) -> None:
        """Stop a running publish (window closing) and wait for its thread."""
        if self.worker is not None:
            self.worker.requestInterruption()
            self.worker.wait()

    def reject(self) -> None:
        if self.worker is not None:  # closing while publishing cancels first
            self.cancel()
            return
        super().reject()


class Publisher:
    """File ▸ Publish… and the dialog it opens (one at a time).

    Attributes:
        action: the menu action; dialog: the open dialog, if any.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: PublishDialog | None = None
        self.action = QAction("&Publish… (Aleph, Datasette)", window)
        self.action.setStatusTip("Share the library with a team: Aleph/OpenAleph or Datasette")
        self.action.triggered.connect(self.open)

    def ensure_dialog(self) -> PublishDialog:
        """The dialog, made on first use (tests drive it without showing it)."""
        if self.dialog is None:
            self.dialog = PublishDialog(self.window)
        return self.dialog

    def open(self) -> PublishDialog:
        dialog = self.ensure_dialog()
        dialog.show()
        dialog.raise_()
        return dialog

    def wait(self) -> None:
        if self.dialog is not None:
            self.dialog.wait()


def install_publish(window: MainWindow) -> Publisher:
    """Put File ▸ Publish… before Delete, beside the exports."""
    publisher = Publisher(window)
    window.file_menu.insertAction(window.delete_action, publisher.action)
    return publisher
