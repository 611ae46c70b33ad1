"""Files into the library, one way: read -> dedupe -> parse -> store.

Each file's bytes are read once (``registry.read_source``, with its size limit); their SHA-256
is looked up (known bytes return the transcript already there, unparsed); then the importers
parse those same bytes, and the Library stores the result in one transaction and attaches a
recording found beside the file. The Library only stores: it never reads or parses a file.
The command line and the window's import task drive ``import_files``, which yields each
outcome as it is done, for their progress bars.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from intercept_viewer.core.errors import ImportFailed, LibraryError
from intercept_viewer.core.store.importing import AddResult

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library


def import_file(
    library: Library, path: str | os.PathLike[str], format: str | None = None
) -> AddResult:
    """Read, dedupe, parse and store one file. Raises ImportFailed with file and line."""
    from intercept_viewer.core import media
    from intercept_viewer.core.importers.registry import file_sha256, parse_source, read_source

    source = read_source(Path(path))  # read
    existing = library.find_by_sha256(file_sha256(source.data))  # dedupe
    if existing is not None:
        return library.known(existing)
    pf = parse_source(source, format=format)  # parse (the same bytes: no second read)
    del source
    try:  # store
        result = library.add(pf.parsed, file_name=pf.file_name, sha256=pf.sha256, format=pf.format)
    except sqlite3.Error as exc:
        raise ImportFailed(f"the library refused it: {exc}", file=str(path)) from None
    result.media = media.attach_found(library, result.id, Path(path), pf.parsed.meta.media_path)
    return result


def import_files(
    library: Library,
    paths: Iterable[str | os.PathLike[str]],
    format: str | None = None,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[tuple[Path, AddResult | ImportFailed]]:
    """Import many files, yielding each outcome as it is done (progress for UI and CLI).

    One file failing does not stop the others; ``cancelled()`` is checked between files.
    """
    for p in paths:
        if cancelled is not None and cancelled():
            return
        path = Path(p)
        try:
            outcome: AddResult | ImportFailed = import_file(library, path, format=format)
        except ImportFailed as exc:
            outcome = exc
        except LibraryError:
            raise  # the library itself is unusable (locked, read-only): stop the batch
        except Exception as exc:  # a bug in an importer must not sink the whole batch
            outcome = ImportFailed(
                f"the importer failed unexpectedly ({type(exc).__name__}: {exc}); "
                "please report this file",
                file=str(path),
            )
        yield path, outcome


def seed_samples(library: Library) -> list[AddResult]:
    """Import the bundled sample transcripts (used for a brand-new default library)."""
    from intercept_viewer.resources import sample_files

    return [
        outcome
        for _path, outcome in import_files(library, sample_files())
        if isinstance(outcome, AddResult)
    ]
