"""File ▸ Publish…: send the library to an Aleph/OpenAleph collection or write a Datasette
copy, in the background with progress and Cancel.

The dialog only gathers options (address, collection, folder) and remembers them in the
settings; the work is the core's (``core.publish``). The Aleph API key is never typed here:
it comes from the environment, as for the command line, and the dialog says whether it is set.

Publishing is a task of the window's runner (``publish_task``), on a lane of its own; closing
the window cancels it with the other tasks.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
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

from intercept_viewer.core.library import Library
from intercept_viewer.ui.tasks import Task, TaskHandle

if TYPE_CHECKING:
    from intercept_viewer.ui.context import WindowContext

K_HOST = "publish/aleph_host"
K_COLLECTION = "publish/aleph_collection"
K_FOLDER = "publish/datasette_folder"
K_TARGET = "publish/target"


def publish_task(target: str, options: dict[str, object]) -> Task:
    """The runner's task publishing the library to ``target`` ("aleph" or "datasette").

    It yields ``(done, total, text)`` (total 0: a step without a count) and returns the
    summary. It runs on a lane of its own, so a long publish never holds up the window's
    reads or writes; that lane's connection is read-write only because SQLite opens an
    attached database (the Datasette copy) with its connection's flags: nothing is written to
    the library.
    """

    def op(library: Library) -> Generator[tuple[int, int, str], None, str]:
        if target == "aleph":
            return (yield from _aleph(library, options))
        return (yield from _datasette(library, options))

    return Task("publish", op, access="write", lane="publish")


def _aleph(
    library: Library, options: dict[str, object]
) -> Generator[tuple[int, int, str], None, str]:
    from intercept_viewer.core.publish.aleph import AlephPublisher

    publisher = AlephPublisher(
        library,
        str(options["host"]),
        str(options["collection"]),
        upload_media=bool(options.get("upload_media", True)),
    )
    for done, total in publisher.releases_pushed():
        yield done, total, f"Release {done} of {total}"
    report = publisher.report
    assert report is not None  # set by releases_pushed() before its first step
    return (
        f"Published {report.releases} releases to collection {report.collection_id}: "
        f"{report.entities} entities, {report.files} recordings."
    )


def _datasette(
    library: Library, options: dict[str, object]
) -> Generator[tuple[int, int, str], None, str]:
    from intercept_viewer.core.publish.datasette import DatasettePublish

    job = DatasettePublish(library, Path(str(options["folder"])))
    for step in job.steps():
        yield 0, 0, f"Writing {step}…"
    report = job.report
    assert report is not None
    return (
        f"Wrote {report.db_path} ({report.transcripts} transcripts, {report.utterances} "
        f"utterances, {report.passages} passages) and {report.metadata_path.name}. "
        f"Serve it with: datasette {report.db_path} -m {report.metadata_path}"
    )


class PublishDialog(QDialog):
    """Choose Aleph or Datasette, fill in where, publish with progress.

    Attributes:
        aleph_radio, datasette_radio, host_edit, collection_edit, media_check, folder_edit,
        progress_bar, status_label, publish_button; task: the running publish, if any.
    """

    def __init__(self, context: WindowContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.settings: QSettings = context.settings
        self.task: TaskHandle | None = None
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

    def publish(self) -> TaskHandle | None:
        """Start publishing as a task of the window's runner; None when the options are
        incomplete, a publish is running, or it already finished (in-memory library)."""
        options = self._options()
        if options is None or self.task is not None:
            return None
        self.settings.setValue(K_TARGET, self.target)
        self.publish_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setVisible(True)
        self.progress_bar.setRange(0, 0)
        self.status_label.setText("Publishing…")
        handle = self.context.tasks.submit(
            publish_task(self.target, options),
            on_progress=self._on_progress,
            on_done=lambda message: self._ended(True, message),
            on_failed=lambda message: self._ended(False, message),
            on_cancelled=lambda: self._ended(
                False,
                "cancelled (what was already sent to Aleph stays; publishing again "
                "updates it; a Datasette folder keeps its previous copy)",
            ),
        )
        if handle.is_finished:
            return None
        self.task = handle
        return handle

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText("Cancelling…")

    def _on_progress(self, value: tuple[int, int, str]) -> None:
        done, total, text = value
        self.progress_bar.setRange(0, total)
        if total:
            self.progress_bar.setValue(done)
        self.status_label.setText(text)

    def _ended(self, ok: bool, message: str) -> None:
        self.task = None
        self.publish_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1 if ok else 0)
        self.status_label.setText(message if ok else f"Not published: {message}")

    def reject(self) -> None:
        if self.task is not None:  # closing while publishing cancels first
            self.cancel()
            return
        super().reject()


class Publisher:
    """File ▸ Publish… and the dialog it opens (one at a time).

    Attributes:
        action: the menu action; dialog: the open dialog, if any.
    """

    def __init__(self, context: WindowContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.parent = parent
        self.dialog: PublishDialog | None = None
        self.action = QAction("&Publish… (Aleph, Datasette)", parent)
        self.action.setStatusTip("Share the library with a team: Aleph/OpenAleph or Datasette")
        self.action.triggered.connect(self.open)

    def ensure_dialog(self) -> PublishDialog:
        """The dialog, made on first use (tests drive it without showing it)."""
        if self.dialog is None:
            self.dialog = PublishDialog(self.context, self.parent)
        return self.dialog

    def open(self) -> PublishDialog:
        dialog = self.ensure_dialog()
        dialog.show()
        dialog.raise_()
        return dialog
