"""The ``cli`` group, its global ``--library`` option and helpers the commands share."""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from intercept_viewer import __version__
from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.sqlite_failures import write_failure
from intercept_viewer.core.terminal_text import for_terminal, for_terminal_json, for_terminal_line

if TYPE_CHECKING:
    # imported where a library is opened: sqlite-utils costs ~50 ms, and ``--help`` or the
    # window's own start (ui.app) should not pay it twice over
    from intercept_viewer.core.library import Library

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class AppState:
    """What the group passes to its commands: where the library is, opened on first use.

    ``library()`` opens it for writing (import, tag, set...); ``reader()`` for reading
    (list, show, search, passages, export): read-only, so reading never changes the file and
    is never failed by a writer holding the lock.
    """

    def __init__(self, library_path: str | None) -> None:
        self.library_arg = library_path
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None or self._library.read_only:
            self.close()
            self._library = open_library(self.library_arg)
        return self._library

    def reader(self) -> Library:
        if self._library is None:
            self._library = open_library(self.library_arg, read_only=True)
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def open_library(library_arg: str | None, *, read_only: bool = False) -> Library:
    """Open the library named by ``--library``/environment, or the default one.

    The default library, the first time it is created, is seeded with the bundled samples so
    a newcomer never starts empty; a named library starts empty. ``read_only`` opens an
    existing library for reading only (a missing one is still created).
    """
    from intercept_viewer.core.library import Library, resolve_library_path

    path, is_default = resolve_library_path(library_arg)
    fresh = not path.exists()
    try:
        lib = Library(path, read_only=True if read_only and not fresh else None)
        if fresh and is_default:
            lib.seed_samples()
    except InterceptViewerError as exc:
        fail(str(exc))
        raise  # unreachable
    return lib


class SafeGroup(click.Group):
    """The ``cli`` group: every failure of every command becomes one line and exit code 2.

    Errors core raises on purpose (``InterceptViewerError``), SQLite errors that escaped it,
    and OS errors (a full disk, an unwritable output) are printed as a message, never a
    traceback. Click's own messages (a bad option, a missing file) are escaped for the terminal
    like everything else: a file name may hold a newline or an escape sequence.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            raise _escaped(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _escaped(exc) from None
        except (click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except InterceptViewerError as exc:
            fail(str(exc))
        except sqlite3.Error as exc:
            state = ctx.find_object(AppState)
            lib = getattr(state, "_library", None)
            fail(str(write_failure(exc, getattr(lib, "path", None))))
        except OSError as exc:
            fail(describe_os_error(exc))


def _escaped(exc: click.ClickException) -> click.ClickException:
    exc.message = for_terminal_line(exc.message)  # type: ignore[misc]
    if exc.exit_code == 1:
        exc.exit_code = 2  # type: ignore[misc]
    return exc


class OutputFailed(OSError):
    """Writing the command's output failed (a full disk, a closed pipe)."""


def output_name() -> str:
    """Where stdout goes, for an error message: its file when the system can tell."""
    try:
        target = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return "standard output"
    return target if target.startswith("/") else "standard output"


def describe_os_error(exc: OSError) -> str:
    """One line: which file, and what is wrong with it."""
    if isinstance(exc, OutputFailed):
        return str(exc)
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full (No space left on device)"
    name = exc.filename if exc.filename is not None else None
    return f"{name}: {what}" if name is not None else f"Error: {what}"


def echo(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text that may come from files: terminal controls are shown escaped (on stderr,
    newlines too: a message stays one line).

    A failed write to stdout (disk full, a closed pipe) becomes OutputFailed naming the file.
    """
    emit(for_terminal_line(text) if err else for_terminal(text), err=err, nl=nl)


def emit(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print already-escaped ``text``; a failed write to stdout becomes OutputFailed."""
    try:
        click.echo(text, err=err, nl=nl)
    except OSError as exc:
        if err:
            raise
        if exc.errno == errno.EPIPE:
            raise OutputFailed(exc.errno, "the reader of the output went away") from None
        what = (
            "the disk is full (No space left on device)"
            if exc.errno in (errno.ENOSPC, errno.EDQUOT)
            else exc.strerror or str(exc)
        )
        raise OutputFailed(
            exc.errno, f"Can't write the output to {output_name()}: {what}"
        ) from None


@click.group(cls=SafeGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--library",
    "library_path",
    metavar="PATH",
    type=click.Path(dir_okay=False),
    help="Library file to use (default: the user data folder; env INTERCEPT_VIEWER_LIBRARY).",
)
@click.version_option(__version__, prog_name="intercept-viewer")
@click.pass_context
def cli(ctx: click.Context, library_path: str | None) -> None:
    """Intercept Viewer: read, search, tag and export published intercepted calls.

    Without a command, opens the window (with any FILEs given imported and shown).

    \b
    Examples:
      intercept-viewer                       # the window, on your library
      intercept-viewer call.srt              # import call.srt and show it
      intercept-viewer --library lib.sqlite import --json calls/*.txt
      intercept-viewer search 'speaker:Soldier Kupyansk'
    """
    state = AppState(library_path)
    ctx.obj = state
    ctx.call_on_close(state.close)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` on stderr, on one line and escaped, and exit with ``code``."""
    click.echo(for_terminal_line(message), err=True)
    sys.exit(code)


def print_json(value: Any) -> None:
    """JSON on stdout; controls inside its strings are ``\\uXXXX``-escaped (still exact JSON)."""
    emit(for_terminal_json(json.dumps(value, ensure_ascii=False, indent=2)))
