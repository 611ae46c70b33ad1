"""Plain data shared by importers, the library, exporters and the UI.

Two families live here:

* ``Parsed*`` — what an importer produces from a file, before it has ids. Speakers are referred
  to by their *label* as written in the file.
* rows read back from the library (``Transcript``, ``Speaker``, ``Utterance``, ``Tag``,
  ``Passage``) — with stable integer ids, so UI models can cache them by id.

No Qt and no SQL here: these are the contract between the layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verification = Literal["unverified", "corroborated", "verified", "disputed"]
VERIFICATION_STATES: tuple[str, ...] = ("unverified", "corroborated", "verified", "disputed")
FOLLOW_UP_STATES: tuple[str, ...] = ("open", "done")
#: How the turns were obtained: a full transcript, or quotes lifted from a news article.
ORIGINS: tuple[str, ...] = ("transcript", "article")

#: The editable source fields of a transcript, in the order the source panel shows them.
META_FIELDS: tuple[str, ...] = (
    "title",
    "publisher",
    "channel",
    "source_url",
    "archive_url",
    "released_on",
    "recorded_on",
    "language",
    "original_language",
    "translator",
    "verification",
    "verification_note",
    "description",
    "media_path",
)


#: The kinds of history entry (``core.corrections``): the corrections and a status change.
HISTORY_KINDS: tuple[str, ...] = (
    "text",
    "speaker",
    "split",
    "merge",
    "insert",
    "delete",
    "time",
    "verification",
)


@dataclass
class SourceMeta:
    """Where a release came from. Every field but ``verification`` may be unknown (None)."""

    title: str | None = None
    publisher: str | None = None
    channel: str | None = None
    source_url: str | None = None
    archive_url: str | None = None
    released_on: str | None = None  # ISO date, YYYY-MM-DD
    recorded_on: str | None = None
    language: str | None = None  # ISO 639-1: en, ru, uk
    original_language: str | None = None
    translator: str | None = None
    verification: str = "unverified"
    verification_note: str | None = None
    description: str | None = None
    media_path: str | None = None
    origin: str = "transcript"
    #: Keys a front-matter block or sidecar had that are not fields; kept, shown in description.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedSpeaker:
    """A speaker as the file names it. ``name`` is the display name when it differs."""

    label: str
    name: str | None = None
    role: str | None = None
    color: str | None = None


@dataclass
class ParsedUtterance:
    """One turn. ``speaker`` is a label from ``ParsedTranscript.speakers`` or None (unknown).

    ``context`` is the paragraph a turn was quoted from, for article imports.
    ``line`` is the 1-based line in the source file, for error messages and debugging.
    ``translation`` is a translation the file gives beside the original (a bilingual cue's
    second line, an ``EN:`` line under ``RU:``): kept apart so the text stays what was said.
    """

    text: str
    speaker: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    context: str | None = None
    line: int | None = None
    translation: str | None = None
    #: the text as imported, when the file is our own export of a corrected turn
    original_text: str | None = None


@dataclass
class ImportWarning:
    """Something an importer assumed or skipped, for the user to review: "line 3 taken as the
    headline", "label 'Ж.' seen once", "quote attributed by proximity". ``line`` is 1-based in
    the source file, None when the remark is about the whole file."""

    message: str
    line: int | None = None


@dataclass
class ParsedPassage:
    """A tagged passage carried by the project's own JSON export, so it round-trips."""

    first_seq: int
    last_seq: int
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    state: str = "open"
    start_char: int | None = None
    end_char: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class ParsedTranscript:
    """What every importer returns: metadata, speakers and utterances in order."""

    meta: SourceMeta
    speakers: list[ParsedSpeaker]
    utterances: list[ParsedUtterance]
    format: str = "unknown"
    passages: list[ParsedPassage] = field(default_factory=list)
    tag_colors: dict[str, str] = field(default_factory=dict)
    tag_descriptions: dict[str, str] = field(default_factory=dict)
    #: What the importer assumed or skipped (the import report), in file order.
    warnings: list[ImportWarning] = field(default_factory=list)
    #: The corrections and status changes our own export carried
    #: (``history_transfer.ParsedHistoryEntry``), restored with the transcript.
    history: list[Any] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(ImportWarning(message, line))

    def speaker_labels(self) -> list[str]:
        return [s.label for s in self.speakers]


# ---------------------------------------------------------------- rows read from the library


@dataclass
class Transcript:
    """A transcript's row: its source metadata plus what the library knows of the file."""

    id: int
    title: str
    publisher: str | None = None
    channel: str | None = None
    source_url: str | None = None
    archive_url: str | None = None
    released_on: str | None = None
    recorded_on: str | None = None
    language: str | None = None
    original_language: str | None = None
    translator: str | None = None
    verification: str = "unverified"
    verification_note: str | None = None
    description: str | None = None
    media_path: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    format: str | None = None
    imported_at: str | None = None
    utterance_count: int = 0
    has_times: bool = False
    origin: str = "transcript"
    #: the attached recording's SHA-256 (its provenance), None without one
    media_sha256: str | None = None

    @property
    def is_verified(self) -> bool:
        return self.verification == "verified"


@dataclass
class Speaker:
    id: int
    transcript_id: int
    label: str
    name: str
    role: str | None = None
    color: str = "#888888"
    utterance_count: int = 0
    speaking_ms: int = 0


@dataclass
class Utterance:
    id: int
    transcript_id: int
    seq: int
    speaker_id: int | None
    start_ms: int | None
    end_ms: int | None
    text: str
    context: str | None = None
    #: The text as imported, set by the first correction of this turn; None while never
    #: corrected. '' for a turn the user inserted (it has no original).
    original_text: str | None = None
    translation: str | None = None

    @property
    def corrected(self) -> bool:
        return self.original_text is not None


@dataclass
class StoredWarning:
    """An import warning as the library keeps it; ``dismissed`` once the user has reviewed it."""

    id: int
    transcript_id: int
    line: int | None
    message: str
    dismissed: bool = False
    #: the turn the line belongs to (None when the remark is about the whole file)
    seq: int | None = None


@dataclass
class Tag:
    id: int
    name: str
    color: str
    description: str | None = None
    passage_count: int = 0


@dataclass
class Passage:
    """A run of utterances ``first_seq..last_seq`` of one transcript, with tags and a note.

    ``start_char``/``end_char`` narrow it to a character range inside the first and last
    utterance (None means the whole utterance).
    """

    id: int
    transcript_id: int
    first_seq: int
    last_seq: int
    note: str | None = None
    state: str = "open"
    start_char: int | None = None
    end_char: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    tags: list[str] = field(default_factory=list)
    #: When every turn the passage covered was deleted (a correction); it keeps its note.
    turns_deleted_at: str | None = None
