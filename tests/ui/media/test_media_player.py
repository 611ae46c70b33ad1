"""The recording beside the transcript, offscreen: playback, seeking, follow, waveform, zoom,
tap to time, a missing file, video, and a machine where QtMultimedia can't play.

Every recording is written by the test (``tests.media.recordings``).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QWheelEvent

from intercept_viewer.core.exporters.subtitles import write_srt
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import (
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)
from intercept_viewer.ui.main_window import MainWindow, citation
from tests.media.recordings import write_video, write_wav

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 8000


def _call(times: bool) -> ParsedTranscript:
    """Three turns a second apart (0–0.9 s, 1–1.9 s, 2–2.9 s) when timed."""
    texts = [("Soldier", "Hello, mum."), ("Mother", "Are you safe?"), ("Soldier", "We are.")]
    return ParsedTranscript(
        meta=SourceMeta(title="Call with a recording"),
        speakers=[ParsedSpeaker("Soldier"), ParsedSpeaker("Mother")],
        utterances=[
            ParsedUtterance(
                text,
                who,
                start_ms=i * 1000 if times else None,
                end_ms=i * 1000 + 900 if times else None,
            )
            for i, (who, text) in enumerate(texts)
        ],
    )


def _window(qtbot, library: Library, settings, tid: int) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(library, settings)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.show_transcript(tid)
    view = w.transcript_view
    qtbot.waitUntil(lambda: view.strip.turn_count() == 3, timeout=WAIT)
    # the library fixture closes before the window does: no decode may be left running
    qtbot.waitUntil(lambda: w.media.waveform_task is None, timeout=WAIT)
    return w


@pytest.fixture
def timed(library: Library, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A timed call with 3 s of sound beside the library: silence, full, half."""
    tid = library.add(_call(times=True)).id
    library.attach_media(tid, write_wav(tmp_path / "call.wav", [0.0, 1.0, 0.5]))
    return tid


def _position(w: MainWindow) -> int:
    return w.media.player.position()


# ---------------------------------------------------------------- playing


def test_playback_advances_and_the_strip_shows_the_playhead(qtbot, library, settings, timed):
    w = _window(qtbot, library, settings, timed)
    media = w.media
    assert media.bar.isVisible() and media.bar.play_button.isEnabled()
    assert media.strip.clock.has_recording
    media.toggle()
    qtbot.waitUntil(lambda: _position(w) > 400, timeout=WAIT)
    assert media.player.is_playing() and media.bar.playing
    assert media.strip.clock.playhead_ms is not None and media.strip.clock.playhead_ms > 0
    assert media.bar.time_label.text().endswith("/ 0:03")
    media.toggle()
    qtbot.waitUntil(lambda: not media.player.is_playing(), timeout=WAIT)


def test_keys_skip_and_change_speed(qtbot, library, settings, timed):
    w = _window(qtbot, library, settings, timed)
    media = w.media
    qtbot.waitUntil(lambda: media.player.duration() == 3000, timeout=WAIT)
    assert media.forward_action.shortcut().toString() == "Ctrl+Right"
    assert media.play_action.shortcut().toString() == "Ctrl+Space"
    media.forward_action.trigger()
    qtbot.waitUntil(lambda: _position(w) == 3000, timeout=WAIT)  # 5 s on, held at the end
    media.back_action.trigger()
    qtbot.waitUntil(lambda: _position(w) == 0, timeout=WAIT)
    media.faster_action.trigger()
    assert media.player.rate() == 1.25 and media.bar.rate_combo.currentText() == "1.25×"
    for _ in range(10):
        media.slower_action.trigger()
    assert media.player.rate() == 0.5  # the slowest step


def test_rewind_on_resume(qtbot, library, settings, timed):
    w = _window(qtbot, library, settings, timed)
    media = w.media
    media.rewind_action.setChecked(True)
    assert media.player.rewind_on_resume and settings.value("media/rewind_on_resume") in (
        True,
        "true",
    )
    media.seek(2500)
    media.toggle()
    qtbot.waitUntil(lambda: media.player.is_playing(), timeout=WAIT)
    media.toggle()
    qtbot.waitUntil(lambda: not media.player.is_playing(), timeout=WAIT)
    paused = _position(w)
    media.toggle()  # resumes two seconds earlier
    qtbot.waitUntil(lambda: _position(w) < paused - 1000, timeout=WAIT)


def test_clicking_a_timed_turn_seeks_there(qtbot, library, settings, timed):
    w = _window(qtbot, library, settings, timed)
    media, strip = w.media, w.media.strip
    qtbot.waitUntil(lambda: media.player.duration() == 3000, timeout=WAIT)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=strip.point_for_seq(3))
    qtbot.waitUntil(lambda: _position(w) == 2000, timeout=WAIT)
    assert strip.current_seq() == 3
    view = w.list_view
    rect = view.visualRect(view.model().index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: _position(w) == 1000, timeout=WAIT)
    # the waveform lane seeks to the time under the pointer
    wave = strip.wave_rect()
    qtbot.mouseClick(
        strip, Qt.MouseButton.LeftButton, pos=QPoint(wave.right() - 2, wave.center().y())
    )
    qtbot.waitUntil(lambda: _position(w) > 2800, timeout=WAIT)


def test_follow_highlights_and_shows_the_turn_being_heard(qtbot, library, settings, timed):
    w = _window(qtbot, library, settings, timed)
    media = w.media
    assert media.bar.follow_check.isChecked()  # on by default
    qtbot.waitUntil(lambda: media.player.duration() == 3000, timeout=WAIT)
    media.seek(1500)
    media.toggle()
    qtbot.waitUntil(lambda: media.strip.current_seq() == 3, timeout=WAIT)
    assert w.list_view.selected_rows() == [2]
    media.toggle()
    # with Follow off the strip still outlines the turn, but the list is left alone
    media.follow_action.setChecked(False)
    w.list_view.go_to_row(0)
    media.seek(900)
    media.toggle()
    qtbot.waitUntil(lambda: media.strip.current_seq() == 2, timeout=WAIT)
    assert w.list_view.selected_rows() == [0]
    media.toggle()


# ---------------------------------------------------------------- waveform and zoom


def test_the_waveform_is_decoded_in_the_background_cached_and_drawn(
    qtbot, library, settings, timed
):
    w = _window(qtbot, library, settings, timed)
    clock = w.media.strip.clock
    qtbot.waitUntil(lambda: clock.peaks is not None, timeout=WAIT)
    cached = library.media_peaks(timed)
    assert cached is not None and cached.data == clock.peaks and len(cached.data) == 150
    # the lane's columns follow the loudness written: silence, full, half
    columns = clock.wave_columns(w.media.strip._plot_rect())
    third = len(columns) // 3
    assert max(columns[5 : third - 5]) == 0
    assert min(columns[third + 5 : 2 * third - 5]) >= 250
    assert all(120 <= v <= 135 for v in columns[2 * third + 5 : -5])
    w.close()
    again = _window(qtbot, library, settings, timed)
    assert again.media.waveform_task is None  # read from the library, not decoded again
    assert again.media.strip.clock.peaks == cached.data


def _wheel(strip, x: int, steps: int, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:  # type: ignore[no-untyped-def]
    pos = QPointF(x, strip.height() / 2)
    event = QWheelEvent(
        pos,
        strip.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    strip.wheelEvent(event)


def test_ctrl_wheel_zooms_the_strip_with_lanes_waveform_and_marks_in_step(
    qtbot, library, settings, timed
):
    from PySide6.QtGui import QColor

    w = _window(qtbot, library, settings, timed)
    media, strip = w.media, w.media.strip
    qtbot.waitUntil(lambda: strip.clock.peaks is not None, timeout=WAIT)
    assert strip.view_ms() == (0, 3000)  # the whole call
    strip.set_marks("search", [(2, QColor("red"))])
    plot = strip._plot_rect()
    _wheel(strip, plot.left() + plot.width() // 2, 3)
    a, b = strip.view_ms()
    assert 0 < a < 1500 < b < 3000 and b - a < 3000
    for _ in range(20):
        _wheel(strip, plot.left() + plot.width() // 2, 3)
    a, b = strip.view_ms()
    assert 1990 <= b - a <= 2010  # down to a couple of seconds (MIN_VIEW_MS), not below
    # turns, marks and waveform move together: the turn under a point is still that turn
    strip.clock.set_view(0.9 / 2.9, 2.0 / 2.9)  # ~0.9 s .. 2.0 s: turn 2 fills most
    strip.update()
    qtbot.waitUntil(lambda: media.player.duration() == 3000, timeout=WAIT)
    point = strip.point_for_seq(2)
    assert plot.left() < point.x() < plot.right()
    assert strip.seq_at(point) == 2
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: _position(w) == 1000, timeout=WAIT)
    # the waveform lane shows the same stretch: columns left of 1 s are the silent second
    columns = strip.clock.wave_columns(plot)
    x_one_second = strip.clock.x_of(strip.clock.ms_to_frac(1000), plot) - plot.left()
    # (a peak is 20 ms wide, and resampling rings a little ahead of the tone's onset)
    assert max(columns[: max(0, x_one_second - 12)]) <= 2
    assert min(columns[x_one_second + 12 : x_one_second + 40]) >= 250
    # the wheel without Ctrl pans a zoomed strip
    before = strip.view_ms()
    _wheel(strip, plot.center().x(), -1, Qt.KeyboardModifier.NoModifier)
    assert strip.view_ms()[0] > before[0]
    media.zoom_reset_action.trigger()
    assert strip.view_ms() == (0, 3000)


# ---------------------------------------------------------------- tap to time


def test_tap_to_time_writes_times_and_undo_takes_them_back(qtbot, library, settings, tmp_path):
    tid = library.add(_call(times=False)).id
    library.attach_media(tid, write_wav(tmp_path / "call.wav", [0.5, 0.5, 0.5]))
    w = _window(qtbot, library, settings, tid)
    media = w.media
    assert not library.transcript(tid).has_times
    qtbot.waitUntil(lambda: media.player.duration() == 3000, timeout=WAIT)
    media.bar.tap_button.click()
    assert media.tap.active and "turn 1" in media.bar.message.text()
    for target in (0, 1100, 2300):
        media.seek(target)
        qtbot.waitUntil(lambda t=target: _position(w) == t, timeout=WAIT)
        media.tap_action.trigger()
    times = [(u.start_ms, u.end_ms) for u in library.utterances(tid)]
    assert times == [(0, 1100), (1100, 2300), (2300, None)]
    assert library.transcript(tid).has_times
    assert w.current_transcript().has_times
    timed_in_history = [h for h in library.history(tid) if h.kind == "time"]
    assert {h.seq for h in timed_in_history} == {1, 2, 3}
    assert {h.reason for h in timed_in_history} == {"tap to time"}
    assert w.undo_stack.undoText() == "Tap to time: turn 3"
    qtbot.waitUntil(lambda: w.transcript_view.strip.by_time, timeout=WAIT)
    # the list shows the times now
    w.undo_stack.undo()
    times = [(u.start_ms, u.end_ms) for u in library.utterances(tid)]
    assert times == [(0, 1100), (1100, None), (None, None)]
    assert media.tap.next_seq == 3
    w.undo_stack.redo()
    assert library.utterance(tid, 3).start_ms == 2300
    # the taps are real times: an SRT export estimates only the last turn's end
    srt = io.StringIO()
    assert write_srt(library, tid, srt) == (3, 1)
    assert "00:00:01,100 --> 00:00:02,300" in srt.getvalue()
    # once timed, it gets what timed transcripts have: clicking a turn seeks
    media.bar.tap_button.click()
    assert not media.tap.active
    strip = media.strip
    qtbot.waitUntil(lambda: strip.start_ms_of(2) == 1100, timeout=WAIT)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=strip.point_for_seq(2))
    qtbot.waitUntil(lambda: _position(w) == 1100, timeout=WAIT)


# ---------------------------------------------------------------- ways in, and what goes wrong


def test_a_moved_recording_says_so_and_locate_finds_it_by_hash(
    qtbot, library, settings, timed, tmp_path
):
    moved = tmp_path / "elsewhere" / "renamed.wav"
    moved.parent.mkdir()
    shutil.move(tmp_path / "call.wav", moved)
    w = _window(qtbot, library, settings, timed)
    media = w.media
    assert "Media not found" in media.bar.message.text() and "Locate…" in media.bar.message.text()
    assert media.bar.locate_button.isVisibleTo(media.bar)
    assert not media.bar.play_button.isEnabled()
    media.toggle()  # nothing to play: nothing happens
    media.tap_now()
    assert media.locate(tmp_path / "elsewhere")
    assert not media.bar.locate_button.isVisibleTo(media.bar)
    assert media.bar.play_button.isEnabled() and media.player.path == moved
    assert library.media(timed).path == "elsewhere/renamed.wav"


def test_drop_and_file_menu_attach_and_the_hash_reaches_panel_and_citation(
    qtbot, library, settings, tmp_path
):
    tid = library.add(_call(times=True)).id
    w = _window(qtbot, library, settings, tid)
    assert not w.media.bar.isVisible()  # a text-only release: no player in the way
    assert w.media.attach_action in w.file_menu.actions()
    wav = write_wav(tmp_path / "dropped.wav", [0.3])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(wav))])
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(drop)
    m = library.media(tid)
    assert m is not None and m.path == "dropped.wav"
    assert library.transcript_count() == 1  # attached, not imported
    assert w.media.bar.isVisible()
    assert w.source_panel.info["media_sha256"].text().endswith(m.sha256)
    other = write_wav(tmp_path / "menu.wav", [0.3, 0.3])
    assert w.media.attach_dialog(other).duration_ms == 2000
    sha = library.media(tid).sha256
    assert w.source_panel.info["media_sha256"].text().endswith(sha)
    assert sha in citation(w.current_transcript())
    qtbot.waitUntil(lambda: w.media.waveform_task is None, timeout=WAIT)


@pytest.mark.parametrize("ending", [".mp4", ".mkv"])
def test_a_video_plays_in_its_dock(qtbot, library, settings, tmp_path, ending):
    tid = library.add(_call(times=True)).id
    library.attach_media(tid, write_video(tmp_path / f"call{ending}", 2.0))
    w = _window(qtbot, library, settings, tid)
    media = w.media
    qtbot.waitUntil(lambda: media.video_dock.isVisible(), timeout=WAIT)
    media.toggle()
    qtbot.waitUntil(lambda: _position(w) > 300, timeout=WAIT)
    qtbot.waitUntil(lambda: media.strip.clock.peaks is not None, timeout=WAIT)
    media.toggle()


def test_without_qtmultimedia_the_window_runs_and_says_why(
    qtbot, library, settings, timed, monkeypatch
):
    monkeypatch.setenv("INTERCEPT_VIEWER_NO_MULTIMEDIA", "1")
    w = _window(qtbot, library, settings, timed)
    media = w.media
    assert media.player is None
    assert "Playback is turned off" in media.bar.message.text()
    assert not media.bar.play_button.isEnabled() and not media.bar.tap_button.isEnabled()
    media.toggle()
    media.play_action.trigger()
    media.set_tap_mode(True)
    assert not media.tap.active
    # the waveform does not need QtMultimedia
    qtbot.waitUntil(lambda: media.strip.clock.peaks is not None, timeout=WAIT)


@pytest.mark.qt_log_ignore("Could not open media", "propagateSizeHints")
def test_a_recording_that_cant_be_played_is_reported(qtbot, library, settings, timed, tmp_path):
    (tmp_path / "call.wav").write_bytes(b"RIFF" + b"\0" * 64)  # replaced by garbage
    w = _window(qtbot, library, settings, timed)
    qtbot.waitUntil(lambda: "can't" in w.media.bar.message.text().lower(), timeout=WAIT)
