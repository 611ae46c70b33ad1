"""Bilingual subtitles: which lines of a cue are the publisher's translation of the others.

Released videos often carry the call twice in every cue — the Russian original and, under it,
a Ukrainian or English translation, frequently in italics::

    Мам, тут вообще жесть.
    <i>Мамо, тут взагалі жах.</i>

The original is what was said, so it stays the turn's text; the translation goes beside it
(``ParsedUtterance.translation``). Reading both as one text doubled every search hit and
made a dash cue ("- Мам, привет." / "- Mum, hi.") into extra speakers.

A file is bilingual in one of three ways, decided over the whole file (at least two cues, and
a third of the cues with several lines, must show it, so one italic aside is not a
translation):

* **script**: Cyrillic lines with Latin-script lines under them (or the other way round);
* **italics**: a plain line followed by italic lines (``<i>…</i>``, ``{\\i1}…{\\i0}``);
* **language**: Russian lines with Ukrainian lines under them (both Cyrillic; the letters ы э ъ
  ё and і ї є ґ and the telling words decide).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from intercept_viewer.core.script import cyrillic_language as _cyrillic_language
from intercept_viewer.core.script import script_of

_ITALIC = re.compile(
    r"^\s*(?:<i>|\{\\i1\})(?P<inner>.*?)(?:</i>|\{\\i0\})?\s*$|^\s*<i>.*</i>\s*$", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<[^<>]*>|\{[^{}]*\\[^{}]*\}")


def _plain(line: str) -> str:
    return _ANY_TAG.sub("", line)


def is_italic(line: str) -> bool:
    s = line.strip()
    low = s.lower()
    return (low.startswith("<i>") and low.endswith("</i>")) or (
        s.startswith("{\\i1}") and (s.endswith("{\\i0}") or "{\\i0}" not in s)
    )


def script(line: str) -> str | None:
    """The alphabet of a cue line, its markup left out (``core.script.script_of``)."""
    return script_of(_plain(line))


def cyrillic_language(line: str) -> str | None:
    """'ru' or 'uk' when the letters or a telling word say so, else None."""
    return _cyrillic_language(_plain(line))


def _split_by(
    lines: Sequence[str], kind: Callable[[str], str | None]
) -> tuple[list[str], list[str]] | None:
    """(original, translation) when the cue's lines after the first of one kind are another."""
    kinds = [kind(x) for x in lines]
    first = next((k for k in kinds if k is not None), None)
    if first is None:
        return None
    other = [x for x, k in zip(lines, kinds, strict=True) if k is not None and k != first]
    if not other:
        return None
    start = next(i for i, k in enumerate(kinds) if k is not None and k != first)
    original = [x for i, x in enumerate(lines) if i < start or kinds[i] in (first, None)]
    return original, [
        x for i, x in enumerate(lines) if i >= start and kinds[i] not in (first, None)
    ]


def _by_italics(lines: Sequence[str]) -> tuple[list[str], list[str]] | None:
    flags = [is_italic(x) for x in lines]
    if flags[:1] != [False] or not any(flags):
        return None
    start = flags.index(True)
    if not all(flags[start:]):
        return None
    return list(lines[:start]), list(lines[start:])


_KINDS: tuple[tuple[str, Callable[[Sequence[str]], tuple[list[str], list[str]] | None]], ...] = (
    ("in another script", lambda lines: _split_by(lines, script)),
    ("in italics", _by_italics),
    ("in Ukrainian or Russian", lambda lines: _split_by(lines, cyrillic_language)),
)


def split_translations(
    cues_lines: Sequence[Sequence[str]],
) -> tuple[list[tuple[list[str], list[str]]] | None, str]:
    """For every cue, (original lines, translation lines) when the file is bilingual (see the
    module docstring), with a phrase saying how the translations were told; (None, "")
    otherwise."""
    multi = [lines for lines in cues_lines if len([x for x in lines if x.strip()]) >= 2]
    for how, split in _KINDS:
        hits = sum(1 for lines in multi if split([x for x in lines if x.strip()]))
        if hits >= 2 and hits * 3 >= len(multi):
            out = []
            for lines in cues_lines:
                kept = [x for x in lines if x.strip()]
                found = split(kept) if len(kept) >= 2 else None
                out.append(found if found else (list(lines), []))
            return out, how
    return None, ""
