"""Any string at all: the parser and Library.search raise QueryError or nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.search import clean_text, name_key, parse_query
from tests.conftest import make_parsed

PIECES = st.sampled_from(
    [
        '"',
        "'",
        "(",
        ")",
        "[",
        "{",
        "*",
        ":",
        "-",
        "^",
        "+",
        " ",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR/3",
        "text:",
        "text_norm:",
        "speaker:",
        "tag:",
        "status:",
        "after:",
        "before:",
        "publisher:",
        "«",
        "»",
        "“",
        "\x00",
        "\ud800",
        "\udfff",
        "🙂",
        "\ue000",
        "\ue001",
        "ма́ма",
        "Куп'янськ",
        "ёлка",
        "café",
        "Бахмут",
        "2024-01-01",
        "\u0301",
        "_",
        "²",
        "\t",
        "\n",
    ]
)
QUERIES = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=12).map("".join))


@pytest.fixture(scope="module")
def lib():
    library = Library(memory=True)
    library.add(
        make_parsed(
            [("Солдат", "Мы под Бахмутом, мама 🙂"), ("Мать", "Куп'янськ? café (test) NEAR")],
            language="ru",
        )
    )
    yield library
    library.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERIES)
def test_any_query_raises_only_query_error(lib: Library, query: str) -> None:
    try:
        parse_query(query)
        result = lib.search(query, limit=5)
    except QueryError as exc:
        assert str(exc).startswith("can't read this query")
        # the FTS5 expression we build must never be what failed
        assert exc.__cause__ is None, exc
        return
    for hit in result.hits:
        assert hit.snippet.count("\ue000") == hit.snippet.count("\ue001")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=30))
def test_any_speaker_argument_is_safe(lib: Library, speaker: str) -> None:
    """Any speaker text is a filter, never an error: hits come only from that speaker (and a
    name nobody has finds nothing), or, blank, it filters nothing."""
    result = lib.search("мама", speaker=speaker, limit=5)
    wanted = name_key(clean_text(speaker))
    if not clean_text(speaker).strip():
        assert [h.speaker for h in result.hits] == ["Солдат"]  # no filter: the one hit
    elif wanted in {name_key("Солдат"), name_key("Мать")}:
        assert all(name_key(h.speaker or "") == wanted for h in result.hits)
    else:
        assert result.hits == [] and result.total == 0
