"""Tagged passages (the follow-up queue) as CSV, JSON or Markdown, each with a citation.

Every quote of a transcript that is not verified carries its status *on the line of the
quote*: the CSV quote cell starts each line with ``[UNVERIFIED]`` (and a ``verification``
column says it again), the Markdown quote lines start with ``**[UNVERIFIED]**``, and JSON has
a ``verification`` key on each passage and on each quoted line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from intercept_viewer.core.exporters.common import (
    CORRECTED_MARK,
    TURNS_DELETED,
    QuotedPassage,
    citation_fields,
    citation_text,
    md_escape,
    md_line,
    md_lines,
    md_url,
    one_line,
    passage_fields,
    status_tag,
    time_span,
    with_status,
)
from intercept_viewer.core.timefmt import format_ms

#: The top-level key and version of the passages JSON document.
PASSAGES_FORMAT_VERSION = 1

CSV_COLUMNS: tuple[str, ...] = (
    "passage_id",
    "verification",
    "quote",
    "speakers",
    "time",
    "tags",
    "note",
    "state",
    "citation",
    "title",
    "publisher",
    "channel",
    "released_on",
    "source_url",
    "archive_url",
    "transcript_id",
    "first_seq",
    "last_seq",
    "start_char",
    "end_char",
    "created_at",
    "updated_at",
)

#: A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection), also
#: in their full-width forms (＝＋－＠), which spreadsheets fold to the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: Any) -> Any:
    """Defuse spreadsheet formulas in untrusted text with a leading apostrophe (the OWASP
    advice); numbers and None pass through. Leading whitespace and newlines don't hide a
    formula: spreadsheets skip them."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START) or value.lstrip().startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


def write_csv(quoted: Sequence[QuotedPassage], out: TextIO) -> int:
    """One row per passage; the quote cell holds one line per utterance, each prefixed with
    the status. ``out`` should be opened with ``newline=""`` (the csv module's rule)."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for qp in quoted:
        p, t = qp.passage, qp.transcript
        row = {
            "passage_id": p.id,
            "verification": t.verification,
            "quote": "\n".join(qp.plain_lines()),
            "speakers": "; ".join(qp.speakers),
            "time": time_span(qp.start_ms, qp.end_ms),
            "tags": "; ".join(p.tags),
            "note": p.note or "",
            "state": p.state,
            "citation": citation_text(t),
            "title": t.title,
            "publisher": t.publisher or "",
            "channel": t.channel or "",
            "released_on": t.released_on or "",
            "source_url": t.source_url or "",
            "archive_url": t.archive_url or "",
            "transcript_id": t.id,
            "first_seq": p.first_seq,
            "last_seq": p.last_seq,
            "start_char": "" if p.start_char is None else p.start_char,
            "end_char": "" if p.end_char is None else p.end_char,
            "created_at": p.created_at or "",
            "updated_at": p.updated_at or "",
        }
        writer.writerow([csv_safe(row[c]) for c in CSV_COLUMNS])
    return len(quoted)


def passage_record(qp: QuotedPassage) -> dict[str, Any]:
    """One passage of the JSON export."""
    p, t = qp.passage, qp.transcript
    return {
        "id": p.id,
        "transcript_id": t.id,
        "verification": t.verification,
        "status": status_tag(t.verification) or None,
        "quote": [
            {
                "seq": q.seq,
                "speaker": q.speaker,
                "start_ms": q.start_ms,
                "end_ms": q.end_ms,
                "text": q.text,
                "translation": q.translation,
                "verification": t.verification,
                "corrected": q.corrected,
            }
            for q in qp.lines
        ],
        "quote_text": "\n".join(qp.plain_lines()),
        "speakers": qp.speakers,
        **passage_fields(p),
        "turns_deleted": bool(p.turns_deleted_at),
        "citation": citation_fields(t),
        "citation_text": citation_text(t),
    }


def write_json(quoted: Sequence[QuotedPassage], out: TextIO) -> int:
    doc = {
        "intercept_viewer_passages": PASSAGES_FORMAT_VERSION,
        "count": len(quoted),
        "passages": [passage_record(qp) for qp in quoted],
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(quoted)


def _md_quote_lines(qp: QuotedPassage) -> list[str]:
    """``> **[UNVERIFIED]** **Soldier** [0:05]: text`` per line; lines joined by a hard break
    (a trailing backslash), so no blank ``>`` line sits between them without the flag."""
    tag = status_tag(qp.verification)
    flag = f"**{md_escape(tag)}** " if tag else ""
    lines: list[str] = []
    if not qp.lines and qp.passage.turns_deleted_at:
        lines.append(f"> {flag}{md_escape(TURNS_DELETED)}")
    for q in qp.lines:
        when = f" \\[{format_ms(q.start_ms)}\\]" if q.start_ms is not None else ""
        first, *rest = md_lines(q.shown_text)
        lines.append(f"> {flag}**{md_escape(q.speaker)}**{when}: {md_escape(first.strip())}")
        lines.extend(f"> {flag}{md_line(line.strip())}" for line in rest)
        if q.corrected:
            lines[-1] += f" {md_escape(CORRECTED_MARK)}"
        if q.translation:
            lines.append(f"> {flag}_{md_escape(one_line(q.translation))}_")
    return [line + "\\" for line in lines[:-1]] + lines[-1:]


def write_markdown(quoted: Sequence[QuotedPassage], out: TextIO) -> int:
    w = out.write
    w("# Tagged passages\n\n")
    w(
        f"{len(quoted)} passage(s) exported from Intercept Viewer. Quotes from releases that "
        "are not verified carry their status on every line.\n\n"
    )
    for i, qp in enumerate(quoted, start=1):
        p, t = qp.passage, qp.transcript
        tag = status_tag(t.verification)
        span = (
            f"utterance {p.first_seq}"
            if p.first_seq == p.last_seq
            else f"utterances {p.first_seq}–{p.last_seq}"
        )
        head = with_status(t.verification, f"“{one_line(t.title)}”, {span}")
        w(f"## {i}. {md_escape(head)}\n\n")
        w("\n".join(_md_quote_lines(qp)) + "\n\n")
        when = time_span(qp.start_ms, qp.end_ms)
        if when:
            w(f"- **Time:** {when}\n")
        w(f"- **Tags:** {md_escape(', '.join(p.tags)) or '—'}\n")
        if p.note:
            note = "  \n  ".join(md_escape(line) for line in md_lines(p.note.strip()))
            w(f"- **Note:** {note}\n")
        w(f"- **Follow-up:** {p.state}\n")
        cite = citation_text(t)
        if t.source_url:
            cite = cite.replace(one_line(t.source_url), "\x00", 1)
        cite = md_escape(cite)
        if tag:
            cite = cite.replace(md_escape(tag), f"**{md_escape(tag)}**")
        if t.source_url:
            cite = cite.replace("\x00", md_url(t.source_url), 1)
        w(f"- **Source:** {cite}\n")
        w(f"- **Passage:** {p.id} (created {p.created_at}, updated {p.updated_at})\n\n")
    return len(quoted)
