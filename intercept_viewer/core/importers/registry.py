"""The list of importers, format detection, and ``parse_path``: the one way files come in.

Detection: ``--format`` wins; otherwise every importer sniffs the file and the file's ending
adds weight to the importers that declare it. A tie goes to the earlier importer in the list.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.article import ArticleImporter
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.dash import DashDialogueImporter
from intercept_viewer.core.importers.docx import DocxImporter
from intercept_viewer.core.importers.elan import ElanImporter
from intercept_viewer.core.importers.json_formats import JsonImporter
from intercept_viewer.core.importers.labelled import LabelledTextImporter
from intercept_viewer.core.importers.metadata import apply_sidecar
from intercept_viewer.core.importers.subtitles import SubtitleImporter
from intercept_viewer.core.importers.time_sanity import check_times
from intercept_viewer.core.model import ImportWarning, ParsedTranscript, SourceMeta

#: Files larger than this are refused before they are read whole. Overridable with the
#: environment variable INTERCEPT_VIEWER_MAX_FILE_MB.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

IMPORTERS: tuple[Importer, ...] = (
    JsonImporter(),
    ElanImporter(),
    SubtitleImporter(),
    DocxImporter(),
    LabelledTextImporter(),
    DashDialogueImporter(),
    ArticleImporter(),
)

#: How much a matching file ending adds to a sniffer's score.
SUFFIX_WEIGHT = 0.3


def format_names() -> list[str]:
    return [imp.name for imp in IMPORTERS]


def importer_named(name: str) -> Importer:
    for imp in IMPORTERS:
        if imp.name == name:
            return imp
    raise ImportFailed(f"unknown format {name!r}; known formats: {', '.join(format_names())}")


def accepted_suffixes() -> list[str]:
    seen: list[str] = []
    for imp in IMPORTERS:
        for s in imp.suffixes:
            if s not in seen:
                seen.append(s)
    return seen


def max_file_bytes() -> int:
    raw = os.environ.get("INTERCEPT_VIEWER_MAX_FILE_MB")
    if raw:
        try:
            return int(float(raw) * 1024 * 1024)
        except ValueError:
            pass
    return DEFAULT_MAX_BYTES


def detect(source: SourceFile) -> Importer:
    """Pick the importer for ``source`` by sniffing plus file ending; raise if none fits.

    The importers claiming the file's ending sniff first. A sniff is 0..1 and the ending adds
    ``SUFFIX_WEIGHT``, so a claimant scoring above 1.0 cannot be beaten by an importer without
    the ending: the others are not asked (an SRT or a JSON file is never run through the
    labelled-dialogue statistics). Otherwise every importer sniffs, and the best score wins,
    the first in ``IMPORTERS`` on a tie, as if all had been asked in order.
    """
    scores: dict[int, float] = {}

    def score_of(imp: Importer) -> float:
        try:
            score = min(max(float(imp.sniff(source)), 0.0), 1.0)
        except Exception:  # a sniffer must not decide the fate of an import by crashing
            score = 0.0
        if source.suffix in imp.suffixes and score > 0:
            score += SUFFIX_WEIGHT
        return score

    for i, imp in enumerate(IMPORTERS):
        if source.suffix in imp.suffixes:
            scores[i] = score_of(imp)
    if not scores or max(scores.values()) <= 1.0:
        for i, imp in enumerate(IMPORTERS):
            if i not in scores:
                scores[i] = score_of(imp)
    best: Importer | None = None
    best_score = 0.0
    for i in sorted(scores):
        if scores[i] > best_score:
            best, best_score = IMPORTERS[i], scores[i]
    if best is None:
        # Nothing recognised the content, but an ending only one importer claims (.srt, .eaf,
        # .json, .docx) says what the file was meant to be: let that importer say what is
        # wrong with it, with its line, rather than a vague "unknown kind".
        claimants = [imp for imp in IMPORTERS if source.suffix in imp.suffixes]
        if len(claimants) == 1:
            return claimants[0]
        raise source.fail(
            "can't tell what kind of transcript this is (expected labelled dialogue, dash "
            "dialogue, subtitles, ELAN, JSON, DOCX or an article); try --format"
        )
    return best


@dataclass
class ParsedFile:
    """A parsed file plus what the library records about the file itself."""

    parsed: ParsedTranscript
    file_name: str
    sha256: str
    format: str


def read_source(path: Path, max_bytes: int | None = None) -> SourceFile:
    """Read a file's bytes, refusing files over the size limit before reading them."""
    limit = max_bytes if max_bytes is not None else max_file_bytes()
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or a device would block the reader or never end (/dev/zero)
            raise ImportFailed("is not a regular file (a pipe, socket or device)", file=name)
        size = info.st_size
        if size > limit:
            raise ImportFailed(
                f"file is {size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB limit",
                file=name,
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise ImportFailed("is a folder, not a file", file=name) from None
    except OSError as exc:
        raise ImportFailed(f"can't read the file: {exc.strerror or exc}", file=name) from None
    if len(data) > limit:
        raise ImportFailed("file grew past the size limit while reading", file=name)
    return SourceFile(name=name, data=data, path=path)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_source(source: SourceFile, format: str | None = None) -> ParsedFile:
    """Parse an in-memory file. Raises ImportFailed, never anything else."""
    if not source.data.strip():
        raise source.fail("the file is empty")
    importer = importer_named(format) if format else detect(source)
    try:
        parsed = importer.parse(source)
    except ImportFailed as exc:
        raise exc.with_file(source.name) from None
    except RecursionError:
        raise source.fail("the file is nested too deeply to read") from None
    except MemoryError:
        raise source.fail("the file is too large to read into memory") from None
    if not parsed.utterances:
        raise source.fail(f"no utterances found (read as {importer.name})")
    try:
        check_times(parsed)
    except ImportFailed as exc:
        raise exc.with_file(source.name) from None
    if source.encoding_note:
        parsed.warnings.insert(0, ImportWarning(source.encoding_note))
    _meta_from_prose(parsed.meta)
    if source.path is not None:
        apply_sidecar(parsed.meta, source.path)
    if not parsed.meta.title:
        parsed.meta.title = Path(source.name).stem.replace("_", " ").strip() or source.name
    if not parsed.format or parsed.format == "unknown":
        parsed.format = importer.name
    return ParsedFile(
        parsed=parsed,
        file_name=Path(source.name).name,
        sha256=file_sha256(source.data),
        format=parsed.format,
    )


def _meta_from_prose(meta: SourceMeta) -> None:
    """A release's headline and blurb often say who published it ("СБУ оприлюднила…",
    "released by Ukraine's HUR") and whether it was verified: fill what the file left empty.
    Front matter and sidecars still win (the sidecar is applied after this)."""
    from intercept_viewer.core.importers.article_meta import (
        find_publisher,
        find_verification_note,
    )

    prose = [p for p in (meta.title, meta.description) if p]
    if not prose:
        return
    if not meta.publisher:
        meta.publisher = find_publisher(prose)
    if not meta.verification_note and meta.verification == "unverified":
        meta.verification_note = find_verification_note(prose)


def parse_path(path: str | os.PathLike[str], format: str | None = None) -> ParsedFile:
    """Read and parse one file from disk."""
    return parse_source(read_source(Path(path)), format=format)
