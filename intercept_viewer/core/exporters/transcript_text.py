"""A whole transcript as plain text or Markdown, for reading, quoting and archiving.

TXT starts with a ``---`` front-matter block (the form our importers read back) holding the
citation, with the verification flag as its first line, then one ``[m:ss] Speaker: text``
line per utterance; while the release is not verified every line starts with its status
(``[UNVERIFIED] [0:05] Soldier: …``), so a line copied out of the file keeps the flag.
Markdown has a title, the flag as a block quote, the citation as a list, the conversation
(each turn flagged the same way), and the tagged passages with their notes.
"""

from __future__ import annotations

from typing import TextIO

from intercept_viewer.core.exporters.common import (
    corrected_suffix,
    corrections_sentence,
    md_escape,
    md_line,
    md_lines,
    md_url,
    one_line,
    speaker_label,
    speaker_names,
    status_sentence,
    status_tag,
    time_span,
    transcript_turns,
)
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Transcript
from intercept_viewer.core.timefmt import format_ms

#: Front-matter keys in the order written (the importers' metadata reader knows them all).
_HEADER_FIELDS: tuple[str, ...] = (
    "title",
    "verification",
    "verification_note",
    "publisher",
    "channel",
    "released_on",
    "recorded_on",
    "source_url",
    "archive_url",
    "language",
    "original_language",
    "translator",
    "description",
)


def _front_matter(t: Transcript, corrections: str | None = None) -> list[str]:
    lines = ["---", f"# {status_sentence(t)}"]
    if t.origin == "article":
        lines.append("# Quotes taken from a news article, not a full transcript.")
    if corrections:
        lines.append(f"# {corrections}")
    for key in _HEADER_FIELDS:
        value = getattr(t, key)
        if value is None or value == "":
            continue
        first, *rest = [line.strip() for line in str(value).splitlines() if line.strip()] or [""]
        lines.append(f"{key}: {first}")
        lines.extend(f"  {line}" for line in rest)  # indented lines continue the value
    lines.append("---")
    return lines


def write_txt(library: Library, transcript_id: int, out: TextIO, *, original: bool = False) -> int:
    """``[m:ss] Speaker: text`` per utterance under a citation header; returns the count.

    A corrected turn's line ends ``[corrected]``; ``original`` writes the text as imported.
    """
    t = library.transcript(transcript_id)
    names = speaker_names(library.speakers(transcript_id))
    for line in _front_matter(t, corrections_sentence(library, transcript_id, original)):
        out.write(line + "\n")
    out.write("\n")
    n = 0
    # every line carries the status, so a line copied out of the file keeps its flag
    mark = status_tag(t.verification)
    mark = f"{mark} " if mark else ""
    for u in transcript_turns(library, transcript_id, original):
        when = f"[{format_ms(u.start_ms)}] " if u.start_ms is not None else ""
        lines = u.text.split("\n")
        lines[-1] += corrected_suffix(u)
        first, *rest = lines
        out.write(f"{mark}{when}{speaker_label(u, names)}: {first}\n")
        for line in rest:
            out.write(f"{mark}    {line}\n")
        if u.translation:
            out.write(f"{mark}    Translation: {one_line(u.translation)}\n")
        n += 1
    return n


def write_markdown(
    library: Library, transcript_id: int, out: TextIO, *, original: bool = False
) -> int:
    """The transcript as Markdown: flag, citation, conversation, tagged passages.

    Corrected turns end ``[corrected]``; ``original`` writes the text as imported.
    """
    t = library.transcript(transcript_id)
    names = speaker_names(library.speakers(transcript_id))
    w = out.write
    w(f"# {md_escape(one_line(t.title))}\n\n")
    tag = status_tag(t.verification)
    flag = md_escape(status_sentence(t))
    if tag:
        flag = flag.replace(md_escape(tag), f"**{md_escape(tag)}**", 1)
    w(f"> {flag}\n\n")
    corrections = corrections_sentence(library, transcript_id, original)
    if corrections:
        w(f"> {md_escape(corrections)}\n\n")
    for label, value in (
        ("Publisher", t.publisher),
        ("Channel", t.channel),
        ("Released", t.released_on),
        ("Recorded", t.recorded_on),
        ("Source", t.source_url),
        ("Archive", t.archive_url),
        ("Language", t.language),
        ("Original language", t.original_language),
        ("Translator", t.translator),
    ):
        if value:
            shown = md_url(value) if label in ("Source", "Archive") else md_escape(one_line(value))
            w(f"- **{label}:** {shown}\n")
    if t.origin == "article":
        w("- **Origin:** quotes taken from a news article, not a full transcript\n")
    if t.description:
        w(f"\n{md_escape(one_line(t.description))}\n")
    w("\n## Conversation\n\n")
    n = 0
    # each turn carries the status (as the passage exports do): a pasted turn keeps its flag
    mark = f"**{md_escape(tag)}** " if tag else ""
    for u in transcript_turns(library, transcript_id, original):
        when = f" \\[{format_ms(u.start_ms)}\\]" if u.start_ms is not None else ""
        first_line, *more = md_lines(u.text)
        body = "  \n".join([md_escape(first_line), *(md_line(line) for line in more)])
        body += md_escape(corrected_suffix(u))
        w(f"{mark}**{md_escape(speaker_label(u, names))}**{when}: {body}\n")
        if u.translation:
            w(f"> _{md_escape(one_line(u.translation))}_\n")
        w("\n")
        n += 1
    passages = library.passages(transcript_id=transcript_id)
    if passages:
        w("## Tagged passages\n\n")
        for p in passages:
            span = (
                f"Utterance {p.first_seq}"
                if p.first_seq == p.last_seq
                else f"Utterances {p.first_seq}–{p.last_seq}"
            )
            when = ""
            if p.turns_deleted_at:
                span = f"{span} (its turns were deleted in a correction)"
            else:
                first = library.utterance(transcript_id, p.first_seq)
                last = library.utterance(transcript_id, p.last_seq)
                when = time_span(first.start_ms, last.end_ms)
            tags = ", ".join(md_escape(x) for x in p.tags) or "no tags"
            w(f"- {span}{f' ({when})' if when else ''} — {tags} — {p.state}")
            if p.note:
                w(f": {md_escape(one_line(p.note))}")
            w("\n")
    return n
