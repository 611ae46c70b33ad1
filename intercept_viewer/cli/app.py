"""The ``cli`` group, its global ``--library`` option and helpers the commands share."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from intercept_viewer import __version__
from intercept_viewer.core.errors import InterceptViewerError

if TYPE_CHECKING:
    # imported where a library is opened: sqlite-utils costs ~50 ms, and ``--help`` or the
    # window's own start (ui.app) should not pay it twice over
    from intercept_viewer.core.library import Library

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class AppState:
    """What the group passes to its commands: where the library is, opened on first use."""

    def __init__(self, library_path: str | None) -> None:
        self.library_arg = library_path
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = open_library(self.library_arg)
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def open_library(library_arg: str | None) -> Library:
    """Open the library named by ``--library``/environment, or the default one.

    The default library, the first time it is created, is seeded with the bundled samples so
    a newcomer never starts empty; a named library starts empty.
    """
    from intercept_viewer.core.library import Library, resolve_library_path

    path, is_default = resolve_library_path(library_arg)
    fresh = not path.exists()
    try:
        lib = Library(path)
    except InterceptViewerError as exc:
        raise click.ClickException(str(exc)) from None
    if fresh and is_default:
        lib.seed_samples()
    return lib


@click.group(context_settings=CONTEXT_SETTINGS)
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


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` on stderr and exit with ``code`` (no traceback)."""
    click.echo(message, err=True)
    sys.exit(code)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
