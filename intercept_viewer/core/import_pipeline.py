"""Files into the library, one way: read -> dedupe -> parse -> store.

Each file's bytes are read once (``registry.read_source``, with its size limit); their SHA-256
is looked up (known bytes return the transcript already there, unparsed); then the importers
parse those same bytes, and the Library stores the result in one transaction and attaches a
recording found beside the file (``store_parsed_file``). The Library only stores: it never
reads or parses a file itself. ``import_files`` runs the same steps for many files through the
import pool (``core.import_pool``: parsing in worker processes while one connection writes);
the command line and the window's import task drive it and get each outcome as it is done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.library import Library
    from intercept_viewer.core.store.importing import AddResult


def import_file(
    library: Library, path: str | os.PathLike[str], format: str | None = None
) -> AddResult:
    """Read, dedupe, parse and store one file. Raises ImportFailed with file and line."""
    from intercept_viewer.core.importers.registry import file_sha256, parse_source, read_source

    source = read_source(Path(path))  # read
    existing = library.find_by_sha256(file_sha256(source.data))  # dedupe
    if existing is not None:
        return library.known_result(existing)
    pf = parse_source(source, format=format)  # parse (the same bytes: no second read)
    del source
    return library.store_parsed_file(pf, Path(path))  # store


def import_files(
    library: Library,
    paths: Iterable[str | os.PathLike[str]],
    format: str | None = None,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
    """Import many files, yielding each outcome as it is stored (progress for UI and CLI).

    One file failing does not stop the others; ``cancelled()`` is checked between files.
    """
    return library.import_files(paths, format, cancelled=cancelled, progress=progress)


def seed_samples(library: Library) -> list[AddResult]:
    """Import the bundled sample transcripts (used for a brand-new default library)."""
    return library.seed_samples()
