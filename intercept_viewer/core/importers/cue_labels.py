"""Speaker labels written in brackets inside subtitle cues: ``[Мать] Ты где?``, ``(Син) Мамо``,
``- [SOLDIER] Hello?``, and two of them on one line (``[Дружина] Ти де? [Окупант] Тут.``).

Subtitlers of released calls and SDH subtitles (Netflix's ``[Alba] En 1928,``) mark the speaker
this way. A bracket that only describes a sound or a manner (``[взрыв]``, ``(плаче)``,
``[laughs]``) is text: a label starts with a capital letter, is one to three words, is not a
stage direction, and has words after it.
"""

from __future__ import annotations

import re

from intercept_viewer.core.importers.labelled import stage_direction

#: A label opening a line, and the text after it.
_OPENING = re.compile(r"^\s*[\[(]\s*(?P<name>[^\W\d_][\w'’.\- ]{0,31}?)\s*[\])]\s*(?P<text>\S.*)$")
#: A label further on in a line, after the end of a sentence: ``… Ти де? [Окупант] Тут.``
_INLINE = re.compile(
    r"(?<=[.!?…»\"”])\s+[\[(]\s*(?P<name>[^\W\d_][\w'’.\- ]{0,31}?)\s*[\])]\s+(?=\S)"
)


def _is_label(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= 3
        and name[:1].isupper()
        and not stage_direction(name)
        and not name.isdigit()
    )


def split_labels(text: str) -> list[tuple[str | None, str]]:
    """``text`` cut at its bracket labels: (label or None, the words that follow)."""
    label: str | None = None
    m = _OPENING.match(text)
    if m and _is_label(m["name"]):
        label, text = m["name"].strip(), m["text"]
    out: list[tuple[str | None, str]] = []
    at = 0
    for inline in _INLINE.finditer(text):
        if not _is_label(inline["name"]):
            continue
        out.append((label, text[at : inline.start()].strip()))
        label, at = inline["name"].strip(), inline.end()
    out.append((label, text[at:].strip()))
    return [(lab, words) for lab, words in out if words]
