"""Who is who in an article: speech verbs, references to people, and the call's participants.

An article introduces the people of a call by description ("a Russian soldier", "his mother")
and then refers to them by pronoun ("she says"), by another description ("the serviceman",
"the woman") or by name. This module finds those *mentions* in prose and maps them to
*participants*:

* the caller (the soldier) collects every word for a soldier (soldier, serviceman, occupier,
  fighter, the Russian; солдат, оккупант, военный; окупант, загарбник ...) and the generic "man"
  words, and also son / husband / boyfriend — in these articles they name the soldier as seen by
  the other participant. Its label is "Soldier" when any soldier word was used, otherwise the
  kinship word ("Husband").
* each kinship or relation word (mother, wife, brother, father, girlfriend ...) is a participant.
* "the woman" / "the man" mean the participant of that gender already introduced.

Russian and Ukrainian words are reduced to their dictionary form with pymorphy3 (``матери`` ->
``мать``), which also gives a past-tense verb's gender (``ответила``: feminine), enough to pick
the speaker when the attribution has no subject. Labels are English role names for every
language, so a search by speaker finds "Mother" across the whole library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MALE = "m"
FEMALE = "f"
SELF = "self"

_WORD_RE = re.compile(r"[^\W\d_]+(?:[’'ʼ][^\W\d_]+)*")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_UK_RE = re.compile(r"[іїєґІЇЄҐ]")


def _wordlist(words: str) -> list[str]:
    """A word list written as one string, which keeps long vocabularies readable."""
    return words.split()


def _inflect(base: str) -> set[str]:
    """Regular English verb forms of ``base`` (says/said/saying come from the irregular list)."""
    forms = {base}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith(("sh", "ch", "ss", "x")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
    return forms


_EN_VERB_BASES = _wordlist(
    "ask add reply answer explain continue respond exclaim complain insist admit claim recall "
    "note remark shout yell scream laugh sigh cry warn declare reveal confess lament boast joke "
    "retort interject agree protest mutter whisper plead repeat wonder demand urge reassure "
    "assure inquire enquire object interrupt concede groan moan grumble mock ridicule scoff "
    "tease curse swear chuckle recount describe observe suggest conclude state announce promise "
    "threaten report reason counter"
)
_EN_IRREGULAR = _wordlist(
    "say says said saying tell tells told telling write writes wrote writing go goes went "
    "admitted admitting snapped snapping sobbed sobbing begs begged begging"
)
EN_SPEECH_VERBS: frozenset[str] = frozenset(
    {f for b in _EN_VERB_BASES for f in _inflect(b)} | set(_EN_IRREGULAR)
)
EN_PARTICIPLES: frozenset[str] = frozenset(v for v in EN_SPEECH_VERBS if v.endswith("ing"))
#: English forms good enough for the cheap sniffer.
EN_SNIFF_VERBS = frozenset(
    _wordlist(
        "says said asks asked replies replied adds added tells told answers answered explains "
        "explained complains complained continues continued saying adding asking replying"
    )
)

CYR_SPEECH_LEMMAS: frozenset[str] = frozenset(
    _wordlist(
        # Russian
        "говорить сказать спросить спрашивать ответить отвечать добавить добавлять рассказать "
        "рассказывать пояснить пояснять объяснить объяснять признаться признаваться жаловаться "
        "пожаловаться возмутиться возмущаться заявить заявлять уточнить уточнять продолжить "
        "продолжать воскликнуть восклицать кричать закричать крикнуть вздохнуть вздыхать "
        "повторить повторять поинтересоваться интересоваться сообщить сообщать удивиться "
        "удивляться смеяться рассмеяться засмеяться согласиться соглашаться плакать заплакать "
        "умолять просить попросить успокаивать успокоить возразить возражать перебить "
        "признать ругаться выругаться шутить пошутить усмехнуться хвастаться похвастаться "
        "напомнить напоминать сетовать посетовать причитать отметить отмечать подчеркнуть "
        "подчёркивать подчеркивать переспросить переспрашивать похвастать хвастать "
        # Ukrainian
        "казати сказати говорити запитати запитувати питати спитати відповісти відповідати "
        "додати додавати розповісти розповідати пояснити пояснювати поскаржитися скаржитися "
        "зізнатися зізнаватися обуритися обурюватися заявити заявляти уточнити продовжити "
        "продовжувати вигукнути вигукувати кричати закричати зітхнути зітхати повторити "
        "поцікавитися цікавитися повідомити повідомляти здивуватися дивуватися сміятися "
        "засміятися погодитися погоджуватися плакати заплакати благати просити попросити "
        "заспокоювати заспокоїти заперечити заперечувати перебити лаятися жартувати "
        "пожартувати нагадати нагадувати бідкатися нарікати зазначити зазначати наголосити "
        "наголошувати підкреслити підкреслювати перепитати перепитувати хвалитися похвалитися "
        "вихвалятися"
    )
)
#: Surface forms for the sniffer (no morphology there: it must be cheap).
CYR_SNIFF_RE = re.compile(
    r"\b(говорит|говорила?|сказала?|спрашивает|спросила?|отвечает|ответила?|добавляет|"
    r"добавила?|рассказывает|рассказала?|жалуется|пожаловала?с[ья]|возмущается|каже|казала?|"
    r"сказав|сказала|запитує|запитала?|запитав|питає|відповідає|відповіла?|відповів|додає|"
    r"додала?|додав|розповідає|розповіла?|розповів|скаржиться|поскаржила?с[яь]|поскаржився)\b",
    re.IGNORECASE,
)

#: Call participants' role words: word or lemma -> (role, gender).
#: ``SELF`` roles all name the soldier; ``man``/``woman`` are generic (the one of that gender).
_SOLDIER_WORDS = _wordlist(
    "soldier serviceman servicemember occupier invader fighter trooper paratrooper conscript "
    "marine infantryman gunner sniper recruit mercenary mobilised mobilized "
    "солдат военный военнослужащий оккупант захватчик боец мобилизованный контрактник вояка "
    "россиянин рашист орк срочник "
    "військовий військовослужбовець окупант загарбник боєць мобілізований росіянин строковик"
)
_GENERIC_MALE = _wordlist("man male guy мужчина парень хлопець")
_GENERIC_FEMALE = _wordlist("woman lady female женщина жінка")
_SELF_KIN = {
    "son": "Son",
    "husband": "Husband",
    "boyfriend": "Boyfriend",
    "fiancé": "Fiancé",
    "fiance": "Fiancé",
    "сын": "Son",
    "син": "Son",
    "муж": "Husband",
    "супруг": "Husband",
    "жених": "Fiancé",
    "наречений": "Fiancé",
    "чоловік": "Husband",
}
_KIN: dict[str, tuple[str, str | None]] = {}
for _label, _gender, _words in (
    ("Mother", FEMALE, "mother mom mum mama mommy mummy мать мама мамочка мати матір матуся"),
    ("Wife", FEMALE, "wife spouse жена супруга дружина"),
    ("Girlfriend", FEMALE, "girlfriend fiancée partner девушка невеста дівчина наречена"),
    ("Sister", FEMALE, "sister сестра"),
    ("Daughter", FEMALE, "daughter дочь дочка донька"),
    ("Grandmother", FEMALE, "grandmother grandma granny бабушка бабуся бабця"),
    ("Aunt", FEMALE, "aunt тётя тетя тітка"),
    ("Brother", MALE, "brother брат"),
    ("Father", MALE, "father dad daddy отец папа батько тато"),
    ("Grandfather", MALE, "grandfather grandpa дед дедушка дід дідусь"),
    ("Uncle", MALE, "uncle дядя дядько"),
    ("Friend", MALE, "friend друг приятель товарищ товариш"),
    ("Comrade", MALE, "comrade сослуживец побратим"),
    ("Commander", MALE, "commander командир"),
    ("Cousin", None, "cousin"),
):
    for _w in _words.split():
        _KIN[_w] = (_label, _gender)

#: Cyrillic role words whose surface form pymorphy3 reads first as something else.
_DICTIONARY_FORMS = frozenset(_wordlist("мати"))

#: Words that may sit between "the Russian" and its verb ("the Russian then says").
_ADVERBS = frozenset(_wordlist("then also later again just only quietly finally still"))
#: Words that introduce a new call in an article quoting several.
NEW_CALL_RE = re.compile(
    r"\b(?:in|during|on) (?:an?other|a (?:second|third|separate|different|later|earlier)|"
    r"the (?:second|third|other|next))\b(?: \w+){0,3}? (?:call|conversation|intercept|recording|"
    r"phone call|audio)s?\b"
    r"|\b(?:another|a (?:second|separate|different)) (?:intercepted )?(?:call|conversation)\b"
    r"|\bв (?:другом|ещё одном|еще одном|другом же|следующем) (?:перехват\w*|разговор\w*|звонк\w*)"
    r"|\bв (?:іншій|ще одній|наступній) (?:розмов\w*)|\bв (?:іншому|ще одному) (?:перехопленн\w*|"
    r"дзвінку)",
    re.IGNORECASE,
)
_EN_PRONOUNS = {"he": MALE, "she": FEMALE}
_CYR_PRONOUNS = {"он": MALE, "она": FEMALE, "він": MALE, "вона": FEMALE}


@lru_cache(maxsize=2)
def _analyzer(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk" if lang == "uk" else "ru")


@lru_cache(maxsize=20000)
def _parses(word: str, lang: str) -> tuple[tuple[str, Any], ...]:
    """(normal form, tag) of the dictionary parses of a Cyrillic word, most likely first."""
    parses = _analyzer(lang).parse(word.lower())
    return tuple((p.normal_form.replace("ё", "е"), p.tag) for p in parses[:6])


def _cyr_lang(word: str, lang: str) -> str:
    return "uk" if lang == "uk" or _UK_RE.search(word) else "ru"


@dataclass
class Mention:
    """A reference to a person in prose: a pronoun, a role word or a name."""

    start: int
    end: int
    kind: str  # "pronoun" | "role" | "name" | "verb"
    word: str
    gender: str | None = None
    role: str | None = None  # SELF, "generic", or a kinship label ("Mother")
    label: str | None = None  # for SELF words: the label they suggest ("Soldier", "Husband")
    subject_like: bool = True  # nominative / not possessive


@dataclass
class Word:
    start: int
    end: int
    text: str


def words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def is_speech_verb(word: str, lang: str) -> tuple[bool, str | None, bool]:
    """(is a speech verb, its gender if a past form says so, is a participle/gerund)."""
    low = word.lower()
    if not _CYRILLIC_RE.search(low):
        return low in EN_SPEECH_VERBS, None, low in EN_PARTICIPLES
    for normal, tag in _parses(low, _cyr_lang(low, lang)):
        if normal in CYR_SPEECH_LEMMAS and tag.POS in {"VERB", "INFN", "GRND"}:
            gender = {"masc": MALE, "femn": FEMALE}.get(str(tag.gender)) if tag.gender else None
            return True, gender, tag.POS == "GRND"
    return False, None, False


def _role_of(key: str) -> tuple[str, str | None, str | None] | None:
    """(role, gender, label) for a role word or lemma."""
    if key in _SOLDIER_WORDS:
        return SELF, MALE, "Soldier"
    if key in _SELF_KIN:
        return SELF, MALE, _SELF_KIN[key]
    if key in _GENERIC_MALE:
        return "generic", MALE, None
    if key in _GENERIC_FEMALE:
        return "generic", FEMALE, None
    if key in _KIN:
        label, gender = _KIN[key]
        return label, gender, label
    return None


def find_mentions(text: str, lang: str, names: dict[str, str] | None = None) -> list[Mention]:
    """Every reference to a person in ``text`` (prose, not quotes), in order."""
    names = names or {}
    found: list[Mention] = []
    ws = words(text)
    for i, w in enumerate(ws):
        low = w.text.lower()
        if low in names:
            found.append(Mention(w.start, w.end, "name", w.text, role=names[low]))
            continue
        if not _CYRILLIC_RE.search(low):
            possessive = False
            key = low
            for suffix in ("’s", "'s"):
                if key.endswith(suffix):
                    key, possessive = key[: -len(suffix)], True
            after = text[w.end : w.end + 2]
            if after[:1] in "’'" and key.endswith("s"):
                possessive = True  # soldiers’
            if key in _EN_PRONOUNS:
                found.append(Mention(w.start, w.end, "pronoun", w.text, _EN_PRONOUNS[key]))
                continue
            if key == "russian":
                if _is_the_russian(text, ws, i):
                    found.append(Mention(w.start, w.end, "role", w.text, MALE, SELF, "Soldier"))
                continue
            role = _role_of(key)
            if role:
                found.append(
                    Mention(
                        w.start, w.end, "role", w.text, role[1], role[0], role[2], not possessive
                    )
                )
            continue
        # Cyrillic
        if low in _CYR_PRONOUNS:
            found.append(Mention(w.start, w.end, "pronoun", w.text, _CYR_PRONOUNS[low]))
            continue
        wl = _cyr_lang(low, lang)
        direct = _role_of(low)
        if direct and low in _DICTIONARY_FORMS:
            # "мати" is first of all the verb "to have" to pymorphy3 (its noun reading falls out
            # of the top parses): a role word as written is the role, in the nominative
            found.append(Mention(w.start, w.end, "role", w.text, direct[1], direct[0], direct[2]))
            continue
        for normal, tag in _parses(low, wl):
            role = _role_of(normal)
            if not role or tag.POS not in {"NOUN", "ADJF"} or "plur" in tag:
                continue
            if tag.POS == "ADJF" and i + 1 < len(ws) and _is_noun(ws[i + 1].text, wl):
                break  # "военный комиссариат": an adjective here
            nominative = any(
                "nomn" in t for n, t in _parses(low, wl) if n == normal and "plur" not in t
            )
            found.append(
                Mention(w.start, w.end, "role", w.text, role[1], role[0], role[2], nominative)
            )
            break
    return found


def _is_the_russian(text: str, ws: list[Word], i: int) -> bool:
    """ "the Russian" as a noun (the Russian says / replies / then ...), not "the Russian army"."""
    if i == 0 or ws[i - 1].text.lower() != "the":
        return False
    if i + 1 >= len(ws):
        return True
    gap = text[ws[i].end : ws[i + 1].start]
    if gap.strip():
        return True  # punctuation follows: "the Russian," / "the Russian."
    nxt = ws[i + 1].text.lower()
    return nxt in EN_SPEECH_VERBS or nxt in _ADVERBS


def _is_noun(word: str, lang: str) -> bool:
    if not _CYRILLIC_RE.search(word):
        return False
    parses = _parses(word.lower(), lang)
    return bool(parses) and parses[0][1].POS == "NOUN"


# ------------------------------------------------------------------ participants


@dataclass
class Participant:
    """One person of one call. ``label`` is the speaker label the transcript gets."""

    key: str
    gender: str | None
    labels: list[str] = field(default_factory=list)
    name: str | None = None
    call: int = 1
    order: int = 0
    explicit: int = 0  # times an attribution named this participant outright

    @property
    def base_label(self) -> str:
        if self.key == SELF:
            return "Soldier" if "Soldier" in self.labels else (self.labels or ["Man"])[0]
        return self.key


@dataclass
class Cast:
    """The participants of one call, in the order the article introduced them."""

    call: int
    people: list[Participant] = field(default_factory=list)

    def get(self, key: str) -> Participant | None:
        return next((p for p in self.people if p.key == key), None)

    def add_from(self, mention: Mention) -> Participant | None:
        """The participant a role mention refers to, introducing it on first mention."""
        if mention.kind != "role" or mention.role is None:
            return None
        if mention.role == "generic":
            same = [p for p in self.people if p.gender == mention.gender]
            if same:
                return same[0]
            key = SELF if mention.gender == MALE else "Woman"
            label = "Man" if mention.gender == MALE else "Woman"
        else:
            key, label = mention.role, mention.label or mention.role
        found = self.get(key)
        if found is None:
            found = Participant(key, mention.gender, call=self.call, order=len(self.people))
            self.people.append(found)
        if label and label not in found.labels:
            found.labels.append(label)
        return found

    def active(self) -> list[Participant]:
        """The call's speakers: the first two introduced plus any named in an attribution."""
        return [p for p in self.people if p.order < 2 or p.explicit > 0]

    def by_gender(self, gender: str | None) -> list[Participant]:
        people = self.active()
        same = [p for p in people if p.gender == gender]
        return same or [p for p in people if p.gender is None]

    def other_than(self, who: Participant | None) -> Participant | None:
        people = self.active()
        others = [p for p in people if p is not who]
        if who is None:
            return people[0] if people else None
        return others[0] if others else who


_NAME_AFTER_ROLE_RE = re.compile(
    r"(?:,?\s+(?:named|called|identified as|по имени|на ім['’]я)\s+|,\s+|\s+)"
    r"(?P<name>[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ'’]+)(?=[\s,.;:)]|$)"
)
_NOT_NAMES = frozenset(
    _wordlist(
        "The A An He She His Her They It In On At And But Then After When As This That Ukraine "
        "Russia Russian Ukrainian Moscow Kyiv Putin HUR SBU GUR Telegram"
    )
)


def find_names(text: str, lang: str) -> list[tuple[Mention, str]]:
    """(role mention, name) pairs: "his brother Sasha", "a soldier named Dmitry", "жена Ольга"."""
    pairs: list[tuple[Mention, str]] = []
    for m in find_mentions(text, lang):
        if m.kind != "role":
            continue
        match = _NAME_AFTER_ROLE_RE.match(text, m.end)
        if not match:
            continue
        name = match.group("name")
        if name in _NOT_NAMES or _role_of(name.lower()):
            continue
        if _CYRILLIC_RE.search(name):
            if not any("Name" in t for _, t in _parses(name, _cyr_lang(name, lang))):
                continue
        elif (
            match.group(0).startswith(",")
            and "named" not in match.group(0)
            and text[match.end() : match.end() + 1] not in {",", ""}
        ):
            continue  # "his wife, Natalia," needs the closing comma to be an apposition
        pairs.append((m, name))
    return pairs
