"""Every parser is linear in its input: a time budget that grows with the size.

A small random "unit" of format-shaped text is repeated to a given size, and the file must be
parsed or refused within ``budget(size)``: two seconds plus three seconds a megabyte, so a 1 MB
input of any format gets 5 s. A parser that is quadratic somewhere (a list rebuilt per quote
mark, a turn's text copied for every continuation line, a sentence re-read from the
paragraph's start for every quote) blows through the budget long before 1 MB: the shapes that
did are kept below as named cases. The 64 KB runs are quick; the 1 MB runs are marked slow.

Budgets count the process's CPU time (``ITIMER_PROF``), not wall time, so a machine busy with
other work doesn't fail them; they are thresholds for blow-ups, not timings.
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import zipfile
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.registry import IMPORTERS, parse_source
from tests.reliability.helpers import VALID, BudgetExceeded, valid_files

MB = 1024 * 1024
SMALL = 64 * 1024
IMPORTER_NAMES = [i.name for i in IMPORTERS]
SUFFIX = {i.name: (i.suffixes[0] if i.suffixes else ".txt") for i in IMPORTERS}


def budget(size: int) -> float:
    """Seconds a parse of ``size`` bytes may take: it grows with the input."""
    return 2.0 + 3.0 * size / MB


@pytest.fixture(scope="module", autouse=True)
def _warm_importers() -> None:
    """Load what the importers load once (dictionaries, XML and docx modules) before timing."""
    for path in valid_files():
        with contextlib.suppress(ImportFailed):
            parse_source(SourceFile(name=path.name, data=path.read_bytes()))
    for fmt in IMPORTER_NAMES:
        with contextlib.suppress(ImportFailed):
            parse_source(SourceFile(name="w.txt", data="Солдат: привет, мам «да»".encode()), fmt)


def _size(data: bytes) -> int:
    """Bytes to parse: a zip (docx) counts what it holds, not its compressed size."""
    if data[:2] == b"PK":
        with contextlib.suppress(zipfile.BadZipFile):
            return max(
                len(data), sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
            )
    return len(data)


@contextlib.contextmanager
def cpu_budget(seconds: float, what: object) -> Iterator[None]:
    """Fail when the block uses more than ``seconds`` of this process's CPU time."""

    def _expired(_signum: int, _frame: object) -> None:
        raise BudgetExceeded(f"over the {seconds:.1f}s CPU budget: {what!r}"[:600])

    previous = signal.signal(signal.SIGPROF, _expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def parse_within_budget(name: str, data: bytes, fmt: str | None) -> str:
    with cpu_budget(budget(_size(data)), (fmt, len(data), data[:200])):
        try:
            parse_source(SourceFile(name=name, data=data), format=fmt)
        except ImportFailed as exc:
            assert exc.file == name
            return "refused"
    return "parsed"


def repeat_to(unit: str, size: int, head: str = "", tail: str = "") -> bytes:
    body = unit * max(1, (size - len(head) - len(tail)) // max(1, len(unit.encode())))
    return (head + body + tail).encode("utf-8", errors="surrogatepass")


# ------------------------------------------------------------------ random units, repeated

_PIECES = [
    "Солдат: ",
    "Мать:",
    "SOLDIER: ",
    "— ",
    "- ",
    "[00:01:02] ",
    "00:00:01,000 --> 00:00:02,000",
    "WEBVTT",
    "<v Мать>",
    "**Жінка:** ",
    "title: ",
    "# ",
    '"',
    "“",
    "”",
    "«",
    "»",
    "‘",
    "’",
    "„",
    ".",
    ", he said. ",
    "— сказал он. ",
    ":",
    "\n",
    "\n\n",
    " ",
    "(Mom, it's bad here.)",
    "{",
    '"text": ',
    "}",
    "Привіт, мамо",
    "hello",
    "HUR",
]

_UNITS = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("fmt", ["labelled", "dash", "article", "subtitles", "json"])
@_UNITS
@given(unit=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join))
def test_a_repeated_unit_parses_within_a_budget_that_grows_with_size(fmt: str, unit: str) -> None:
    for size in (SMALL // 4, SMALL):
        parse_within_budget(f"unit{SUFFIX[fmt]}", repeat_to(unit, size), fmt)


# ------------------------------------------------------------------ shapes that were quadratic

_SHAPES = {
    # find_quotes rebuilt the list of open quote families at every mark
    "guillemets left open": ("article", "Title: x\n\nHe told his mother: ", "«word "),
    "straight marks": ("article", "Title: x\n\nHe told his mother: ", '"a" "b '),
    # every quote re-read the paragraph up to itself, and "s not in turn_spans" compared spans
    "many quotes in one paragraph": (
        "article",
        "Title: x\n\nThe soldier told his mother: ",
        "“We are near Kupyansk, mum,” he said. ",
    ),
    "one long quote": ("article", "Title: x\n\nHe said: “", "We are near Kupyansk, mum. "),
    # a turn's text was rebuilt for every continuation line
    "continuation lines": ("labelled", "Soldier: hello\nMother: hi\n", "we are near Kupyansk\n"),
    "translation lines": ("labelled", "Солдат: привет\nМать: да\n", "(Mom, it's bad here.)\n"),
    "dash continuations": ("dash", "— Привет, мам.\n— Да, сынок.\n", "мы под Купянском\n"),
    "many turns": ("labelled", "", "Soldier: hello there mum\nMother: hi son how are you\n"),
}


@pytest.mark.parametrize("shape", list(_SHAPES))
def test_known_shapes_within_budget_at_64_kb(shape: str) -> None:
    fmt, head, unit = _SHAPES[shape]
    parse_within_budget(f"shape{SUFFIX[fmt]}", repeat_to(unit, SMALL, head), fmt)


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(_SHAPES))
def test_known_shapes_within_budget_at_1_mb(shape: str) -> None:
    fmt, head, unit = _SHAPES[shape]
    parse_within_budget(f"shape{SUFFIX[fmt]}", repeat_to(unit, MB, head), fmt)


# ------------------------------------------------------------------ 1 MB of every format


def _subtitles(size: int) -> bytes:
    cues, n = [], 0
    while sum(map(len, cues)) < size:
        n += 1
        s = n * 2
        cues.append(
            f"{n}\n{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02},000 --> "
            f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02},900\nМама, мы под Купянском\n\n"
        )
    return "".join(cues).encode()


def _json(size: int) -> bytes:
    seg = '{"start": %d.0, "end": %d.5, "text": " We are near Kupyansk.", "speaker": "S%d"}'
    parts, n = [], 0
    while sum(map(len, parts)) < size:
        parts.append(seg % (n, n, n % 2))
        n += 1
    return ('{"language": "en", "segments": [' + ",".join(parts) + "]}").encode()


def _elan(size: int) -> bytes:
    slots, anns, n = [], [], 0
    while (len(slots) + len(anns)) * 90 < size:
        slots.append(
            f'<TIME_SLOT TIME_SLOT_ID="t{2 * n}" TIME_VALUE="{n * 1000}"/>'
            f'<TIME_SLOT TIME_SLOT_ID="t{2 * n + 1}" TIME_VALUE="{n * 1000 + 900}"/>'
        )
        anns.append(
            f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" '
            f'TIME_SLOT_REF1="t{2 * n}" TIME_SLOT_REF2="t{2 * n + 1}">'
            f"<ANNOTATION_VALUE>Алло, чуєш мене? {n}</ANNOTATION_VALUE>"
            "</ALIGNABLE_ANNOTATION></ANNOTATION>"
        )
        n += 1
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
        + "".join(slots)
        + '</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="u" PARTICIPANT="A" TIER_ID="A">'
        + "".join(anns)
        + '</TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" '
        'TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>'
    ).encode()


def _docx(size: int) -> bytes:
    source = zipfile.ZipFile(VALID / "call_ru.docx")
    document = source.read("word/document.xml").decode()
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", document, re.S)
    body = "".join(paragraphs[1:]) or "".join(paragraphs)
    copies = max(1, size // max(1, len(body)))
    document = document.replace(body, body * copies, 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document.encode() if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


_BUILDERS = {
    "subtitles": (_subtitles, ".srt"),
    "json": (_json, ".json"),
    "elan": (_elan, ".eaf"),
    "docx": (_docx, ".docx"),
}


def test_every_format_has_a_1_mb_builder_or_a_shape() -> None:
    shaped = {fmt for fmt, _head, _unit in _SHAPES.values()}
    assert set(IMPORTER_NAMES) <= shaped | set(_BUILDERS)


@pytest.mark.parametrize("fmt", list(_BUILDERS))
def test_every_format_at_64_kb(fmt: str) -> None:
    build, suffix = _BUILDERS[fmt]
    assert parse_within_budget(f"big{suffix}", build(SMALL), fmt) == "parsed"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(_BUILDERS))
def test_every_format_at_1_mb(fmt: str) -> None:
    build, suffix = _BUILDERS[fmt]
    parse_within_budget(f"big{suffix}", build(MB), fmt)
