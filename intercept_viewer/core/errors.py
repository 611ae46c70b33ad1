"""The errors core raises on purpose. Anything else escaping core is a bug."""

from __future__ import annotations


class InterceptViewerError(Exception):
    """Base of every error the application reports to the user as a message."""


class ImportFailed(InterceptViewerError):
    """A file could not be imported. Names the file, the line where known, and the reason.

    ``str()`` gives ``FILE:LINE: message`` (or ``FILE: message`` where no line applies), the
    form the CLI prints and the UI shows.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def with_file(self, file: str) -> ImportFailed:
        """Return this error with the file name filled in (importers often don't know it)."""
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class LibraryError(InterceptViewerError):
    """The library file cannot be opened, upgraded or written."""


class LibraryDamaged(LibraryError):
    """SQLite found the library file damaged (SQLITE_CORRUPT / SQLITE_NOTADB).

    From that moment every Library on the file in this process refuses writes, so a damaged
    file is never written to and never copied into a "good" daily backup; the window offers
    to restore a backup.
    """


class DiskFull(LibraryError):
    """The disk holding the library (or an output file) has no space left.

    Nothing is wrong with the library itself: the window says to free space, not to restore.
    """


class NotALibrary(LibraryError):
    """The file is not one of ours (not SQLite, another program's database, an unknown
    schema version or application_id). It was refused and left untouched."""


class NotFound(InterceptViewerError):
    """An id given by the user does not exist in the library."""


class QueryError(InterceptViewerError):
    """The search query can't be read; the message says why, in the user's terms."""


class SearchInterrupted(LibraryError):
    """A running search was stopped with ``Library.interrupt()`` (the user typed on)."""


class MediaError(InterceptViewerError):
    """A recording can't be attached, found or decoded; the message says which and why."""
