"""Words to their dictionary forms, so a search finds every inflected form of a word.

Russian and Ukrainian inflect every noun (``Бахмут`` / ``під Бахмутом`` / ``в Бахмуте``), and
FTS5's unicode61 tokenizer only folds case. So each utterance gets a shadow column,
``utterances.text_norm``, built here at import time: every word replaced by its *forms*, the
tokens two spellings of one word share. A query word goes through the same pipeline
(``query_forms``) and matches when the two sets meet.

The forms of a word:

* Cyrillic: every distinct normal form pymorphy3 gives from its *dictionary* (``is_known``).
  All of them, not just the most likely one, because the most likely parse differs between
  forms of one word (``Харкові`` parses first as the surname ``Харко``, ``Харків`` as the city)
  and a search should rather find too much than miss the city. Ukrainian analysis when the word
  has і/ї/є/ґ or the transcript's language is Ukrainian; Russian otherwise.
* Words the dictionary doesn't know (a village, a slang word: pymorphy3 only *guesses* them) get
  ``stem_rule`` instead: a few inflection endings cut off, leaving at least four letters. It is a
  plain, predictable rule applied identically when indexing and when querying, so
  ``Куп'янськ`` / ``Куп'янську`` / ``купянська`` meet on ``купянськ``.
* Latin: the English Snowball stem (PyStemmer), after folding accents (``café`` = ``cafe``).
* Digits stay as they are.

Before any of that a word is *folded*: lower case, ``ё`` → ``е``, stress marks and the
apostrophes Ukrainian writes inside words (``'`` ``’`` ``ʼ``) removed. Apostrophes never split a
word: ``Куп'янськ`` is one word.

Speed matters — this runs on every utterance of every import (a million in the benchmark): the
analysers are built once per process on first use, and every distinct (word, language) is
analysed once (``functools.lru_cache``); repeated words cost a dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

#: Characters that join the two halves of a Ukrainian word (``м'ясо``, ``Куп’янськ``, ``пʼять``).
APOSTROPHES = "'’ʼ`"
#: Stress marks found in Russian and Ukrainian texts (``ма́ма``); they never split a word.
_STRESS = "\u0300\u0301"
#: A word: letters and digits (not ``_``), stress marks inside, apostrophes between letters.
#: Possessive runs (``++``): the same matches as ``(?:[^\W_]|[stress])+(...)*`` but a third
#: faster, as the engine takes a run of letters at once and never backtracks into it; this
#: regex runs over every utterance at import and over every search hit.
WORD_RE = re.compile(
    rf"(?:[^\W_]++|[{_STRESS}]++)++(?:[{APOSTROPHES}](?:[^\W_]++|[{_STRESS}]++)++)*+",
)
#: ``WORD_RE`` as one capturing group, for ``re.split``: words at the odd indices.
WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")
_DROP = str.maketrans({c: None for c in APOSTROPHES + _STRESS})
_UK_LETTERS = frozenset("іїєґ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-z]")

#: Endings cut by ``stem_rule`` (Russian and Ukrainian noun/adjective inflections), longest first.
_ENDING_TEXT = (
    "ами ями ого его ому ему ыми ими іми иях ях ах ям ам ов ев ів їв ей ой ий ый ій їй ом ем ою ею"
    " ої єї ую юю ая яя ое ее ые ие і ї а я о е у ю ы и ь й є"
)
_ENDINGS = tuple(sorted(set(_ENDING_TEXT.split()), key=len, reverse=True))
_MIN_STEM = 4

_analyzers: dict[str, Any] = {}
_stemmer: Any = None


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, word)`` for every word of ``text``, offsets into ``text`` itself.

    The UI highlights with these offsets, so they are never shifted by folding.
    """
    for m in WORD_RE.finditer(text):
        yield m.start(), m.end(), m.group(0)


def fold(word: str) -> str:
    """Lower case, ``ё`` → ``е``, apostrophes and stress marks removed; Latin accents folded."""
    w = word.lower().replace("ё", "е").translate(_DROP)
    if not w.isascii() and not _CYRILLIC.search(w):
        # Latin with accents (café, Łódź): fold like unicode61's remove_diacritics.
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w


def stem_rule(word: str) -> str:
    """Cut one common inflection ending from a folded word if at least 4 letters remain.

    Used where the dictionary only guesses; crude on purpose: it is the same at index and query
    time, so the forms of an unknown place name meet on one stem.
    """
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def _analyzer(lang: str) -> Any:
    """The pymorphy3 analyser for ``lang`` ('ru' or 'uk'), built once per process."""
    a = _analyzers.get(lang)
    if a is None:
        import pymorphy3

        a = _analyzers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return a


def _english_stem(word: str) -> str:
    global _stemmer
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    return str(_stemmer.stemWord(word))


@lru_cache(maxsize=64)
def is_ukrainian_language(language: str | None) -> bool:
    """True for language tags meaning Ukrainian: ``uk``, ``uk-UA``, ``ukr``, ``Ukrainian``."""
    if not language:
        return False
    primary = re.split(r"[-_ ]", language.strip().lower(), maxsplit=1)[0]
    return primary in {"uk", "ukr", "ua", "ukrainian", "українська", "украинский"}


def _dictionary_forms(word: str, lang: str) -> tuple[str, ...]:
    """Distinct normal forms of ``word``'s dictionary parses; empty when it only guesses."""
    # Straight to pymorphy3's dictionary (what its DictionaryAnalyzer unit does), skipping
    # the guessing units and the tag/probability work we don't use: 2-3x faster per word.
    analyzer = _analyzer(lang)
    dictionary = analyzer.dictionary
    out: dict[str, None] = {}
    for fixed_word, parses in dictionary.words.similar_items(word, analyzer.char_substitutes):
        for para_id, idx in parses:
            normal = dictionary.build_normal_form(para_id, idx, fixed_word)
            out[normal.replace("ё", "е")] = None
    return tuple(out)


@lru_cache(maxsize=500_000)
def word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The index tokens of one *folded* word; ``lang`` is 'ru' or 'uk' (used for Cyrillic)."""
    if not word:
        return ()
    if _CYRILLIC.search(word):
        if lang != "uk" and _UK_LETTERS.intersection(word):
            lang = "uk"
        return _dictionary_forms(word, lang) or (stem_rule(word),)
    if _LATIN_LETTER.search(word) and word.isascii():
        return (_english_stem(word),)
    return (word,)


@lru_cache(maxsize=20_000)
def query_forms(word: str) -> tuple[str, ...]:
    """Every token a *folded* query word may have been indexed as.

    A query has no language, and an index word went through Russian or Ukrainian analysis
    depending on its transcript, so a Cyrillic query word gets both analyses plus the stem rule
    (for index words the dictionary didn't know).
    """
    if not word:
        return ()
    if not _CYRILLIC.search(word):
        return word_forms(word, "ru")
    out = dict.fromkeys(word_forms(word, "ru"))
    out.update(dict.fromkeys(word_forms(word, "uk")))
    out[stem_rule(word)] = None
    return tuple(out)


@lru_cache(maxsize=500_000)
def _raw_word_forms(raw: str, lang: str) -> str:
    """``word_forms`` of a word as written, joined: the hot path of ``normalize_text``."""
    return " ".join(word_forms(fold(raw), lang))


def normalize_text(text: str, language: str | None = None) -> str:
    """Return the forms of every word of ``text``, space separated (``utterances.text_norm``)."""
    lang = "uk" if is_ukrainian_language(language) else "ru"
    forms = _raw_word_forms
    return " ".join([forms(w, lang) for w in WORD_RE.findall(text)])


class _FormsCache(dict[str, str]):
    """Word as written -> its joined forms, for one analysis language.

    A hit is a plain dict lookup done from C (``map(cache.__getitem__, words)``); only a miss
    calls back into Python (``__missing__``), which asks ``_raw_word_forms``. Most tokens of a
    batch repeat, so ``normalize_texts`` spends its time in C.
    """

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, raw: str) -> str:
        forms = self[raw] = _raw_word_forms(raw, self.lang)
        return forms


#: Distinct words kept per language before a cache starts afresh (a few tens of MB at most).
_FORMS_CACHE_MAX = 300_000
_forms_caches: dict[str, _FormsCache] = {}


def normalize_texts(texts: Iterable[str], language: str | None = None) -> list[str]:
    """``normalize_text`` of every text, in order: the same strings, much faster in bulk.

    Word forms are cached per token across the whole batch (and across batches in this
    process), and the loop over a text's words runs in C.
    """
    lang = "uk" if is_ukrainian_language(language) else "ru"
    cache = _forms_caches.get(lang)
    if cache is None or len(cache) > _FORMS_CACHE_MAX:
        cache = _forms_caches[lang] = _FormsCache(lang)
    get = cache.__getitem__
    findall = WORD_RE.findall
    join = " ".join
    return [join(map(get, findall(text))) for text in texts]
