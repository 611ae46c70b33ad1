"""Stub: the window arrives with the window work."""

from __future__ import annotations

from pathlib import Path


def run_app(library_path: Path | None, files: list[str]) -> int:
    print("The window is not written yet; use the CLI (intercept-viewer --help).")
    return 0
