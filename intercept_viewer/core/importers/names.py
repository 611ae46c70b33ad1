"""The importers' names and file endings, without importing the importers.

The command line needs the names for ``--format`` and the window needs the endings for its
folder import before any file is read; importing the registry for them would load every
importer and its libraries (pysubs2, the article and dialogue parsers' compiled patterns ...)
on every start. ``tests/test_startup_imports.py`` checks these match ``registry.IMPORTERS``:
add a new importer there and here.
"""

from __future__ import annotations

#: ``Importer.name`` of each entry of ``registry.IMPORTERS``, in the same order.
FORMAT_NAMES: tuple[str, ...] = ("json", "elan", "subtitles", "docx", "labelled", "dash", "article")

#: Every ``Importer.suffixes`` entry of ``registry.IMPORTERS``, first occurrence order.
ACCEPTED_SUFFIXES: tuple[str, ...] = (
    ".json",
    ".eaf",
    ".srt",
    ".vtt",
    ".ass",
    ".ssa",
    ".docx",
    ".txt",
    ".md",
    ".text",
    ".html",
    ".htm",
    ".xhtml",
)


def format_names() -> list[str]:
    """The names ``--format`` accepts (as ``registry.format_names``)."""
    return list(FORMAT_NAMES)


def accepted_suffixes() -> list[str]:
    """The file endings some importer declares (as ``registry.accepted_suffixes``)."""
    return list(ACCEPTED_SUFFIXES)
