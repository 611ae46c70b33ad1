"""Word documents: paragraphs (and simple speaker | text tables) through python-docx.

A DOCX transcript is the same labelled or dash dialogue as a text file, typed in Word: we turn
the body into lines — one per paragraph, a bold run opening a paragraph marked as a label
(``**Name:** text``), a two- or three-column table row as ``[time] Name: text`` — and hand them
to whichever text parser sniffs higher. The document's core properties add a title and the
author when the text has none.

A DOCX is a zip archive, so before python-docx opens it we look at the archive's directory:
too many members, too much uncompressed data, or an absurd compression ratio is a zip bomb and
is refused. (zipfile itself stops at each member's declared size, so the directory can't lie
its way past these limits.) python-docx parses the XML without resolving entities.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.dash import build_dash_transcript, dash_score
from intercept_viewer.core.importers.labelled import build_transcript, labelled_score
from intercept_viewer.core.importers.metadata import normalise_date
from intercept_viewer.core.model import ParsedTranscript, SourceMeta

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
#: python-docx's own template says this; it is not the user's metadata.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_CREATED = "2013-12-23"


def check_zip(data: bytes) -> None:
    """Refuse a DOCX that is not a zip, or whose directory announces a zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ImportFailed("this is not a DOCX file (not a readable zip archive)") from None
    if len(infos) > MAX_MEMBERS:
        raise ImportFailed(
            f"the DOCX archive has {len(infos)} parts (limit {MAX_MEMBERS}); refusing it"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise ImportFailed(
            f"the DOCX would unpack to {total // 1048576} MB (limit "
            f"{MAX_UNCOMPRESSED // 1048576} MB); it looks like a zip bomb"
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            ratio = info.file_size // max(1, info.compress_size)
            raise ImportFailed(
                f"the DOCX part {info.filename!r} is compressed {ratio} times; "
                "it looks like a zip bomb"
            )
    if not any(i.filename == "word/document.xml" for i in infos):
        raise ImportFailed("this zip archive is not a Word document (no word/document.xml)")


def _style_name(paragraph: Any) -> str:
    """The paragraph style's name, looked up once per style id: python-docx searches every
    style of the document for each lookup, which made a long document quadratic."""
    cache = paragraph.part.__dict__.setdefault("_iv_style_names", {})
    key = paragraph._p.style
    if key not in cache:
        cache[key] = (getattr(paragraph.style, "name", "") or "").casefold()
    return str(cache[key])


def _run_style_bold(run: Any) -> bool:
    """Whether a run's character style is bold, once per style id (see ``_style_name``)."""
    cache = run.part.__dict__.setdefault("_iv_run_bold", {})
    key = run._r.style
    if key not in cache:
        cache[key] = bool(run.style is not None and run.style.font.bold)
    return bool(cache[key])


def _paragraph_line(paragraph: Any) -> str:
    """A paragraph as one line; a bold run at its start becomes a ``**label**``."""
    text = paragraph.text.replace("\n", " ").replace("\t", " ").strip()
    if not text:
        return ""
    style = _style_name(paragraph)
    if style.startswith(("heading", "title")):
        return f"# {text}"
    bold = ""
    for run in paragraph.runs:
        if not run.text:
            continue
        if run.bold or (run.bold is None and _run_style_bold(run)):
            bold += run.text
        else:
            break
    bold = bold.strip()
    if not bold or bold == text or len(bold) > 40:
        return str(text)
    if not text.startswith(bold):
        return str(text)
    rest = text[len(bold) :]
    if bold.endswith((":", "：")):
        return f"**{bold[:-1].strip()}:** {rest.strip()}"
    return f"**{bold}**{rest}"


#: Column headings of a transcript table ("Час | Хто говорить | Текст"), not a turn.
_HEADER_CELL = re.compile(
    r"^(?:#|no\.?|№|time|timecode|timestamp|start|speaker|who|name|text|line|utterance|"
    r"transcript|original|translation|english|russian|ukrainian|"
    r"время|тайминг|таймкод|кто|говорящий|спикер|собеседник|текст|реплика|фраза|оригинал|"
    r"перевод|час|хто|хто говорить|мовець|спікер|репліка|оригінал|переклад)$",
    re.IGNORECASE,
)


def _is_header_row(cells: list[str]) -> bool:
    words = [c for c in cells if c]
    return bool(words) and all(_HEADER_CELL.match(c.strip(" :*")) for c in words)


def _table_lines(table: Any) -> list[str]:
    """Rows of ``speaker | text`` or ``time | speaker | text`` as labelled lines; a heading row
    of column names is dropped."""
    out: list[str] = []
    for n, row in enumerate(table.rows):
        cells = [c.text.replace("\n", " ").strip() for c in row.cells]
        cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]  # merged cells
        if n == 0 and _is_header_row(cells):
            continue
        if len(cells) == 2 and cells[0] and cells[1]:
            out.append(f"{cells[0]}: {cells[1]}")
        elif len(cells) == 3 and cells[1] and cells[2]:
            out.append(f"[{cells[0]}] {cells[1]}: {cells[2]}" if cells[0] else cells[1])
        else:
            out.append(" ".join(c for c in cells if c))
    return out


def docx_lines(document: Any) -> list[str]:
    """The document body as text lines: one per paragraph or table row, blank lines between.

    Word paragraphs are paragraphs, so they are kept apart as blank-line-separated text would
    be; line ``2k - 1`` is the ``k``-th paragraph (see ``paragraph_number``).
    """
    from docx.table import Table

    lines: list[str] = []
    for block in document.iter_inner_content():
        rows = _table_lines(block) if isinstance(block, Table) else [_paragraph_line(block)]
        for row in rows:
            lines.extend((row, ""))
    return lines


def paragraph_number(line: int) -> int:
    """The 1-based paragraph (or table row) a 1-based line of ``docx_lines`` came from."""
    return (line + 1) // 2


def _core_meta(document: Any) -> SourceMeta:
    meta = SourceMeta()
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else None
    author = (props.author or "").strip()
    if author == _TEMPLATE_AUTHOR and created == _TEMPLATE_CREATED:
        return meta
    if (props.title or "").strip():
        meta.title = props.title.strip()
    if author:
        meta.extra["document author"] = author
    if created:
        meta.extra["document created"] = normalise_date(created)
    return meta


class DocxImporter(Importer):
    name = "docx"
    description = "Word documents holding labelled or dash dialogue"
    suffixes = (".docx",)

    def sniff(self, source: SourceFile) -> float:
        if not source.data.startswith(b"PK\x03\x04"):
            return 0.0
        is_word = b"word/document.xml" in source.data[:65536] or source.suffix == ".docx"
        return 0.6 if is_word else 0.1

    def parse(self, source: SourceFile) -> ParsedTranscript:
        check_zip(source.data)
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(source.data))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ImportFailed(f"this Word document can't be opened: {exc}") from None
        except Exception as exc:  # lxml.etree.XMLSyntaxError and friends: a damaged part
            raise ImportFailed(f"this Word document is damaged: {exc}") from None
        lines = docx_lines(document)
        meta = SourceMeta()
        core = _core_meta(document)
        text = "\n".join(lines)
        build = (
            build_dash_transcript if dash_score(text) > labelled_score(text) else build_transcript
        )
        try:
            parsed = build(lines, meta, fmt="docx")
        except ImportFailed as exc:
            if exc.line is not None:
                exc.line = paragraph_number(exc.line)
                exc.message = f"{exc.message} (counting paragraphs)"
            raise
        for u in parsed.utterances:
            if u.line is not None:
                u.line = paragraph_number(u.line)
        if core.title and not parsed.meta.title:
            parsed.meta.title = core.title
        parsed.meta.extra.update(core.extra)
        return parsed
