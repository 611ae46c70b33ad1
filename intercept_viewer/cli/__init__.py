"""`intercept-viewer`: the window, or import/list/show/set/search/tag/export headless.

Commands are thin: parse options, call the Library, turn its errors into messages and exit
codes (sqlite-utils' habit). Each group of commands lives in its own module and registers
itself on the ``cli`` group when imported here.
"""

from __future__ import annotations

import sys

from intercept_viewer.cli import (  # noqa: F401
    corrections_cmd,
    export_cmd,
    media_cmd,
    passages_cmd,
    publish_cmd,
    search_cmd,
    transcripts,
)
from intercept_viewer.cli.app import cli

__all__ = ["cli", "gui_main", "main"]


class UnknownCommand(Exception):
    """A first word that is neither a command nor an existing file or folder."""

    def __init__(self, word: str, suggestion: str | None) -> None:
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"No such command '{word}'.{hint}")
        self.word = word
        self.suggestion = suggestion


def _suggest(word: str) -> str | None:
    """The command a mistyped ``word`` most likely meant (difflib, like git's "did you mean")."""
    import difflib

    close = difflib.get_close_matches(word.lower(), sorted(cli.commands), n=1, cutoff=0.6)
    return close[0] if close else None


def _with_default_command(argv: list[str]) -> list[str]:
    """``intercept-viewer [FILE...]`` means ``intercept-viewer open [FILE...]``.

    Click groups can't mix sub-commands with free file arguments, so the entry point inserts
    ``open`` before the first word that is not a global option or a command name. That word
    must name an existing file or folder: a mistyped command (``atach 3 call.wav``) would
    otherwise launch the window and try to import "atach". Raises UnknownCommand then.
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--library":
            i += 2
            continue
        if arg.startswith("--library="):
            i += 1
            continue
        if arg in ("--help", "-h", "--version"):
            return argv
        if arg in cli.commands:
            return argv
        break
    if i < len(argv) and not argv[i].startswith("-"):
        from pathlib import Path

        if not Path(argv[i]).exists():
            raise UnknownCommand(argv[i], _suggest(argv[i]))
    return [*argv[:i], "open", *argv[i:]]


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _with_default_command(args)
    except UnknownCommand as exc:
        message = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(exc))
        sys.stderr.write(message + "\n")
        sys.stderr.write("Run 'intercept-viewer --help' for the list of commands.\n")
        raise SystemExit(2) from None
    cli.main(args=args, prog_name="intercept-viewer")


def gui_main() -> None:
    """GUI entry point (no console on Windows): always the window."""
    main(sys.argv[1:])
