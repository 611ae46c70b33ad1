"""Inputs the fuzzers (fuzz/) or the property tests once crashed on, kept as regression tests.

Each file in tests/fixtures/reliability/fuzz_regressions is named ``FORMAT.WHAT.SUFFIX``
(``FORMAT`` is an importer name, or ``detect`` for format detection) and must parse or fail
with ImportFailed naming the file — within the time budget.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.registry import format_names, parse_source, read_source
from tests.reliability.helpers import FIXTURES, time_budget

CASES = sorted((FIXTURES / "fuzz_regressions").glob("*.*"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_regression(case: Path) -> None:
    fmt = case.name.split(".", 1)[0]
    assert fmt == "detect" or fmt in format_names(), f"bad regression file name {case.name}"
    source = read_source(case)
    with time_budget(10, case.name):
        try:
            pf = parse_source(source, format=None if fmt == "detect" else fmt)
        except ImportFailed as exc:
            assert str(exc).startswith(str(case))
            return
    assert pf.parsed.utterances


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        # found while writing the hostile-file tests: a DOCTYPE longer than the sniffed head
        # hid an ELAN file from detection; it must still be refused, never read as text
        ("detect", b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "' + b"x" * 5000 + b'">]>'),
        ("subtitles", b"1\n00:00:01,000 --> 00:00:00,000\n\n"),
        ("subtitles", b"WEBVTT\n\n99:99:99.999 --> 00:00:01.000\n<v \xff>x\n"),
        ("labelled", "\u202e:\u202e\n:\n".encode()),
        ("dash", b"\xe2\x80\x94\n" * 1000),
    ],
)
def test_small_cases(fmt: str, data: bytes) -> None:
    source = SourceFile(name=f"case.{fmt}", data=data)
    with time_budget(10, data[:100]):
        try:
            parse_source(source, format=None if fmt == "detect" else fmt)
        except ImportFailed as exc:
            assert exc.file == "case." + fmt
