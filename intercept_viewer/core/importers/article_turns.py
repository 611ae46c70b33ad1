"""An article's quotes as a conversation: which quotes are turns, and who said each one.

The walk goes paragraph by paragraph, the way a reader does:

1. people the prose mentions are introduced as participants of the current call (a sentence like
   "In another call, ..." starts a new call with new participants);
2. each quote that is a turn (``article_quotes``) gets its speaker from, in this order:

   a. its own attribution: after it (`“…,” she says`, `said the man`, `— говорит мать`) or
      before it in its sentence (`She adds:`, `…, saying:`, `His mother replies with a sigh:`);
   b. the quote left open at the end of the previous paragraph (newswriting's continuation);
   c. another attributed quote in the same paragraph (a paragraph is one speaker's);
   d. the prose just before it (`His wife is furious. “Then write a complaint!”`), or the
      previous paragraph when that one is prose (`…the soldier's mood darkens. / “When I …”`);
   e. turn-taking: the other participant of the previous turn's speaker.

Pronouns and descriptions resolve by gender when it decides; between two participants of the same
gender, a pronoun right after a turn means the other one (turn-taking), otherwise the one the
prose described last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.article_quotes import (
    QuoteSpan,
    ends_like_sentence,
    find_quotes,
    first_letter_is_lower,
    sentence_before,
    starts_sentence,
    uses_single_primary,
)
from intercept_viewer.core.importers.article_speakers import (
    NEW_CALL_RE,
    Cast,
    Mention,
    Participant,
    find_mentions,
    find_names,
    is_speech_verb,
    words,
)
from intercept_viewer.core.importers.article_text import Paragraph

#: How far into the text after a quote its speech verb may be ("she then quietly says").
_MAX_WORDS_BEFORE_VERB = 4

#: Words (stems) that make the speaker of an attribution someone outside the call: an official,
#: an analyst, an agency ("said Andriy Yusov, a spokesman for HUR", "— заявил представитель").
_OUTSIDER_STEMS = (
    "spokes", "official", "analyst", "expert", "minist", "president", "representative",
    "secretary", "director", "governor", "mayor", "prosecutor", "researcher", "professor",
    "lawyer", "adviser", "advisor", "ombuds", "agency", "directorate", "statement", "press",
    "commentator", "journalist", "reporter", "correspondent",
    "представител", "представник", "секретар", "спикер", "речни", "аналитик", "аналітик",
    "эксперт", "експерт", "министр", "міністр", "президент", "директор", "прокурор",
    "пресс", "прес", "ведомств", "відомств", "заявлени", "заяв",
)  # fmt: skip
#: Capitalised words of an outsider's attribution that name no one.
_NOT_OUTSIDER_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "and",
        "according",
        "russian",
        "ukrainian",
        "ukraine",
        "ukraine's",
        "russia",
    ]
)


#: Words that name the publishing service, the Kremlin or a think tank as the speaker ("the
#: intelligence service said", "ГУР зазначає", "— зазначили в СБУ"), matched whole.
_OUTSIDER_WORDS = frozenset(
    [
        "service",
        "intelligence",
        "kremlin",
        "isw",
        "institute",
        "hur",
        "sbu",
        "gur",
        "diu",
        "ministry",
        "government",
        "police",
        "prosecutors",
        "officials",
        "authorities",
        "army's",
        "military's",
        "headquarters",
        "staff",
        "гур",
        "сбу",
        "кремль",
        "кремля",
        "кремлі",
        "кремле",
        "відомство",
        "відомстві",
        "ведомство",
        "ведомстве",
        "розвідка",
        "розвідки",
        "розвідці",
        "разведка",
        "разведки",
        "разведке",
        "служба",
        "служби",
        "службі",
        "службы",
        "службе",
        "міноборони",
        "минобороны",
        "генштаб",
        "генштабі",
        "генштабе",
        "штаб",
        "штабі",
        "штабе",
    ]
)
#: Officials and commentators the releases quote, by name (stems: Буданова, Юсову).
_OUTSIDER_NAMES = (
    "budanov", "yusov", "peskov", "zelensk", "zakharova", "putin", "lavrov", "shoigu",
    "belousov", "gerasimov", "kuleba", "sybiha", "syrskyi", "umerov", "podolyak", "yermak",
    "zhyrokhov", "kovalenko", "pletenchuk", "ihnat",
    "буданов", "юсов", "песков", "зеленск", "зеленськ", "захаров", "путин", "путін", "лавров",
    "шойгу", "белоусов", "білоусов", "герасимов", "кулеб", "сибіг", "сирськ", "умєров",
    "подоляк", "єрмак", "ермак", "жирохов", "коваленк", "плетенчук", "ігнат", "игнат",
)  # fmt: skip


def _outsider_word(word: str) -> bool:
    low = word.lower()
    return (
        low.startswith(_OUTSIDER_STEMS) or low in _OUTSIDER_WORDS or low.startswith(_OUTSIDER_NAMES)
    )


@dataclass
class Turn:
    """One quoted turn: its words, its speaker, and the paragraph it was quoted from."""

    text: str
    speaker: Participant | None
    paragraph: Paragraph
    index: int  # paragraph index
    span: QuoteSpan
    explicit: bool = False
    #: how the speaker was found, for the import report: "named", "by pronoun", "by the
    #: verb's gender", "by proximity"
    how: str = "named"


@dataclass
class Reading:
    """The outcome of reading an article's paragraphs for speech."""

    turns: list[Turn]
    casts: list[Cast]
    prose: list[Paragraph] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    #: quotes of people outside the call (officials, analysts, the service), left out
    outside: list[tuple[Paragraph, str]] = field(default_factory=list)


def _blank_quotes(text: str, spans: list[QuoteSpan]) -> str:
    """The paragraph with every quote's words replaced by spaces: the writer's prose only."""
    chars = list(text)
    for s in spans:
        for k in range(s.inner_start, s.inner_end):
            chars[k] = " "
    return "".join(chars)


_CLAUSE_LEAD_RE = re.compile(r"[\s,;]*(?:[—–-]+\s*)?")
_CLAUSE_STOP_RE = re.compile(r"[.!?…:;\"“”«»„]")


def _clause_after(prose: str, span: QuoteSpan) -> tuple[str, int]:
    """The text right after a quote up to the end of its sentence or the next quote.

    Searched in place (``pos``), not on a copy of the rest of the paragraph per quote.
    """
    lead = _CLAUSE_LEAD_RE.match(prose, span.end)
    start = lead.end() if lead else span.end
    stop = _CLAUSE_STOP_RE.search(prose, start)
    return prose[start : stop.start() if stop else len(prose)], start


def _subject(clause: str, lang: str, names: dict[str, str]) -> Mention | None:
    """The speaker a clause with a speech verb names: pronoun, description, name or verb gender."""
    ws = words(clause)
    mentions = [m for m in find_mentions(clause, lang, names) if m.subject_like]
    verb_at: int | None = None
    verb_gender: str | None = None
    participle = False
    for w in ws:
        ok, gender, is_part = is_speech_verb(w.text, lang)
        if ok:
            verb_at, verb_gender, participle = w.start, gender, is_part
            break
    if verb_at is None or participle:
        return mentions[0] if mentions else None
    before = [m for m in mentions if m.end <= verb_at]
    if before:
        return before[-1]
    after = [m for m in mentions if m.start > verb_at]
    if after:
        return after[0]
    if verb_gender:
        return Mention(verb_at, verb_at, "verb", "", gender=verb_gender)
    return None


def _after_attribution(
    prose: str, span: QuoteSpan, lang: str, names: dict[str, str]
) -> tuple[bool, Mention | None]:
    """Whether a speech attribution follows the quote, and whom it names."""
    if not span.closed:
        return False, None
    clause, _ = _clause_after(prose, span)
    ws = words(clause)
    for k, w in enumerate(ws[: _MAX_WORDS_BEFORE_VERB + 1]):
        if k == 0 and w.text.lower() in {"and", "but", "or", "и", "а", "но", "і", "та"}:
            return False, None
        ok, _, _ = is_speech_verb(w.text, lang)
        if ok:
            return True, _subject(clause, lang, names)
    return False, None


def _intro(prose: str, span: QuoteSpan, lang: str) -> str | None:
    """The sentence part introducing a quote (`She adds:`, `…, saying:`), or None."""
    before = sentence_before(prose, span.start)
    stripped = before.rstrip(" \u00a0—–-")
    if not stripped.strip(' "“”«»„'):
        return None
    if stripped.endswith((":", "：")):
        return stripped
    ws = words(stripped)
    tail = ws[-4:]
    verb_in_tail = any(is_speech_verb(w.text, lang)[0] for w in tail)
    if stripped.endswith(",") and verb_in_tail:
        return stripped
    if ws and ws[-1].end == len(stripped) and is_speech_verb(ws[-1].text, lang)[0]:
        return stripped  # "He said “…”": a verb right before the quote
    if verb_in_tail and len(tail) >= 2 and is_speech_verb(tail[-2].text, lang)[0]:
        return stripped  # "asks him “…”"
    return None


def is_turn(text: str, prose: str, span: QuoteSpan, lang: str, names: dict[str, str]) -> bool:
    """A speaker's words rather than a phrase the writer borrows into a sentence."""
    inner = span.inner(text).strip()
    if not inner:
        return False
    if _after_attribution(prose, span, lang, names)[0]:
        return True
    intro = _intro(prose, span, lang)
    if intro is not None and intro.endswith((":", "：")):
        return True
    if _embedded(prose, span, inner):
        return False  # дружина просить його «берегти себе» і обіцяє ...
    if intro is not None:
        return True
    if starts_sentence(prose, span):
        after = prose[span.end :].lstrip()
        if span.closed and after[:1].isalpha() and after[:1].islower():
            return ends_like_sentence(inner)
        return not (first_letter_is_lower(inner) and len(inner.split()) <= 3)
    return False


def _embedded(prose: str, span: QuoteSpan, inner: str) -> bool:
    """A lower-case phrase the writer's sentence runs on after: "to “look after himself” and"."""
    if not span.closed or not first_letter_is_lower(inner) or ends_like_sentence(inner):
        return False
    after = prose[span.end :].lstrip(" ,")
    return after[:1].isalpha() and after[:1].islower()


class _Walker:
    """State of the paragraph walk (see the module docstring)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.casts = [Cast(1)]
        self.names: dict[str, str] = {}
        self.turns: list[Turn] = []
        self.last_described: list[Participant] = []  # most recent last
        self.prose_before: Paragraph | None = None  # previous paragraph when it had no turn
        self.open_speaker: Participant | None = None  # quote left open at the previous end
        self.outsiders: set[str] = set()  # names of officials/analysts quoted outside the call

    @property
    def cast(self) -> Cast:
        return self.casts[-1]

    def introduce(self, prose: str, upto: int | None = None) -> None:
        for mention, name in find_names(prose, self.lang):
            person = self.cast.add_from(mention)
            if person is not None:
                person.name = person.name or name
                self.names[name.lower()] = person.key
        for m in find_mentions(prose[:upto] if upto else prose, self.lang, self.names):
            person = self.resolve_description(m)
            if person is not None and m.subject_like:
                self.describe(person)

    def describe(self, person: Participant) -> None:
        if person in self.last_described:
            self.last_described.remove(person)
        self.last_described.append(person)

    def resolve_description(self, m: Mention) -> Participant | None:
        if m.kind == "name" and m.role:
            return self.cast.get(m.role)
        if m.kind == "role":
            return self.cast.add_from(m)
        return None

    def resolve(
        self, m: Mention | None, index: int, local: list[Participant]
    ) -> Participant | None:
        """The participant a subject mention refers to (``local``: described in this paragraph)."""
        if m is None:
            return None
        person = self.resolve_description(m)
        if person is not None:
            person.explicit += 1
            return person
        if m.kind not in {"pronoun", "verb"}:
            return None
        candidates = self.cast.by_gender(m.gender)
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        last = self.last_turn()
        if last and last.index >= index - 1 and last.speaker in candidates:
            return next(p for p in candidates if p is not last.speaker)
        for person in reversed(local + self.last_described):
            if person in candidates:
                return person
        return candidates[0]

    def last_turn(self) -> Turn | None:
        cast_turns = [
            t for t in self.turns if t.speaker is None or t.speaker.call == self.cast.call
        ]
        return cast_turns[-1] if cast_turns else None

    def subject_of_prose(self, prose: str) -> Participant | None:
        """Whom the last sentence of some prose is about: its first subject-like person."""
        sentences = [s for s in re.split(r"(?<=[.!?…:])\s+", prose.strip()) if s.strip()]
        if not sentences:
            return None
        mentions = find_mentions(sentences[-1], self.lang, self.names)
        ordered = [m for m in mentions if m.subject_like] + mentions
        for m in ordered:
            person = self.resolve(m, -10, []) if m.kind != "pronoun" else None
            if person is None and m.kind == "pronoun":
                same = self.cast.by_gender(m.gender)
                person = same[0] if len(same) == 1 else None
            if person is not None:
                return person
        return None

    def paragraph(self, index: int, par: Paragraph, single: bool, reading: Reading) -> None:
        text = par.text
        spans = find_quotes(text, single)
        prose = _blank_quotes(text, spans)
        if NEW_CALL_RE.search(prose) and any(
            t.speaker for t in self.turns if t.speaker and t.speaker.call == self.cast.call
        ):
            self.casts.append(Cast(len(self.casts) + 1))
            self.last_described = []
            self.open_speaker = None
            self.prose_before = None
        turn_spans = [s for s in spans if is_turn(text, prose, s, self.lang, self.names)]
        outside = [s for s in turn_spans if self.outsider(prose, s)]
        if outside:
            # a paragraph quoting an official is the official's, but for a quote that names a
            # participant of the call outright
            outside_ids = {id(s) for s in outside}  # by identity: ``in`` a list was quadratic
            turn_spans = [
                s
                for s in turn_spans
                if id(s) not in outside_ids and self.names_participant(prose, s)
            ]
        turn_ids = {id(s) for s in turn_spans}
        reading.fragments.extend(s.inner(text).strip() for s in spans if id(s) not in turn_ids)
        reading.outside.extend(
            (par, s.inner(text).strip()) for s in outside if id(s) not in turn_ids
        )
        if not turn_spans:
            self.introduce(prose)
            reading.prose.append(par)
            self.prose_before = par
            self.open_speaker = None
            return
        self.introduce(prose, upto=turn_spans[0].start)
        speakers: list[Participant | None] = []
        explicit: list[bool] = []
        hows: list[str] = []
        # The people described before each quote, gathered piece by piece (the prose between
        # one quote and the next), not by re-reading the paragraph up to every quote: that made
        # a paragraph of many quotes quadratic. Each piece starts a few words early so a
        # mention's look-behind ("the Russian") sees the same words as before.
        local: list[Participant] = []
        done = 0
        for span in turn_spans:
            back = max(prose.rfind(" ", 0, max(0, done - _LOOK_BEHIND)), 0)
            for m in find_mentions(prose[back : span.start], self.lang, self.names):
                if m.start + back < done or not m.subject_like:
                    continue
                if (p := self.resolve_description(m)) is not None:
                    local.append(p)
            done = max(done, span.start)
            found, ref = _after_attribution(prose, span, self.lang, self.names)
            if not found:
                intro = _intro(prose, span, self.lang)
                ref = _subject(intro, self.lang, self.names) if intro else None
            person = self.resolve(ref, index, local)
            speakers.append(person)
            explicit.append(person is not None)
            kind = ref.kind if ref is not None else None
            hows.append(
                {"pronoun": "by pronoun", "verb": "by the verb's gender"}.get(kind or "", "named")
                if person is not None
                else "by proximity"
            )
        for k, span in enumerate(turn_spans):
            if speakers[k] is not None:
                continue
            speakers[k] = self.fallback(index, k, span, turn_spans, speakers, explicit, prose)
        self.introduce(prose[turn_spans[0].start :])
        new_turns = [
            Turn(_clean_quote(s.inner(text), s.closed), who, par, index, s, exp, how)
            for s, who, exp, how in zip(turn_spans, speakers, explicit, hows, strict=True)
        ]
        self.turns.extend(_merge_split_sentences(new_turns))
        last = turn_spans[-1]
        self.open_speaker = speakers[-1] if not last.closed else None
        self.prose_before = None
        if speakers[-1] is not None:
            self.describe(speakers[-1])

    def _attribution(self, prose: str, span: QuoteSpan) -> tuple[str | None, Mention | None]:
        """The clause attributing a quote (after it, else its lead-in) and whom it names."""
        found, ref = _after_attribution(prose, span, self.lang, self.names)
        if found:
            return _clause_after(prose, span)[0], ref
        intro = _intro(prose, span, self.lang)
        return intro, (_subject(intro, self.lang, self.names) if intro else None)

    def names_participant(self, prose: str, span: QuoteSpan) -> bool:
        _clause, ref = self._attribution(prose, span)
        return ref is not None and ref.kind in {"role", "name"}

    def outsider(self, prose: str, span: QuoteSpan) -> bool:
        """Whether a quote is attributed to someone outside the call (an official, an analyst).

        Only when the attribution names no participant: its wording has a title ("spokesman",
        "представитель") or a name already seen with one ("Yusov added:"). The names in such
        an attribution are remembered for later quotes.
        """
        clause, ref = self._attribution(prose, span)
        if ref is not None and ref.kind != "verb":
            return False  # "the soldier said", "she adds": a participant (a verb's gender isn't)
        # the attribution, else the rest of the quote's sentence ("…," analysts at the
        # Institute for the Study of War wrote): who is named there
        after = _clause_after(prose, span)[0] if span.closed else ""
        if clause is None and not words(after)[:1]:
            return False
        ws = words(clause or after)
        titled = any(_outsider_word(w.text) for w in ws)
        known = any(w.text.lower() in self.outsiders for w in ws)
        if titled:
            self.outsiders.update(
                w.text.lower()
                for w in ws
                if w.text[:1].isupper()
                and len(w.text) >= 3
                and w.text.lower() not in _NOT_OUTSIDER_NAMES
                and w.text.lower() not in self.names
            )
        return titled or known

    def fallback(
        self,
        index: int,
        k: int,
        span: QuoteSpan,
        spans: list[QuoteSpan],
        speakers: list[Participant | None],
        explicit: list[bool],
        prose: str,
    ) -> Participant | None:
        # b. continuation of a quote left open at the end of the previous paragraph
        if k == 0 and self.open_speaker is not None and not prose[: span.start].strip():
            return self.open_speaker
        # c. another quote of this paragraph named its speaker
        for j in list(range(k - 1, -1, -1)) + list(range(k + 1, len(spans))):
            if explicit[j] and speakers[j] is not None:
                return speakers[j]
        # d. the prose right before: in this paragraph, else the previous (prose) paragraph
        before = prose[: span.start]
        if before.strip(' "“”«»„—–-'):
            person = self.subject_of_prose(before)
            if person is not None:
                return person
        if k == 0 and self.prose_before is not None:
            person = self.subject_of_prose(self.prose_before.text)
            if person is not None:
                return person
        # e. turn-taking
        if k > 0 and speakers[k - 1] is not None:
            return speakers[k - 1]
        last = self.last_turn()
        people = self.cast.active()
        if last is not None and last.speaker is not None:
            return self.cast.other_than(last.speaker)
        return people[0] if people else None


def _clean_quote(inner: str, closed: bool) -> str:
    """The quote's words: trimmed, a trailing comma (before an attribution) made a full stop."""
    text = " ".join(inner.split()).strip(" —–-")
    if text.endswith(","):
        text = text[:-1].rstrip() + "."
    return text


def _merge_split_sentences(turns: list[Turn]) -> list[Turn]:
    """`“Yesterday,” she says, “something secret was discussed.”` is one sentence: one turn."""
    merged: list[Turn] = []
    for t in turns:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.speaker is t.speaker
            and prev.span.closed
            and prev.text.endswith(".")
            and first_letter_is_lower(t.text)
            and _was_comma(prev)
        ):
            prev.text = prev.text[:-1] + ", " + t.text
            prev.span = QuoteSpan(
                prev.span.start,
                t.span.end,
                prev.span.inner_start,
                t.span.inner_end,
                prev.span.family,
                t.span.closed,
                prev.span.opened,
            )
            continue
        merged.append(t)
    return merged


def _was_comma(turn: Turn) -> bool:
    return turn.span.inner(turn.paragraph.text).rstrip().endswith(",")


#: Characters a mention may look back over (``the Russian``) when prose is read in pieces.
_LOOK_BEHIND = 40
#: Every quote is weighed against its sentence and its neighbours (~0.1 ms each): past this
#: many double quotation marks a file is refused, so a 1 MB "article" can't take minutes.
MAX_QUOTE_MARKS = 2000
_DOUBLE_MARK_RE = re.compile('["“”„«»]')


def read_turns(paragraphs: list[Paragraph], lang: str) -> Reading:
    """Walk the article's paragraphs and return its turns, casts and remaining prose."""
    marks = sum(len(_DOUBLE_MARK_RE.findall(p.text)) for p in paragraphs)
    if marks > MAX_QUOTE_MARKS:
        raise ImportFailed(
            f"it holds {marks:,} quotation marks, more than an article quoting a call has (at "
            f"most {MAX_QUOTE_MARKS:,} are read). If it is a transcript, import it with "
            "--format labelled or --format dash."
        )
    single = uses_single_primary([p.text for p in paragraphs])
    walker = _Walker(lang)
    reading = Reading([], walker.casts)
    for index, par in enumerate(paragraphs):
        walker.paragraph(index, par, single, reading)
    reading.turns = walker.turns
    reading.casts = walker.casts
    return reading
