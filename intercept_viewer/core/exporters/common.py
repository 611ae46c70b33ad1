"""What every exporter shares: the status flag, citations, quoted lines and where output goes.

The one rule all exports keep: text from a transcript that is not *verified* never leaves
the application without its status next to it. Quotes carry a ``[UNVERIFIED]`` (or
``[DISPUTED]``, ``[CORROBORATED]``) prefix on the very line of the quote, so copying one line
out of an export can't lose it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from intercept_viewer.core.atomic_write import atomic_write
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Passage, Speaker, Transcript, Utterance
from intercept_viewer.core.status import status_tag, with_status
from intercept_viewer.core.timefmt import format_ms

#: What an export writes to: a file path (written atomically) or an open text stream.
Destination = str | os.PathLike[str] | TextIO

#: The name shown for an utterance whose speaker the file did not say.
UNKNOWN_SPEAKER = "Unknown"
#: Ends every line whose turn was corrected after import (issue 15), so a quote can't pass
#: for what was published.
CORRECTED_MARK = "[corrected]"


#: Quoted for a passage whose turns a correction deleted (the passage keeps its note).
TURNS_DELETED = "(the turns of this passage were deleted in a correction; its note is kept)"


def corrected_suffix(u: Utterance) -> str:
    """`` [corrected]`` for a turn corrected after import, else ''."""
    return f" {CORRECTED_MARK}" if u.corrected else ""


def transcript_turns(library: Library, transcript_id: int, original: bool) -> list[Utterance]:
    """The turns an export writes: as corrected (the default) or as imported."""
    if original:
        return library.imported_utterances(transcript_id)
    return library.utterances(transcript_id)


def corrections_sentence(library: Library, transcript_id: int, original: bool) -> str | None:
    """A header line saying the export differs from, or is, the release as imported."""
    if not library.is_corrected(transcript_id):
        return None
    if original:
        return "The transcript as imported: corrections made afterwards are left out."
    return (
        f"Corrected after import: lines marked {CORRECTED_MARK} differ from the release "
        "(export with the original option for the text as imported)."
    )


def status_sentence(t: Transcript) -> str:
    """One line for headers: ``[UNVERIFIED] Not verified: ...`` or ``Status: verified``."""
    note = f" Note: {one_line(t.verification_note)}" if t.verification_note else ""
    if t.verification == "verified":
        return f"Status: verified.{note}"
    meaning = {
        "unverified": "nobody has verified this release",
        "corroborated": "corroborated by other sources, not verified",
        "disputed": "the authenticity of this release is disputed",
    }.get(t.verification, "not verified")
    return f"{status_tag(t.verification)} {meaning[:1].upper()}{meaning[1:]}.{note}"


def one_line(text: str | None) -> str:
    """Collapse whitespace (newlines included) so a value fits on one line."""
    return " ".join((text or "").split())


def time_span(start_ms: int | None, end_ms: int | None) -> str:
    """``0:05–0:14``, ``0:05`` or '' as far as the times are known."""
    if start_ms is None:
        return ""
    if end_ms is None or end_ms <= start_ms:
        return format_ms(start_ms)
    return f"{format_ms(start_ms)}–{format_ms(end_ms)}"


def passage_fields(p: Passage) -> dict[str, object]:
    """A passage's own fields, as both the passage exports and the project JSON write them."""
    return {
        "first_seq": p.first_seq,
        "last_seq": p.last_seq,
        "start_char": p.start_char,
        "end_char": p.end_char,
        "tags": list(p.tags),
        "note": p.note,
        "state": p.state,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def citation_fields(t: Transcript) -> dict[str, str | None]:
    """The fields a citation is made of, for structured exports (CSV columns, JSON)."""
    return {
        "title": t.title,
        "publisher": t.publisher,
        "channel": t.channel,
        "released_on": t.released_on,
        "recorded_on": t.recorded_on,
        "source_url": t.source_url,
        "archive_url": t.archive_url,
        "language": t.language,
        "translator": t.translator,
        "verification": t.verification,
        "verification_note": t.verification_note,
        "origin": t.origin,
        "media_sha256": t.media_sha256,
    }


def citation_text(t: Transcript) -> str:
    """A one-line citation: title, publisher, channel, release date, URL and the status.

    e.g. ``"Call about Kupyansk". HUR, Telegram @DIUkraine, released 2024-03-01.
    https://... (archived: https://...). [UNVERIFIED]``
    """
    parts = [f'"{one_line(t.title)}".']
    who = ", ".join(one_line(x) for x in (t.publisher, t.channel) if x)
    when = f"released {t.released_on}" if t.released_on else "release date unknown"
    parts.append(f"{who}, {when}." if who else f"{when[:1].upper()}{when[1:]}.")
    if t.translator:
        parts.append(f"Translated by {one_line(t.translator)}.")
    if t.origin == "article":
        parts.append("Quoted in a news article, not a full transcript.")
    if t.source_url:
        url = one_line(t.source_url)
        parts.append(f"{url} (archived: {one_line(t.archive_url)})." if t.archive_url else url)
    elif t.archive_url:
        parts.append(f"Archived: {one_line(t.archive_url)}.")
    if t.media_sha256:
        parts.append(f"Recording SHA-256: {t.media_sha256}.")
    parts.append(status_tag(t.verification) or "[VERIFIED]")
    return " ".join(parts)


# ---------------------------------------------------------------- passages with their quotes


@dataclass
class QuoteLine:
    """One utterance of a passage: who, when, and the quoted part of its text."""

    seq: int
    speaker: str
    start_ms: int | None
    end_ms: int | None
    text: str
    #: the quote begins/ends inside the utterance (a character range), shown as "…"
    cut_start: bool = False
    cut_end: bool = False
    #: the turn was corrected after import
    corrected: bool = False
    #: the file's translation of the whole utterance, if it gave one
    translation: str | None = None

    @property
    def shown_text(self) -> str:
        """The quoted text with "…" where it was cut out of a longer utterance."""
        return f"{'…' if self.cut_start else ''}{self.text}{'…' if self.cut_end else ''}"


@dataclass
class QuotedPassage:
    """A passage with everything an export prints: its transcript and quoted lines."""

    passage: Passage
    transcript: Transcript
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def verification(self) -> str:
        return self.transcript.verification

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(q.speaker for q in self.lines))

    @property
    def start_ms(self) -> int | None:
        return self.lines[0].start_ms if self.lines else None

    @property
    def end_ms(self) -> int | None:
        return self.lines[-1].end_ms if self.lines else None

    def plain_lines(self) -> list[str]:
        """The quote as text lines, each carrying the status: ``[UNVERIFIED] Soldier [0:05]:
        text``. A multi-line utterance gives several lines, every one prefixed."""
        if not self.lines and self.passage.turns_deleted_at:
            return [with_status(self.verification, TURNS_DELETED)]
        out: list[str] = []
        for q in self.lines:
            when = f" [{format_ms(q.start_ms)}]" if q.start_ms is not None else ""
            first, *rest = q.shown_text.split("\n")
            mark = f" {CORRECTED_MARK}" if q.corrected and not rest else ""
            out.append(with_status(self.verification, f"{q.speaker}{when}: {first}{mark}"))
            out.extend(with_status(self.verification, f"    {line}") for line in rest)
            if q.corrected and rest:
                out[-1] += f" {CORRECTED_MARK}"
            if q.translation:
                out.append(
                    with_status(self.verification, f"    (translation: {one_line(q.translation)})")
                )
        return out


def speaker_names(speakers: Sequence[Speaker]) -> dict[int, str]:
    return {s.id: s.name for s in speakers}


def quote_passages(library: Library, passages: Sequence[Passage]) -> list[QuotedPassage]:
    """Gather, for each passage, its transcript and the quoted text of each utterance.

    Transcripts and speakers are read once per transcript, not once per passage.
    """
    transcripts: dict[int, Transcript] = {}
    names: dict[int, dict[int, str]] = {}
    out = []
    for p in passages:
        if p.transcript_id not in transcripts:
            transcripts[p.transcript_id] = library.transcript(p.transcript_id)
            names[p.transcript_id] = speaker_names(library.speakers(p.transcript_id))
        who = names[p.transcript_id]
        quoted = library.passage_text(p)
        lines = [
            QuoteLine(
                u.seq,
                speaker_label(u, who),
                u.start_ms,
                u.end_ms,
                text,
                cut_start=i == 0 and bool(p.start_char),
                cut_end=i == len(quoted) - 1
                and p.end_char is not None
                and p.end_char < len(u.text),
                corrected=u.corrected,
                translation=u.translation,
            )
            for i, (u, text) in enumerate(quoted)
        ]
        out.append(QuotedPassage(p, transcripts[p.transcript_id], lines))
    return out


def speaker_label(u: Utterance, names: dict[int, str]) -> str:
    return names.get(u.speaker_id, UNKNOWN_SPEAKER) if u.speaker_id else UNKNOWN_SPEAKER


# ---------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
#: What ends a line in Markdown (CommonMark: LF, CR, CRLF), and the other line and paragraph
#: separators some renderers honour too.
_MD_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown syntax in untrusted text so it renders as typed.

    Covers emphasis, links, code, raw HTML (``<``), entities (``&``), headings and tables. A
    line break inside the text becomes a space: every line we write begins with our own
    markup (``> **[UNVERIFIED]**``, ``- **Tags:**``), so a newline in a speaker's name, a tag or
    a turn could otherwise open a heading, a rule or a list, or leave a quoted line outside its
    blockquote without its status. Callers that keep a field's lines split them first
    (``md_lines``).
    """
    return _MD_SPECIAL.sub(r"\\\1", _MD_LINE_BREAK.sub(" ", text))


_MD_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def md_line(text: str) -> str:
    """``md_escape`` for text that starts a line of its own (after a hard break): a leading
    ``-``, ``+``, ``=``, ``>`` or ``1.`` is escaped too, so it can't open a list, a quote or a
    setext heading (``---`` under a line)."""
    return _MD_BLOCK_START.sub(r"\1\\\2", md_escape(text), count=1)


def md_lines(text: str) -> list[str]:
    """``text`` split at every kind of line break (CR alone included), for per-line markup."""
    return _MD_LINE_BREAK.split(text)


_PLAIN_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)


def md_url(url: str) -> str:
    """An http(s) URL as a Markdown autolink; anything else escaped as text (no
    ``javascript:`` links, nothing that could close the ``<...>``)."""
    url = one_line(url)
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else md_escape(url)


# ---------------------------------------------------------------- where output goes


@contextlib.contextmanager
def open_destination(dest: Destination, *, newline: str | None = None) -> Iterator[TextIO]:
    """A path is written atomically (temp file + rename); a stream is written as it is."""
    if isinstance(dest, str | os.PathLike):
        with atomic_write(Path(dest), newline=newline) as fh:
            yield fh
    else:
        yield dest


@dataclass
class ExportResult:
    """What an export did, for the CLI and the UI to report. ``warnings`` are for the user."""

    format: str
    items: int
    warnings: list[str] = field(default_factory=list)
