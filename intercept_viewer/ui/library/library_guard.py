"""The window's watch over its library file: other processes' writes, and damage.

* **Writes by others.** The CLI beside the window (``intercept-viewer tag …``) commits through
  its own connection. ``PRAGMA data_version`` on the window's connection changes whenever any
  other connection commits, so a QTimer polls it (a cheap read, every ``POLL_MS``) and turns a
  change into ``context.notify(Change.all())``: the library list, the open transcript and the
  follow-up queue re-read, as after any write of the window's own.
* **Damage.** Any SQLITE_CORRUPT seen by any connection of this process marks the file in the
  registry (``core.open_libraries``): every Library on it stops writing. The registry calls our
  listener from whichever thread saw it; a queued signal brings it to the GUI thread, where
  the window says so plainly and offers File ▸ Restore backup.
* **A large library** (over the quick-check limit at opening) is checked in the background
  once the window has painted: a read task on its own connection runs ``PRAGMA quick_check``.

Signals:
    damage_found(str): the message, once per file.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from intercept_viewer.core import open_libraries
from intercept_viewer.core.errors import InterceptViewerError, LibraryDamaged
from intercept_viewer.core.library import Library
from intercept_viewer.core.library_open import QUICK_CHECK_MAX_BYTES
from intercept_viewer.ui.context import Change
from intercept_viewer.ui.tasks import Task

if TYPE_CHECKING:
    from intercept_viewer.ui.context import WindowContext

#: How often the window looks for other processes' writes.
POLL_MS = 1000


def _integrity_op(library: Library) -> Generator[Any, None, bool]:
    """A read task: every page of the library once (``quick_check``); LibraryDamaged if not."""
    yield "checking"
    library.check_integrity()
    return True


class LibraryGuard(QObject):
    """Attributes:
    context: the window's context, whose library is watched.
    restore: what File ▸ Restore backup does (offered when damage is found).
    timer: the data_version poll.
    """

    damage_found = Signal(str)

    def __init__(self, context: WindowContext, restore: Callable[[], object]) -> None:
        super().__init__(context)
        self.context = context
        self.restore = restore
        self._seen: int | None = None
        self._damage_shown = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.damage_found.connect(self._on_damage)
        open_libraries.add_damage_listener(self._listener)
        context.library_replaced.connect(self._reset)
        self.destroyed.connect(lambda *_: open_libraries.remove_damage_listener(self._listener))
        self._reset()
        self.timer.start()

    def _listener(self, path: Path, message: str) -> None:
        # any thread: a queued signal carries it to the GUI thread
        self.damage_found.emit(message)

    @Slot()
    def _reset(self) -> None:
        self._damage_shown = False
        try:
            self._seen = self.context.library.data_version()
        except InterceptViewerError:
            self._seen = None

    @Slot()
    def poll(self) -> bool:
        """Re-read everything if another connection committed; True when it did."""
        library = self.context.library
        if library.path is None or getattr(library, "_closed", False):
            return False
        try:
            version = library.data_version()
        except InterceptViewerError:
            return False  # closed (the window is going) or busy: the next tick tries again
        if self._seen is not None and version != self._seen:
            self._seen = version
            self.context.notify(Change.all())
            return True
        self._seen = version
        return False

    def check_in_background(self) -> bool:
        """After the first paint: a library too big to check on opening is checked now."""
        library = self.context.library
        if library.path is None:
            return False
        try:
            size = library.path.stat().st_size
        except OSError:
            return False
        if size <= QUICK_CHECK_MAX_BYTES:
            return False
        self.context.tasks.submit(
            Task("integrity", _integrity_op, "read", lane="integrity"),
            on_failed=lambda message: None,  # damage arrives through the registry listener
        )
        return True

    @Slot(str)
    def _on_damage(self, message: str) -> None:
        if self._damage_shown:
            return
        self._damage_shown = True
        self.context.status_requested.emit("The library is damaged: changes are not saved.", 0)
        if ask_restore_after_damage(self.context.host, message):
            self.restore()


def ask_restore_after_damage(parent: Any, message: str) -> bool:
    """Say plainly that the library is damaged and writes stopped; True to restore now."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "The library is damaged",
        f"{message}\n\nNothing more is saved to this file until a backup is restored. "
        "You can still read and export what it holds.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    restore = box.addButton("Restore a backup…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep reading", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


__all__ = ["POLL_MS", "LibraryDamaged", "LibraryGuard", "ask_restore_after_damage"]
