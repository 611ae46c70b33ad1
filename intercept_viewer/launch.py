"""The entry points: the window starts here without click, the commands go through the CLI.

``intercept-viewer`` with no command (``intercept-viewer``, ``--library PATH``, or files to
import and show) is a window start: it goes straight to ``ui.app.main``, so the start pays for
neither click nor the command modules. Anything else (a command, ``--help``, a word that is no
file) is the command line's to read, with its messages and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path


def window_args(argv: list[str]) -> tuple[str | None, list[str]] | None:
    """(``--library`` value, files) when ``argv`` only asks for the window, else None.

    A file must exist and name itself as one (a dot or a slash: no command has either), so a
    command, even one that is also a file's name, is always the command line's.
    """
    library: str | None = None
    files: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--library" and i + 1 < len(argv):
            library = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--library="):
            library = arg.split("=", 1)[1]
        elif arg.startswith("-") or not ("." in arg or "/" in arg) or not Path(arg).exists():
            return None
        else:
            files.append(arg)
        i += 1
    return library, files


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``intercept-viewer``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    window = window_args(args)
    if window is None:
        from intercept_viewer.cli import main as cli_main

        cli_main(args)
        return
    from intercept_viewer.ui.app import main as window_main

    raise SystemExit(window_main(*window))


def gui_main() -> None:
    """GUI entry point (no console on Windows): the window, or the CLI's message."""
    main(sys.argv[1:])
