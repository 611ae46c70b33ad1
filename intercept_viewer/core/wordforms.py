"""Words to their dictionary forms, for the search index's shadow column ``text_norm`` (stub).

The search work replaces this with pymorphy3 (Russian, Ukrainian) and Snowball (English).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")


def normalize_text(text: str, language: str | None = None) -> str:
    """Return the words of ``text`` in dictionary form, space separated, lower case."""
    out = []
    for m in _WORD.finditer(text.lower().replace("ё", "е")):
        out.append(re.sub(r"['’ʼ]", "", m.group(0)))
    return " ".join(out)
