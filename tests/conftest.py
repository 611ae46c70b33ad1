"""Shared fixtures. Tests run headless: the Qt platform is set before anything imports Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A test must never touch the user's real library.
os.environ.pop("INTERCEPT_VIEWER_LIBRARY", None)

from pathlib import Path

import pytest

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def library(tmp_path: Path):
    """A fresh, empty library file in a temporary folder."""
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


@pytest.fixture
def memory_library():
    lib = Library(memory=True)
    yield lib
    lib.close()


def make_parsed(
    lines: list[tuple[str | None, str]] | None = None,
    *,
    title: str = "Call about Kupyansk",
    times: bool = False,
    **meta: object,
) -> ParsedTranscript:
    """A small ParsedTranscript from (speaker, text) pairs, for library and UI tests."""
    lines = lines or [
        ("Soldier", "Hello, mum. We are near Kupyansk."),
        ("Mother", "Are you safe there?"),
        ("Soldier", "We can't even secure a forest belt here."),
    ]
    labels: list[str] = []
    for who, _ in lines:
        if who is not None and who not in labels:
            labels.append(who)
    utts = [
        ParsedUtterance(
            text=text,
            speaker=who,
            start_ms=(i * 5000 if times else None),
            end_ms=(i * 5000 + 4000 if times else None),
        )
        for i, (who, text) in enumerate(lines)
    ]
    return ParsedTranscript(
        meta=SourceMeta(title=title, **meta),  # type: ignore[arg-type]
        speakers=[ParsedSpeaker(label=x) for x in labels],
        utterances=utts,
        format="labelled",
    )


@pytest.fixture
def parsed_factory():
    return make_parsed
