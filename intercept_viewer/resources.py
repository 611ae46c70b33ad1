"""Find the bundled resources (samples, icons) in a checkout and in an installed wheel.

The repository keeps them in the top-level ``resources/`` folder; the wheel carries the same
folder as ``intercept_viewer/_resources`` (hatchling ``force-include``). An editable install
sees only the checkout, so both places are tried.

The package is always a folder on disk (the resources are handed to Qt and SQLite as paths), so
it is found from ``__file__``: importing ``importlib.resources`` cost every start about 9 ms
to say the same.
"""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """Return the folder holding ``samples/`` and ``icons/``."""
    packaged = Path(__file__).resolve().parent / "_resources"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("Intercept Viewer's resources folder is missing from this install")


def samples_dir() -> Path:
    """The bundled sample transcripts that seed a new default library."""
    return resources_dir() / "samples"


def sample_files() -> list[Path]:
    """Every sample transcript, sorted, without sidecar metadata files."""
    return sorted(
        p
        for p in samples_dir().iterdir()
        if p.is_file() and not p.name.endswith(".meta.json") and not p.name.startswith(".")
    )
