"""What both fuzz targets share: instrumented imports, a seed corpus, and the check itself.

The check is the importers' contract: parsing any bytes gives a transcript or ImportFailed,
nothing else. Any other exception is a crash; libFuzzer saves the input as ``crash-<sha1>``.
Turn each one into a regression test in tests/reliability/test_fuzz_regressions.py.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["intercept_viewer"]):
    from intercept_viewer.core.errors import ImportFailed
    from intercept_viewer.core.importers.base import SourceFile
    from intercept_viewer.core.importers.registry import parse_source

SEEDS = [ROOT / "tests" / "fixtures" / "reliability" / "valid", ROOT / "resources" / "samples"]


def make_target(formats: Sequence[tuple[str, str]]) -> Callable[[bytes], None]:
    """A TestOneInput: the first byte picks (format, file name), the rest is the file."""

    def test_one_input(data: bytes) -> None:
        if not data:
            return
        fmt, name = formats[data[0] % len(formats)]
        with contextlib.suppress(ImportFailed):
            parse_source(SourceFile(name=name, data=data[1:]), format=fmt or None)

    return test_one_input


def seed_corpus(name: str, suffixes: Sequence[str], formats: Sequence[tuple[str, str]]) -> Path:
    """fuzz/corpus/NAME, filled once from the fixtures (each prefixed with a format byte)."""
    corpus = Path(__file__).parent / "corpus" / name
    if corpus.is_dir() and any(corpus.iterdir()):
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    for folder in SEEDS:
        if not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            if f.suffix.lower() not in suffixes or f.stat().st_size > 64_000:
                continue
            for i, (_fmt, fname) in enumerate(formats):
                if Path(fname).suffix == f.suffix.lower():
                    (corpus / f"{f.stem}-{i}").write_bytes(bytes([i]) + f.read_bytes())
    return corpus


def run(name: str, suffixes: Sequence[str], formats: Sequence[tuple[str, str]]) -> None:
    """Fuzz; with no corpus folder among the arguments, use (and grow) fuzz/corpus/NAME."""
    argv = list(sys.argv)
    if not any(not a.startswith("-") for a in argv[1:]):
        argv.append(str(seed_corpus(name, suffixes, formats)))
    if not any(a.startswith("-timeout=") for a in argv):
        argv.append("-timeout=10")  # a parse taking over 10 s counts as a hang
    if not any(a.startswith("-max_len=") for a in argv):
        argv.append("-max_len=65536")
    atheris.Setup(argv, make_target(formats))
    atheris.Fuzz()


def reset_corpus(name: str) -> None:
    shutil.rmtree(Path(__file__).parent / "corpus" / name, ignore_errors=True)
