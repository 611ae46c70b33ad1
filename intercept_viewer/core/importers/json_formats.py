"""JSON transcripts: this project's own export, and the speech-to-text shapes people have.

Researchers run released audio through whatever recogniser is at hand, so the JSON we meet is
one of a few well-known shapes, told apart by their top-level keys:

* ``{"intercept_viewer": 1, "transcript": ..., "speakers": ..., "utterances": ...}`` — our own
  export. It must round-trip exactly: metadata, speaker names/roles/colours, every utterance as
  written (not trimmed), passages with their tags, notes and dates, tag colours.
* ``{"segments": [{"start": s, "end": s, "text"}], "language"}`` — Whisper CLI and OpenAI's
  ``verbose_json``; WhisperX and pyannote pipelines add ``"speaker": "SPEAKER_00"`` per segment
  (and ``words``, which we ignore).
* ``{"transcription": [{"offsets": {"from": ms, "to": ms}, "timestamps": {...}, "text"}]}`` —
  whisper.cpp's ``-ojf``/``-oj`` output.
* ``{"text", "chunks": [{"timestamp": [s, e|null], "text"}]}`` — Hugging Face ASR pipelines.
  With ``return_timestamps="word"`` each chunk is one word: words are then joined into
  sentences (cut at . ? ! … or a pause over a second), not imported one word per turn.
* ``{"utterances": [{"speaker", "text", "start", "end"}]}`` (AssemblyAI and look-alikes) and a
  bare list of such segments. AssemblyAI gives milliseconds, most others seconds: times are
  read as milliseconds when the keys say so (``start_ms``) or every time is a whole number and
  one of them is at least 1000; otherwise as seconds. AssemblyAI's speakers stay "A", "B".
* Deepgram ``{"results": {"utterances" | "channels": [{"alternatives": [{"paragraphs"}]}]}}``
  and Rev.ai ``{"monologues": [{"speaker", "elements"}]}``: their numbered speakers become
  "Speaker 0", "Speaker 1" (as their own text output names them). Top-level word lists
  (OpenAI ``words``, WhisperX ``word_segments``) are ignored: the segments hold the same words.

Speech-to-text text is trimmed and empty segments dropped; a missing speaker stays None.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intercept_viewer.core import history_transfer
from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.metadata import normalise_language
from intercept_viewer.core.model import (
    FOLLOW_UP_STATES,
    META_FIELDS,
    ORIGINS,
    VERIFICATION_STATES,
    ParsedPassage,
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)

#: The version of our own export format this importer reads.
EXPORT_VERSION = 1

#: The ``transcript`` keys of our export, i.e. the SourceMeta fields it carries.
EXPORT_META_KEYS: tuple[str, ...] = (*META_FIELDS, "origin")

_SHAPES = (
    'this app\'s export ({"intercept_viewer": 1, ...}), Whisper / OpenAI verbose_json and '
    'WhisperX ({"segments": [...]}), whisper.cpp ({"transcription": [...]}), Hugging Face '
    '({"chunks": [...]}), {"utterances": [...]} (AssemblyAI-like), Deepgram ({"results": ...}), '
    'Rev.ai ({"monologues": [...]}), or a list of segments'
)
_SENTENCE_END = re.compile(r"[.?!…]['\"»”)]*$")
_WORD_PAUSE_MS = 1000
_SRT_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{1,3})$")


class _Fail(Exception):
    """A shape error at a key path; turned into ImportFailed by ``parse``."""


def _where(path: str) -> str:
    return f'"{path}"' if path else "the top level"


def _expect_str(value: Any, path: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        kind = "a string or null" if optional else "a string"
        raise _Fail(f"{_where(path)} must be {kind}, not {type(value).__name__}")
    return value


def _expect_int(value: Any, path: str, *, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "a whole number or null" if optional else "a whole number"
        raise _Fail(f"{_where(path)} must be {kind}, not {type(value).__name__}")
    return value


def _expect_list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Fail(f"{_where(path)} must be a list, not {type(value).__name__}")
    return value


def _expect_dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Fail(f"{_where(path)} must be an object, not {type(value).__name__}")
    return value


def _number(value: Any, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Fail(f"{_where(path)} must be a number of seconds or null, not {value!r:.40}")
    if value < 0:
        raise _Fail(f"{_where(path)} is negative ({value})")
    return float(value)


def _seconds_to_ms(value: float | None) -> int | None:
    return None if value is None else round(value * 1000)


def _speaker(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


# ------------------------------------------------------------------ our own export


def _own_export(data: dict[str, Any]) -> ParsedTranscript:
    version = data.get("intercept_viewer")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _Fail('"intercept_viewer" must be the format version number (1)')
    if version > EXPORT_VERSION:
        raise _Fail(
            f"written by a newer Intercept Viewer (format {version}); this version reads "
            f"format {EXPORT_VERSION}"
        )
    raw_meta = data.get("transcript")
    t = {} if raw_meta is None else _expect_dict(raw_meta, "transcript")
    meta = SourceMeta()
    for key in EXPORT_META_KEYS:
        value = _expect_str(t.get(key), f"transcript.{key}")
        if value is None:
            continue
        if key == "verification" and value not in VERIFICATION_STATES:
            raise _Fail(
                f'"transcript.verification" must be one of {", ".join(VERIFICATION_STATES)}, '
                f"not {value!r}"
            )
        if key == "origin" and value not in ORIGINS:
            raise _Fail(f'"transcript.origin" must be one of {", ".join(ORIGINS)}')
        setattr(meta, key, value)

    speakers: list[ParsedSpeaker] = []
    for i, raw in enumerate(_expect_list(data.get("speakers"), "speakers")):
        path = f"speakers[{i}]"
        s = _expect_dict(raw, path)
        label = _expect_str(s.get("label"), f"{path}.label", optional=False)
        assert label is not None
        speakers.append(
            ParsedSpeaker(
                label=label,
                name=_expect_str(s.get("name"), f"{path}.name"),
                role=_expect_str(s.get("role"), f"{path}.role"),
                color=_expect_str(s.get("color"), f"{path}.color"),
            )
        )

    rows: list[tuple[int, int, ParsedUtterance]] = []
    for i, raw in enumerate(_expect_list(data.get("utterances"), "utterances")):
        path = f"utterances[{i}]"
        u = _expect_dict(raw, path)
        seq = _expect_int(u.get("seq"), f"{path}.seq")
        text = _expect_str(u.get("text"), f"{path}.text", optional=False)
        assert text is not None
        rows.append(
            (
                seq if seq is not None else i + 1,
                i,
                ParsedUtterance(
                    text=text,
                    speaker=_expect_str(u.get("speaker"), f"{path}.speaker"),
                    start_ms=_expect_int(u.get("start_ms"), f"{path}.start_ms"),
                    end_ms=_expect_int(u.get("end_ms"), f"{path}.end_ms"),
                    context=_expect_str(u.get("context"), f"{path}.context"),
                    translation=_expect_str(u.get("translation"), f"{path}.translation"),
                    original_text=_expect_str(u.get("original_text"), f"{path}.original_text"),
                ),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    # the library numbers utterances 1..n; passages follow their utterances there
    position: dict[int, int] = {}
    for new_seq, (seq, _i, _u) in enumerate(rows, start=1):
        position.setdefault(seq, new_seq)

    tag_colors: dict[str, str] = {}
    tag_descriptions: dict[str, str] = {}
    for i, raw in enumerate(_expect_list(data.get("tags"), "tags")):
        path = f"tags[{i}]"
        tag = _expect_dict(raw, path)
        name = _expect_str(tag.get("name"), f"{path}.name", optional=False)
        color = _expect_str(tag.get("color"), f"{path}.color")
        description = _expect_str(tag.get("description"), f"{path}.description")
        if name and color:
            tag_colors[name] = color
        if name and description:
            tag_descriptions[name] = description

    passages: list[ParsedPassage] = []
    for i, raw in enumerate(_expect_list(data.get("passages"), "passages")):
        path = f"passages[{i}]"
        p = _expect_dict(raw, path)
        bounds = []
        for key in ("first_seq", "last_seq"):
            seq = _expect_int(p.get(key), f"{path}.{key}", optional=False)
            if seq not in position:
                raise _Fail(f'"{path}.{key}" is {seq}, but no utterance has that seq')
            bounds.append(position[seq])
        tags = []
        for j, name in enumerate(_expect_list(p.get("tags"), f"{path}.tags")):
            tags.append(_expect_str(name, f"{path}.tags[{j}]", optional=False) or "")
        state = _expect_str(p.get("state"), f"{path}.state") or "open"
        if state not in FOLLOW_UP_STATES:
            raise _Fail(f'"{path}.state" must be one of {", ".join(FOLLOW_UP_STATES)}')
        passages.append(
            ParsedPassage(
                first_seq=bounds[0],
                last_seq=bounds[1],
                tags=tags,
                note=_expect_str(p.get("note"), f"{path}.note"),
                state=state,
                start_char=_expect_int(p.get("start_char"), f"{path}.start_char"),
                end_char=_expect_int(p.get("end_char"), f"{path}.end_char"),
                created_at=_expect_str(p.get("created_at"), f"{path}.created_at"),
                updated_at=_expect_str(p.get("updated_at"), f"{path}.updated_at"),
            )
        )
    try:
        history = history_transfer.parse_entries(data.get("history"))
    except history_transfer.HistoryFormatError as exc:
        raise _Fail(str(exc)) from None
    return ParsedTranscript(
        meta=meta,
        speakers=speakers,
        utterances=[u for _s, _i, u in rows],
        format="json",
        passages=passages,
        tag_colors=tag_colors,
        tag_descriptions=tag_descriptions,
        history=history,
    )


# ------------------------------------------------------------------ speech-to-text shapes


def _segment_list(
    items: list[Any], path: str, *, millis: bool | None = None
) -> list[ParsedUtterance]:
    """Segments with ``text`` and ``start``/``end`` (seconds or ms) and maybe ``speaker``."""
    segments = [_expect_dict(raw, f"{path}[{i}]") for i, raw in enumerate(items)]
    if millis is None:
        millis = _looks_like_millis(segments)
    out: list[ParsedUtterance] = []
    for i, seg in enumerate(segments):
        where = f"{path}[{i}]"
        text = seg.get("text", seg.get("transcript"))
        text = (_expect_str(text, f"{where}.text") or "").strip()
        if not text:
            continue
        if "start_ms" in seg or "end_ms" in seg:
            start = _expect_int(seg.get("start_ms"), f"{where}.start_ms")
            end = _expect_int(seg.get("end_ms"), f"{where}.end_ms")
        else:
            s = _number(seg.get("start"), f"{where}.start")
            e = _number(seg.get("end"), f"{where}.end")
            if s is None and e is None and isinstance(seg.get("timestamp"), list):
                s, e = _pair(seg["timestamp"], f"{where}.timestamp")
            if millis:
                start = None if s is None else round(s)
                end = None if e is None else round(e)
            else:
                start, end = _seconds_to_ms(s), _seconds_to_ms(e)
        who = _speaker(seg.get("speaker", seg.get("speaker_label")))
        out.append(ParsedUtterance(text=text, speaker=who, start_ms=start, end_ms=end))
    return out


def _looks_like_millis(segments: list[dict[str, Any]]) -> bool:
    times = [
        seg.get(k)
        for seg in segments
        for k in ("start", "end")
        if isinstance(seg.get(k), int | float) and not isinstance(seg.get(k), bool)
    ]
    if not times:
        return False
    return all(float(t).is_integer() for t in times) and max(times) >= 1000  # type: ignore[arg-type,type-var,operator]


def _pair(value: Any, path: str) -> tuple[float | None, float | None]:
    if not isinstance(value, list) or len(value) != 2:
        raise _Fail(f"{_where(path)} must be a [start, end] pair")
    return _number(value[0], f"{path}[0]"), _number(value[1], f"{path}[1]")


def _whisper_segments(data: dict[str, Any]) -> list[ParsedUtterance]:
    return _segment_list(_expect_list(data.get("segments"), "segments"), "segments")


def _utterances_shape(data: dict[str, Any]) -> list[ParsedUtterance]:
    items = _expect_list(data.get("utterances"), "utterances")
    millis = True if "audio_url" in data or "audio_duration" in data else None
    return _segment_list(items, "utterances", millis=millis)


def _srt_time(value: Any, path: str) -> int | None:
    if value is None:
        return None
    m = _SRT_TIME.match(str(value).strip())
    if not m:
        raise _Fail(f"{_where(path)} must be a time like 00:00:01,000")
    h, mi, s, frac = m.groups()
    return ((int(h) * 60 + int(mi)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


def _whisper_cpp(data: dict[str, Any]) -> list[ParsedUtterance]:
    out: list[ParsedUtterance] = []
    for i, raw in enumerate(_expect_list(data.get("transcription"), "transcription")):
        where = f"transcription[{i}]"
        seg = _expect_dict(raw, where)
        text = (_expect_str(seg.get("text"), f"{where}.text") or "").strip()
        if not text:
            continue
        offsets = seg.get("offsets")
        if isinstance(offsets, dict):
            start = _expect_int(offsets.get("from"), f"{where}.offsets.from")
            end = _expect_int(offsets.get("to"), f"{where}.offsets.to")
        else:
            stamps = _expect_dict(seg.get("timestamps") or {}, f"{where}.timestamps")
            start = _srt_time(stamps.get("from"), f"{where}.timestamps.from")
            end = _srt_time(stamps.get("to"), f"{where}.timestamps.to")
        who = _speaker(seg.get("speaker"))
        out.append(ParsedUtterance(text=text, speaker=who, start_ms=start, end_ms=end))
    return out


def _hf_chunks(data: dict[str, Any]) -> list[ParsedUtterance]:
    items = _expect_list(data.get("chunks"), "chunks")
    chunks: list[tuple[str, int | None, int | None, str | None]] = []
    for i, raw in enumerate(items):
        where = f"chunks[{i}]"
        chunk = _expect_dict(raw, where)
        text = (_expect_str(chunk.get("text"), f"{where}.text") or "").strip()
        if not text:
            continue
        stamp = chunk.get("timestamp")
        s, e = _pair(stamp, f"{where}.timestamp") if stamp is not None else (None, None)
        chunks.append((text, _seconds_to_ms(s), _seconds_to_ms(e), _speaker(chunk.get("speaker"))))
    words = sum(1 for text, *_ in chunks if " " not in text)
    if len(chunks) >= 4 and words >= 0.9 * len(chunks):
        return _words_to_sentences(chunks)
    return [ParsedUtterance(text=t, speaker=w, start_ms=s, end_ms=e) for t, s, e, w in chunks]


def _words_to_sentences(
    words: list[tuple[str, int | None, int | None, str | None]],
) -> list[ParsedUtterance]:
    """Join word-level chunks into sentences: cut at end punctuation, a pause, a new speaker."""
    out: list[ParsedUtterance] = []
    current: ParsedUtterance | None = None
    for text, start, end, who in words:
        gap = (
            current is not None
            and start is not None
            and current.end_ms is not None
            and start - current.end_ms > _WORD_PAUSE_MS
        )
        if current is None or gap or who != current.speaker:
            current = ParsedUtterance(text=text, speaker=who, start_ms=start, end_ms=end)
            out.append(current)
        else:
            current.text = f"{current.text} {text}"
            current.end_ms = end if end is not None else current.end_ms
        if _SENTENCE_END.search(text):
            current = None
    return out


def _numbered_speaker(value: Any) -> str | None:
    """Deepgram and Rev.ai number speakers 0, 1, ...: "Speaker 0", as their own text shows."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"Speaker {value}"
    return _speaker(value)


def _deepgram(data: dict[str, Any]) -> list[ParsedUtterance]:
    """Deepgram: ``results.utterances`` (with ``utterances=true``), else the first channel's
    first alternative's ``paragraphs``, else its ``transcript`` as one turn. Speakers are ints."""
    results = _expect_dict(data.get("results"), "results")
    if isinstance(results.get("utterances"), list) and results["utterances"]:
        out = _segment_list(results["utterances"], "results.utterances", millis=False)
        for u, raw in zip(out, [r for r in results["utterances"] if _has_text(r)], strict=True):
            u.speaker = _numbered_speaker(raw.get("speaker"))
        return out
    channels = _expect_list(results.get("channels"), "results.channels")
    if not channels:
        raise _Fail('"results.channels" is empty: Deepgram returned no transcript')
    channel = _expect_dict(channels[0], "results.channels[0]")
    alternatives = _expect_list(channel.get("alternatives"), "results.channels[0].alternatives")
    if not alternatives:
        raise _Fail('"results.channels[0].alternatives" is empty')
    where = "results.channels[0].alternatives[0]"
    best = _expect_dict(alternatives[0], where)
    paragraphs = best.get("paragraphs")
    if isinstance(paragraphs, dict) and isinstance(paragraphs.get("paragraphs"), list):
        out = []
        for i, raw in enumerate(paragraphs["paragraphs"]):
            path = f"{where}.paragraphs.paragraphs[{i}]"
            para = _expect_dict(raw, path)
            sentences = _expect_list(para.get("sentences"), f"{path}.sentences")
            text = " ".join(
                (
                    _expect_str(_expect_dict(x, f"{path}.sentences[{j}]").get("text"), path) or ""
                ).strip()
                for j, x in enumerate(sentences)
            ).strip()
            if text:
                out.append(
                    ParsedUtterance(
                        text=text,
                        speaker=_numbered_speaker(para.get("speaker")),
                        start_ms=_seconds_to_ms(_number(para.get("start"), f"{path}.start")),
                        end_ms=_seconds_to_ms(_number(para.get("end"), f"{path}.end")),
                    )
                )
        return out
    text = (_expect_str(best.get("transcript"), f"{where}.transcript") or "").strip()
    return [ParsedUtterance(text=text)] if text else []


def _has_text(raw: Any) -> bool:
    text = raw.get("text", raw.get("transcript")) if isinstance(raw, dict) else None
    return isinstance(text, str) and bool(text.strip())


def _revai(data: dict[str, Any]) -> list[ParsedUtterance]:
    """Rev.ai: ``monologues`` of one speaker each, whose ``elements`` are words (``text``, with
    ``ts``/``end_ts`` in seconds) and punctuation (``punct``, spaces included)."""
    out: list[ParsedUtterance] = []
    for i, raw in enumerate(_expect_list(data.get("monologues"), "monologues")):
        path = f"monologues[{i}]"
        mono = _expect_dict(raw, path)
        parts: list[str] = []
        starts: list[float] = []
        ends: list[float] = []
        for j, el_raw in enumerate(_expect_list(mono.get("elements"), f"{path}.elements")):
            el = _expect_dict(el_raw, f"{path}.elements[{j}]")
            parts.append(_expect_str(el.get("value"), f"{path}.elements[{j}].value") or "")
            if el.get("type") == "text":
                if (ts := _number(el.get("ts"), f"{path}.elements[{j}].ts")) is not None:
                    starts.append(ts)
                if (end := _number(el.get("end_ts"), f"{path}.elements[{j}].end_ts")) is not None:
                    ends.append(end)
        text = " ".join("".join(parts).split())
        if not text:
            continue
        name = _speaker(mono.get("speaker_name"))
        out.append(
            ParsedUtterance(
                text=text,
                speaker=name or _numbered_speaker(mono.get("speaker")),
                start_ms=_seconds_to_ms(min(starts)) if starts else None,
                end_ms=_seconds_to_ms(max(ends)) if ends else None,
            )
        )
    return out


def _language(data: dict[str, Any]) -> str | None:
    value = data.get("language") or data.get("language_code")
    if value is None and isinstance(data.get("result"), dict):
        value = data["result"].get("language")
    if value is None and isinstance(data.get("results"), dict):  # Deepgram
        channels = data["results"].get("channels")
        if isinstance(channels, list) and channels and isinstance(channels[0], dict):
            value = channels[0].get("detected_language")
    if isinstance(value, str) and "_" in value:
        value = value.split("_", 1)[0]  # AssemblyAI's "en_us"
    if isinstance(value, str) and value.strip():
        return normalise_language(value)
    return None


_STT_SHAPES: tuple[tuple[str, Callable[[dict[str, Any]], list[ParsedUtterance]]], ...] = (
    ("transcription", _whisper_cpp),
    ("segments", _whisper_segments),
    ("chunks", _hf_chunks),
    ("utterances", _utterances_shape),
    ("monologues", _revai),
)


class JsonImporter(Importer):
    name = "json"
    description = (
        "JSON: this app's export, Whisper/OpenAI, WhisperX, whisper.cpp, Hugging Face, "
        "AssemblyAI-like, Deepgram, Rev.ai"
    )
    suffixes = (".json",)

    def sniff(self, source: SourceFile) -> float:
        head = source.head.lstrip("\ufeff \t\r\n")
        if not head.startswith(("{", "[")):
            return 0.0
        keys = (
            '"intercept_viewer"',
            '"segments"',
            '"transcription"',
            '"chunks"',
            '"utterances"',
            '"monologues"',
            '"results"',
        )
        if any(k in head for k in keys):
            return 0.9
        return 0.4

    def parse(self, source: SourceFile) -> ParsedTranscript:
        if source.name.endswith(".meta.json"):
            transcript = source.name[: -len(".meta.json")]
            raise source.fail(
                f"this is a metadata sidecar, not a transcript: import the transcript next to it "
                f"({Path(transcript).name}.*) and the sidecar is applied automatically"
            )
        try:
            data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise source.fail(
                f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
            ) from None
        except RecursionError:
            raise source.fail("JSON nested too deeply to be a transcript; refused") from None
        try:
            return self._shape(data)
        except _Fail as exc:
            raise source.fail(str(exc)) from None

    def _shape(self, data: Any) -> ParsedTranscript:
        if isinstance(data, list):
            utterances = _segment_list(data, "")
            meta = SourceMeta()
        elif isinstance(data, dict) and "intercept_viewer" in data:
            return _own_export(data)
        elif isinstance(data, dict):
            reader = next((r for key, r in _STT_SHAPES if isinstance(data.get(key), list)), None)
            if reader is None and isinstance(data.get("results"), dict):
                reader = _deepgram
            if reader is None:
                raise _Fail(f"valid JSON, but not a transcript shape I know; expected {_SHAPES}")
            utterances = reader(data)
            meta = SourceMeta(language=_language(data))
        else:
            raise _Fail(f"valid JSON, but not a transcript shape I know; expected {_SHAPES}")
        labels: list[str] = []
        for u in utterances:
            if u.speaker is not None and u.speaker not in labels:
                labels.append(u.speaker)
        return ParsedTranscript(
            meta=meta,
            speakers=[ParsedSpeaker(label=x) for x in labels],
            utterances=utterances,
            format="json",
        )
