"""The turn strip's outline and the speakers' stats, read off the GUI thread.

Opening a transcript paints its first rows from one page; everything that reads all of its
utterances comes after, here: the outline (seq, speaker, times of every turn) laid out for the
strip (``layout_turns``) and the speakers' turn counts and speaking time. For 100,000 turns that
is a few hundred milliseconds the GUI thread no longer spends, so the list scrolls at once.

It runs as an "outline" task of the window's task runner (``ui.tasks``): on its own lane with
its own read-only connection, or synchronously for an in-memory library. Every request carries
a generation; a newer request supersedes (cancels) the older ones, and the owner drops any
stale answer that was already on its way.

Signals (OutlineLoader):
    loaded(generation, OutlineResult): the outline of a requested transcript.
    failed(generation, message): the library couldn't be read.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker
from intercept_viewer.ui.tasks import Task, TaskHandle, TaskRunner
from intercept_viewer.ui.transcript.turn_strip import TurnLayout, layout_turns


@dataclass(frozen=True)
class OutlineRequest:
    generation: int
    transcript_id: int
    has_times: bool


@dataclass(frozen=True)
class OutlineResult:
    """Attributes:
    transcript_id: whose outline this is.
    layout: the strip's layout (lanes follow ``speakers``).
    speakers: the transcript's speakers with their turn counts and speaking time.
    unknown_turns, unknown_ms: turns (and their speaking time) with no known speaker.
    longest_ms: the latest time in the transcript (sizes the list's time column), or None.
    """

    transcript_id: int
    layout: TurnLayout
    speakers: list[Speaker]
    unknown_turns: int = 0
    unknown_ms: int = 0
    longest_ms: int | None = None


def load_outline(library: Library, request: OutlineRequest) -> OutlineResult:
    """Read and lay out one transcript's outline (any thread that owns ``library``)."""
    speakers = library.speakers(request.transcript_id, with_stats=True)
    outline = library.turn_outline(request.transcript_id)
    layout = layout_turns(outline, [s.id for s in speakers], request.has_times)
    unknown_turns = unknown_ms = 0
    longest: int | None = None
    for _seq, speaker_id, start, end in outline:
        if speaker_id is None:
            unknown_turns += 1
            if start is not None and end is not None and end > start:
                unknown_ms += end - start
        latest = end if end is not None else start
        if latest is not None and (longest is None or latest > longest):
            longest = latest
    return OutlineResult(
        request.transcript_id, layout, speakers, unknown_turns, unknown_ms, longest
    )


def outline_task(request: OutlineRequest) -> Task:
    """The runner's task for one request (read-only, on the "outline" lane)."""

    def op(library: Library) -> Generator[None, None, OutlineResult]:
        yield from ()
        return load_outline(library, request)

    return Task("outline", op, access="read", lane="outline")


class OutlineLoader(QObject):
    """Hands outline requests to the task runner and reports the answers still wanted.

    Attributes:
        generation: the newest request's number; answers for older ones are dropped.
        tasks: the runner; ``handle``: the newest request's task while it runs.
    """

    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.generation = 0
        self.handle: TaskHandle | None = None

    def cancel(self) -> int:
        """Make every pending request stale; returns the new generation."""
        self.generation += 1
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None
        return self.generation

    def request(self, transcript_id: int, has_times: bool) -> int:
        """Ask for ``transcript_id``'s outline; returns the request's generation. With an
        in-memory library the answer is emitted before this returns."""
        generation = self.cancel()
        req = OutlineRequest(generation, transcript_id, has_times)
        handle = self.tasks.submit(
            outline_task(req),
            supersede=True,
            on_done=lambda result: self._done(generation, result),
            on_failed=lambda message: self._failed(
                generation, f"Can't read the turn outline: {message}"
            ),
        )
        self.handle = None if handle.is_finished else handle
        return generation

    def _done(self, generation: int, result: OutlineResult) -> None:
        if generation == self.generation:
            self.handle = None
            self.loaded.emit(generation, result)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.handle = None
            self.failed.emit(generation, message)
