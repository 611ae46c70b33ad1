"""The player: QMediaPlayer with a QAudioOutput, behind the few verbs the window needs.

Only created when QtMultimedia loads (``ui.media.backend``). Speed changes keep the pitch
(``setPitchCompensation``, Qt 6.10+), so a voice at 1.5× is still the same voice.

Signals:
    position_changed(ms), duration_changed(ms)
    playing_changed(playing)
    video_available(has_video)
    failed(message): the recording can't be played (a message for the user).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

#: The speeds Ctrl+Up / Ctrl+Down step through.
RATES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
SKIP_MS = 5000
REWIND_ON_RESUME_MS = 2000


class MediaPlayer(QObject):
    """Attributes:
    player, audio: the QMediaPlayer and its QAudioOutput.
    rewind_on_resume: resuming after a pause starts 2 s earlier (to hear the context again).
    """

    position_changed = Signal(int)
    duration_changed = Signal(int)
    playing_changed = Signal(bool)
    video_available = Signal(bool)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        if hasattr(self.player, "setPitchCompensation"):
            self.player.setPitchCompensation(True)
        self.rewind_on_resume = False
        self.path: Path | None = None
        self.player.positionChanged.connect(lambda ms: self.position_changed.emit(int(ms)))
        self.player.durationChanged.connect(lambda ms: self.duration_changed.emit(int(ms)))
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.hasVideoChanged.connect(self.video_available)
        self.player.errorOccurred.connect(self._error)

    # ---------------------------------------------------------------- source

    def load(self, path: Path | None) -> None:
        """Play ``path`` from now on (None: nothing). Starts paused at 0."""
        self.player.stop()
        self.path = path
        self.player.setSource(QUrl.fromLocalFile(str(path)) if path is not None else QUrl())

    def set_video_output(self, widget: QObject | None) -> None:
        self.player.setVideoOutput(widget)  # type: ignore[arg-type]  # None detaches it

    # ---------------------------------------------------------------- verbs

    def is_playing(self) -> bool:
        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def play(self) -> None:
        if self.path is None:
            return
        if (
            self.rewind_on_resume
            and self.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
        ):
            self.seek(self.position() - REWIND_ON_RESUME_MS)
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def position(self) -> int:
        return int(self.player.position())

    def duration(self) -> int:
        return int(self.player.duration())

    def seek(self, ms: int) -> None:
        duration = self.duration()
        ms = max(0, ms)
        if duration > 0:
            ms = min(ms, duration)
        self.player.setPosition(ms)

    def skip(self, delta_ms: int) -> None:
        self.seek(self.position() + delta_ms)

    def rate(self) -> float:
        return float(self.player.playbackRate())

    def set_rate(self, rate: float) -> None:
        self.player.setPlaybackRate(min(RATES[-1], max(RATES[0], rate)))

    def step_rate(self, steps: int) -> float:
        """One speed up (+1) or down (-1) of RATES; returns the new speed."""
        current = self.rate()
        index = min(range(len(RATES)), key=lambda i: abs(RATES[i] - current))
        self.set_rate(RATES[max(0, min(len(RATES) - 1, index + steps))])
        return self.rate()

    def volume(self) -> float:
        return float(self.audio.volume())

    def set_volume(self, volume: float) -> None:
        self.audio.setVolume(max(0.0, min(1.0, volume)))

    # ---------------------------------------------------------------- events

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            name = self.path.name if self.path is not None else "the recording"
            self.failed.emit(f"Can't play {name}: {message or error.name}")
