"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class JsonImporter(Importer):
    name = "json"
    description = "(not yet written)"
    suffixes = (".json",)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the json importer is not written yet")
