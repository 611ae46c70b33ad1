"""The importers' names, file endings and Open-dialog filters, without importing them.

The one public face of ``core.importers`` for the window (an import-linter contract keeps the
UI out of the importers): the command line needs the names for ``--format`` and the window the
endings and dialog filters before any file is read; importing the registry for them would load
every importer and its libraries (pysubs2, the article and dialogue parsers' compiled patterns
...) on every start. ``tests/test_startup_imports.py`` checks these match
``registry.IMPORTERS``: add a new importer there and here.
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


#: (label, endings) for the Open dialog, one per entry of ``registry.IMPORTERS`` with endings:
#: the label is the importer's description up to its first colon or parenthesis.
FORMAT_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("JSON", (".json",)),
    ("ELAN annotation files", (".eaf",)),
    ("Subtitles", (".srt", ".vtt", ".ass", ".ssa")),
    ("Word documents holding labelled or dash dialogue", (".docx",)),
    ("Dialogue with a speaker label on each turn", (".txt", ".md", ".text")),
    ("Dialogue whose turns open with a dash and name no speakers", (".txt", ".md", ".text")),
    ("A news article quoting a call", (".txt", ".html", ".htm", ".xhtml")),
)


def dialog_filters() -> str:
    """One filter per import format plus "all transcripts", for a Qt file dialog."""
    all_patterns = " ".join(f"*{s}" for s in ACCEPTED_SUFFIXES)
    filters = [f"All transcripts ({all_patterns})"]
    filters += [f"{label} ({' '.join('*' + s for s in ends)})" for label, ends in FORMAT_FILTERS]
    filters.append("All files (*)")
    return ";;".join(filters)


def format_names() -> list[str]:
    """The names ``--format`` accepts (as ``registry.format_names``)."""
    return list(FORMAT_NAMES)


def accepted_suffixes() -> list[str]:
    """The file endings some importer declares (as ``registry.accepted_suffixes``)."""
    return list(ACCEPTED_SUFFIXES)
