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

import re

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import Importer, SourceFile
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
    utterances: list[ParsedUtterance] = []
    after_blank = False
    tail_start: int | None = None  # first line of prose after a blank below the last turn
    tail_cut = 0
    inner_paragraphs = False  # did a turn inside the dialogue span a blank line?
    for i in range(first, len(lines)):
        raw = lines[i]
        if not raw.strip():
            after_blank = True
            continue
        turn = _dash_text(raw)
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
        else:
            last = utterances[-1]
            if after_blank and tail_start is None:
                tail_start, tail_cut = i, len(last.text)
            last.text = join_continuation(last.text, raw, after_blank=after_blank)
        after_blank = False
    epilogue = None
    if tail_start is not None and not inner_paragraphs:
        utterances[-1].text = utterances[-1].text[:tail_cut]
        epilogue = "\n\n".join(" ".join(p) for p in paragraphs(lines[tail_start:]))
    utterances = [u for u in utterances if u.text]
    fill_end_times(utterances)
    if preamble.title and not meta.title:
        meta.title = preamble.title
    elif preamble.title:
        preamble.description = "\n\n".join(x for x in (preamble.title, preamble.description) if x)
    extra = "\n\n".join(x for x in (preamble.description, epilogue) if x)
    if extra:
        meta.description = f"{meta.description}\n\n{extra}" if meta.description else extra
    if not meta.language:
        meta.language = guess_language(" ".join(u.text for u in utterances))
    used = {u.speaker for u in utterances}
    return ParsedTranscript(
        meta=meta,
        speakers=[ParsedSpeaker(s.label, s.name) for s in SPEAKERS if s.label in used],
        utterances=utterances,
        format=fmt,
    )


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
