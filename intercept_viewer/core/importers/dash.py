"""Dash dialogue: the Russian and Ukrainian convention of opening each turn with a dash.

::

    Перехват ГУР: «Нас тут никто не считает»
    — Алло, мам?
    — Сынок, ты где?

No names are written, so turns alternate between two speakers, "Speaker A" and "Speaker B"
(renamable in the app). Em dash, en dash and hyphen-minus all count: old KOI8-R files have only
the hyphen. A line without a dash inside the dialogue continues the turn above; a headline and
intro above the first dash become the title and description. A markdown bullet list also opens
its lines with "- ", so the sniffer wants the lines to read like speech (sentence punctuation,
a real alternation), not like short items.
"""

from __future__ import annotations

import itertools
import re

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.dialogue_blocks import block_speakers, is_narration
from intercept_viewer.core.importers.import_notes import Report
from intercept_viewer.core.importers.labelled import analyse
from intercept_viewer.core.importers.metadata import merge_meta, read_metadata
from intercept_viewer.core.importers.textlines import (
    fill_end_times,
    join_continuation,
    paragraphs,
    split_leading_time,
    split_preamble,
    split_trailing_time,
)
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.script import guess_language

#: A turn: em/en dash (space optional) or a hyphen followed by a space.
DASH_LINE = re.compile(r"^\s*(?:[—–―]\s*|-{1,2}\s+)(?P<text>\S.*)$")
SPEAKERS = (ParsedSpeaker(label="A", name="Speaker A"), ParsedSpeaker(label="B", name="Speaker B"))
_SPEECH_END = re.compile(r"[.!?…»”\"')\]]\s*$")


def _dash_text(line: str) -> tuple[int | None, int | None, str] | None:
    """(start_ms, end_ms, text) when ``line`` is a dash turn, timestamp before or after the dash."""
    start, end, rest = split_leading_time(line.strip(), keep_dash=True)
    m = DASH_LINE.match(rest)
    if not m:
        return None
    text = m["text"]
    if start is None:
        start, end, text = split_leading_time(text)
    if start is None:
        start, end, text = split_trailing_time(text)  # "— Алло? [00:03]"
    return start, end, text.strip()


def dash_score(text: str) -> float:
    """How much ``text`` looks like dash dialogue, 0..1."""
    lines = [ln for ln in text.split("\n")[:400] if ln.strip()]
    if not lines:
        return 0.0
    turns = [t for t in (_dash_text(ln) for ln in lines) if t is not None]
    if len(turns) < 2:
        return 0.0
    share = len(turns) / len(lines)
    hyphens = sum(1 for ln in lines if re.match(r"^\s*-{1,2}\s", ln))
    speechlike = sum(1 for _s, _e, t in turns if _SPEECH_END.search(t)) / len(turns)
    score = 0.2 + 0.6 * min(1.0, share / 0.6) + 0.2 * speechlike
    if hyphens >= len(turns) * 0.8 and speechlike < 0.4:
        score = min(score, 0.3)  # a bullet list: short items without sentence punctuation
    # "- Soldier: text" is labelled dialogue with bullets; let the labelled importer have it.
    labelled = analyse(lines).turn_lines
    if len(labelled) >= len(turns) * 0.5:
        score *= 0.3
    if share < 0.2:
        score = min(score, 0.2)
    return round(min(score, 1.0), 3)


def build_dash_transcript(
    lines: list[str], meta: SourceMeta, *, line_offset: int = 0, fmt: str = "dash"
) -> ParsedTranscript:
    first = next((i for i, ln in enumerate(lines) if _dash_text(ln) is not None), None)
    if first is None:
        content = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
        raise ImportFailed(
            "expected dialogue lines starting with a dash ('— text'), found none",
            line=content + 1 + line_offset,
        )
    preamble = split_preamble(lines[:first])
    report = Report(line_offset)
    report.preamble(preamble, [i for i in range(first) if lines[i].strip()], lines)
    joined: list[int] = []
    utterances: list[ParsedUtterance] = []
    after_blank = False
    tail_start: int | None = None  # first line of prose after a blank below the last turn
    tail_cut = 0
    inner_paragraphs = False  # did a turn inside the dialogue span a blank line?
    # Dialogue blocks (``dialogue_blocks``): prose paragraphs about the people between runs of
    # dash lines are the writer's, and say who opens the next block.
    pre_paras = paragraphs(lines[:first])
    hints: list[str | None] = [" ".join(pre_paras[-1]) if len(pre_paras) > 1 else None]
    block_starts = [0]
    linking: list[str] = []  # the prose paragraph(s) read since the last dash line
    linking_at: int | None = None
    between: list[str] = []  # all linking prose, for the description
    for i in range(first, len(lines)):
        raw = lines[i]
        if not raw.strip():
            after_blank = True
            continue
        turn = _dash_text(raw)
        if turn is None and (linking or (after_blank and _narration_at(lines, i))):
            if not linking:
                linking_at = i
            linking.append(raw.strip())
            after_blank = False
            continue
        if turn is not None and linking:
            text_between = " ".join(linking)
            between.append(text_between)
            hints.append(text_between)
            block_starts.append(len(utterances))
            report.add(
                "taken as the writer's prose between two dialogue blocks (description), not "
                "part of a turn",
                linking_at,
            )
            linking, linking_at = [], None
        if turn is not None:
            if tail_start is not None:
                inner_paragraphs = True
                tail_start = None
            start, end, text = turn
            who = SPEAKERS[len(utterances) % 2].label
            utterances.append(
                ParsedUtterance(
                    text=text, speaker=who, start_ms=start, end_ms=end, line=i + 1 + line_offset
                )
            )
            joined.append(0)
        else:
            last = utterances[-1]
            if after_blank and tail_start is None:
                tail_start, tail_cut = i, len(last.text)
            last.text = join_continuation(last.text, raw, after_blank=after_blank)
            joined[-1] += 1
            if joined[-1] == 1 and not after_blank:
                report.joined_line(i, last)
        after_blank = False
    epilogue = None
    if linking:  # prose about the people below the last turn: the article's closing words
        between.append(" ".join(linking))
        report.add(
            "the paragraphs below the last turn were taken as the writer's prose "
            "(description), not speech",
            linking_at,
        )
    if len(block_starts) == 1 and not (hints[0] or "").rstrip().endswith(":"):
        # one block: a blurb about the whole call ("Окупант розповідає матері…") doesn't say
        # who opens it; only a lead-in right above it does ("…окупант питає:")
        hints[0] = None
    speakers = _block_speakers(
        utterances,
        block_starts,
        hints,
        [preamble.title or "", *[" ".join(p) for p in pre_paras], *between],
        report,
    )
    if tail_start is not None and not inner_paragraphs:
        utterances[-1].text = utterances[-1].text[:tail_cut]
        epilogue = "\n\n".join(" ".join(p) for p in paragraphs(lines[tail_start:]))
        report.add(
            "the paragraphs below the last turn were taken as the release's closing words "
            "(description), not speech",
            tail_start,
        )
    for u, n in zip(utterances, joined, strict=True):
        report.long_turn(u, n)
    utterances = [u for u in utterances if u.text]
    fill_end_times(utterances)
    if preamble.released_on and not meta.released_on:
        meta.released_on = preamble.released_on
    if preamble.title and not meta.title:
        meta.title = preamble.title
    elif preamble.title:
        preamble.description = "\n\n".join(x for x in (preamble.title, preamble.description) if x)
    extra = "\n\n".join(x for x in (preamble.description, *between, epilogue) if x)
    if extra:
        meta.description = f"{meta.description}\n\n{extra}" if meta.description else extra
    if not meta.language:
        meta.language = guess_language(" ".join(u.text for u in utterances))
    used = {u.speaker for u in utterances}
    return ParsedTranscript(
        meta=meta,
        speakers=[s for s in speakers if s.label in used],
        utterances=utterances,
        format=fmt,
        warnings=report.warnings,
    )


def _narration_at(lines: list[str], i: int) -> bool:
    """Whether the paragraph starting at line ``i`` is the writer's sentence about the call's
    people ("Далі мати питає…"), read up to the next blank or dash line."""
    para: list[str] = []
    for raw in lines[i:]:
        if not raw.strip() or _dash_text(raw) is not None:
            break
        para.append(raw.strip())
    text = " ".join(para)
    return len(text) >= 20 and is_narration(text)


def _block_speakers(
    utterances: list[ParsedUtterance],
    starts: list[int],
    hints: list[str | None],
    prose: list[str],
    report: Report,
) -> list[ParsedSpeaker]:
    """Give each block's turns their speakers from the prose (see ``dialogue_blocks``); when
    the prose names no one, turns alternate between Speaker A and B as in any dash dialogue."""
    bounds = [*starts, len(utterances)]
    sizes = [b - a for a, b in itertools.pairwise(bounds)]
    people = block_speakers([p for p in prose if p], hints, sizes) if len(starts) > 0 else None
    if people is None:
        return [ParsedSpeaker(s.label, s.name) for s in SPEAKERS]
    out: dict[str, ParsedSpeaker] = {}
    for k, (start, turns) in enumerate(zip(starts, people, strict=True)):
        for u, who in zip(utterances[start:], turns, strict=False):
            u.speaker = who.base_label
            out.setdefault(u.speaker, ParsedSpeaker(u.speaker, role=u.speaker.lower()))
        if turns:
            how = "from the prose before it" if hints[k] else "by turn-taking (no hint)"
            report.add(
                f"dialogue block {k + 1}: first speaker {turns[0].base_label} {how}; its turns "
                "alternate",
                None
                if utterances[start].line is None
                else utterances[start].line - 1 - report.offset,  # type: ignore[operator]
            )
    return list(out.values())


def parse_dash_text(text: str, *, fmt: str = "dash") -> ParsedTranscript:
    fm, rest, consumed = read_metadata(text)
    meta = SourceMeta()
    merge_meta(meta, fm)
    return build_dash_transcript(rest.split("\n"), meta, line_offset=consumed, fmt=fmt)


class DashDialogueImporter(Importer):
    name = "dash"
    description = "Dialogue whose turns open with a dash and name no speakers ('— Алло, мам?')"
    suffixes = (".txt", ".md", ".text")

    def sniff(self, source: SourceFile) -> float:
        _fm, rest, _n = read_metadata(source.head)
        return dash_score(rest)

    def parse(self, source: SourceFile) -> ParsedTranscript:
        return parse_dash_text(source.text)
