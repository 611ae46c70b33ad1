"""The base of the QObjects that read the library on a worker thread.

A sqlite3 connection belongs to the thread that opened it, so each worker opens its OWN
read-only ``Library(path)`` on first use, in its thread, and closes it there when the thread
finishes. The GUI thread bumps ``latest`` (an int: assignment is atomic) with every new request;
a worker skips requests already overtaken.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from intercept_viewer.core.library import Library


class LibraryWorker(QObject):
    """Attributes:
    latest: the newest request generation the GUI has sent.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._library: Library | None = None
        self.latest = 0

    def library(self) -> Library:
        """This thread's read-only connection, opened on first use (may raise LibraryError)."""
        if self._library is None:
            self._library = Library(self._path, read_only=True)
        return self._library

    def close(self) -> None:
        """Close the worker's library; called in the worker thread as it finishes."""
        if self._library is not None:
            self._library.close()
            self._library = None
