"""Write the synthetic library as real files, deterministically, in the formats people import.

Every transcript is a file in one of the shapes releases come in, so the benchmark's import path
is the app's own (detection, decoding, parsing, the library):

* labelled dialogue ``.txt`` with Latin or Cyrillic labels (``Солдат: ...``), no times;
* dash dialogue ``.txt`` (``— ...`` lines, two speakers), no times;
* ``.srt`` and ``.vtt`` subtitles with speaker labels / ``<v>`` voices, timed;
* whisper and whisperx ``.json`` (segments with start/end; whisperx adds ``speaker``), timed.

Half the formats carry times, so half the transcripts do. The data goes outside git and is
reused while the seed, the sizes and ``GENERATOR_VERSION`` match its ``manifest.json``.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.benchmarks import vocab

#: Bump when the output changes, so stale data is regenerated rather than reused.
GENERATOR_VERSION = 3

#: (format, language) per transcript index modulo 8: four untimed, four timed shapes.
ROTATION: tuple[tuple[str, str], ...] = (
    ("labelled", "en"),
    ("labelled", "ru"),
    ("dash", "ru"),
    ("labelled", "uk"),
    ("srt", "ru"),
    ("vtt", "uk"),
    ("whisper", "en"),
    ("whisperx", "ru"),
)
SUFFIX = {
    "labelled": ".txt",
    "dash": ".txt",
    "srt": ".srt",
    "vtt": ".vtt",
    "whisper": ".json",
    "whisperx": ".json",
}
TIMED = {"srt", "vtt", "whisper", "whisperx"}


@dataclass
class Spec:
    """What to generate. ``big`` is the one long transcript (the "open a huge call" case)."""

    seed: int = 20240901
    transcripts: int = 2000
    utterances: int = 500
    big: int = 100_000
    small: int = 100


@dataclass
class FileEntry:
    path: str  # relative to the data folder
    format: str
    language: str
    utterances: int
    timed: bool
    role: str = "library"  # library | big | small


@dataclass
class Dataset:
    root: Path
    spec: Spec
    files: list[FileEntry]

    @property
    def total_utterances(self) -> int:
        return sum(f.utterances for f in self.files)

    def paths(self) -> list[Path]:
        return [self.root / f.path for f in self.files]

    def entry(self, role: str) -> FileEntry:
        return next(f for f in self.files if f.role == role)


# ---------------------------------------------------------------------------- text


class Talk:
    """A seeded source of utterances in one language."""

    def __init__(self, rng: random.Random, language: str) -> None:
        self.rng = rng
        self.lang = language
        self.clauses = vocab.CLAUSES[language]
        self.joiners = vocab.JOINERS[language]
        # A call dwells on a few places and units: that is what makes search results cluster.
        self.places = rng.sample(vocab.PLACES[language], 4)
        self.units = rng.sample(vocab.UNITS[language], 3)

    def topic(self) -> str:
        r = self.rng
        frame = r.choice(vocab.TOPIC_FRAMES[self.lang])
        return frame.format(
            place=r.choice(self.places),
            unit=r.choice(self.units),
            rank=r.choice(vocab.RANKS[self.lang]),
        )

    def utterance(self) -> str:
        r = self.rng
        n = r.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        parts = [self.topic() if r.random() < 0.18 else r.choice(self.clauses) for _ in range(n)]
        text = parts[0]
        for p in parts[1:]:
            joiner = r.choice(self.joiners)
            if joiner.rstrip().endswith((".", "!", "?")):  # a new sentence starts upper case
                p = p[0].upper() + p[1:]
            text += joiner + p
        if self.lang != "en" and r.random() < 0.03:  # quoted English, as translations keep
            text += " (" + r.choice(vocab.PLACES["en"]) + ")"
        end = r.choices((".", "?", "!", "...", ""), weights=(55, 20, 10, 10, 5))[0]
        return text[0].upper() + text[1:] + end


def _turns(rng: random.Random, talk: Talk, n: int, speakers: list[str]) -> list[tuple]:
    """(speaker, start_ms, end_ms, text) for ``n`` turns; speakers mostly alternate."""
    out = []
    t = rng.randrange(0, 4000)
    current = 0
    for _ in range(n):
        if rng.random() < 0.85:
            current = (current + 1) % len(speakers) if len(speakers) > 1 else 0
        else:
            current = rng.randrange(len(speakers))
        text = talk.utterance()
        dur = 400 + 55 * len(text) + rng.randrange(0, 600)
        out.append((speakers[current], t, t + dur, text))
        t += dur + rng.randrange(50, 1500)
    return out


# ---------------------------------------------------------------------------- writers


def _ts(ms: int, sep: str) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_labelled(turns: list[tuple], title: str) -> str:
    lines = [title, ""]
    lines += [f"{spk}: {text}" for spk, _s, _e, text in turns]
    return "\n".join(lines) + "\n"


def write_dash(turns: list[tuple], title: str) -> str:
    return title + "\n\n" + "".join(f"— {text}\n" for _spk, _s, _e, text in turns)


def write_srt(turns: list[tuple]) -> str:
    return "".join(
        f"{i}\n{_ts(s, ',')} --> {_ts(e, ',')}\n{spk}: {text}\n\n"
        for i, (spk, s, e, text) in enumerate(turns, start=1)
    )


def write_vtt(turns: list[tuple]) -> str:
    return "WEBVTT\n\n" + "".join(
        f"{_ts(s, '.')} --> {_ts(e, '.')}\n<v {spk}>{text}\n\n" for spk, s, e, text in turns
    )


def write_whisper(turns: list[tuple], language: str, diarized: bool) -> str:
    segments = []
    for i, (spk, s, e, text) in enumerate(turns):
        seg: dict[str, object] = {"id": i, "start": s / 1000, "end": e / 1000, "text": " " + text}
        if diarized:
            seg["speaker"] = spk
        segments.append(seg)
    doc: dict[str, object] = {"segments": segments, "language": language}
    if not diarized:
        doc = {"text": " ".join(t[3] for t in turns), **doc}
    # whisper writes one compact line; whisperx tools usually pretty-print
    return json.dumps(doc, ensure_ascii=False, indent=1 if diarized else None)


def render(fmt: str, turns: list[tuple], language: str, title: str) -> str:
    if fmt == "labelled":
        return write_labelled(turns, title)
    if fmt == "dash":
        return write_dash(turns, title)
    if fmt == "srt":
        return write_srt(turns)
    if fmt == "vtt":
        return write_vtt(turns)
    return write_whisper(turns, language, diarized=fmt == "whisperx")


TITLES = {
    "en": "Intercepted call of a Russian soldier, part {n}",
    "ru": "Перехват разговора оккупанта, часть {n}",
    "uk": "Перехоплення розмови окупанта, частина {n}",
}


def _make_file(
    root: Path, spec: Spec, index: int, n: int, fmt: str, lang: str, role: str
) -> FileEntry:
    rng = random.Random(f"{spec.seed}-{role}-{index}")
    talk = Talk(rng, lang)
    if fmt == "dash":
        speakers = ["A", "B"]  # dash dialogue has no labels; two voices alternate
    elif fmt == "whisperx":
        speakers = [f"SPEAKER_{i:02d}" for i in range(rng.randint(2, 4))]
    else:
        speakers = list(rng.choice(vocab.SPEAKERS[lang]))
    turns = _turns(rng, talk, n, speakers)
    if fmt == "dash":  # strict alternation, as dash dialogue implies
        turns = [(speakers[i % 2], *t[1:]) for i, t in enumerate(turns)]
    title = TITLES[lang].format(n=index + 1)
    rel = f"{role}/{index:05d}-{lang}-{fmt}{SUFFIX[fmt]}"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(fmt, turns, lang, title), encoding="utf-8")
    return FileEntry(rel, fmt, lang, n, fmt in TIMED, role)


def _manifest_key(spec: Spec) -> dict[str, object]:
    return {"version": GENERATOR_VERSION, **asdict(spec)}


def generate(root: Path, spec: Spec, progress=None) -> Dataset:
    """Write (or reuse) the data set for ``spec`` under ``root``."""
    manifest = root / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text())
        if data.get("key") == _manifest_key(spec):
            files = [FileEntry(**f) for f in data["files"]]
            if all((root / f.path).exists() for f in files):
                return Dataset(root, spec, files)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    files: list[FileEntry] = []
    for i in range(spec.transcripts):
        fmt, lang = ROTATION[i % len(ROTATION)]
        files.append(_make_file(root, spec, i, spec.utterances, fmt, lang, "library"))
        if progress and (i + 1) % 100 == 0:
            progress(f"generated {i + 1}/{spec.transcripts} files")
    files.append(_make_file(root, spec, 0, spec.big, "labelled", "ru", "big"))
    files.append(_make_file(root, spec, 0, spec.small, "labelled", "ru", "small"))
    manifest.write_text(
        json.dumps({"key": _manifest_key(spec), "files": [asdict(f) for f in files]}, indent=1)
    )
    return Dataset(root, spec, files)


if __name__ == "__main__":  # a quick look: python -m tests.benchmarks.generate DIR
    ds = generate(Path(sys.argv[1]), Spec(transcripts=16, utterances=20, big=50, small=10))
    print(ds.total_utterances, "utterances in", len(ds.files), "files")
