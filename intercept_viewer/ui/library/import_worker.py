"""Folder import off the GUI thread: the files to import, and the import as a runner task.

The task runs on the runner's write lane with its own read-write ``Library(path)`` (a sqlite3
connection belongs to the thread that opened it; the library is in WAL mode so the GUI keeps
reading meanwhile). Each file's outcome is yielded as progress; Cancel stops between files.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from pathlib import Path

from intercept_viewer.core import import_pipeline
from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.formats import accepted_suffixes
from intercept_viewer.core.library import AddResult, Library
from intercept_viewer.ui.tasks import Task


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every importable file under the folders (recursively).

    Sidecar ``NAME.meta.json`` files and hidden files are metadata, not transcripts.
    """
    suffixes = set(accepted_suffixes())
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if (
                    f.is_file()
                    and f.suffix.lower() in suffixes
                    and not f.name.lower().endswith(".meta.json")
                ):
                    out.append(f)
        else:
            out.append(path)
    return out


def import_task(files: list[Path]) -> Task:
    """The runner's write task importing ``files``: it yields ``(done, total, path, outcome)``
    after each file (an AddResult or the ImportFailed), so a cancel stops between files and
    what was imported before it is still reported."""

    def op(library: Library) -> Generator[tuple[int, int, Path, AddResult | ImportFailed]]:
        total = len(files)
        outcomes = import_pipeline.import_files(library, files)
        for done, (path, outcome) in enumerate(outcomes, start=1):
            yield done, total, path, outcome

    return Task("import", op, access="write")
