"""Issue 14: releases of the shapes that went wrong, each judged against the turns a careful
reader takes from it.

Every fixture under ``tests/fixtures/importers/i14/<class>/`` has a ``NAME.expected`` file
beside it, written by hand before the importer was run on it:

* ``Speaker: text`` per turn (``?`` for a turn whose speaker the file doesn't name); the
  speaker is the name the window shows (display name, else label); text compared with runs of
  white space made one space;
* an indented ``translation: …`` line under a turn gives that turn's translation (none
  otherwise);
* ``… @@ START..END`` after a turn's text gives its times in ms (either may be empty);
* ``@title: …``, ``@released_on: …``, ``@language: …``, ``@publisher: …`` check metadata;
  ``@warning: words`` says the import report must mention these words (case-insensitive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from intercept_viewer.core.importers import parse_path

ROOT = Path(__file__).parents[2] / "fixtures" / "importers" / "i14"
_TIMES = re.compile(r"\s+@@\s*(?P<start>\d*)\.\.(?P<end>\d*)\s*$")


@dataclass
class ExpectedTurn:
    speaker: str | None
    text: str
    translation: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    timed: bool = False


@dataclass
class Expected:
    turns: list[ExpectedTurn] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def read_expected(path: Path) -> Expected:
    exp = Expected()
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("@"):
            key, _, value = raw[1:].partition(":")
            if key.strip() == "warning":
                exp.warnings.append(value.strip())
            else:
                exp.meta[key.strip()] = value.strip()
            continue
        if raw[:1].isspace():
            key, _, value = raw.strip().partition(":")
            assert key == "translation", f"{path}: indented line must be 'translation: …'"
            exp.turns[-1].translation = value.strip()
            continue
        speaker, _, text = raw.partition(": ")
        turn = ExpectedTurn(None if speaker == "?" else speaker, text)
        m = _TIMES.search(text)
        if m:
            turn.text = text[: m.start()]
            turn.timed = True
            turn.start_ms = int(m["start"]) if m["start"] else None
            turn.end_ms = int(m["end"]) if m["end"] else None
        exp.turns.append(turn)
    return exp


def _cases() -> list[Path]:
    out = []
    for exp in sorted(ROOT.glob("*/*.expected")):
        files = [p for p in exp.parent.glob(exp.stem + ".*") if p.suffix != ".expected"]
        files = [p for p in files if not p.name.endswith(".meta.json")]
        assert len(files) == 1, f"{exp}: expected one fixture beside it, found {files}"
        out.append(files[0])
    return out


CASES = _cases()


def test_every_class_has_at_least_five_fixtures() -> None:
    by_class: dict[str, list[Path]] = {}
    for path in CASES:
        by_class.setdefault(path.parent.name, []).append(path)
    assert by_class, "no fixtures found"
    for name, paths in by_class.items():
        assert len(paths) >= 5, f"class {name} has {len(paths)} fixtures"


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_turns_a_careful_reader_takes(path: Path) -> None:
    expected = read_expected(path.with_suffix(".expected"))
    parsed = parse_path(path).parsed
    names = {s.label: s.name or s.label for s in parsed.speakers}
    got = [
        (
            names.get(u.speaker, u.speaker) if u.speaker is not None else None,
            _norm(u.text),
            _norm(u.translation),
        )
        for u in parsed.utterances
    ]
    want = [(t.speaker, _norm(t.text), _norm(t.translation)) for t in expected.turns]
    assert got == want
    for t, u in zip(expected.turns, parsed.utterances, strict=True):
        if t.timed:
            assert (u.start_ms if t.start_ms is not None else None, u.end_ms) == (
                t.start_ms,
                t.end_ms if t.end_ms is not None else u.end_ms,
            ), t.text
    for key, value in expected.meta.items():
        assert getattr(parsed.meta, key) == value, key
    report = "\n".join(f"line {w.line}: {w.message}" for w in parsed.warnings).casefold()
    for words in expected.warnings:
        assert words.casefold() in report, f"no warning about {words!r} in:\n{report}"
