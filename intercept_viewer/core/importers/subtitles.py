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
* Bilingual subtitles (an original line and its translation under it: another script, italics,
  or Ukrainian under Russian; ``cue_translation``) keep the original as the text and the
  translation beside it, one translation line per turn of the cue where the counts match.
* A bracketed label opening a cue or a dash line (``[Мать]``, ``(Сын)``, ``[SOLDIER]``;
  ``cue_labels``) is the speaker; two such labels in a cue make two turns.
* ``{\an8}``-style overrides are stripped; braces without a backslash in SRT/WebVTT are the
  subtitler's text and stay. Subtitle Edit's SSA placeholder actor ``NTP`` names no one. A
  WebVTT file that repeats its ``WEBVTT`` header (whisper-timestamped) has the stray block
  skipped, as browsers do.
* YouTube auto-captions (WebVTT with ``<00:00:01.500><c>`` word timings) repeat each line in
  the next cue: every line is kept once; a last cue that only repeats gives its end time to
  the line it finishes. The header's ``Language:`` fills the language; an
  ``.ass`` file's ``Title:`` the title.
"""

from __future__ import annotations

import html
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field

import pysubs2
from pysubs2.ssaevent import SSAEvent
from pysubs2.time import timestamp_to_ms

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.cue_labels import split_labels
from intercept_viewer.core.importers.cue_translation import split_translations
from intercept_viewer.core.importers.metadata import normalise_language
from intercept_viewer.core.model import (
    ImportWarning,
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.core.script import guess_language

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
#: The actor Subtitle Edit writes into every SSA line when the file names none.
_PLACEHOLDER_ACTORS = frozenset(("ntp",))
#: An override block: braces holding a backslash code (``{\an8}``, ``{\i1}``). Braces without
#: one are text in SubRip and WebVTT.
_OVERRIDE = re.compile(r"\{[^{}]*\\[^{}]*\}")

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
    translations: list[str] = field(default_factory=list)
    ass: bool = False  # SubStation text: every {…} block is markup


@dataclass
class _Segment:
    """One speaker's part of a cue, before speakers are resolved."""

    text: str
    voice: str | None = None
    label: str | None = None
    dash: bool = False
    new: bool = False  # starts a new turn (voice tag, dash, label, first line of a cue)
    bracketed: bool = False  # the label was written in brackets ("[Мать] …")


def strip_markup(text: str, *, ass: bool = False) -> str:
    """Plain text from a cue: no HTML-ish tags, no ``{\\an8}`` overrides, entities decoded.

    Tags are removed before entities are decoded, so ``&lt;b&gt;`` stays the literal text
    ``<b>`` (it is shown as plain text anyway, never rendered). In SubStation every ``{…}``
    block is an override or a comment, hidden by renderers; elsewhere only a block holding a
    backslash code is, and ``{нерозбірливо}`` stays the subtitler's text.
    """
    text = _HTML_TAG.sub("", text)
    text = (SSAEvent.OVERRIDE_SEQUENCE if ass else _OVERRIDE).sub("", text)
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

    def __init__(self) -> None:
        #: what this file's reading assumed or skipped (see ``parse``)
        self._notes: list[ImportWarning] = []

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
        # one scan of the whole text; only a file that has such characters is checked cue by
        # cue (they are allowed in skipped blocks: the header, NOTE and STYLE)
        check_control = _CONTROL.search(text) is not None
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
                self._read_block(source, block, cues, kind, check_control)
                block = []
        if cues and not any(s.strip() for s in cues[-1].lines):
            raise source.fail(
                "the last cue has a timing line but no text: the file looks cut off",
                line=cues[-1].line,
            )
        return cues

    def _read_block(
        self,
        source: SourceFile,
        block: list[tuple[int, str]],
        cues: list[_Cue],
        kind: str,
        check_control: bool = True,
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
        if kind == "vtt" and first.startswith("WEBVTT") and not any("-->" in x for _n, x in block):
            # whisper-timestamped writes the header twice; browsers skip the stray block
            self._notes.append(ImportWarning("a repeated WEBVTT header was skipped", first_no))
            return
        for number, line in block if check_control else ():
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
        for n, cue in enumerate(cues):
            plain = [(raw, " ".join(strip_markup(raw).split())) for raw in cue.lines]
            plain = [(raw, text) for raw, text in plain if text]
            while plain and shown and plain[0][1] in shown[-2:]:
                plain.pop(0)
            if plain:
                cue.lines = [raw for raw, _text in plain]
                shown.extend(text for _raw, text in plain)
                out.append(cue)
            elif out and n == len(cues) - 1:
                # the last cue only shows the finished line: the line lasts until it ends
                out[-1].end_ms = max(out[-1].end_ms, cue.end_ms)
        return out

    def _read_ass(self, source: SourceFile, text: str) -> list[_Cue]:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                subs = pysubs2.SSAFile.from_string(text, format_="ass")
        except Exception as exc:  # pysubs2 raises a zoo of errors on broken files
            raise source.fail(f"can't read as SubStation (.ass/.ssa): {exc}") from None
        for said in dict.fromkeys(str(w.message) for w in caught):
            self._notes.append(ImportWarning(f"SubStation reader: {said}"))
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
            cue.ass = True
            if cue.voice and cue.voice.casefold() in _PLACEHOLDER_ACTORS:
                cue.voice = None  # Subtitle Edit's "NTP": no actor
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
                text = " ".join(strip_markup(chunk, ass=cue.ass).split())
                dash = bool(_DASH.match(text))
                if dash:
                    text = _DASH.sub("", text, count=1)
                for k, (label, words) in enumerate(split_labels(text) if text else []):
                    new = not pieces or voice_tag or dash or label is not None
                    piece = _Segment(text=words, voice=voice, dash=dash and k == 0, new=new)
                    if label is not None:
                        piece.label, piece.bracketed = label, True
                    pieces.append(piece)
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
                if piece.bracketed:
                    counts[(piece.label or "").casefold()] += 1
                    continue
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

    def _timed(
        self, cue: _Cue, segments: list[_Segment], speakers: list[str | None]
    ) -> list[ParsedUtterance]:
        """One utterance per segment; several segments share the cue's time by text length.

        The cue's translation lines go one to each segment when their numbers match (a dash
        cue and its dashed translation), otherwise all to the cue's first segment."""
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
        texts = [t for t in (self._translation_text(x, cue.ass) for x in cue.translations) if t]
        if texts and out:
            if len(texts) == len(out):
                for u, t in zip(out, texts, strict=True):
                    u.translation = t
            else:
                out[0].translation = " ".join(texts)
        return out

    @staticmethod
    def _translation_text(line: str, ass: bool) -> str:
        text = " ".join(strip_markup(_VOICE.sub("", line), ass=ass).split())
        text = _DASH.sub("", text, count=1)
        return " ".join(x for _label, x in split_labels(text))

    # ------------------------------------------------------------------ parse

    def parse(self, source: SourceFile) -> ParsedTranscript:
        # a reader of its own per file: the importer is shared (threads), the report is not
        reader = type(self)()
        reader._notes = []
        return reader._parse(source)

    def _parse(self, source: SourceFile) -> ParsedTranscript:
        text = source.text
        kind = self._kind(source, text)
        cues = (
            self._read_ass(source, text) if kind == "ass" else self._read_blocks(source, text, kind)
        )
        if kind == "vtt" and _WORD_TIMING.search(text):
            cues = self._unroll(cues)
        split, how = split_translations([c.lines for c in cues])
        if split is not None:
            found = 0
            first_line: int | None = None
            for cue, (original, translated) in zip(cues, split, strict=True):
                cue.lines, cue.translations = original, translated
                if translated:
                    found += len(translated)
                    first_line = first_line if first_line is not None else cue.line
            self._notes.append(
                ImportWarning(
                    f"{found} translation lines found ({how}); kept beside the original as "
                    "the turns' translations",
                    first_line,
                )
            )
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
        if not meta.language:
            meta.language = guess_language(" ".join(u.text for u in utterances[:200]))
        once = Counter(u.speaker for u in utterances if u.speaker is not None)
        for label, n in once.items():
            if n == 1 and len(once) > 1:
                at = next(u.line for u in utterances if u.speaker == label)
                self._notes.append(ImportWarning(f"speaker label {label!r} seen only once", at))
        return ParsedTranscript(
            meta=meta,
            speakers=[ParsedSpeaker(label=x) for x in labels],
            utterances=utterances,
            format="subtitles",
            warnings=sorted(self._notes, key=lambda w: (w.line is not None, w.line or 0)),
        )
