"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class ArticleImporter(Importer):
    name = "article"
    description = "(not yet written)"
    suffixes = (
        ".txt",
        ".html",
        ".htm",
    )

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the article importer is not written yet")
