"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class DashDialogueImporter(Importer):
    name = "dash"
    description = "(not yet written)"
    suffixes = (
        ".txt",
        ".md",
    )

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the dash importer is not written yet")
