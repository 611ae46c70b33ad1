"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class ElanImporter(Importer):
    name = "elan"
    description = "(not yet written)"
    suffixes = (".eaf",)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the elan importer is not written yet")
