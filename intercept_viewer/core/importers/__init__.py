"""Importers: one module per family of formats, each turning bytes into a ParsedTranscript."""

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.registry import (
    IMPORTERS,
    ParsedFile,
    accepted_suffixes,
    detect,
    format_names,
    parse_path,
    parse_source,
)

__all__ = [
    "IMPORTERS",
    "Importer",
    "ParsedFile",
    "SourceFile",
    "accepted_suffixes",
    "detect",
    "format_names",
    "parse_path",
    "parse_source",
]
