"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class DocxImporter(Importer):
    name = "docx"
    description = "(not yet written)"
    suffixes = (".docx",)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the docx importer is not written yet")
