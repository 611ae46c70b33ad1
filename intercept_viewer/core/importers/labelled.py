"""Labelled dialogue: ``Name: text`` turns, the commonest shape of a published intercept.

Labels come in many dresses — ``SOLDIER:``, ``Мать солдата:``, ``**Wife:**``, ``[Оккупант]``,
``{A}``, ``@mother:``, ``Окупант —`` — with optional timestamps before or after. The hard part
is telling a label from a colon in prose ("He said: no", "Time: 5 pm"). We decide statistically:
a candidate label is short (1-4 words, no sentence punctuation) and a real label REPEATS, usually
alternating with another; a candidate seen once counts only when it is marked unmistakably
(bold, brackets), is a role word ("Mother", "Окупант"), extends a real label ("Speaker 3" next to
"Speaker 1"), or the whole file is only a couple of turns. Lines before the first turn are the
release's headline and blurb; lines without a label continue the turn above.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.import_notes import Report
from intercept_viewer.core.importers.metadata import merge_meta, read_metadata
from intercept_viewer.core.importers.textlines import (
    BRACKETED_TIME,
    date_of_line,
    fill_end_times,
    join_continuation,
    paragraphs,
    split_leading_time,
    split_preamble,
    split_trailing_time,
    time_from_match,
)
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.script import cyrillic_language, guess_language, script_of

#: A speaker name: starts with a letter; up to four words of letters, digits, ' - and (...)
_WORD = r"[\w'’\-]+|\([\w'’\- ]+\)"
#: ...and may end in a period: abbreviation labels ``Ч.:``, ``Ж.:``, ``S.:``.
_NAME = rf"(?P<name>[^\W\d_](?:[\w'’\-]*)(?:[ \t]+(?:{_WORD})){{0,3}}\.?)"
_TIME_AFTER = r"(?:\s*(?P<ltime>[\[(][^\])]{3,25}[\])]))?"
_COLON = r"\s*[:：]"

#: (style, pattern). Strong styles mark a label unmistakably; plain ones need statistics.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bold",
        re.compile(
            rf"^(?:\*\*|__)\s*{_NAME}{_TIME_AFTER}\s*(?:{_COLON}\s*(?:\*\*|__)|(?:\*\*|__)"
            rf"(?P<colon>{_COLON})?)\s*(?P<text>.*)$"
        ),
    ),
    ("bracket", re.compile(rf"^\[\s*{_NAME}\s*\]{_TIME_AFTER}(?:{_COLON})?\s*(?P<text>.*)$")),
    ("brace", re.compile(rf"^\{{\s*{_NAME}\s*\}}{_TIME_AFTER}(?:{_COLON})?\s*(?P<text>.*)$")),
    ("prefix", re.compile(rf"^[#@]{_NAME}{_TIME_AFTER}{_COLON}\s*(?P<text>.*)$")),
    ("colon", re.compile(rf"^{_NAME}{_TIME_AFTER}{_COLON}(?!//)\s*(?P<text>.*)$")),
    ("dash", re.compile(rf"^{_NAME}{_TIME_AFTER}\s+[—–-]\s+(?P<text>\S.*)$")),
)
_STRONG = frozenset({"bold", "bracket", "brace", "prefix"})
#: The patterns that can match a line, by its first character: each strong style opens with
#: its own marks, and the plain ones with a letter (a name), so a line is tried against at most
#: two patterns instead of six. The same outcome as trying them all in order, faster per line.
_PLAIN_PATTERNS = tuple((s, p) for s, p in _PATTERNS if s not in _STRONG)
_PATTERNS_BY_OPENER: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    opener: tuple((s, p) for s, p in _PATTERNS if s == style)
    for style, openers in (("bold", "*_"), ("bracket", "["), ("brace", "{"), ("prefix", "#@"))
    for opener in openers
}
#: A legend explaining short labels: "Ч. — чоловік (окупант), Ж. — дружина", "S. = soldier",
#: one entry or several on a line. Never a turn: it names the speakers (see
#: ``name_speakers_from_legend``).
_LEGEND_ENTRY = (
    r"[^\W\d_]{1,3}\.?\s*[—–=-]\s*[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2}"
    r"(?:\s*\([^()]{1,40}\))?"
)
_LEGEND_START = re.compile(r"\(?\s*[^\W\d_]{1,3}\.?\s*[—–=-]")
_LEGEND = re.compile(rf"^\(?\s*{_LEGEND_ENTRY}(?:\s*[,;]\s*{_LEGEND_ENTRY})*\s*\)?\s*[.;]?$")
_BULLET = re.compile(r"^\s*(?:[-*•—–]\s+)")
_MAX_LABEL_CHARS = 32


def _word_set(text: str) -> frozenset[str]:
    """A '|'-separated word list written over several indented lines."""
    return frozenset(w.strip() for w in text.split("|") if w.strip())


#: Words before a colon in prose and release furniture: never speaker labels.
_NOT_LABELS = _word_set(
    """
    he said|she said|they said|he says|she says|said|says|i said|we said|he|she|they|it|we|i|
    note|notes|update|upd|source|sources|time|date|location|place|photo|video|read also|tags|
    tag|link|url|title|subject|transcript|translation|translated by|warning|attention|ps|p s|
    summary|context|quote|example|question|answer|
    он сказал|она сказала|сказал|сказала|говорит|пишет|заявил|он|она|они|мы|я|это|вот|
    примечание|внимание|источник|время|дата|место|фото|видео|читайте также|ссылка|перевод|
    обновлено|теги|тема|запись|расшифровка|
    він сказав|вона сказала|сказав|сказала|каже|пише|заявив|він|вона|вони|ми|це|ось|
    примітка|увага|джерело|час|місце|відео|читайте також|посилання|переклад|оновлено|теги|
    запис|розшифровка
    """
)
#: Stage directions that may open a line in brackets: text, not speakers.
_STAGE_DIRECTIONS = re.compile(
    r"^(?:inaudible|unintelligible|indistinct|unclear|crosstalk|laugh\w*|pause|silence|noise|"
    r"music|static|interference|sigh\w*|cr(?:y|ies|ying)|beep\w*|coughs?|swearing|obscen\w*|"
    r"expletive\w*|bleep\w*|connection\b.*|call\b.*|end\b.*|"
    r"неразб\w*|нерозб\w*|смеет\w*|смеёт\w*|смех|смі\w*|пауза|тишина|тиша|шум|помех\w*|"
    r"перешкод\w*|плач\w*|вздых\w*|зітха\w*|мат|нецензур\w*|конец\b.*|кінець\b.*|обрыв\b.*|"
    r"обрив\b.*|гудк\w*|гудок|кашля\w*|кашл\w*)$",
    re.IGNORECASE,
)


def stage_direction(text: str) -> bool:
    """ "[laughs]", "(плаче)", "[неразборчиво]": a remark about the sound, never a speaker."""
    return bool(_STAGE_DIRECTIONS.match(label_key(text)))


#: Role words that make even a single occurrence a label ("Mother:" once in a long call).
_ROLE_WORDS = _word_set(
    """
    soldier|mother|mom|mum|mama|wife|husband|father|dad|brother|sister|son|daughter|girlfriend|
    boyfriend|friend|occupant|occupier|invader|russian|man|woman|interlocutor|caller|speaker|
    operator|commander|unknown|voice|male|female|relative|grandmother|aunt|uncle|
    солдат|оккупант|мать|мама|жена|муж|отец|папа|брат|сестра|сын|дочь|подруга|друг|собеседник|
    собеседница|мужчина|женщина|военный|голос|командир|родственник|родственница|бабушка|тётя|
    тетя|дядя|россиянин|россиянка|
    окупант|окупантка|мати|дружина|чоловік|батько|тато|син|донька|співрозмовник|співрозмовниця|
    жінка|військовий|росіянин|росіянка|бабуся|тітка|дядько|родич|родичка|
    serviceman|servicemen|officer|fighter|comrade|acquaintance|subscriber|participant|
    grandfather|grandpa|granny|fiancee|fiancée|fiance|mobilized|mobilised|orc|
    военнослужащий|абонент|рашист|орк|мобилизованный|контрактник|сослуживец|товарищ|знакомый|
    знакомая|кум|кума|тёща|теща|свекровь|невеста|дед|дедушка|внук|офицер|боец|
    військовослужбовець|загарбник|загарбниця|мобілізований|товариш|знайомий|знайома|теща|
    наречена|дід|дідусь|онук|офіцер|боєць|мамо|рашистка
    """
)
#: Words before a role word that describe it: "Unidentified man", "Російський окупант".
_DESCRIPTOR = re.compile(
    r"^(?:unidentified|unknown|another|other|first|second|third|russian|ukrainian|young|old|"
    r"older|younger|elderly|male|female|captured|wounded|"
    # a Russian or Ukrainian adjective (российский, неизвестная, другой, невідома), not a past
    # verb (сказала, ответил)
    r"[а-яёіїєґ'’]{2,}(?<!л)(?:ий|ый|ой|ій|ая|яя|а|я|ое|ее|є))$"
)
#: Language markers of interleaved original and translation ("RU: …" / "EN: …"): the text
#: belongs to the speaker above, never a speaker of its own.
_LANGUAGE_TAGS = _word_set(
    """
    ru|en|ua|uk|rus|eng|ukr|рус|укр|англ|ру|ен|orig|original|translation|оригинал|оригінал|
    перевод|переклад|англійською|английский|english|russian original
    """
)
_LANGUAGE_LINE = re.compile(
    r"^(?:\*\*|__)?\s*(?P<tag>[^\W\d_][\w ]{0,20}?)\s*[:：]\s*(?:\*\*|__)?\s*(?P<text>\S.*)$"
)
#: A heading between the original and a whole translation below it ("Переклад українською:",
#: "English translation:", "Перевод:").
TRANSLATION_HEADING = re.compile(
    r"^\W*(?:[\w ]{0,20}\b)?(?:translation|translated|переклад\w*|перевод\w*)\b"
    r"[\w ]{0,30}[:：.]?\W*$",
    re.IGNORECASE,
)


@dataclass(slots=True)  # one per line of a file: slots make them smaller and quicker to build
class _Candidate:
    index: int  # 0-based index into the lines
    name: str
    key: str
    style: str
    text: str
    start_ms: int | None
    end_ms: int | None


@dataclass(slots=True)
class _Line:
    index: int
    raw: str
    blank: bool
    start_ms: int | None = None
    end_ms: int | None = None
    rest: str = ""
    candidate: _Candidate | None = None
    #: "RU: …" / "EN: …": the text after a language marker, which continues the turn above
    tagged_text: str | None = None
    #: "Ч. — чоловік, Ж. — дружина": a legend of the labels
    legend: bool = False


@dataclass
class Analysis:
    """What the statistics decided for a block of lines."""

    lines: list[_Line]
    accepted: set[str] = field(default_factory=set)
    #: "soldier (laughing)" -> ("soldier", "laughing"): a known speaker with a remark.
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: labels seen only once: taken as speakers (accepted) or left as text (not)
    once: list[_Candidate] = field(default_factory=list)

    def is_turn(self, line: _Line) -> bool:
        c = line.candidate
        return c is not None and (c.key in self.accepted or c.key in self.aliases)

    @property
    def turn_lines(self) -> list[_Line]:
        return [ln for ln in self.lines if self.is_turn(ln)]


@lru_cache(maxsize=4096)  # a call has a handful of labels, each on hundreds of lines
def label_key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split())


@lru_cache(maxsize=4096)
def _valid_name(name: str) -> bool:
    if len(name) > _MAX_LABEL_CHARS or len(name.split()) > 4:
        return False
    key = label_key(name)
    if key in _NOT_LABELS or key in _LANGUAGE_TAGS or _STAGE_DIRECTIONS.match(key):
        return False
    return not _names_a_speech_act(key)


def _names_a_speech_act(key: str) -> bool:
    """ "ГУР зазначає", "Буданов раніше заявляв", "Yusov added": prose introducing a quote
    after a colon, not a speaker's label (a label never holds a speech verb)."""
    words = key.split()
    if len(words) < 2:
        return False
    from intercept_viewer.core.importers.article_speakers import is_speech_verb
    from intercept_viewer.core.script import language_of

    lang = language_of(key)
    return any(is_speech_verb(w, lang)[0] for w in words[1:])


def _match_label(rest: str) -> tuple[str, str, str, int | None, int | None] | None:
    """(name, style, text, start_ms, end_ms) when ``rest`` opens with a label."""
    for style, pattern in _PATTERNS_BY_OPENER.get(rest[:1], _PLAIN_PATTERNS):
        m = pattern.match(rest)
        if not m:
            continue
        name = m["name"].strip()
        if not _valid_name(name):
            continue
        text = m["text"].strip()
        start_ms = end_ms = None
        ltime = m["ltime"]
        if ltime:
            tm = BRACKETED_TIME.fullmatch(ltime)
            if tm is None:
                continue  # "Soldier (laughing): ..." is not a timestamp; leave it to prose
            start_ms, end_ms = time_from_match(tm)
        return name, style, text, start_ms, end_ms
    return None


#: The status this app's exports put on every quoted line ("[UNVERIFIED] [0:05] Soldier: …"):
#: the flag of the release, never a speaker.
_STATUS_MARK = re.compile(r"^\[(?:UNVERIFIED|DISPUTED|CORROBORATED|VERIFIED)\]\s+")


#: What reading one line found, without its position: (start_ms, end_ms, rest, tagged_text,
#: candidate as (name, key, style, text, start_ms, end_ms) or None, is a legend).
_LineFields = tuple[
    int | None,
    int | None,
    str,
    str | None,
    tuple[str, str, str, str, int | None, int | None] | None,
    bool,
]


@lru_cache(maxsize=4096)
def _scan_line(raw: str) -> _LineFields:
    """Read one non-blank line (the regex work), cached: detection reads a file's first lines
    with both text sniffers and the parse reads them again, so each line is scanned once."""
    start_ms, end_ms, rest = split_leading_time(raw.strip())
    rest = rest.strip()
    attempts = [rest]
    unbulleted = _BULLET.sub("", rest, count=1)
    if unbulleted != rest:
        attempts.append(unbulleted)  # "- Soldier: text", "— Мать: текст"
    tagged = _LANGUAGE_LINE.match(rest)
    if tagged and label_key(tagged["tag"]) in _LANGUAGE_TAGS:
        return start_ms, end_ms, rest, tagged["text"].strip(), None, False
    if _LEGEND_START.match(rest) and _LEGEND.match(rest) and _legend_names(rest):
        return start_ms, end_ms, rest, None, None, True
    for attempt in attempts:
        found = _match_label(attempt)
        if found:
            name, style, text, s2, e2 = found
            if start_ms is None and s2 is None:
                s2, e2, text = split_trailing_time(text)  # "Солдат: Алло. [00:03]"
                text = text.strip()
            candidate = (
                name,
                label_key(name),
                style,
                text,
                start_ms if start_ms is not None else s2,
                end_ms if start_ms is not None else e2,
            )
            return start_ms, end_ms, rest, None, candidate, False
    return start_ms, end_ms, rest, None, None, False


@lru_cache(maxsize=8192)
def _read_line(index: int, raw: str) -> _Line:
    """One line read: its times, label candidate and markers. Cached: detection reads a
    file's first 8 KB (labelled and dash sniffers both) before the parse reads it all again.
    The ``_Line`` returned is shared, so nothing may change it after this."""
    if not raw.strip():
        return _Line(index, raw, blank=True)
    if raw.startswith("["):
        raw = _STATUS_MARK.sub("", raw, count=1)
    start_ms, end_ms, rest, tagged_text, cand, legend = _scan_line(raw)
    line = _Line(
        index,
        raw,
        blank=False,
        start_ms=start_ms,
        end_ms=end_ms,
        rest=rest,
        tagged_text=tagged_text,
        legend=legend,
    )
    if cand is not None:
        line.candidate = _Candidate(index, *cand)
    return line


_ROLE_STEMS = frozenset(w[:5] for w in _ROLE_WORDS)


def _is_role(key: str) -> bool:
    """'Mother', 'Мать солдата', 'Speaker 2': every word a role word, its inflection or a number
    (so 'Командир говорит: ...' in a turn's text is not a speaker); or a role word after words
    describing it ('Unidentified man', 'Російський окупант', 'Невідома жінка')."""
    words = key.split()
    if not words:
        return False
    if words[0] in _ROLE_WORDS:
        return all(w.isdigit() or w[:5] in _ROLE_STEMS for w in words[1:])
    return (
        len(words) <= 3
        and words[-1] in _ROLE_WORDS
        and all(_DESCRIPTOR.match(w) for w in words[:-1])
    )


#: "Soldier (laughing)", "Мать (плачет)": a label with a stage remark in brackets.
_REMARK = re.compile(r"^(.+?)\s*\(([^()]{1,40})\)$")


def _legend_names(text: str) -> bool:
    """A legend line explains labels by words for people, in lower case or as role words
    ("Ч. — чоловік", "M. = mother"): "Ч — Что ты?" is a turn, not a legend."""
    names = re.findall(r"[—–=-]\s*([^\W\d_][\w'’-]*)", text)
    return bool(names) and all(n[:1].islower() or _is_role(label_key(n)) for n in names)


def _headline_candidate(read: list[_Line]) -> _Candidate | None:
    """The first line, standing alone above a blank line, as a plain 'Word: rest' is a release's
    headline ("ПЕРЕХВАТ: РАЗГОВОР ОККУПАНТА С ОТЦОМ", "Intercept: «…»"), not a one-off speaker,
    unless its label is a role word ("Mother: …") or marked up as a label. A date line above
    it ("14.03.2024") doesn't count: it is the release date."""
    content = (ln for ln in read if not ln.blank)
    first = next(content, None)
    if first is not None and date_of_line(first.raw) is not None:
        first = next(content, None)  # a date line above the headline
    if first is None:
        return None
    c = first.candidate
    if c is None or c.style in _STRONG or _is_role(c.key):
        return None
    nxt = first.index + 1
    if nxt < len(read) and not read[nxt].blank:
        return None
    # Below a headline the dialogue runs line after line; a file whose every turn is its own
    # paragraph ("Сергей: Привет" / blank / "Маша: Пока") has no headline this way.
    after = [ln for ln in read[nxt:] if not ln.blank][:1]
    if after and (after[0].index + 1 >= len(read) or read[after[0].index + 1].blank):
        return None
    return c


def analyse(lines: list[str]) -> Analysis:
    """Read every line and decide which candidate labels are speakers."""
    read = [_read_line(i, raw) for i, raw in enumerate(lines)]
    cands = [ln.candidate for ln in read if ln.candidate is not None]
    counts = Counter(c.key for c in cands)
    accepted = {k for k, n in counts.items() if n >= 2}
    # A key used only as a dash label ("Москва — столица") must alternate with another label.
    dash_only = {k for k in accepted if all(c.style == "dash" for c in cands if c.key == k)}
    if dash_only and len(accepted) == len(dash_only) and len(dash_only) < 2:
        accepted -= dash_only
    first_words = {k.split()[0] for k in accepted}
    repeated_turns = sum(counts[k] for k in accepted)
    singles = [c for c in cands if counts[c.key] == 1]
    headline = _headline_candidate(read)
    for c in singles:
        if not c.text and c.style not in ("colon", "bold"):
            continue
        if c is headline:
            continue
        if c.style == "bold" and not c.text:
            continue  # a bold line alone is a heading
        strong = c.style in _STRONG
        looks_like_more = strong or _is_role(c.key) or c.key.split()[0] in first_words
        shouted = c.name.isupper() and len(c.name) > 1 and bool(c.text)  # "MEDIC: ..." once
        if (accepted and (looks_like_more or shouted)) or (_is_role(c.key) and c.text):
            accepted.add(c.key)
    once = [c for c in singles if c is not headline and (c.text or c.style == "colon")]
    # "A: … / B: … / A: …": a one-off label between two turns of the same other speaker is that
    # speaker's partner answering (a short call where one side speaks once). Prose inside a turn
    # ("He said: no") rarely sits between two turns of one speaker with nothing of its own.
    aliases: dict[str, tuple[str, str]] = {}
    for c in cands:
        m = _REMARK.match(c.key)
        if m and m.group(1) in accepted and c.key not in accepted:
            aliases[c.key] = (m.group(1), _REMARK.match(c.name).group(2))  # type: ignore[union-attr]
    for prev, cur, nxt in zip(cands, cands[1:], cands[2:], strict=False):
        if (
            counts[cur.key] == 1
            and cur.key not in aliases
            and cur.key not in accepted
            and cur.text
            and cur.style != "dash"
            and prev.key == nxt.key
            and prev.key in accepted
            and prev.key != cur.key
            and nxt.index - prev.index <= 4
        ):
            accepted.add(cur.key)
    if repeated_turns < 2:
        # A file of only a few turns: distinct labels on neighbouring lines still make a dialogue.
        block = [c for c in singles if c.text and c.style != "dash" and c is not headline]
        for a, b in itertools.pairwise(block):  # each pair once: linear in the lines
            if b.index - a.index <= 3 and a.key != b.key:
                accepted.add(a.key)
                accepted.add(b.key)
    return Analysis(read, accepted, aliases, once)


def labelled_score(text: str) -> float:
    """How much ``text`` looks like labelled dialogue, 0..1: share of lines that are turns,
    more when two or more labels alternate."""
    lines = text.split("\n")
    if len(lines) > 400:
        lines = lines[:400]
    an = analyse(lines)
    turns = an.turn_lines
    if len(turns) < 2:
        return 0.0
    content = [ln for ln in an.lines if not ln.blank]
    share = len(turns) / max(1, len(content))
    keys = [ln.candidate.key for ln in turns if ln.candidate]
    changes = sum(1 for a, b in itertools.pairwise(keys) if a != b)
    alternation = changes / max(1, len(keys) - 1)
    distinct = len(set(keys))
    score = 0.25 + 0.45 * min(1.0, share / 0.5) + 0.3 * alternation
    if distinct < 2:
        score *= 0.6
    if share < 0.1:
        score = min(score, 0.25)
    return round(min(score, 1.0), 3)


def _display_name(label: str) -> str | None:
    """ALL-CAPS labels read better as 'Soldier'; other labels display as written."""
    if label.isupper() and len(label) > 3:
        return label[:1] + label[1:].lower()
    return None


def build_transcript(
    lines: list[str], meta: SourceMeta, *, line_offset: int = 0, fmt: str = "labelled"
) -> ParsedTranscript:
    """Turn the lines after any front matter into a transcript. ``line_offset`` is how many
    lines came before them, so errors and ``ParsedUtterance.line`` count from the file's top.

    What was assumed on the way (headline, blurb, labels seen once, translations, joined
    lines) goes into the transcript's ``warnings``: the import report."""
    an = analyse(lines)
    turns = an.turn_lines
    if not turns:
        first_text = next(
            (i for i, raw in enumerate(lines) if raw.strip()),
            0,
        )
        raise ImportFailed(
            "expected dialogue lines like 'Name: text' (a short speaker label that repeats), "
            "found none",
            line=first_text + 1 + line_offset,
        )
    report = Report(line_offset)
    first_turn = turns[0].index
    pre_lines = [ln for ln in an.lines[:first_turn]]
    times_follow = _times_follow_turns(an, first_turn)
    pending: tuple[int | None, int | None] = (None, None)
    preamble_raw: list[str] = []
    preamble_at: list[int] = []
    for ln in pre_lines:
        if not ln.blank and ln.start_ms is not None and not ln.rest:
            pending = (ln.start_ms, ln.end_ms)  # a timestamp on its own line above the first turn
            continue
        preamble_raw.append(ln.raw)
        if not ln.blank:
            preamble_at.append(ln.index)
    preamble = split_preamble(preamble_raw)
    report.preamble(preamble, preamble_at, lines)
    strict_translations = _translation_pairs(an)

    speakers: dict[str, ParsedSpeaker] = {}
    utterances: list[ParsedUtterance] = []
    joined: list[int] = []  # per utterance: lines joined onto it
    blank_run = False
    paragraph_continuations: list[int] = []  # utterance indices continued after a blank line
    epilogue_start: int | None = None  # line index of the first after-blank continuation
    epilogue_cut = 0  # length of the last turn's text before that continuation
    translation_at: int | None = None  # index of the first utterance below a translation heading
    first_by_key: dict[str, _Candidate] = {}  # a label's first candidate (aliases take its name)
    for ln in an.lines:
        if ln.candidate is not None:
            first_by_key.setdefault(ln.candidate.key, ln.candidate)
    between: list[str] = []  # the writer's prose between dialogue blocks ("Потім батько питає…")
    linking = False
    for ln in an.lines[first_turn:]:
        if ln.blank:
            blank_run = True
            linking = False
            continue
        c = ln.candidate if an.is_turn(ln) else None
        loose = None if c is not None else _loose_turn(an, ln)
        if loose is not None:
            c = loose
            report.add(
                f"{ln.rest[:40]!r} is written unlike the other turns but reads as a time and "
                f"the label {c.name!r}: taken as a turn",
                ln.index,
            )
        if c is not None:
            if c.key in an.aliases:  # "Soldier (laughing): c" is Soldier saying "(laughing) c"
                base, remark = an.aliases[c.key]
                c = replace(
                    first_by_key[base],
                    text=f"({remark}) {c.text}".strip(),
                    start_ms=c.start_ms,
                    end_ms=c.end_ms,
                )
            if c.key not in speakers:
                speakers[c.key] = ParsedSpeaker(label=c.name, name=_display_name(c.name))
            start, end = c.start_ms, c.end_ms
            if start is None and pending[0] is not None and not times_follow:
                start, end = pending
            pending = (None, None)
            text, translation = _split_language_tag(c.text)
            utterances.append(
                ParsedUtterance(
                    text=text,
                    speaker=speakers[c.key].label,
                    start_ms=start,
                    end_ms=end,
                    line=ln.index + 1 + line_offset,
                    translation=translation,
                )
            )
            joined.append(0)
            epilogue_start = None
            blank_run = False
            continue
        if ln.start_ms is not None and not ln.rest:
            if times_follow and utterances[-1].start_ms is None:
                utterances[-1].start_ms, utterances[-1].end_ms = ln.start_ms, ln.end_ms
            else:
                pending = (ln.start_ms, ln.end_ms)
            blank_run = False
            continue
        last = utterances[-1]
        if ln.tagged_text is not None:  # "EN: …" under "RU: …": the translation of the turn
            if last.text:
                _add_translation(last, ln.tagged_text)
                report.translation(ln.index)
            else:
                last.text = ln.tagged_text  # "Soldier:" / "RU: …": the original
            blank_run = False
            continue
        if blank_run and translation_at is None and TRANSLATION_HEADING.match(ln.rest):
            translation_at = len(utterances)  # "Переклад українською:" above a whole translation
            translation_heading = ln.index
            blank_run = False
            continue
        if (
            not blank_run
            and last.text
            and _is_translation_line(last.text, ln.rest, strict_translations)
        ):
            _add_translation(last, ln.rest.strip()[1:-1].strip())  # "(Mom, it's bad here.)"
            report.translation(ln.index)
            continue
        if linking or (blank_run and last.text and _narration_paragraph(an, ln.index)):
            # a paragraph about the people, between blocks of turns: the writer's, not speech
            if not linking:
                between.append("")
                report.add(
                    "taken as the writer's prose between dialogue blocks (description), not "
                    "part of a turn",
                    ln.index,
                )
            between[-1] = f"{between[-1]} {ln.rest}".strip()
            linking, blank_run = True, False
            continue
        if blank_run and last.text:
            paragraph_continuations.append(len(utterances) - 1)
            if epilogue_start is None:
                epilogue_start = ln.index
                epilogue_cut = len(last.text)
        last.text = join_continuation(last.text, ln.raw, after_blank=blank_run and bool(last.text))
        joined[-1] += 1
        if joined[-1] == 1:
            report.joined_line(ln.index, last)
        blank_run = False

    epilogue = None
    if epilogue_start is not None and len(set(paragraph_continuations)) == 1:
        # After-blank prose only below the last turn: the release's closing words, not speech.
        utterances[-1].text = utterances[-1].text[:epilogue_cut]
        epilogue = "\n\n".join(" ".join(p) for p in paragraphs(lines[epilogue_start:]))
        report.add(
            "the paragraphs below the last turn were taken as the release's closing "
            "words (description), not speech",
            epilogue_start,
        )
    for u, n in zip(utterances, joined, strict=True):
        report.long_turn(u, n)
    if translation_at is not None:
        before = len(utterances)
        utterances = _attach_translation(utterances, translation_at)
        if len(utterances) < before:
            report.add(
                "a whole translation below the original: each translated turn kept as the "
                "translation of its original",
                translation_heading,
            )
    utterances = [u for u in utterances if u.text.strip()]
    if not utterances:
        raise ImportFailed(
            "the speaker labels have no text after them",
            line=turns[0].index + 1 + line_offset,
        )
    fill_end_times(utterances)
    used = {u.speaker for u in utterances}
    for c in an.once:
        sp = speakers.get(c.key)
        if sp is not None and sp.label in used:
            report.add(f"speaker label {c.name!r} seen only once: taken as a speaker", c.index)
        elif c.key not in an.accepted and c.index >= first_turn:
            report.add(
                f"{c.name + ':'!r} seen only once: read as part of the text, not as a speaker",
                c.index,
            )
    name_speakers_from_legend(
        list(speakers.values()),
        "\n".join(x for x in (preamble.title, preamble.description) if x),
    )
    if preamble.released_on and not meta.released_on:
        meta.released_on = preamble.released_on
    if between:
        epilogue = "\n\n".join(x for x in (*between, epilogue) if x)
    _apply_preamble(meta, preamble.title, preamble.description, epilogue)
    if not meta.language:
        # the turns' own words: the originals, where translations sit beside them
        meta.language = guess_language(" ".join(u.text.split("\n", 1)[0] for u in utterances))
    return ParsedTranscript(
        meta=meta,
        speakers=[s for s in speakers.values() if s.label in used],
        utterances=utterances,
        format=fmt,
        warnings=report.warnings,
    )


#: How much of a turn's last line tells its alphabet (a turn of many joined lines is one line;
#: reading all of it for every line below made long turns quadratic).
_SCRIPT_TAIL = 160


def _script(text: str) -> str | None:
    return script_of(text)


def _bracketed(line: str) -> bool:
    line = line.strip()
    wrapped = (line[:1], line[-1:]) in (("(", ")"), ("[", "]"), ("*", "*"), ("_", "_"))
    return wrapped and len(line) >= 4


def _other_language(turn: str, line: str) -> bool:
    """Another alphabet, or Ukrainian against Russian (the letters and telling words say)."""
    mine = _script(turn)
    theirs = _script(line)
    if mine is None or theirs is None:
        return False
    if mine != theirs:
        return True
    if mine != "cyr":
        return False
    a, b = cyrillic_language(turn), cyrillic_language(line)
    return a is not None and b is not None and a != b


def _is_translation_line(turn: str, line: str, pattern: bool = False) -> bool:
    """A whole line in brackets or italics, in another language than the turn it follows, is
    that turn's translation ("Мам, тут плохо." / "(Mom, it's bad here.)"). Once a file has
    shown the pattern (``pattern``: two or more such pairs), a bracketed sentence under a
    turn in the same alphabet is one too, where the letters alone can't tell ("Командир нас
    бросил." / "(Командир нас кинув.)")."""
    line = line.strip()
    if not _bracketed(line):
        return False
    inner = line[1:-1].strip()
    turn = turn[-_SCRIPT_TAIL:].rsplit("\n", 1)[-1]
    if _other_language(turn, inner):
        return True
    return (
        pattern
        and inner[:1].isupper()
        and len(inner.split()) >= 2
        and not stage_direction(inner)
        and _script(turn) == _script(inner)
    )


def _translation_pairs(an: Analysis) -> bool:
    """Whether two or more bracketed lines right under turns are clearly their translations."""
    hits = 0
    for prev, ln in itertools.pairwise(an.lines):
        if (
            prev.candidate is not None
            and an.is_turn(prev)
            and not ln.blank
            and _bracketed(ln.rest)
            and _other_language(prev.candidate.text, ln.rest[1:-1])
        ):
            hits += 1
    return hits >= 2


def _add_translation(turn: ParsedUtterance, text: str) -> None:
    text = text.strip()
    if text:
        turn.translation = f"{turn.translation} {text}" if turn.translation else text


_TURN_LANGUAGE_TAG = re.compile(r"^(?P<tag>[^\W\d_]{2,8})\s*[:：]\s*(?P<text>\S.*)$")


def _split_language_tag(text: str) -> tuple[str, str | None]:
    """A turn's text opening with a language marker ("RU: Нас было сорок") loses the marker;
    the translation, if any, comes on the next line ("EN: …")."""
    m = _TURN_LANGUAGE_TAG.match(text)
    if m and label_key(m["tag"]) in _LANGUAGE_TAGS:
        return m["text"].strip(), None
    return text, None


def _narration_paragraph(an: Analysis, index: int) -> bool:
    """The paragraph from line ``index`` (up to a blank line or a turn) is the writer's sentence
    about the call's people ("Later in the call the mother asks about his friend.")."""
    from intercept_viewer.core.importers.dialogue_blocks import is_narration

    para: list[str] = []
    for ln in an.lines[index:]:
        if ln.blank or an.is_turn(ln):
            break
        para.append(ln.rest)
    text = " ".join(para)
    return len(text) >= 20 and is_narration(text)


def _times_follow_turns(an: Analysis, first_turn: int) -> bool:
    """Times on lines of their own *under* the turns ("Брат: Здорово." / "00:06"): nothing
    timed above the first turn, and a lone time line under the last one."""
    if any(ln.start_ms is not None and not ln.rest for ln in an.lines[:first_turn]):
        return False
    content = [ln for ln in an.lines[first_turn:] if not ln.blank]
    lone = [ln for ln in content if ln.start_ms is not None and not ln.rest]
    if not lone or content[-1] is not lone[-1]:
        return False
    return all(ln.candidate is None or ln.candidate.start_ms is None for ln in content)


_LOOSE_TIME = re.compile(
    r"^\W{0,2}(?P<a>\d{1,3})[.:,](?P<b>\d{2})(?:[.:,](?P<c>\d{2}))?\W{0,2}\s+(?P<rest>\S.*)$"
)


def _loose_turn(an: Analysis, ln: _Line) -> _Candidate | None:
    """A line that would continue the turn above but opens with a time written another way
    ("00.12 Мать — Что опять?") and a label the file uses: a turn, never glued on."""
    if ln.blank or ln.candidate is not None:
        return None
    m = _LOOSE_TIME.match(ln.rest)
    if not m:
        return None
    found = _match_label(m["rest"])
    if found is None:
        return None
    name, style, text, _s, _e = found
    key = label_key(name)
    if key not in an.accepted or not text:
        return None
    a, b, c = int(m["a"]), int(m["b"]), m["c"]
    if b >= 60 or (c is not None and int(c) >= 60):
        return None
    ms = ((a * 60 + b) * 60 + int(c)) * 1000 if c is not None else (a * 60 + b) * 1000
    return _Candidate(ln.index, name, key, style, text, ms, None)


def _attach_translation(utterances: list[ParsedUtterance], at: int) -> list[ParsedUtterance]:
    """A whole translation under the original ("Переклад українською:" and the call again):
    when it has the same speakers in the same order, each translated turn is added to its
    original as its translation — as interleaved translations ("RU: …" / "EN: …") are, so the
    call is not listed twice. Otherwise both stay, as the file has them."""
    original, translated = utterances[:at], utterances[at:]
    if len(original) != len(translated) or [u.speaker for u in original] != [
        u.speaker for u in translated
    ]:
        return utterances
    for o, t in zip(original, translated, strict=True):
        if o.text:
            _add_translation(o, t.text)
        else:
            o.text = t.text
    return original


def name_speakers_from_legend(speakers: list[ParsedSpeaker], prose: str | None) -> None:
    """Short labels explained in the headline or blurb — "(О. – окупант, Д. – дружина)",
    "М — мужчина, Ж — женщина", "S = soldier" — give those speakers their names."""
    if not prose:
        return
    for sp in speakers:
        if sp.name or len(sp.label) > 3:
            continue
        label = sp.label.rstrip(".")
        m = re.search(
            rf"(?<![\w.]){re.escape(label)}\.?\s*(?:[—–=-]|:)\s*"
            r"(?P<name>[^\W\d_][\w'’-]*(?: (?![^\W\d_]{1,3}\.)[^\W\d_][\w'’-]*){0,2}?)\s*"
            r"(?:\([^()]{1,40}\)\s*)?(?=[,;)\].]|$|\n| [^\W\d_]{1,3}\.\s*[—–=:-])",
            prose,
            re.MULTILINE,
        )
        if m:
            name = m["name"].strip()
            sp.name = name[:1].upper() + name[1:]


def _apply_preamble(
    meta: SourceMeta, title: str | None, description: str | None, epilogue: str | None
) -> None:
    """Headline and blurb fill what front matter left empty; front matter always wins."""
    parts: list[str] = []
    if title and meta.title and title != meta.title:
        parts.append(title)
    elif title and not meta.title:
        meta.title = title
    if description:
        parts.append(description)
    if epilogue:
        parts.append(epilogue)
    if parts:
        text = "\n\n".join(parts)
        meta.description = f"{meta.description}\n\n{text}" if meta.description else text


def parse_labelled_text(text: str, *, fmt: str = "labelled") -> ParsedTranscript:
    """Parse decoded text (front matter, headline, blurb, labelled turns)."""
    fm, rest, consumed = read_metadata(text)
    meta = SourceMeta()
    merge_meta(meta, fm)
    return build_transcript(rest.split("\n"), meta, line_offset=consumed, fmt=fmt)


class LabelledTextImporter(Importer):
    name = "labelled"
    description = "Dialogue with a speaker label on each turn ('Soldier: ...', 'Мать: ...')"
    suffixes = (".txt", ".md", ".text")

    def sniff(self, source: SourceFile) -> float:
        _fm, rest, _n = read_metadata(source.head)
        return labelled_score(rest)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        return parse_labelled_text(source.text)
