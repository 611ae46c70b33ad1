"""Opening a long transcript does only length-independent work before its first paint.

The stats of the speakers and the strip's outline read every utterance; they are read after the
first rows are painted, by the outline loader's worker thread (with its own connection), and an
answer for a transcript that is no longer shown is dropped.
"""

from __future__ import annotations

import itertools
import threading

import pytest

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import ParsedSpeaker, ParsedTranscript, ParsedUtterance, SourceMeta
from intercept_viewer.ui.transcript import outline_worker
from intercept_viewer.ui.transcript.transcript_view import TranscriptView
from intercept_viewer.ui.transcript.turn_strip import RESOLUTION, layout_turns, scale_runs

N = 100_000


@pytest.fixture(scope="module")
def long_library(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A file library: transcript 1 has N timed turns of A/B/C, transcript 2 has 3 turns."""
    path = tmp_path_factory.mktemp("long") / "long.sqlite"
    lib = Library(path)
    utts = [
        ParsedUtterance(f"turn {i}", speaker="ABC"[i % 3 if i % 7 else 2], start_ms=i * 1000)
        for i in range(N)
    ]
    lib.add(
        ParsedTranscript(
            meta=SourceMeta(title="Long call"),
            speakers=[ParsedSpeaker(x) for x in "ABC"],
            utterances=utts,
        )
    )
    lib.add(
        ParsedTranscript(
            meta=SourceMeta(title="Short call"),
            speakers=[ParsedSpeaker("X"), ParsedSpeaker("Y")],
            utterances=[
                ParsedUtterance("a", "X"),
                ParsedUtterance("b", "Y"),
                ParsedUtterance("c", "X"),
            ],
        )
    )
    lib.close()
    return path


def _count_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Record (what, on the main thread) for every stats and outline query."""
    calls: list[tuple[str, bool]] = []
    real_speakers, real_outline = Library.speakers, Library.turn_outline

    def speakers(self, tid, *, with_stats=True):  # type: ignore[no-untyped-def]
        if with_stats:
            calls.append(("stats", threading.current_thread() is threading.main_thread()))
        return real_speakers(self, tid, with_stats=with_stats)

    def turn_outline(self, tid):  # type: ignore[no-untyped-def]
        calls.append(("outline", threading.current_thread() is threading.main_thread()))
        return real_outline(self, tid)

    monkeypatch.setattr(Library, "speakers", speakers)
    monkeypatch.setattr(Library, "turn_outline", turn_outline)
    return calls


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_long_transcript_paints_before_stats_and_outline_are_read(
    qtbot, make_window, long_library, monkeypatch
):
    calls = _count_calls(monkeypatch)
    lib = Library(long_library)
    w = make_window(lib)
    w.show()
    qtbot.waitExposed(w)
    at_first_paint: list[list[tuple[str, bool]]] = []
    view = w.list_view
    view.painted.connect(
        lambda: (
            at_first_paint.append(list(calls))
            if view.model().rowCount() and not at_first_paint
            else None
        )
    )
    w.show_transcript(1)
    panel = w.speakers_panel.model
    assert [panel.index(r, 1).data() for r in range(3)] == ["…"] * 3  # stats not read yet
    qtbot.waitUntil(lambda: bool(at_first_paint))
    assert at_first_paint[0] == []  # neither the stats nor the outline before the first paint
    strip = w.transcript_view.strip
    qtbot.waitUntil(lambda: strip.turn_count() == N)
    assert ("outline", False) in calls and ("stats", False) in calls  # read by the worker
    assert ("outline", True) not in calls and ("stats", True) not in calls
    assert strip.by_time
    qtbot.waitUntil(lambda: panel.index(0, 1).data() != "…")
    counts = [panel.index(r, 1).data() for r in range(3)]
    assert sum(counts) == N and counts == [s.utterance_count for s in lib.speakers(1)]
    # the list's Alt+Up/Down got every row's speaker from the same outline
    assert len(view._speaker_ids) == N
    w.close()
    assert w.context.tasks.lane_library("outline") is None  # stopped and waited on close
    lib.close()


def test_stale_outline_is_dropped(qtbot, make_window, long_library, monkeypatch):
    """The long transcript's outline is still being read when the short one is opened: it
    never reaches the strip, the list or the speakers panel."""
    entered, release = threading.Event(), threading.Event()
    real_load = outline_worker.load_outline

    def slow_load(library, request):  # type: ignore[no-untyped-def]
        if request.transcript_id == 1:
            entered.set()
            release.wait(10)
        return real_load(library, request)

    monkeypatch.setattr(outline_worker, "load_outline", slow_load)
    lib = Library(long_library)
    w = make_window(lib)
    view = w.transcript_view
    stats: list[list[int]] = []
    view.speaker_stats_loaded.connect(lambda r: stats.append([s.transcript_id for s in r.speakers]))
    w.show_transcript(1)
    qtbot.waitUntil(entered.is_set)
    w.show_transcript(2)
    release.set()
    qtbot.waitUntil(lambda: view.strip.turn_count() == 3)
    assert w.context.tasks.lane_library("outline") is not None
    qtbot.wait(50)  # let anything still queued arrive
    assert view.strip.turn_count() == 3
    assert stats == [[2, 2]]
    assert len(w.list_view._speaker_ids) == 3

    # an answer already on its way when another transcript was opened is dropped too
    old = view.outline_loader.generation
    result = real_load(lib, outline_worker.OutlineRequest(old, 1, True))
    w.show_transcript(1)
    view.outline_loader._done(old, result)
    assert view.strip.turn_count() == 0 and stats == [[2, 2]]
    w.close()
    lib.close()


def test_memory_library_lays_the_outline_out_synchronously(qtbot, memory_library, parsed_factory):
    tid = memory_library.add(parsed_factory([("A", "1"), (None, "2"), ("B", "3")])).id
    view = TranscriptView(memory_library)
    qtbot.addWidget(view)
    stats: list[list[int]] = []
    view.speaker_stats_loaded.connect(
        lambda r: stats.append([s.utterance_count for s in r.speakers])
    )
    speakers = memory_library.speakers(tid, with_stats=False)
    view.set_transcript(memory_library.transcript(tid), speakers)
    view.load_outline()
    assert view.strip.turn_count() == 3
    assert view.outline_loader.tasks.lane_library("outline") is None  # no thread: unshareable
    assert stats == [[1, 1]]
    assert view.strip._names == ["A", "B", "?"]  # the turn without a speaker gets its lane


def test_speaker_stats_keep_the_selection(qtbot, make_window, library, parsed_factory):
    tid = library.add(parsed_factory([("A", "1"), ("B", "2"), ("A", "3")])).id
    w = make_window(library)
    w.show_transcript(tid)
    panel = w.speakers_panel
    panel.select_rows([1])
    qtbot.waitUntil(lambda: panel.model.index(0, 1).data() == 2)
    assert panel.model.index(1, 1).data() == 1
    assert [s.name for s in panel.selected()] == ["B"]


# ---------------------------------------------------------------- the layout itself


@pytest.mark.parametrize(
    ("outline", "has_times", "x0", "x1"),
    [
        # by position
        ([(1, 1, None, None), (2, 2, None, None)], False, [0.0, 0.5], [0.5, 1.0]),
        # times ignored when the transcript has none
        ([(1, 1, 0, 10), (2, 2, 10, 20)], False, [0.0, 0.5], [0.5, 1.0]),
        # by time
        ([(1, 1, 0, 10), (2, 2, 10, 20)], True, [0.0, 0.5], [0.5, 1.0]),
        # a missing start begins where the turns before ended; a missing end is the start
        ([(1, 1, 0, 10), (2, 2, None, 20), (3, 1, 30, None), (4, 2, 40, 40)], True,
         [0.0, 0.25, 0.75, 1.0], [0.25, 0.5, 0.75, 1.0]),
        # an end before the start is the start; starts never go back
        ([(1, 1, 0, 100), (2, 2, 50, 10), (3, 1, 20, 30)], True,
         [0.0, 0.5, 0.5], [1.0, 0.5, 0.3]),
        # one instant: no division by zero
        ([(1, 1, 5, 5), (2, 1, 5, 5)], True, [0.0, 0.0], [0.0, 0.0]),
    ],
)  # fmt: skip
def test_layout_positions(outline, has_times, x0, x1):  # type: ignore[no-untyped-def]
    layout = layout_turns(outline, [1, 2], has_times)
    assert list(layout.x0) == pytest.approx(x0)
    assert list(layout.x1) == pytest.approx(x1)
    assert list(layout.seqs) == [row[0] for row in outline]
    assert layout.speaker_ids == [row[1] for row in outline]


def test_layout_lanes_and_coverage():
    outline = [(1, 7, 0, 10), (2, None, 10, 20), (3, 99, 20, 30), (4, 7, 1000, 1001)]
    layout = layout_turns(outline, [7, 8], True)
    assert layout.lanes == [7, 8, None]  # unknown and missing speakers share the last lane
    assert list(layout.lane_idx) == [0, 2, 2, 0]
    assert layout.coverage[1] == []  # speaker 8 never speaks
    for lane_runs in layout.coverage:
        assert all(0 <= a < b <= RESOLUTION for a, b in lane_runs)
        assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(lane_runs))
    # every turn keeps at least one pixel in its lane, at any width
    for width in (1, 37, 600, 5000):
        runs = scale_runs(layout.coverage, width)
        for i in range(len(outline)):
            lane = layout.lane_idx[i]
            px = min(width - 1, int(layout.x0[i] * width))
            assert any(x - 1 <= px < x + w + 1 for x, w in runs[lane]), (width, i)
            assert all(x >= 0 and x + w <= width and w >= 1 for x, w in runs[lane])


def test_empty_outline():
    layout = layout_turns([], [1, 2], True)
    assert layout.lanes == [1, 2] and len(layout.seqs) == 0 and layout.coverage == [[], []]
    assert scale_runs(layout.coverage, 100) == [[], []]
