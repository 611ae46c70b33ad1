"""Detection asks the importers claiming a file's ending first and stops when one of them is
sure beyond what any other could score: the choice must be the one asking all would make."""

from __future__ import annotations

from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import registry
from intercept_viewer.core.importers.base import Importer, SourceFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000)


def _every_sniffer(source: SourceFile) -> Importer | None:
    """The choice made by asking every importer, in order (first best score wins)."""
    best, best_score = None, 0.0
    for imp in registry.IMPORTERS:
        try:
            score = imp.sniff(source)
        except Exception:
            score = 0.0
        if source.suffix in imp.suffixes and score > 0:
            score += registry.SUFFIX_WEIGHT
        if score > best_score:
            best, best_score = imp, score
    return best


def test_every_sniff_stays_within_zero_and_one() -> None:
    for path in FILES:
        source = registry.read_source(path)
        for imp in registry.IMPORTERS:
            try:
                score = imp.sniff(source)
            except Exception:
                continue
            assert 0.0 <= score <= 1.0, (imp.name, path.name, score)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_detect_chooses_what_asking_every_importer_chooses(path: Path) -> None:
    source = registry.read_source(path)
    expected = _every_sniffer(source)
    try:
        chosen: Importer | None = registry.detect(source)
    except ImportFailed:
        chosen = None
    if expected is None:  # nothing sniffed it: detect falls back to the one claimant, or fails
        claimants = [i for i in registry.IMPORTERS if source.suffix in i.suffixes]
        assert chosen is (claimants[0] if len(claimants) == 1 else None)
    else:
        assert chosen is expected


def test_a_sure_claimant_spares_the_other_sniffers(monkeypatch, tmp_path: Path) -> None:
    srt = tmp_path / "call.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nСолдат: Алло, мам.\n", encoding="utf-8")
    asked: list[str] = []
    for imp in registry.IMPORTERS:
        real = imp.sniff

        def spy(source, real=real, name=imp.name):  # type: ignore[no-untyped-def]
            asked.append(name)
            return real(source)

        monkeypatch.setattr(imp, "sniff", spy)
    assert registry.detect(registry.read_source(srt)).name == "subtitles"
    assert asked == ["subtitles"]
