"""The benchmark's generated files: deterministic, and read by the real importers as intended.

If an importer stops reading one of these shapes, the benchmark would quietly measure failed
imports; this catches it in the normal test run. (The benchmark itself is never collected.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.importers import parse_path
from tests.benchmarks.generate import ROTATION, Dataset, Spec, generate

SPEC = Spec(seed=7, transcripts=len(ROTATION), utterances=15, big=40, small=10)
FAMILY = {
    "labelled": "labelled",
    "dash": "dash",
    "srt": "subtitles",
    "vtt": "subtitles",
    "whisper": "json",
    "whisperx": "json",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return generate(tmp_path_factory.mktemp("bench") / "data", SPEC)


def test_same_seed_same_bytes(dataset: Dataset, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", SPEC)
    assert [f.path for f in again.files] == [f.path for f in dataset.files]
    for a, b in zip(again.paths(), dataset.paths(), strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_other_seed_other_text(dataset: Dataset, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", Spec(**{**SPEC.__dict__, "seed": 8}))
    assert other.paths()[0].read_bytes() != dataset.paths()[0].read_bytes()


def test_every_file_imports_as_written(dataset: Dataset) -> None:
    assert dataset.total_utterances == len(ROTATION) * 15 + 40 + 10
    for entry, path in zip(dataset.files, dataset.paths(), strict=True):
        pf = parse_path(path)
        parsed = pf.parsed
        assert pf.format == FAMILY[entry.format], entry.path
        assert len(parsed.utterances) == entry.utterances, entry.path
        timed = [u.start_ms is not None for u in parsed.utterances]
        assert all(timed) if entry.timed else not any(timed), entry.path
        if entry.format != "whisper":  # plain whisper output names no speakers
            assert all(u.speaker for u in parsed.utterances), entry.path
            assert 2 <= len({u.speaker for u in parsed.utterances}) <= 4, entry.path
