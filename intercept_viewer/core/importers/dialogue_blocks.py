"""Dialogue blocks inside an article: prose, then a run of dash (or labelled) lines, then prose
that says who speaks next, then another run.

Ukrainian and Russian outlets quote a call this way::

    Далі мати питає, чи годують їх на позиціях.

    — Вас там хоть кормят?
    — Раз в день, и то не всегда.

The linking sentence is the writer's, never part of a turn, and it names who opens the block
("мати питає", "Later the soldier tells his wife:"). Each block is therefore read on its own:
its first speaker is the person the prose before it makes the subject of a speech verb, and the
turns alternate between that person and the call's other participant. A block the prose says
nothing about goes on from the block before (the other person speaks first). The people are
found as the article importer finds them (``article_speakers``): role words, pymorphy3 lemmas,
English role labels ("Soldier", "Mother") whatever the language.
"""

from __future__ import annotations

import re

from intercept_viewer.core.importers.article_speakers import (
    SELF,
    Cast,
    Participant,
    find_mentions,
    is_speech_verb,
    words,
)
from intercept_viewer.core.script import language_of

_SENTENCES = re.compile(r"(?<=[.!?…:])\s+")


def _subject(text: str, lang: str, cast: Cast) -> Participant | None:
    """Who the last sentence of ``text`` has speak: a role word before (or right after) its
    speech verb ("мати питає", "the soldier tells his wife", "asks his mother")."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s.strip()]
    if not sentences:
        return None
    last = sentences[-1]
    verb_at = next((w.start for w in words(last) if is_speech_verb(w.text, lang)[0]), None)
    if verb_at is None:
        return None
    roles = [m for m in find_mentions(last, lang) if m.kind == "role" and m.subject_like]
    before = [m for m in roles if m.end <= verb_at]
    pick = before[-1] if before else next((m for m in roles if m.start > verb_at), None)
    return cast.add_from(pick) if pick is not None else None


def is_narration(text: str, lang: str | None = None) -> bool:
    """A writer's sentence about the call's people: a role word and a speech verb ("Потім
    батько питає, чи є в нього гроші."), not a turn's words run on to a new paragraph."""
    lang = lang or language_of(text)
    has_verb = any(is_speech_verb(w.text, lang)[0] for w in words(text))
    return has_verb and any(m.kind == "role" for m in find_mentions(text, lang))


def block_speakers(
    prose: list[str], hints: list[str | None], sizes: list[int], lang: str | None = None
) -> list[list[Participant]] | None:
    """Per block, the speaker of each of its ``sizes[k]`` turns; None when no hint names anyone.

    ``prose`` is every sentence the writer wrote (title, blurb, linking paragraphs), in order:
    it introduces the call's participants. ``hints`` is, per block, the prose right before it.
    A block without a hint starts with whoever did not speak last in the block before.
    """
    lang = lang or language_of(" ".join(prose))
    cast = Cast(1)
    for text in prose:
        for m in find_mentions(text, lang):
            if m.kind == "role":
                cast.add_from(m)
    firsts = [_subject(h, lang, cast) if h else None for h in hints]
    if not any(firsts):
        return None
    people = [p for p in cast.people if p.gender is not None or p.key == SELF]
    if len(people) < 2:
        return None
    out: list[list[Participant]] = []
    last: Participant | None = None
    for first, n in zip(firsts, sizes, strict=True):
        if first is None:
            first = people[0] if last is None else _other(people, last)
        other = _other(people, first)
        turns = [first if i % 2 == 0 else other for i in range(n)]
        out.append(turns)
        last = turns[-1] if turns else last
    return out


def _other(people: list[Participant], who: Participant) -> Participant:
    """The call's other participant: the soldier's partner, or the soldier."""
    if who.key == SELF:
        return next(p for p in people if p is not who)
    return next((p for p in people if p.key == SELF), next(p for p in people if p is not who))
