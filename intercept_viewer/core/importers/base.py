"""What every importer is: a name, the file endings it accepts, a sniffer and a parser.

Importers are small classes listed in ``registry.IMPORTERS`` (anki's pattern). An importer never
touches the library: it turns a ``SourceFile`` into a ``ParsedTranscript`` or raises
``ImportFailed`` — and nothing else; any other exception escaping ``parse`` is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.model import ParsedTranscript


@dataclass
class SourceFile:
    """The bytes of one file and what we know of it. ``text`` decodes lazily, once."""

    name: str
    data: bytes
    path: Path | None = None
    _decoded: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def suffix(self) -> str:
        """The lower-case extension with its dot ('.srt'); '' when there is none."""
        return Path(self.name).suffix.lower()

    @cached_property
    def text(self) -> str:
        """The file as text (BOM, UTF-8, else detected); raises ImportFailed if it is binary."""
        from intercept_viewer.core.importers.decoding import decode_with_note

        try:
            text, note = decode_with_note(self.data)
        except ImportFailed as exc:
            raise exc.with_file(self.name) from None
        self._decoded["note"] = note
        return text

    @property
    def encoding_note(self) -> str | None:
        """Set once ``text`` was read: why its encoding is only a guess, or None."""
        note = self._decoded.get("note")
        return note if isinstance(note, str) else None

    @cached_property
    def head(self) -> str:
        """The first few KB decoded leniently, for sniffing without decoding a huge file."""
        from intercept_viewer.core.importers.decoding import decode_head

        return decode_head(self.data)

    def fail(self, message: str, line: int | None = None) -> ImportFailed:
        """An ImportFailed naming this file: ``raise source.fail("expected ...", line=3)``."""
        return ImportFailed(message, file=self.name, line=line)


class Importer:
    """Base of every importer. Subclasses set the class attributes and implement ``parse``."""

    #: Short name, used by ``--format`` and stored as the transcript's format.
    name: ClassVar[str] = ""
    #: A sentence for ``--help`` and the Open dialog.
    description: ClassVar[str] = ""
    #: File endings (with dot, lower case) this importer accepts.
    suffixes: ClassVar[tuple[str, ...]] = ()

    def sniff(self, source: SourceFile) -> float:
        """How sure this importer is that it can read ``source``: 0.0 (no) to 1.0 (certain).

        Sniffers look at ``source.head`` (and at most the first few KB); they must be cheap and
        must not raise.
        """
        return 0.0

    def parse(self, source: SourceFile) -> ParsedTranscript:
        raise NotImplementedError
