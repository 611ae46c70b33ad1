"""Imports run one way: read -> dedupe -> parse -> store, each file's bytes read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core import import_pipeline
from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import registry


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"read": 0, "parse": 0}
    real_read, real_parse = registry.read_source, registry.parse_source

    def read(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["read"] += 1
        return real_read(*args, **kwargs)

    def parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["parse"] += 1
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(registry, "read_source", read)
    monkeypatch.setattr(registry, "parse_source", parse)
    return calls


def test_a_file_is_read_once_parsed_once_and_stored(memory_library, tmp_path: Path, counted):
    path = tmp_path / "call.txt"
    path.write_text("Мать: Где ты?\nСолдат: Под Купянском.\n", encoding="utf-8")
    result = import_pipeline.import_file(memory_library, path)
    assert counted == {"read": 1, "parse": 1}
    assert not result.duplicate and result.utterances == 2
    assert memory_library.transcript(result.id).file_name == "call.txt"


def test_known_bytes_are_found_before_parsing(memory_library, tmp_path: Path, counted):
    path = tmp_path / "call.txt"
    path.write_text("Мать: Где ты?\nСолдат: Под Купянском.\n", encoding="utf-8")
    first = import_pipeline.import_file(memory_library, path)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(path.read_bytes())
    again = import_pipeline.import_file(memory_library, copy)
    assert again.duplicate and again.id == first.id
    assert counted == {"read": 2, "parse": 1}  # the copy was never parsed
    assert memory_library.transcript_count() == 1


def test_the_library_facade_drives_the_same_pipeline(memory_library, tmp_path: Path, counted):
    good = tmp_path / "a.txt"
    good.write_text("A: one\nB: two\n", encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_text("", encoding="utf-8")
    outcomes = dict(memory_library.import_files([good, bad]))
    assert not isinstance(outcomes[good], ImportFailed)
    assert isinstance(outcomes[bad], ImportFailed) and "empty" in str(outcomes[bad])
    assert counted["read"] == 2
