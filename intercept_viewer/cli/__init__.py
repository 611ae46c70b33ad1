"""`intercept-viewer`: the window, or import/list/show/set/search/tag/export headless.

Commands are thin: parse options, call the Library, turn its errors into messages and exit
codes (sqlite-utils' habit). Each group of commands lives in its own module and registers
itself on the ``cli`` group when imported here.
"""

from __future__ import annotations

import sys

from intercept_viewer.cli import (  # noqa: F401
    export_cmd,
    media_cmd,
    passages_cmd,
    search_cmd,
    transcripts,
)
from intercept_viewer.cli.app import cli

__all__ = ["cli", "gui_main", "main"]


def _with_default_command(argv: list[str]) -> list[str]:
    """``intercept-viewer [FILE...]`` means ``intercept-viewer open [FILE...]``.

    Click groups can't mix sub-commands with free file arguments, so the entry point inserts
    ``open`` before the first word that is not a global option or a command name.
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
    return [*argv[:i], "open", *argv[i:]]


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    cli.main(args=_with_default_command(args), prog_name="intercept-viewer")


def gui_main() -> None:
    """GUI entry point (no console on Windows): always the window."""
    main(sys.argv[1:])
