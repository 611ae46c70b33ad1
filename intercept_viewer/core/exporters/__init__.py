"""Exports: a whole transcript (TXT, SRT, WebVTT, Markdown, project JSON) or tagged passages
(CSV, JSON, Markdown), each with its citation and verification status.

Two entry points, used by the CLI and by File ▸ Export alike:

* ``export_transcript(library, transcript_id, fmt, dest)``
* ``export_passages(library, passages, fmt, dest)``

``dest`` is a path (written atomically: temp file, fsync, rename — an interrupted export
never leaves a truncated file under the real name) or an open text stream (stdout). Both
return an ``ExportResult`` whose ``warnings`` the caller shows the user. No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence

from intercept_viewer.core.exporters import passages as _passages
from intercept_viewer.core.exporters import project_json, subtitles, transcript_text
from intercept_viewer.core.exporters.common import (
    Destination,
    ExportResult,
    QuotedPassage,
    open_destination,
    quote_passages,
)
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Passage

#: Formats of a whole transcript, with the file ending each gets.
TRANSCRIPT_FORMATS: dict[str, str] = {
    "txt": ".txt",
    "srt": ".srt",
    "vtt": ".vtt",
    "json": ".json",
    "md": ".md",
}
#: Formats of a list of passages. ``csv-excel`` is the same CSV with a UTF-8 byte-order mark:
#: without it Excel reads the file as the system code page and garbles Cyrillic.
PASSAGE_FORMATS: dict[str, str] = {
    "csv": ".csv",
    "csv-excel": ".csv",
    "json": ".json",
    "md": ".md",
}

__all__ = [
    "PASSAGE_FORMATS",
    "TRANSCRIPT_FORMATS",
    "Destination",
    "ExportResult",
    "QuotedPassage",
    "export_passages",
    "export_transcript",
    "format_for_path",
    "quote_passages",
]


def format_for_path(path: str, formats: dict[str, str]) -> str | None:
    """The format a file name's ending implies (``notes.MD`` → ``md``), or None."""
    lower = path.lower()
    for name, suffix in formats.items():
        if lower.endswith(suffix):
            return name
    return None


def export_transcript(
    library: Library,
    transcript_id: int,
    fmt: str,
    dest: Destination,
    *,
    original: bool = False,
) -> ExportResult:
    """Write one transcript in ``fmt`` (a key of TRANSCRIPT_FORMATS) to ``dest``.

    Corrected turns are marked ``[corrected]``; ``original`` writes the transcript as it was
    imported instead (not for JSON, which carries both: ``original_text`` and the history).
    Raises NotFound for an unknown transcript (before anything is written) and ValueError
    for an unknown format.
    """
    if fmt not in TRANSCRIPT_FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(TRANSCRIPT_FORMATS)}.")
    if original and fmt == "json":
        raise ValueError(
            "The project JSON keeps each correction with its original and the history; "
            "export txt, md, srt or vtt for the original alone."
        )
    library.transcript(transcript_id)  # NotFound before a file is created
    result = ExportResult(fmt, 0)
    with open_destination(dest) as out:
        if fmt == "json":
            result.items = project_json.write_project_json(library, transcript_id, out)
        elif fmt == "txt":
            result.items = transcript_text.write_txt(library, transcript_id, out, original=original)
        elif fmt == "md":
            result.items = transcript_text.write_markdown(
                library, transcript_id, out, original=original
            )
        else:
            write = subtitles.write_srt if fmt == "srt" else subtitles.write_vtt
            result.items, estimated = write(library, transcript_id, out, original=original)
            warning = subtitles.estimate_warning(estimated, result.items)
            if warning:
                result.warnings.append(warning)
    return result


def export_passages(
    library: Library, passages: Sequence[Passage], fmt: str, dest: Destination
) -> ExportResult:
    """Write ``passages`` (e.g. ``library.passages(tag=..., state=...)``) in ``fmt`` (a key
    of PASSAGE_FORMATS) to ``dest``, each quoted with speakers, times, tags, note, citation."""
    if fmt not in PASSAGE_FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(PASSAGE_FORMATS)}.")
    quoted = quote_passages(library, passages)
    writer = {
        "csv": _passages.write_csv,
        "csv-excel": _passages.write_csv,
        "json": _passages.write_json,
        "md": _passages.write_markdown,
    }[fmt]
    is_csv = fmt.startswith("csv")
    with open_destination(dest, newline="" if is_csv else None) as out:
        if fmt == "csv-excel":
            out.write("\ufeff")
        n = writer(quoted, out)
    return ExportResult(fmt, n)
