"""One script and language detector for every importer.

Which alphabet a line is in (a translation under the original, the Latin line of a bilingual
subtitle) and which language a text is in (Ukrainian, Russian or English) were decided by four
home-grown counters with four thresholds; a file could be "Cyrillic" to one importer and
"mixed" to the next. Here both questions have one answer each:

* ``script_of``: "cyr" or "lat" when one alphabet has more than twice the other's letters (a
  Latin name inside a Russian sentence does not make it mixed), None for fewer than three
  letters or a real mix;
* ``guess_language``: "uk", "ru" or "en" by letters, Ukrainian і ї є ґ against Russian ы э ъ ё,
  and when neither set shows, by common words spelt only one way; ``cyrillic_language`` is the
  same test for one Cyrillic line, None when it can't tell (a line under a line: is it the
  other language?).

Letters are counted by deleting everything else (C speed) over an 8 KB sample: a per-character
loop cost a quarter of a parse.
"""

from __future__ import annotations

import re
from typing import Literal

Script = Literal["cyr", "lat"]

#: How many times the other alphabet's letters one alphabet needs to name a line's script.
DOMINANCE = 2
#: Fewer letters than this tell nothing.
MIN_LETTERS = 3
SAMPLE_CHARS = 8000

_NOT_CYRILLIC = re.compile("[^а-яёіїєґўђјљњћџѓќѕ]+")
_NOT_LATIN = re.compile("[^a-z]+")
_NOT_UK = re.compile("[^іїєґ]+")
_NOT_RU = re.compile("[^ыэъё]+")
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґ']+")

#: Common words spelt only in Ukrainian or only in Russian, without і ї є ґ / ы э ъ ё.
_UK_SPELLINGS = (
    "що та але як мамо синку тато добре погано дуже зараз нема чого навіщо тримайся тримайтеся "
    "гаразд сюди туди коли зовсім треба кажу каже тобою разом вже щось чому"
)
_RU_SPELLINGS = (
    "что как но да нет плохо хорошо очень сейчас зачем держись ладно сюда туда когда совсем "
    "надо нужно говорю говорит тебя тобой вместе уже почему мама сынок папа"
)
_UK_WORDS = frozenset(_UK_SPELLINGS.split())
_RU_WORDS = frozenset(_RU_SPELLINGS.split())
#: The same word lists, for telling a Russian line from a Ukrainian one elsewhere.
UK_WORDS = _UK_WORDS
RU_WORDS = _RU_WORDS


def letter_counts(text: str) -> tuple[int, int]:
    """(Cyrillic letters, Latin letters) in the first ``SAMPLE_CHARS`` of ``text``."""
    sample = text[:SAMPLE_CHARS].lower()
    return len(_NOT_CYRILLIC.sub("", sample)), len(_NOT_LATIN.sub("", sample))


def script_of(text: str) -> Script | None:
    """The alphabet ``text`` is written in, or None (too few letters, or a mix)."""
    cyr, lat = letter_counts(text)
    if cyr + lat < MIN_LETTERS:
        return None
    if cyr > DOMINANCE * lat:
        return "cyr"
    if lat > DOMINANCE * cyr:
        return "lat"
    return None


def guess_language(text: str) -> str | None:
    """'uk', 'ru' or 'en' from the letters; None when there are too few letters to tell.

    Ukrainian has і ї є ґ, Russian has ы э ъ ё: whichever set is more frequent wins, so a
    Russian call under a Ukrainian headline still reads as Russian when given its turns only.
    """
    sample = text[:SAMPLE_CHARS].lower()
    cyr, latin = letter_counts(sample)
    if cyr + latin < MIN_LETTERS:
        return None
    if cyr < latin:
        return "en"
    return _uk_or_ru(sample) or "ru"


def cyrillic_language(text: str) -> str | None:
    """'uk' or 'ru' for a Cyrillic line when its letters or a telling word say so, else None
    (a line that could be either: "Да, мама" and "Так, мамо" differ; "мама, привет" doesn't)."""
    return _uk_or_ru(text[:SAMPLE_CHARS].lower())


def _uk_or_ru(sample: str) -> str | None:
    """Ukrainian і ї є ґ against Russian ы э ъ ё; on a tie, the telling words; else None."""
    uk = len(_NOT_UK.sub("", sample))
    ru = len(_NOT_RU.sub("", sample))
    if uk == ru:  # a few lines with none of the telling letters: the telling words decide
        words = _CYRILLIC_WORD.findall(sample.replace("’", "'"))
        uk = sum(1 for w in words if w in _UK_WORDS)
        ru = sum(1 for w in words if w in _RU_WORDS)
    if uk == ru:
        return None
    return "uk" if uk > ru else "ru"


def language_of(text: str) -> str:
    """As ``guess_language``, English when it can't tell."""
    return guess_language(text) or "en"
