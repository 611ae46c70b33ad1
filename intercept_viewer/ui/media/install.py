"""The recording in the window: ``MediaController(context, window)``.

The controller owns the player (when QtMultimedia loads), the player bar above the turn
strip, the video dock, the waveform decode (a task on the window's task runner) and
tap-to-time, and keeps them on the transcript shown (``context.current_changed``) and in step
with the library (``context.changed``). Every write goes through ``context.write`` and
broadcasts a ``Change`` (kind "media" for attaching and re-linking, "utterances" for taps).
Hooks into the window stay few: the bar is inserted into the transcript view's layout, the
actions go into a Play menu and File, dropped recordings are taken by ``take_dropped``, and
``shutdown`` runs from the window's close.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu

from intercept_viewer.core import media as core_media
from intercept_viewer.core.errors import InterceptViewerError, NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.media import MEDIA_SUFFIXES, Media, is_media_file
from intercept_viewer.core.waveform import Peaks, iter_decode_peaks
from intercept_viewer.ui.context import Change, WindowContext
from intercept_viewer.ui.media.backend import unavailable_reason
from intercept_viewer.ui.media.player_bar import PlayerBar
from intercept_viewer.ui.media.tap_to_time import TapToTime
from intercept_viewer.ui.tasks import Task, TaskHandle
from intercept_viewer.ui.widgets.prompts import Prompts

if TYPE_CHECKING:
    from PySide6.QtMultimediaWidgets import QVideoWidget

    from intercept_viewer.ui.media.player import MediaPlayer

K_FOLLOW, K_REWIND, K_VOLUME = "media/follow", "media/rewind_on_resume", "media/volume"
NO_MEDIA = "No recording attached. File ▸ Attach media…, or drop a recording on the window."
TAP_KEY = "F8"


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _identity(media: Media | None) -> tuple[str, str] | None:
    """What makes a recording another one for the player (not its cached waveform)."""
    return (media.sha256, media.path) if media is not None else None


def media_change(transcript_id: int) -> Change:
    """Attaching or re-linking a recording: its row, and the transcript's (hash, media_path)."""
    return Change.of("media", "transcripts", transcripts=[transcript_id])


def waveform_op(path: Path):  # type: ignore[no-untyped-def]
    """The task that decodes a waveform: it reads only the media file, never the library."""

    def op(_library: Library):  # type: ignore[no-untyped-def]
        return (yield from iter_decode_peaks(path))

    return op


class MediaController(QObject):
    """Attributes:
    context: the WindowContext. window: the main window (its menus, docks, transcript view).
    bar: the PlayerBar. player: the MediaPlayer (None when QtMultimedia can't load, or before
    the first recording; ``unavailable`` says why). video, video_dock: the QVideoWidget and
    its dock. media: the shown transcript's recording. waveform_task: the running decode, if
    any. tap: the TapToTime mode.
    """

    def __init__(self, context: WindowContext, window) -> None:  # type: ignore[no-untyped-def]
        super().__init__(window)
        self.context = context
        self.window = window
        self.media: Media | None = None
        self.transcript_id: int | None = None
        self.waveform_task: TaskHandle | None = None
        self._followed: int | None = None  # the turn Follow last brought into view
        self.bar = PlayerBar(window.transcript_view)
        view_layout = window.transcript_view.layout()
        view_layout.insertWidget(view_layout.indexOf(window.transcript_view.strip), self.bar)
        self.strip = window.transcript_view.strip
        self.tap = TapToTime(context, self._times_written)
        #: why playback is off (None: it works, or nothing was played yet)
        self.unavailable: str | None = None
        self.player: MediaPlayer | None = None  # made on first use (QtMultimedia is slow to load)
        self.video: QVideoWidget | None = None
        self.video_dock: QDockWidget | None = None
        settings = context.settings
        self.bar.follow_check.setChecked(_flag(settings.value(K_FOLLOW), True))
        self.bar.rewind_check.setChecked(_flag(settings.value(K_REWIND), False))
        self._make_actions()
        self.bar.play_clicked.connect(self.toggle)
        self.bar.skip_clicked.connect(self.skip)
        self.bar.seek_requested.connect(self.seek)
        self.bar.rate_chosen.connect(self.set_rate)
        self.bar.volume_chosen.connect(self._volume)
        self.bar.locate_clicked.connect(lambda: self.locate())
        self.bar.attach_clicked.connect(lambda: self.attach_dialog())
        self.bar.follow_check.toggled.connect(lambda on: settings.setValue(K_FOLLOW, on))
        self.bar.rewind_check.toggled.connect(self._rewind_toggled)
        self.bar.tap_button.toggled.connect(self.set_tap_mode)
        self.strip.seq_clicked.connect(self._turn_clicked)
        self.strip.time_clicked.connect(self.seek)
        window.list_view.clicked.connect(self._row_clicked)
        context.current_changed.connect(self._transcript_changed)
        context.changed.connect(self._library_changed)
        self.show_transcript(context.current_transcript_id)

    # ---------------------------------------------------------------- building

    def _ensure_player(self) -> bool:
        """Load QtMultimedia and make the player on first need (a window without recordings
        never loads it); False, with ``unavailable`` saying why, where it can't load."""
        if self.player is not None:
            return True
        self.unavailable = unavailable_reason()
        if self.unavailable is not None:
            return False
        self._make_player()
        return True

    def _make_player(self) -> None:
        from PySide6.QtMultimediaWidgets import QVideoWidget

        from intercept_viewer.ui.media.player import MediaPlayer

        self.player = MediaPlayer(self)
        self.video = QVideoWidget()
        self.video.setMinimumSize(160, 90)
        self.video_dock = self.window.add_dock(
            self.video, "Video", Qt.DockWidgetArea.RightDockWidgetArea, "video"
        )
        self.video_dock.hide()
        self.player.set_video_output(self.video)
        self.player.rewind_on_resume = self.bar.rewind_check.isChecked()
        volume = self.context.settings.value(K_VOLUME)
        try:
            self.player.set_volume(float(volume) if volume is not None else 1.0)
        except (TypeError, ValueError):
            self.player.set_volume(1.0)
        self.bar.volume_slider.blockSignals(True)
        self.bar.volume_slider.setValue(int(self.player.volume() * 100))
        self.bar.volume_slider.blockSignals(False)
        self.player.position_changed.connect(self._position)
        self.player.duration_changed.connect(lambda _ms: self._position(self.player.position()))
        self.player.playing_changed.connect(self._playing_changed)
        self.player.video_available.connect(self._video_available)
        self.player.failed.connect(lambda message: self.bar.set_message(message))

    def _make_actions(self) -> None:
        w = self.window

        def action(text: str, slot, shortcut: str | None = None) -> QAction:  # type: ignore[no-untyped-def]
            a = QAction(text, w)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        self.attach_action = action("Attach &media…", lambda: self.attach_dialog())
        self.locate_action = action("&Locate moved media…", lambda: self.locate())
        self.play_action = action("&Play / pause", self.toggle, "Ctrl+Space")
        self.back_action = action("&Back 5 s", lambda: self.skip(-5000), "Ctrl+Left")
        self.forward_action = action("&Forward 5 s", lambda: self.skip(5000), "Ctrl+Right")
        self.faster_action = action("F&aster", lambda: self.step_rate(1), "Ctrl+Up")
        self.slower_action = action("&Slower", lambda: self.step_rate(-1), "Ctrl+Down")
        self.follow_action = QAction("F&ollow the turn being heard", w)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(self.bar.follow_check.isChecked())
        self.follow_action.toggled.connect(self.bar.follow_check.setChecked)
        self.bar.follow_check.toggled.connect(self.follow_action.setChecked)
        self.rewind_action = QAction("&Rewind 2 s on resume", w)
        self.rewind_action.setCheckable(True)
        self.rewind_action.setChecked(self.bar.rewind_check.isChecked())
        self.rewind_action.toggled.connect(self.bar.rewind_check.setChecked)
        self.bar.rewind_check.toggled.connect(self.rewind_action.setChecked)
        self.tap_mode_action = QAction("&Tap to time", w)
        self.tap_mode_action.setCheckable(True)
        self.tap_mode_action.toggled.connect(self.bar.tap_button.setChecked)
        self.bar.tap_button.toggled.connect(self.tap_mode_action.setChecked)
        self.tap_action = action("Tap: this &turn starts now", self.tap_now, TAP_KEY)
        self.zoom_reset_action = action("Whole &call in the strip", self.strip.reset_zoom)
        menu = QMenu("&Play", w)
        for a in (self.play_action, self.back_action, self.forward_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.faster_action)
        menu.addAction(self.slower_action)
        menu.addSeparator()
        menu.addAction(self.follow_action)
        menu.addAction(self.rewind_action)
        menu.addAction(self.zoom_reset_action)
        menu.addSeparator()
        menu.addAction(self.tap_mode_action)
        menu.addAction(self.tap_action)
        menu.addSeparator()
        menu.addAction(self.attach_action)
        menu.addAction(self.locate_action)
        w.menuBar().insertMenu(w.view_menu.menuAction(), menu)
        self.menu = menu
        # after the imports (Open, Import folder, Import Telegram export), before Open recent
        w.file_menu.insertAction(w.recent_menu.menuAction(), self.attach_action)

    # ---------------------------------------------------------------- the shown transcript

    def _transcript_changed(self, transcript_id: int) -> None:
        self.show_transcript(transcript_id if transcript_id >= 0 else None)

    @property
    def library(self) -> Library:
        return self.context.library  # replaced after a restore

    def _library_changed(self, change: Change) -> None:
        """Another part of the window changed the shown transcript's recording (or, through
        the source panel's "Media file" field, named a new one: it is attached)."""
        tid = self.transcript_id
        if tid is None or not change.touches_transcript(tid):
            return
        if change.everything:
            self.show_transcript(tid)
            return
        if not change.touches("transcripts", "media"):
            return
        try:
            t = self.library.transcript(tid)
        except NotFound:
            return
        current = self.library.media(tid)
        if _identity(current) != _identity(self.media):  # attached, replaced or moved
            self.show_transcript(tid)
            return
        stored = current.path if current is not None else None
        if t.media_path and t.media_path != stored:
            path = core_media.resolve_stored(self.library, t.media_path)
            if path.is_file():
                self.attach(tid, path)

    def show_transcript(self, transcript_id: int | None) -> None:
        """Load ``transcript_id``'s recording (or say there is none / it is missing)."""
        self.transcript_id = transcript_id
        self.tap.stop()
        self.bar.tap_button.setChecked(False)
        self.strip.set_current_seq(None)
        lib = self.library
        media = None
        if transcript_id is not None:
            try:
                media = lib.media(transcript_id) or core_media.attach_from_column(
                    lib, transcript_id
                )
            except InterceptViewerError:
                media = None
        self.media = media
        if media is not None:
            self._ensure_player()
        # Most releases are text only: without a recording the bar stays out of the way
        # (File ▸ Attach media… and dropping a file still work).
        self.bar.setVisible(media is not None)
        self.bar.tap_button.setEnabled(media is not None and self.player is not None)
        if media is None:
            self._load(None)
            self.strip.set_recording(None)
            self.bar.set_message(NO_MEDIA, attach=transcript_id is not None)
            return
        self.strip.set_recording(media.duration_ms)
        cached = lib.media_peaks(media.transcript_id)
        if cached is not None:
            self.strip.set_peaks(cached.data, cached.rate)
        if not media.exists:
            self._load(None)
            self.bar.set_message(f"Media not found: {media.resolved} — Locate…", locate=True)
            return
        self._load(media.resolved)
        self.bar.set_message(self.unavailable or "")
        if cached is None:
            self._decode(media)

    def _load(self, path: Path | None) -> None:
        if self.player is not None:
            self.player.load(path)
            if self.video_dock is not None and path is None:
                self.video_dock.hide()
        self.bar.set_controls_enabled(self.player is not None and path is not None)
        self.bar.set_playing(False)
        duration = self.media.duration_ms if self.media is not None else 0
        self.bar.set_position(0, duration or 0)
        self.strip.set_playhead(0 if path is not None else None)

    # ---------------------------------------------------------------- waveform

    def _decode(self, media: Media) -> None:
        """Decode the waveform on the task runner (its own lane: a long recording never
        holds up search, outlines or writes); the result is stored and drawn here."""
        self._stop_decode()
        task = Task("waveform", waveform_op(media.resolved), access="read", lane="waveform")

        def done(peaks: Peaks) -> None:
            self._decoded(media, peaks)

        def failed(message: str) -> None:
            self._decode_failed(media, message)

        self.waveform_task = self.context.tasks.submit(
            task, supersede=True, on_done=done, on_failed=failed
        )
        if self.waveform_task.is_finished:  # an in-memory library runs it at once
            self.waveform_task = None

    def _stop_decode(self) -> None:
        task, self.waveform_task = self.waveform_task, None
        if task is not None:
            task.cancel()

    def _decoded(self, media: Media, peaks: Peaks) -> None:
        self.waveform_task = None
        lib = self.library
        if not lib.read_only:
            # Only a cache: if it can't be stored (the library busy, or closed while the
            # window goes), it is shown anyway and decoded again next time.
            with contextlib.suppress(Exception):
                lib.set_media_peaks(media.transcript_id, media.sha256, peaks)
        if self.media is not None and self.media.sha256 == media.sha256:
            if peaks.duration_ms and not self.media.duration_ms:
                self.strip.set_recording(peaks.duration_ms)
            self.strip.set_peaks(peaks.data, peaks.rate)

    def _decode_failed(self, media: Media, message: str) -> None:
        self.waveform_task = None
        if self.media is not None and media.sha256 == self.media.sha256:
            self.bar.set_message(f"The waveform can't be read: {message}")

    # ---------------------------------------------------------------- ways in

    def attach_dialog(self, path: str | Path | None = None) -> Media | None:
        """File ▸ Attach media…: pick a recording for the shown transcript."""
        tid = self.transcript_id
        if tid is None:
            return None
        if path is None:
            patterns = " ".join(f"*{s}" for s in MEDIA_SUFFIXES)
            chosen, _ = QFileDialog.getOpenFileName(
                self.window, "Attach a recording", "", f"Recordings ({patterns});;All files (*)"
            )
            if not chosen:
                return None
            path = chosen
        return self.attach(tid, Path(path))

    def attach(self, transcript_id: int, path: Path) -> Media | None:
        """Attach ``path``; the change reaches the source panel (the hash) and this player."""
        media = self.context.write(
            lambda lib: lib.attach_media(transcript_id, path), media_change(transcript_id)
        )
        if media is not None:
            self.context.show_status(f"Attached {path.name}", 6000)
        return media

    def take_dropped(self, paths: Sequence[str]) -> list[str]:
        """Attach a dropped recording to the open transcript; returns the other paths."""
        recordings = [p for p in paths if is_media_file(p) and Path(p).is_file()]
        if recordings and self.transcript_id is not None:
            self.attach(self.transcript_id, Path(recordings[0]))
        return [p for p in paths if p not in recordings]

    def locate(self, folder: str | Path | None = None) -> list[Media]:
        """Choose a folder: moved recordings are found there by their SHA-256."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, "Where are the recordings?")
            if not folder:
                return []
        found = self.context.write(
            lambda lib: lib.relink_media(folder),
            lambda relinked: Change.of(
                "media", "transcripts", transcripts=[m.transcript_id for m in relinked] or [-1]
            ),
        )
        if found is None:
            return []
        here = self.transcript_id is not None and any(
            m.transcript_id == self.transcript_id for m in found
        )
        if not here and self.media is not None and not self.media.exists:
            self.bar.set_message(
                f"No file in {folder} has this recording's SHA-256 ({self.media.sha256[:12]}…)"
                " — Locate…",
                locate=True,
            )
        self.context.show_status(f"Re-linked {len(found)} recording(s)", 6000)
        return found

    # ---------------------------------------------------------------- playing

    def _playable(self) -> bool:
        return self.player is not None and self.player.path is not None

    def toggle(self) -> None:
        if self.player is not None and self._playable():
            self.player.toggle()

    def skip(self, delta_ms: int) -> None:
        if self.player is not None and self._playable():
            self.player.skip(delta_ms)

    def seek(self, ms: int) -> None:
        if self.player is not None and self._playable():
            self.player.seek(ms)
            self._position(ms)

    def set_rate(self, rate: float) -> None:
        if self.player is not None:
            self.player.set_rate(rate)
            self.bar.set_rate(self.player.rate())

    def step_rate(self, steps: int) -> None:
        if self.player is not None:
            self.bar.set_rate(self.player.step_rate(steps))
            self.context.show_status(f"Speed {self.player.rate():g}×", 2000)

    def _volume(self, volume: float) -> None:
        if self.player is not None:
            self.player.set_volume(volume)
            self.context.settings.setValue(K_VOLUME, volume)

    def _rewind_toggled(self, on: bool) -> None:
        self.context.settings.setValue(K_REWIND, on)
        if self.player is not None:
            self.player.rewind_on_resume = on

    def _playing_changed(self, playing: bool) -> None:
        self.bar.set_playing(playing)

    def _video_available(self, has_video: bool) -> None:
        if self.video_dock is not None:
            self.video_dock.setVisible(has_video)

    def _position(self, ms: int) -> None:
        duration = (self.player.duration() if self.player is not None else 0) or (
            self.media.duration_ms if self.media is not None else 0
        )
        self.bar.set_position(ms, duration or 0)
        self.strip.set_playhead(ms)
        self._follow(ms)

    def _follow(self, ms: int) -> None:
        """Outline the turn being heard; with Follow on, select it and keep it in view."""
        seq = self.strip.seq_at_ms(ms)
        if seq is None:
            return
        self.strip.set_current_seq(seq)
        playing = self.player is not None and self.player.is_playing()
        follow = playing and self.bar.follow_check.isChecked() and not self.tap.active
        if follow and seq != self._followed:
            self._followed = seq
            self.window.transcript_view.go_to_seq(seq)
        elif not playing:
            self._followed = None  # after a pause or a seek, playing follows again

    def _turn_clicked(self, seq: int) -> None:
        self._seek_to_turn(seq)

    def _row_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self._seek_to_turn(index.row() + 1)

    def _seek_to_turn(self, seq: int) -> None:
        """Clicking a timed turn seeks there; in tap mode the next tap times that turn."""
        if self.tap.active:
            self.tap.next_seq = seq
            self._tap_prompt()
            return
        tid = self.transcript_id
        if tid is None or not self._playable():
            return
        try:
            u = self.library.utterance(tid, seq)
        except NotFound:
            return
        if u.start_ms is not None:
            self.seek(u.start_ms)
            self.strip.set_current_seq(seq)

    # ---------------------------------------------------------------- tap to time

    def set_tap_mode(self, on: bool) -> None:
        if on and (self.transcript_id is None or not self._playable()):
            self.bar.tap_button.setChecked(False)
            return
        if on:
            rows = self.window.list_view.selected_rows()
            self.tap.start(rows[0] + 1 if rows else 1)
            self._tap_prompt()
        else:
            self.tap.stop()
            self.bar.set_message(self.unavailable or "")

    def _tap_prompt(self) -> None:
        tid, seq = self.transcript_id, self.tap.next_seq
        if tid is None:
            return
        try:
            u = self.library.utterance(tid, seq)
        except NotFound:
            self.bar.set_message("Tap to time: every turn is timed. Switch the mode off.")
            return
        words = " ".join(u.text.split())
        words = words[:80] + "…" if len(words) > 80 else words
        self.bar.set_message(f"Tap to time: press {TAP_KEY} when turn {seq} starts — {words}")

    def tap_now(self) -> int | None:
        """F8: the turn ``tap.next_seq`` starts at the player's position."""
        tid = self.transcript_id
        if not self.tap.active or tid is None or self.player is None:
            return None
        try:
            seq = self.tap.tap(tid, self.player.position())
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.window, str(exc))
            return None
        if seq is not None:
            self.window.transcript_view.go_to_seq(seq)
        self._tap_prompt()
        return seq

    def _times_written(self, transcript_id: int) -> None:
        """After a tap (or its undo): the list, the strip and the library row show the times."""
        self.context.notify(Change.of("utterances", "transcripts", transcripts=[transcript_id]))
        if transcript_id == self.context.current_transcript_id:
            self.window.transcript_view.reload_turns()
        if self.tap.active:
            self._tap_prompt()

    # ---------------------------------------------------------------- closing

    def shutdown(self) -> None:
        self._stop_decode()
        if self.player is not None:
            self.player.load(None)
