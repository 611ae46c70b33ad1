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
import threading
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
_ONE_APOSTROPHE = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: None for c in _STRESS}})
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
_analyzers_lock = threading.Lock()
_stemmer: Any = None


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, word)`` for every word of ``text``, offsets into ``text`` itself.

    The UI highlights with these offsets, so they are never shifted by folding.
    """
    for m in WORD_RE.finditer(text):
        yield m.start(), m.end(), m.group(0)


def lookup_form(word: str) -> str:
    """Lower case, ``ё`` → ``е``, stress marks removed, every apostrophe made ``'``.

    The form a dictionary is asked about: pymorphy3's Ukrainian dictionary spells
    ``сім'я`` with U+0027, so ``сім’ї`` and ``сімʼя`` must reach it spelled so too.
    """
    w = word.lower().replace("ё", "е").translate(_ONE_APOSTROPHE)
    if not w.isascii() and not _CYRILLIC.search(w):
        # Latin with accents (café, Łódź): fold like unicode61's remove_diacritics.
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w


def fold(word: str) -> str:
    """Lower case, ``ё`` → ``е``, apostrophes and stress marks removed; Latin accents folded.

    This is also what the index holds for the text as written (``schema.FOLDED_TEXT_SQL``
    does the same in SQL), so an exact-form query word is ``fold`` of what the user typed.
    """
    return lookup_form(word).replace("'", "")


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
    """The pymorphy3 analyser for ``lang`` ('ru' or 'uk'), built once per process (under a
    lock: the window builds them on a background thread while a search may want them)."""
    a = _analyzers.get(lang)
    if a is None:
        with _analyzers_lock:
            a = _analyzers.get(lang)
            if a is None:
                import pymorphy3

                a = _analyzers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return a


def warm() -> None:
    """Build the analysers and the stemmer now (about 200 ms), so the first search or import
    doesn't pay for them: the window calls this on a background thread at start."""
    _analyzer("ru")
    _analyzer("uk")
    _english_stem("warming")
    query_forms("бахмут")
    word_keys("київ")


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
    """Distinct normal forms of ``word``'s dictionary parses, folded; empty when it only
    guesses. ``word`` is a ``lookup_form`` (apostrophes as ``'``)."""
    # Straight to pymorphy3's dictionary (what its DictionaryAnalyzer unit does), skipping
    # the guessing units and the tag/probability work we don't use: 2-3x faster per word.
    analyzer = _analyzer(lang)
    dictionary = analyzer.dictionary
    out: dict[str, None] = {}
    for fixed_word, parses in dictionary.words.similar_items(word, analyzer.char_substitutes):
        for para_id, idx in parses:
            normal = dictionary.build_normal_form(para_id, idx, fixed_word)
            out[fold(normal)] = None
    return tuple(out)


@lru_cache(maxsize=500_000)
def word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The lemma tokens of one word (a ``lookup_form`` or a ``fold``: apostrophes as ``'``
    reach the Ukrainian dictionary, which spells words with them); ``lang`` is 'ru' or 'uk'
    (used for Cyrillic). The result is folded."""
    if not word:
        return ()
    if _CYRILLIC.search(word):
        if lang != "uk" and _UK_LETTERS.intersection(word):
            lang = "uk"
        found = _dictionary_forms(word, lang)
        if not found and "'" in word:
            found = _dictionary_forms(word.replace("'", ""), lang)
        return found or (stem_rule(word.replace("'", "")),)
    folded = word.replace("'", "")
    if _LATIN_LETTER.search(folded) and folded.isascii():
        return (_english_stem(folded),)
    return (folded,)


def _is_guessed(word: str, lang: str) -> bool:
    """True when the dictionary doesn't know this Cyrillic ``lookup_form`` (a village, a
    surname, slang): such words get spelling keys even in lower case."""
    if not _CYRILLIC.search(word):
        return False
    if lang != "uk" and _UK_LETTERS.intersection(word):
        lang = "uk"
    return not _dictionary_forms(word, lang) and not (
        "'" in word and _dictionary_forms(word.replace("'", ""), lang)
    )


@lru_cache(maxsize=20_000)
def query_forms(word: str) -> tuple[str, ...]:
    """Every lemma token a query word may have been indexed as (``word`` is a
    ``lookup_form`` or a ``fold``; the result is folded).

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
    out[stem_rule(word.replace("'", ""))] = None
    return tuple(out)


# ---------------------------------------------------------------------------- spelling keys
#
# One place has several spellings: Russian Купянск, Ukrainian Куп'янськ, Latin Kupyansk or
# Kupiansk. Their *spelling key* is the same: a transliteration into a small alphabet where the
# letters Russian and Ukrainian (and the usual romanisations) swap for each other are one letter:
#
# * е є и і ї й ы э о and Latin e i y o → ``i`` (Киев/Київ/Kyiv, Харьков/Харків, Авдеевка/Авдіївка);
# * г ґ х and Latin g h kh → ``h`` (Луганск/Luhansk/Lugansk, Бахмут/Bakhmut);
# * я/ya/ia → ``a`` and ю/yu/iu → ``u`` (the iotation is dropped: Купянск/Kupyansk/Kupiansk);
# * ь ъ and apostrophes vanish (Покровск/Покровськ); ж/zh, ш щ/sh shch, ч/ch, ц/ts;
# * doubled letters are one (Запоріжжя/Zaporizhzhia), and final vowels are dropped when four
#   letters remain (Запорожье/Запоріжжя, Курахово/Курахове).
#
# It is deliberately coarse, so it joins only as a last resort: the search ranks exact forms
# first, then the word's own forms, and only then words that share its key.

#: Marks a key token in ``text_norm``: a private-use character, which FTS5's unicode61 keeps
#: inside tokens (category Co) and no word of a text contains (``WORD_RE`` takes only letters
#: and digits), so ``\ue010kupansk`` never collides with a word or lemma.
KEY_MARK = "\ue010"
#: Keys shorter than this join too much to be useful (``кот`` / ``кит`` / ``кут``).
_MIN_KEY = 3
_MIN_STRIPPED_KEY = 4
_CYRILLIC_KEY = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "i", "є": "i",
        "ж": "j", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "i", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "h", "ц": "c", "ч": "q", "ш": "w", "щ": "w", "ъ": None, "ы": "i",
        "ь": None, "э": "i", "ю": "u", "я": "a", "'": None,
    }
)  # fmt: skip
_LATIN_KEY = {
    "shch": "w", "sch": "w", "sh": "w", "zh": "j", "kh": "h", "ch": "q", "ts": "c", "tz": "c",
    "ph": "f", "a": "a", "b": "b", "c": "k", "d": "d", "e": "i", "f": "f", "g": "h", "h": "h",
    "i": "i", "j": "i", "k": "k", "l": "l", "m": "m", "n": "n", "o": "i", "p": "p", "q": "k",
    "r": "r", "s": "s", "t": "t", "u": "u", "v": "v", "w": "v", "x": "ks", "y": "i", "z": "z",
}  # fmt: skip
_LATIN_KEY_RE = re.compile("shch|sch|sh|zh|kh|ch|ts|tz|ph|[a-z]")
_DOUBLED_RE = re.compile(r"(.)\1+")
_IOTATION_RE = re.compile(r"i(?=[au])")
_FINAL_VOWELS_RE = re.compile(r"[aiu]+$")
_KEY_LETTERS_RE = re.compile(r"[^a-z]")


@lru_cache(maxsize=200_000)
def spelling_key(word: str, prefix: bool = False) -> str:
    """The spelling key of a folded word (Cyrillic or Latin), or ``""`` when it has none (too
    short, digits, other scripts). ``prefix`` keys the start of a word: no final vowels cut."""
    if _CYRILLIC.search(word):
        mapped = word.translate(_CYRILLIC_KEY)
    else:
        mapped = _LATIN_KEY_RE.sub(lambda m: _LATIN_KEY[m.group(0)], word.replace("'", ""))
    if _KEY_LETTERS_RE.search(mapped):
        return ""  # digits, other scripts, or letters the tables don't know
    key = _DOUBLED_RE.sub(r"\1", _IOTATION_RE.sub("", _DOUBLED_RE.sub(r"\1", mapped)))
    if not prefix:
        stripped = _FINAL_VOWELS_RE.sub("", key)
        if len(stripped) >= _MIN_STRIPPED_KEY:
            key = stripped
    return key if len(key) >= _MIN_KEY else ""


def key_token(key: str) -> str:
    """How a spelling key is written in ``text_norm`` (and asked for in a MATCH)."""
    return KEY_MARK + key


@lru_cache(maxsize=50_000)
def word_keys(word: str) -> tuple[str, ...]:
    """Spelling keys of a word (a ``lookup_form``) and of its lemmas in either language:
    what a query word asks for, and what a highlighted word is checked against."""
    folded = word.replace("'", "")
    forms = (folded, *word_forms(word, "ru"), *word_forms(word, "uk")) if folded else ()
    return tuple(dict.fromkeys(k for k in map(spelling_key, forms) if k))


# ---------------------------------------------------------------------------- text_norm


@lru_cache(maxsize=500_000)
def _raw_word_extras(raw: str, lang: str) -> str:
    """The index extras of one word as written, joined: the hot path of ``normalize_text``.

    Its lemmas that differ from the word itself (the word as written is indexed anyway, in the
    folded text), then its spelling keys if it looks like a name: written with a capital
    (``Бахмут``, ``Kupyansk``) or unknown to the dictionary (``купянськ`` in lower case).
    """
    look = lookup_form(raw)
    folded = look.replace("'", "")
    forms = word_forms(look, lang)
    out = dict.fromkeys(f for f in forms if f != folded)
    if raw[:1].isupper() or _is_guessed(look, lang):
        keys = dict.fromkeys(spelling_key(f) for f in (folded, *forms))
        out.update((key_token(k), None) for k in keys if k)
    return " ".join(out)


@lru_cache(maxsize=500_000)
def _raw_word_all(raw: str, lang: str) -> str:
    extras = _raw_word_extras(raw, lang)
    folded = fold(raw)
    return f"{folded} {extras}" if extras else folded


def normalize_text(text: str, language: str | None = None, *, with_words: bool = False) -> str:
    """Return the index extras of every word of ``text``, space separated
    (``utterances.text_norm``): lemmas that differ from the word, and spelling keys of names.

    The words themselves are indexed from ``utterances.text`` (folded in SQL), so they are left
    out, which keeps the index small. ``with_words=True`` puts them in too: for text that is
    indexed only through ``text_norm`` (a translation kept beside the original).
    """
    lang = "uk" if is_ukrainian_language(language) else "ru"
    each = _raw_word_all if with_words else _raw_word_extras
    return " ".join([e for e in (each(w, lang) for w in WORD_RE.findall(text)) if e])


class _FormsCache(dict[str, str]):
    """Word as written -> its joined index extras, for one analysis language.

    A hit is a plain dict lookup done from C (``map(cache.__getitem__, words)``); only a miss
    calls back into Python (``__missing__``), which asks ``_raw_word_extras``. Most tokens of a
    batch repeat, so ``normalize_texts`` spends its time in C.
    """

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, raw: str) -> str:
        extras = self[raw] = _raw_word_extras(raw, self.lang)
        return extras


#: Distinct words kept per language before a cache starts afresh (a few tens of MB at most).
_FORMS_CACHE_MAX = 300_000
_forms_caches: dict[str, _FormsCache] = {}


def normalize_texts(texts: Iterable[str], language: str | None = None) -> list[str]:
    """``normalize_text`` of every text, in order: the same strings, much faster in bulk.

    Word forms are cached per token across the whole batch (and across batches in this
    process), and the loop over a text's words runs in C (words with nothing to add, most of
    them now that ``text_norm`` holds only extras, are filtered out there too).
    """
    lang = "uk" if is_ukrainian_language(language) else "ru"
    cache = _forms_caches.get(lang)
    if cache is None or len(cache) > _FORMS_CACHE_MAX:
        cache = _forms_caches[lang] = _FormsCache(lang)
    get = cache.__getitem__
    findall = WORD_RE.findall
    join = " ".join
    return [join(filter(None, map(get, findall(text)))) for text in texts]
