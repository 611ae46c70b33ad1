"""Every search example in README.md finds what the README says, in the bundled samples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from intercept_viewer.core.library import Library

README = Path(__file__).resolve().parents[2] / "README.md"

#: (query, a piece of text each listed hit must contain ... one entry per expected hit kind)
EXAMPLES: list[tuple[str, list[str]]] = [
    ("Купянск", ["под Купянском", "біля Куп'янська", "near Kupyansk"]),
    ("Kupyansk", ["под Купянском", "біля Куп'янська", "near Kupyansk"]),
    ("exact:Kupyansk", ["near Kupyansk"]),
    ("soldiers mother", ["The other soldiers' mothers on our street"]),
    ('"forest belt"', ["hold a forest belt here"]),
    ("штурм*", ["на штурм", "в штурмовую"]),
    ("Бахмут OR Авдеевка", ["Под Авдеевкой пока"]),
    ("танк -дрон", ["Танков нет"]),
]


@pytest.fixture(scope="module")
def samples() -> Iterator[Library]:
    lib = Library(memory=True)
    lib.seed_samples()
    yield lib
    lib.close()


def _texts(lib: Library, query: str, **kw: object) -> list[str]:
    return [h.text for h in lib.search(query, limit=500, **kw).hits]  # type: ignore[arg-type]


def test_the_examples_tested_here_are_the_readmes() -> None:
    table = README.read_text(encoding="utf-8").split("## Search", 1)[1].split("## CLI", 1)[0]
    in_readme = set(re.findall(r"`([^`]+)`", table))
    for query, _expected in EXAMPLES:
        for part in re.split(r"`, `", query):
            assert part in in_readme or query in in_readme, query


@pytest.mark.parametrize(("query", "expected"), EXAMPLES)
def test_readme_example_finds_what_it_says(
    samples: Library, query: str, expected: list[str]
) -> None:
    texts = _texts(samples, query)
    for piece in expected:
        assert any(piece in t for t in texts), (query, piece, texts[:5])


def test_exact_spelling_misses_the_cyrillic(samples: Library) -> None:
    texts = _texts(samples, "exact:Kupyansk")
    assert texts and not any("Купянс" in t or "Куп'янс" in t for t in texts)
    assert _texts(samples, "Kupyansk", bridge=False) == texts


def test_excluded_word_is_left_out(samples: Library) -> None:
    assert not any("дрон" in t.lower() for t in _texts(samples, "танк -дрон"))
    assert any("на дрон скидываемся" in t for t in _texts(samples, "дрон"))


def test_speaker_examples(samples: Library) -> None:
    mother = samples.search("speaker:Мать", limit=500)
    assert mother.hits and all(h.speaker == "Мать" for h in mother.hits)
    a = samples.search('speaker:"Speaker A"', limit=500)
    assert a.hits and {h.speaker for h in a.hits} == {"Speaker A"}


def test_filter_example_selects_hurs_unverified_2024_calls(samples: Library) -> None:
    result = samples.search(
        "publisher:HUR status:unverified after:2024-01-01 before:2024-12-31", limit=500
    )
    assert result.hits
    for tid in {h.transcript_id for h in result.hits}:
        t = samples.transcript(tid)
        assert "HUR" in (t.publisher or "") and t.verification == "unverified"
        assert "2024-01-01" <= (t.released_on or "") <= "2024-12-31"


def test_tag_example_finds_tagged_turns(samples: Library) -> None:
    assert samples.search("tag:проверить").total == 0  # the samples carry no tags
    tid = samples.transcripts()[0].id
    samples.add_passage(tid, 1, 2, ["проверить"])
    hits = samples.search("tag:проверить").hits
    assert {(h.transcript_id, h.seq) for h in hits} == {(tid, 1), (tid, 2)}
