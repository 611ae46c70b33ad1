"""Searches run off the GUI thread, so typing never waits for SQLite.

Each request is a "search" task of the window's task runner (``ui.tasks``): it runs on the
search lane, whose read-only ``Library(path, read_only=True)`` is opened once in that thread
(opening a big library checks every page) and kept. Read-only because a search never writes:
it can then never upgrade the schema, checkpoint or remove the write-ahead log behind the
window's back (say, of a file a restore is moving away). That needs a file already at the
current schema, which the window's own read-write ``Library`` guarantees before any search: it
creates a brand-new file and upgrades an old one as it opens. If the read-only open fails
anyway, the request fails with the reason and the next one tries again.

Requests carry a generation number; the panel bumps it for every new query, whose task
supersedes (cancels, interrupting SQLite) the older ones; the panel drops any stale answer.

A first page of the whole library is shown before it is counted: the count (matches per
transcript, for the groups, and so the total) is a second pass over every match, as long as
ranking the page when a filter is on, so it is its own task (``count_task``), run after the
page on the same lane and cancelled with it by the next query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass

from intercept_viewer.core.errors import InterceptViewerError, QueryError
from intercept_viewer.core.library import Library
from intercept_viewer.core.search import SearchResult, count_by_transcript
from intercept_viewer.ui.tasks import Task

PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchRequest:
    """One page to fetch: ``cursor`` is the previous page's ``next_cursor`` (None: first page)."""

    generation: int
    query: str
    transcript_id: int | None = None
    speaker: str | int | None = None
    cursor: tuple[int, float, int] | None = None
    limit: int = PAGE_SIZE
    #: other spellings too (Kupyansk finds Купянск); the search bar's switch
    bridge: bool = True

    @property
    def appended(self) -> bool:
        return self.cursor is not None


def run_request(library: Library, request: SearchRequest) -> SearchResult | str:
    """Run one request: the result, or the message to show instead (never raises).

    A first page of the whole library is not counted (``counted`` False) unless it holds
    every match, when its own hits give the counts per transcript; ``count_task`` counts the
    rest. A page of one transcript is counted at once (a rowid range: cheap), a later page
    never (the total is known by then).
    """
    library_wide = request.transcript_id is None
    try:
        result = library.search(
            request.query,
            transcript_id=request.transcript_id,
            limit=request.limit,
            speaker=request.speaker,
            cursor=request.cursor,
            bridge=request.bridge,
            count=not (library_wide or request.appended),
        )
        if library_wide and not request.appended and result.hits and result.counted:
            result.by_transcript = dict(Counter(h.transcript_id for h in result.hits))
            result.by_transcript_exact = True
        return result
    except QueryError as exc:
        return str(exc)
    except InterceptViewerError as exc:
        return f"Search failed: {exc}"


def run_count(library: Library, request: SearchRequest) -> tuple[dict[int, int], bool] | str:
    """{transcript id: matches} over the library and whether that is every match (counting
    stops at ``COUNT_CAP``), or the message to show instead (never raises)."""
    try:
        return count_by_transcript(library, request.query, request.speaker, bridge=request.bridge)
    except QueryError as exc:
        return str(exc)
    except InterceptViewerError as exc:
        return f"Counting failed: {exc}"


def count_task(request: SearchRequest) -> Task:
    """The runner's task counting ``request``'s matches after its first page is shown."""

    def op(library: Library) -> Generator[None, None, tuple[dict[int, int], bool] | str]:
        yield from ()
        return run_count(library, request)

    # Named "search": the next query supersedes it like any page of the last one.
    return Task("search", op, access="read", lane="search")


def search_task(request: SearchRequest) -> Task:
    """The runner's task for one request: read-only, on the "search" lane (its connection is
    opened once and kept), cancellable mid-statement (``Library.interrupt``)."""

    def op(library: Library) -> Generator[None, None, SearchResult | str]:
        yield from ()
        return run_request(library, request)

    return Task("search", op, access="read", lane="search")


def warm_task() -> Task:
    """Load the word-form dictionaries (``wordforms.warm``) on the search lane at start, so the
    first search doesn't wait for them."""

    def op(_library: Library) -> Generator[None, None, None]:
        yield from ()
        from intercept_viewer.core import wordforms

        wordforms.warm()

    return Task("warm-words", op, access="read", lane="search")
