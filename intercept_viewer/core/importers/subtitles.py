"""Subtitles: SubRip (.srt), WebVTT (.vtt), and SubStation (.ass/.ssa) through pysubs2.

Released videos come with subtitles in which the speaker is marked in one of three ways:
WebVTT voice tags (``<v Мать>``), a ``NAME:`` prefix (``SOLDIER: ...``), or a dialogue dash per
speaker inside one cue (``- Where are you?`` / ``- Near Kupyansk.``). pysubs2 is excellent at
SubStation, but its SubRip/WebVTT reader is deliberately forgiving: it drops voice tags, glues
WebVTT cue ids and NOTE blocks onto the previous cue's text, and accepts a file cut mid-timing
line without a word. For those two formats we therefore read the cue blocks ourselves (they are
a handful of lines each), keeping each cue's line number for error messages, and use pysubs2's
own timestamp parser and SubStation markup rules; ``.ass``/``.ssa`` go through pysubs2 whole,
with the event's Name field as the speaker.

Decisions (see the tests):

* A cue holding two speakers (two dashes, two voices, two labels) becomes two utterances and the
  cue's time is split between them in proportion to their text length: an estimate, but it keeps
  turns in order on the timeline and each still jumps into the right cue.
* Consecutive cues of one speaker stay separate utterances: each cue's timestamps are what a
  reader jumps to in the video, and merging them would lose that.
* A ``NAME:`` prefix counts as a label only if the same label is used at least twice in the
  file or is written in capitals, and is short (at most four words, 32 characters): this keeps
  "He said: no" from becoming a speaker. A cue without a label after a labelled one continues
  that speaker (subtitlers name a speaker when the speaker changes); a dash without a label
  marks a change to an unknown speaker.
* When a file marks turns only with dashes (no labels, no voices), dash turns alternate between
  ``Speaker A`` and ``Speaker B`` (renamable later); cues without a dash are left unknown.
* Bilingual subtitles (Cyrillic original + Latin translation line in each cue) keep the original
  lines only; the description says how many translation lines were left out.
* YouTube auto-captions (WebVTT with ``<00:00:01.500><c>`` word timings) repeat each line in
  the next cue: every line is kept once. The header's ``Language:`` fills the language; an
  ``.ass`` file's ``Title:`` the title.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

import pysubs2
from pysubs2.ssaevent import SSAEvent
from pysubs2.time import timestamp_to_ms

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.metadata import normalise_language
from intercept_viewer.core.model import ParsedSpeaker, ParsedTranscript, ParsedUtterance, SourceMeta
from intercept_viewer.core.script import script_of

_TS = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
#: A cue timing line: ``00:00:01,000 --> 00:00:03,000`` (SRT), ``00:01.000 --> 00:03.000
#: align:start`` (WebVTT, with cue settings after the second time).
TIMING = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}(?:\s+.*)?\s*$")
_SNIFF_TIMING = re.compile(r"(?m)^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}")
_PARTIAL_TIME = re.compile(r"^\s*\d{1,3}:\d")
_INDEX = re.compile(r"^\s*\d+\s*$")
_VTT_BLOCK = re.compile(r"^(NOTE|STYLE|REGION)(\s|$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

#: ``<v Name>``, ``<v.loud Name>``, ``<v Name Surname>``: the voice of the text that follows.
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?(?:\s+([^>]*))?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?\s*[a-zA-Z][^<>]*>|<\d{1,2}:[\d:.]+>")
_DASH = re.compile(r"^\s*[-\u2013\u2014\u2012\u2015]\s*(?=\S)")
#: ``NAME: text`` — a label starts with a letter, may hold digits ("Speaker 1"), dots, quotes.
_LABEL = re.compile(r"^\s*([^\W\d_][\w .'’\-]{0,31}?)\s*:\s+(\S.*)$")
_MAX_LABEL_WORDS = 4
#: A cue that only describes a sound: "[explosion]", "(laughs)", "♪ ... ♪".
_SOUND = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|♪.*♪?)\s*$")
#: Labels that say the speaker is not known (our own SRT export writes "Unknown:").
_UNKNOWN_LABELS = frozenset(
    ("unknown", "unknown speaker", "неизвестный", "неизвестно", "невідомий", "невідомо")
)
_DASH_SPEAKERS = ("Speaker A", "Speaker B")

_FORMATS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
#: An inline word timing inside a WebVTT cue: YouTube's auto-captions.
_WORD_TIMING = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>")
#: Titles editors write when the user gave none.
_ASS_DEFAULT_TITLES = frozenset(("default aegisub file", "untitled", "<untitled>"))


def _ass_info(text: str, key: str) -> str | None:
    """A ``Key: value`` line of the ``[Script Info]`` section."""
    section = re.search(r"(?ms)^\[Script Info\]\s*$(.*?)(?=^\[|\Z)", text)
    if not section:
        return None
    m = re.search(rf"(?m)^{re.escape(key)}\s*:\s*(.+?)\s*$", section.group(1))
    return m.group(1) if m else None


@dataclass
class _Cue:
    """One cue's raw text lines, its times, and where it started in the file."""

    line: int
    start_ms: int
    end_ms: int
    lines: list[str] = field(default_factory=list)
    voice: str | None = None  # the ASS Name field


@dataclass
class _Segment:
    """One speaker's part of a cue, before speakers are resolved."""

    text: str
    voice: str | None = None
    label: str | None = None
    dash: bool = False
    new: bool = False  # starts a new turn (voice tag, dash, label, first line of a cue)


def strip_markup(text: str) -> str:
    """Plain text from a cue: no HTML-ish tags, no ``{\\an8}`` overrides, entities decoded.

    Tags are removed before entities are decoded, so ``&lt;b&gt;`` stays the literal text
    ``<b>`` (it is shown as plain text anyway, never rendered).
    """
    text = _HTML_TAG.sub("", text)
    text = SSAEvent.OVERRIDE_SEQUENCE.sub("", text)
    text = text.replace(r"\N", "\n").replace(r"\n", "\n").replace(r"\h", " ")
    text = html.unescape(text).replace("\xa0", " ")
    return text


def _ms(match: re.Match[str], first: int) -> int:
    h, m, s, frac = match.group(first, first + 1, first + 2, first + 3)
    return timestamp_to_ms((h or "0", m, s, frac))


class SubtitleImporter(Importer):
    name = "subtitles"
    description = "Subtitles: SubRip .srt, WebVTT .vtt (voice tags), SubStation .ass/.ssa"
    suffixes = (".srt", ".vtt", ".ass", ".ssa")

    def sniff(self, source: SourceFile) -> float:
        head = source.head.lstrip("\ufeff \t\r\n")
        if head.startswith("WEBVTT"):
            return 0.95
        if head.startswith("[Script Info]"):
            return 0.95
        if _SNIFF_TIMING.search(head):
            return 0.8
        return 0.0

    # ------------------------------------------------------------------ reading cues

    def _kind(self, source: SourceFile, text: str) -> str:
        stripped = text.lstrip("\ufeff \t\n")
        if stripped.startswith("WEBVTT"):
            return "vtt"
        if stripped.startswith("[Script Info]") or re.search(r"(?m)^\[V4\+? Styles\]", text):
            return "ass"
        if source.suffix in (".ass", ".ssa"):
            return "ass"
        return "vtt" if source.suffix == ".vtt" else "srt"

    def _read_blocks(self, source: SourceFile, text: str, kind: str) -> list[_Cue]:
        """Split SRT/WebVTT text into cues, strictly enough to notice a file cut short.

        A block is a run of non-blank lines. It holds an optional cue number (SRT) or id
        (WebVTT), one timing line and the text. In SRT a block without a timing line that is
        plain text continues the previous cue (a stray blank line inside a cue).
        """
        lines = text.split("\n")
        cues: list[_Cue] = []
        block: list[tuple[int, str]] = []
        start = 0
        if kind == "vtt":
            # skip the WEBVTT header block (it may carry "WEBVTT - title" and header lines)
            while start < len(lines) and lines[start].strip():
                start += 1
        for number, raw in enumerate([*lines[start:], ""], start=start + 1):
            # WebVTT ends a cue only at an empty line: YouTube writes " " lines inside cues
            if raw.strip() or (kind == "vtt" and raw and block):
                block.append((number, raw.rstrip()))
                continue
            if block:
                self._read_block(source, block, cues, kind)
                block = []
        if cues and not any(s.strip() for s in cues[-1].lines):
            raise source.fail(
                "the last cue has a timing line but no text: the file looks cut off",
                line=cues[-1].line,
            )
        return cues

    def _read_block(
        self, source: SourceFile, block: list[tuple[int, str]], cues: list[_Cue], kind: str
    ) -> None:
        first_no, first = block[0]
        # the timing line to show in errors, in this file's own notation
        example = (
            "'00:00:01.000 --> 00:00:03.000'"
            if kind == "vtt"
            else "'00:00:01,000 --> 00:00:03,000'"
        )
        if kind == "vtt" and _VTT_BLOCK.match(first):
            return
        for number, line in block:
            if _CONTROL.search(line):
                raise source.fail("unexpected binary data or control characters", line=number)
        i = 0
        cue: _Cue | None = None
        while i < len(block):
            number, line = block[i]
            m = TIMING.match(line)
            if m:
                cue = _Cue(line=number, start_ms=_ms(m, 1), end_ms=_ms(m, 5))
                cue.end_ms = max(cue.end_ms, cue.start_ms)
                cues.append(cue)
            elif "-->" in line:
                raise source.fail(
                    f"malformed timing line {line.strip()!r}; expected {example}",
                    line=number,
                )
            elif cue is not None:
                # a cue number right before a timing line starts the next cue (no blank line)
                nxt = block[i + 1][1] if i + 1 < len(block) else ""
                if not (_INDEX.match(line) and TIMING.match(nxt)):
                    cue.lines.append(line)
            elif i == 0 and i + 1 < len(block) and "-->" in block[i + 1][1]:
                pass  # a cue number (SRT) or cue id (WebVTT)
            elif _INDEX.match(line) and i + 1 < len(block) and _PARTIAL_TIME.match(block[i + 1][1]):
                raise source.fail(
                    f"the timing line of cue {line.strip()} is cut short "
                    f"({block[i + 1][1].strip()!r}); expected {example}",
                    line=block[i + 1][0],
                )
            elif _INDEX.match(line):
                raise source.fail(
                    f"cue {line.strip()} has no timing line (expected {example} after it): the "
                    "file looks cut off or broken",
                    line=number + 1 if i + 1 < len(block) else number,
                )
            elif kind == "srt" and cues and i == 0:
                cue = cues[-1]  # text after a stray blank line inside the previous cue
                cue.lines.append(line)
            else:
                raise source.fail(
                    f"expected a cue number or a timing line like {example}",
                    line=first_no if i == 0 else number,
                )
            i += 1

    @staticmethod
    def _unroll(cues: list[_Cue]) -> list[_Cue]:
        """YouTube's auto-captions roll: each cue repeats the line the previous cue showed, then
        adds the new words (with ``<00:00:01.500><c>`` word timings), and a 10 ms cue repeats
        the finished line. Keep each line once, in the cue where it first appears."""
        out: list[_Cue] = []
        shown: list[str] = []
        for cue in cues:
            plain = [(raw, " ".join(strip_markup(raw).split())) for raw in cue.lines]
            plain = [(raw, text) for raw, text in plain if text]
            while plain and shown and plain[0][1] in shown[-2:]:
                plain.pop(0)
            if plain:
                cue.lines = [raw for raw, _text in plain]
                shown.extend(text for _raw, text in plain)
                out.append(cue)
        return out

    @staticmethod
    def _drop_translation(cues: list[_Cue]) -> int:
        """Bilingual subtitles (a Cyrillic line and its Latin-script translation in every cue):
        keep the original words only and return how many translation lines were left out.

        The call was in Russian or Ukrainian; the Latin line is the publisher's translation.
        Keeping both in one turn doubles every search hit and, worse, turns a dash cue
        ("- Мам, привет." / "- Mum, hi.") into two speakers. A file is bilingual when at least
        two cues, and a third of all multi-line cues, mix the two scripts line by line.
        """

        def script(line: str) -> str | None:
            return script_of(strip_markup(line))

        multi = [c for c in cues if len([x for x in c.lines if x.strip()]) >= 2]
        mixed = [c for c in multi if {"cyr", "lat"} <= {script(x) for x in c.lines}]
        if len(mixed) < 2 or len(mixed) * 3 < len(multi):
            return 0
        dropped = 0
        for cue in mixed:
            kept = [x for x in cue.lines if script(x) != "lat"]
            dropped += len(cue.lines) - len(kept)
            cue.lines = kept
        return dropped

    def _read_ass(self, source: SourceFile, text: str) -> list[_Cue]:
        try:
            subs = pysubs2.SSAFile.from_string(text, format_="ass")
        except Exception as exc:  # pysubs2 raises a zoo of errors on broken files
            raise source.fail(f"can't read as SubStation (.ass/.ssa): {exc}") from None
        dialogue_lines = [
            n for n, line in enumerate(text.split("\n"), 1) if line.startswith("Dialogue:")
        ]
        cues: list[_Cue] = []
        dialogue_events = [e for e in subs.events if e.type == "Dialogue"]
        for i, event in enumerate(dialogue_events):
            if event.is_comment:
                continue
            line = dialogue_lines[i] if i < len(dialogue_lines) else 0
            cue = _Cue(
                line=line, start_ms=int(event.start), end_ms=int(max(event.end, event.start))
            )
            cue.lines = event.text.replace(r"\n", r"\N").split(r"\N")
            cue.voice = event.name.strip() or None
            cues.append(cue)
        cues.sort(key=lambda c: c.start_ms)
        return cues

    # ------------------------------------------------------------------ speakers

    def _pieces(self, cue: _Cue) -> list[_Segment]:
        """Cut one cue into line-level pieces; ``new`` marks those that start a turn.

        A voice tag or a dialogue dash starts a turn; whether a ``NAME:`` at the start of a
        line does is decided later, once labels have been counted over the whole file.
        """
        pieces: list[_Segment] = []
        voice = cue.voice
        for raw in cue.lines:
            parts = _VOICE.split(raw)
            # parts: text, voice-name, text, voice-name, text ...
            chunks: list[tuple[str | None, str, bool]] = [(None, parts[0], False)]
            for j in range(1, len(parts), 2):
                chunks.append(((parts[j] or "").strip() or None, parts[j + 1], True))
            for new_voice, chunk, voice_tag in chunks:
                if voice_tag:
                    voice = new_voice
                text = " ".join(strip_markup(chunk).split())
                dash = bool(_DASH.match(text))
                if dash:
                    text = _DASH.sub("", text, count=1)
                if text:
                    new = not pieces or voice_tag or dash
                    pieces.append(_Segment(text=text, voice=voice, dash=dash, new=new))
        return pieces

    @staticmethod
    def _label_of(text: str) -> tuple[str, str] | None:
        m = _LABEL.match(text)
        if not m:
            return None
        label = m.group(1).strip()
        if len(label.split()) > _MAX_LABEL_WORDS or not any(c.isalpha() for c in label):
            return None
        return label, m.group(2).strip()

    def _resolve(self, cues: list[_Cue]) -> list[ParsedUtterance]:
        cut = [(cue, self._pieces(cue)) for cue in cues]
        counts: Counter[str] = Counter()
        candidates: list[tuple[_Segment, str, str]] = []
        for _cue, pieces in cut:
            for piece in pieces:
                found = self._label_of(piece.text)
                if found:
                    counts[found[0].casefold()] += 1
                    candidates.append((piece, *found))
        for piece, label, rest in candidates:
            capitals = label.upper() == label and label.lower() != label
            if counts[label.casefold()] >= 2 or capitals or label.casefold() in _UNKNOWN_LABELS:
                piece.label, piece.text, piece.new = label, rest, True
        # join continuation lines to the turn they continue
        turns: list[tuple[_Cue, list[_Segment]]] = []
        for cue, pieces in cut:
            segments: list[_Segment] = []
            for piece in pieces:
                if piece.new or not segments:
                    segments.append(piece)
                else:
                    segments[-1].text = f"{segments[-1].text} {piece.text}"
            turns.append((cue, segments))
        uses_voices = any(seg.voice for _c, segs in turns for seg in segs)
        uses_labels = any(seg.label for _c, segs in turns for seg in segs)
        dash_only = (
            not uses_voices
            and not uses_labels
            and any(sum(s.dash for s in segs) >= 2 for _c, segs in turns)
        )
        spelled: dict[str, str] = {}  # casefolded label -> first spelling seen
        utterances: list[ParsedUtterance] = []
        previous_label: str | None = None
        turn = 0
        for cue, segments in turns:
            speakers: list[str | None] = []
            for seg in segments:
                who: str | None
                if seg.voice:
                    who = seg.voice
                elif seg.label and seg.label.casefold() in _UNKNOWN_LABELS:
                    who = previous_label = None
                elif seg.label:
                    who = spelled.setdefault(seg.label.casefold(), seg.label)
                    previous_label = who
                elif _SOUND.match(seg.text):
                    who = None  # "[explosion]": nobody's turn, and it doesn't end one
                elif dash_only and seg.dash:
                    who = _DASH_SPEAKERS[turn % 2]
                    turn += 1
                elif uses_labels and not seg.dash:
                    who = previous_label
                else:
                    who = None
                    if seg.dash:
                        previous_label = None
                speakers.append(who)
            utterances.extend(self._timed(cue, segments, speakers))
        return utterances

    @staticmethod
    def _timed(
        cue: _Cue, segments: list[_Segment], speakers: list[str | None]
    ) -> list[ParsedUtterance]:
        """One utterance per segment; several segments share the cue's time by text length."""
        total = sum(len(s.text) for s in segments) or 1
        span = cue.end_ms - cue.start_ms
        out: list[ParsedUtterance] = []
        at = 0
        for seg, who in zip(segments, speakers, strict=True):
            start = cue.start_ms + round(span * at / total)
            at += len(seg.text)
            end = cue.start_ms + round(span * at / total)
            out.append(
                ParsedUtterance(
                    text=seg.text, speaker=who, start_ms=start, end_ms=end, line=cue.line
                )
            )
        return out

    # ------------------------------------------------------------------ parse

    def parse(self, source: SourceFile) -> ParsedTranscript:
        text = source.text
        kind = self._kind(source, text)
        cues = (
            self._read_ass(source, text) if kind == "ass" else self._read_blocks(source, text, kind)
        )
        if kind == "vtt" and _WORD_TIMING.search(text):
            cues = self._unroll(cues)
        dropped = self._drop_translation(cues)
        if not cues:
            raise source.fail(
                "no subtitle cues found (expected timing lines like "
                "'00:00:01,000 --> 00:00:03,000')"
            )
        utterances = self._resolve(cues)
        labels: list[str] = []
        for u in utterances:
            if u.speaker is not None and u.speaker not in labels:
                labels.append(u.speaker)
        meta = SourceMeta()
        if kind == "vtt":
            head_block = text.lstrip("\ufeff \t\n").split("\n\n", 1)[0].split("\n")
            title = head_block[0][len("WEBVTT") :].strip(" -\t")
            meta.title = title or None
            for line in head_block[1:]:  # "Kind: captions", "Language: ru" (YouTube)
                key, _, value = line.partition(":")
                if key.strip().lower() == "language" and value.strip():
                    meta.language = normalise_language(value.strip())
        elif kind == "ass":
            ass_title = _ass_info(text, "Title")
            if ass_title and ass_title.casefold() not in _ASS_DEFAULT_TITLES:
                meta.title = ass_title
        if dropped:
            meta.description = (
                f"Bilingual subtitles: {dropped} Latin-script translation lines were left out; "
                "the turns hold the original (Cyrillic) lines."
            )
        return ParsedTranscript(
            meta=meta,
            speakers=[ParsedSpeaker(label=x) for x in labels],
            utterances=utterances,
            format="subtitles",
        )
