"""Search words for a turn that carries a translation.

The FTS index covers ``text`` and ``text_norm`` only (its layout belongs to the search module).
A translation is found by folding its normalised words into ``text_norm`` after the original's:
"Kupyansk" in an English translation line then matches like any word of the turn, in every
form, and a search snippet still shows the original text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from intercept_viewer.core.wordforms import normalize_text, normalize_texts

if TYPE_CHECKING:
    from intercept_viewer.core.model import ParsedUtterance


def searchable_norm(text: str, translation: str | None, language: str | None) -> str:
    """``text_norm`` for a turn: its own words, then its translation's (in the translation's
    own language where the letters tell: a Ukrainian line under Russian is lemmatised as
    Ukrainian)."""
    norm = normalize_text(text, language)
    if not translation:
        return norm
    from intercept_viewer.core.importers.textlines import guess_language

    # with_words: the index holds the original's words from ``text`` itself; a translation's
    # words are only in text_norm, so they go in whole (spelling keys of its names too).
    extra = normalize_text(translation, guess_language(translation) or language, with_words=True)
    return f"{norm} {extra}" if norm else extra


def searchable_norms(utterances: Sequence[ParsedUtterance], language: str | None) -> list[str]:
    """``searchable_norm`` of every turn, in order: the same strings, in bulk (word forms
    cached per token across the batch, the per-word loop in C; ``normalize_texts``)."""
    norms = normalize_texts([u.text for u in utterances], language)
    for i, u in enumerate(utterances):
        if u.translation:
            norms[i] = searchable_norm(u.text, u.translation, language)
    return norms
