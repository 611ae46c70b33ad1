"""Provenance an article states in its own prose: who released the call, where, and whether anyone
verified it.

Publisher names are normalised to the short forms the library uses everywhere:

* ``HUR`` — Ukraine's military intelligence, however the article writes it: "Military
  Intelligence Directorate", "Defence Intelligence of Ukraine", DIU, HUR, GUR (the Russian
  transliteration of the same body), ГУР, Головне управління розвідки, Главное управление
  разведки. One body, one name, so filtering by publisher finds all of its releases.
* ``SBU`` — the Security Service of Ukraine, СБУ, Служба безпеки/безопасности України/Украины.

When both appear, the one next to a release verb ("released by", "published", "оприлюднила")
wins; otherwise the first mentioned. Verification language ("has not been verified",
"could not be independently verified", "не удалось проверить", "не вдалося перевірити") gives
the whole sentence as the verification note; the status stays ``unverified`` either way, because
an article quoting a call is never verification by itself.
"""

from __future__ import annotations

import re

_PUBLISHERS: tuple[tuple[str, str], ...] = (
    (
        "HUR",
        r"\b(?:HUR|GUR|DIU|HUR MOD|GUR MOD)\b|(?:Main|Military|Chief|Defen[cs]e) Intelligence "
        r"(?:Directorate|Department|Agency)|Defen[cs]e Intelligence of Ukraine|Ukrain\w*(?:['’]s)? "
        r"(?:military|defen[cs]e) intelligence|\bГУР\b|Головн\w+ управлін\w+ розвідки|"
        r"Главн\w+ управлени\w+ разведки|воєнн\w+ розвідк\w+|военн\w+ разведк\w+",
    ),
    (
        "SBU",
        r"\bSBU\b|Security Service of Ukraine|Ukrain\w* Security Service|\bСБУ\b|"
        r"Служб\w+ безпеки України|Служб\w+ безопасности Украины",
    ),
)
_RELEASE_VERBS = re.compile(
    r"releas|publish|post|shar|obtain|intercept|disclos|made public|put out|оприлюдн|опублік|"
    r"опубликов|обнародова|поширил|распростран|перехоп|перехват|выложил|виклал",
    re.IGNORECASE,
)
_VERIFICATION_RE = re.compile(
    r"not (?:been |be )?(?:independently )?(?:verified|confirmed|authenticated)|"
    r"(?:could|can|was unable to|were unable to|is unable to|are unable to|cannot|can't|couldn't)"
    r"(?: not)? (?:independently )?(?:verify|confirm|authenticate)|unverified|"
    r"(?:unable|impossible) to (?:independently )?(?:verify|confirm)|"
    r"не (?:удалось|удаётся|удается|может|можем|смогл\w*|получилось)(?: независимо)? "
    r"(?:проверить|подтвердить|верифицировать)|не (?:был[аио]? )?(?:проверен\w*|подтвержден\w*|"
    r"верифицирован\w*)|"
    r"(?:проверить|подтвердить)[^.]{0,60}не (?:удалось|удаётся|удается|представляется|"
    r"может|можем|могут|смогл\w*)|"
    r"не (?:вдалося|вдається|може|можемо|змогл\w*)(?: незалежно)? (?:перевірити|підтвердити|"
    r"верифікувати)|(?:перевірити|підтвердити)[^.]{0,60}не (?:вдалося|вдається|можливо|"
    r"може|можемо|можуть|змогл\w*)|"
    r"не (?:перевірен\w*|підтверджен\w*|верифікован\w*)|неможливо (?:незалежно )?перевірити",
    re.IGNORECASE,
)
_TELEGRAM_RE = re.compile(
    r"\b(Telegram|YouTube|Facebook|X \(Twitter\)|Twitter|TikTok|телеграм|телеґрам|ютуб)",
    re.I,
)
#: Platforms as Russian/Ukrainian prose spells them ("в телеграм-канале"), by their usual names.
_PLATFORM_NAMES = {"телеграм": "Telegram", "телеґрам": "Telegram", "ютуб": "YouTube"}
_SENTENCE_RE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"”»’]*|$)")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def find_publisher(paragraphs: list[str]) -> str | None:
    """HUR or SBU (see the module docstring), or None when the prose names neither."""
    first: tuple[int, str] | None = None
    for para_no, text in enumerate(paragraphs):
        if not any(
            re.search(pattern, text, re.IGNORECASE if short == "HUR" else 0)
            for short, pattern in _PUBLISHERS
        ):
            continue  # one pass over a paragraph naming no publisher, not one per sentence
        for sentence in sentences(text):
            hits = []
            for short, pattern in _PUBLISHERS:
                match = re.search(pattern, sentence, re.IGNORECASE if short == "HUR" else 0)
                if match and not _is_false_hit(short, match.group()):
                    hits.append((match.start(), short))
            if not hits:
                continue
            hits.sort()
            if _RELEASE_VERBS.search(sentence):
                return hits[0][1]
            if first is None:
                first = (para_no, hits[0][1])
    return first[1] if first else None


def _is_false_hit(short: str, text: str) -> bool:
    # "hur" case-insensitively is only HUR in capitals (avoid "Hur" as a name fragment)
    return short == "HUR" and text.lower() in {"hur", "gur", "diu"} and not text.isupper()


def find_channel(paragraphs: list[str]) -> str | None:
    """The platform the article says the call was posted on ("on its Telegram channel")."""
    for text in paragraphs:
        match = _TELEGRAM_RE.search(text)
        if match:
            name = match.group(1)
            if name.lower() in _PLATFORM_NAMES:
                return _PLATFORM_NAMES[name.lower()]
            return "Telegram" if name.lower() == "telegram" else name
    return None


def find_verification_note(paragraphs: list[str]) -> str | None:
    """The article's own sentence saying the call was not verified, if it has one."""
    for text in paragraphs:
        for sentence in sentences(text):
            if _VERIFICATION_RE.search(sentence):
                return sentence
    return None
