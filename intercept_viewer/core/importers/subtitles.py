"""Stub: to be written."""

from __future__ import annotations

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.model import ParsedTranscript


class SubtitleImporter(Importer):
    name = "subtitles"
    description = "(not yet written)"
    suffixes = (
        ".srt",
        ".vtt",
        ".ass",
        ".ssa",
    )

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise source.fail("the subtitles importer is not written yet")
