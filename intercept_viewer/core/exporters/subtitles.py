"""A whole transcript as SRT or WebVTT subtitles.

Written by hand rather than through pysubs2's writers: those treat ``{...}`` and ``\\N`` in
the text as ASS override codes (untrusted text would be mangled) and know neither WebVTT
voice tags nor NOTE blocks. Tests read our output back with pysubs2.

Decisions:

* **Speakers**: SRT prefixes ``Speaker: ``; WebVTT uses ``<v Speaker>`` voice spans.
* **No WebVTT cue identifiers**: valid, but common readers (pysubs2 among them) take an
  identifier for the previous cue's last line.
* **Status**: WebVTT carries the status and the full citation in a NOTE block. A transcript
  that is not verified also opens with a status cue shown on screen
  (``[UNVERIFIED] title — publisher``), but only where it fits before the first real cue: a
  notice laid over the talk would hide the words it is about. When every time is estimated,
  the estimates start after the notice, so it always fits.
* **Missing times**: rather than refuse, times are *estimated* from the text length
  (reading speed), known times are kept, and the export says so (status cue, NOTE, and a
  warning returned to the caller). An estimate is better than nothing for stepping through
  a call, and nobody can mistake it for the real timing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

from intercept_viewer.core.exporters.common import (
    citation_text,
    corrected_suffix,
    corrections_sentence,
    one_line,
    speaker_label,
    speaker_names,
    status_tag,
    transcript_turns,
)
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Transcript, Utterance

#: Reading speed used to estimate a missing duration, and its bounds.
MS_PER_CHAR = 60
MIN_CUE_MS = 1500
MAX_CUE_MS = 7000
#: Pause put between cues whose times were estimated.
GAP_MS = 200
#: How long the opening status cue stays up.
STATUS_CUE_MS = 4000


def estimate_times(
    utterances: Sequence[Utterance], *, first_start: int = 0
) -> tuple[list[tuple[int, int]], int]:
    """(start, end) for every utterance, and how many needed an estimate.

    Known starts and ends are kept. A missing start follows the previous cue (the first one
    starts at ``first_start``); a missing end comes from the text length, cut short where
    the next known start begins.
    """
    # the next known start after each utterance, found in one backward pass
    next_start: list[int | None] = [None] * len(utterances)
    upcoming: int | None = None
    for i in range(len(utterances) - 1, -1, -1):
        next_start[i] = upcoming
        if utterances[i].start_ms is not None:
            upcoming = utterances[i].start_ms
    out: list[tuple[int, int]] = []
    estimated = 0
    cursor = first_start
    for i, u in enumerate(utterances):
        guessed = u.start_ms is None or u.end_ms is None
        start = u.start_ms if u.start_ms is not None else cursor
        if u.end_ms is not None and u.end_ms > start:
            end = u.end_ms
        else:
            guessed = True
            end = start + min(MAX_CUE_MS, max(MIN_CUE_MS, MS_PER_CHAR * len(u.text)))
            nxt = next_start[i]
            if nxt is not None and start < nxt < end:
                end = nxt
        estimated += guessed
        out.append((start, end))
        cursor = end + (GAP_MS if guessed else 0)
    return out, estimated


def _timestamp(ms: int, sep: str) -> str:
    h, rem = divmod(max(0, ms), 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cue_lines(text: str) -> list[str]:
    """Text lines for a cue: a blank line would end the cue, so blank lines are dropped."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines or ["…"]


def _translation_lines(u: Utterance) -> list[str]:
    """A translation goes under the original in italics, as bilingual subtitles carry it (our
    subtitle importer reads such a line back as the translation)."""
    return [one_line(u.translation)] if u.translation else []


def _status_lines(
    t: Transcript, estimated: int, total: int, corrections: str | None = None
) -> list[str]:
    lines = []
    tag = status_tag(t.verification)
    if tag:
        who = ", ".join(one_line(x) for x in (t.publisher, t.released_on) if x)
        lines.append(f"{tag} {one_line(t.title)}" + (f" — {who}" if who else ""))
    if estimated:
        lines.append(f"Times estimated for {estimated} of {total} lines.")
    if corrections:
        lines.append(corrections)
    return lines


#: The shortest status notice worth showing, and the gap it leaves before the first cue.
MIN_STATUS_MS = 1000
STATUS_GAP_MS = 100


def _status_window(first_start: int | None) -> tuple[int, int] | None:
    """When the opening notice is shown: it ends before the first cue starts, or not at all.

    None when the talk starts too soon (under a second) for a notice to fit before it.
    """
    end = STATUS_CUE_MS if first_start is None else min(STATUS_CUE_MS, first_start - STATUS_GAP_MS)
    return (0, end) if end >= MIN_STATUS_MS else None


def _times(utts: Sequence[Utterance]) -> tuple[list[tuple[int, int]], int]:
    """Cue times; an untimed transcript's estimates start after the status notice."""
    untimed = all(u.start_ms is None for u in utts)
    return estimate_times(utts, first_start=STATUS_CUE_MS + GAP_MS if untimed else 0)


def estimate_warning(estimated: int, total: int) -> str | None:
    if not estimated:
        return None
    return (
        f"{estimated} of {total} utterances have no times; their cue times are estimated "
        "from the text length."
    )


def write_srt(
    library: Library, transcript_id: int, out: TextIO, *, original: bool = False
) -> tuple[int, int]:
    """SRT cues ``Speaker: text``. Returns (utterances, how many times were estimated)."""
    t = library.transcript(transcript_id)
    names = speaker_names(library.speakers(transcript_id))
    utts = transcript_turns(library, transcript_id, original)
    times, estimated = _times(utts)
    index = 0

    def cue(start: int, end: int, lines: list[str]) -> None:
        nonlocal index
        index += 1
        out.write(f"{index}\n{_timestamp(start, ',')} --> {_timestamp(end, ',')}\n")
        out.write("\n".join(lines) + "\n\n")

    corrections = corrections_sentence(library, transcript_id, original)
    status = _status_lines(t, estimated, len(utts), corrections)
    window = _status_window(times[0][0] if times else None)
    if status and window:
        cue(*window, status)
    for u, (start, end) in zip(utts, times, strict=True):
        first, *rest = _cue_lines(u.text + corrected_suffix(u))
        italics = [f"<i>{x}</i>" for x in _translation_lines(u)]
        cue(start, end, [f"{speaker_label(u, names)}: {first}", *rest, *italics])
    return len(utts), estimated


_VTT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def vtt_escape(text: str) -> str:
    """Escape the three characters WebVTT cue text gives meaning to."""
    return text.translate(_VTT_ESCAPES)


def _note_text(text: str) -> str:
    """NOTE blocks end at a blank line and may not contain ``-->``."""
    return one_line(text).replace("-->", "->")


def write_vtt(
    library: Library, transcript_id: int, out: TextIO, *, original: bool = False
) -> tuple[int, int]:
    """WebVTT with ``<v Speaker>`` voice spans, a NOTE with the citation and status, and the
    status cue. Returns (utterances, how many times were estimated)."""
    t = library.transcript(transcript_id)
    names = speaker_names(library.speakers(transcript_id))
    utts = transcript_turns(library, transcript_id, original)
    times, estimated = _times(utts)
    out.write("WEBVTT\n\nNOTE\n")
    corrections = corrections_sentence(library, transcript_id, original)
    status = _status_lines(t, estimated, len(utts), corrections)
    for line in status:
        out.write(f"{_note_text(line)}\n")
    out.write(f"{_note_text(citation_text(t))}\n")
    if t.verification_note:
        out.write(f"Verification note: {_note_text(t.verification_note)}\n")
    warning = estimate_warning(estimated, len(utts))
    if warning:
        out.write(f"{_note_text(warning)}\n")
    out.write("Exported by Intercept Viewer.\n\n")
    window = _status_window(times[0][0] if times else None)
    if status and window:
        start, end = window
        out.write(f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n")
        out.write("\n".join(vtt_escape(line) for line in status) + "\n\n")
    for u, (start, end) in zip(utts, times, strict=True):
        lines = [vtt_escape(line) for line in _cue_lines(u.text + corrected_suffix(u))]
        if u.speaker_id is not None:
            voice = re.sub(r"\s+", " ", vtt_escape(speaker_label(u, names))).strip()
            lines[0] = f"<v {voice}>{lines[0]}</v>" if len(lines) == 1 else f"<v {voice}>{lines[0]}"
            if len(lines) > 1:
                lines[-1] += "</v>"
        lines.extend(f"<i>{vtt_escape(line)}</i>" for line in _translation_lines(u))
        out.write(f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n")
        out.write("\n".join(lines) + "\n\n")
    return len(utts), estimated
