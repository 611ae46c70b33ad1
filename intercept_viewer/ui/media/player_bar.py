"""The player's bar above the turn strip: controls, position, and what is wrong, if anything.

A plain view: it shows what the controller (``ui.media.install``) tells it and reports the
user's clicks as signals. It never imports QtMultimedia, so it can say why playback is off
on a machine where that module can't load.

Signals:
    play_clicked(), skip_clicked(delta_ms), seek_requested(ms), rate_chosen(rate),
    volume_chosen(0..1), locate_clicked(), attach_clicked()
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.ui.widgets.safe_text import isolate

RATE_CHOICES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


class PlayerBar(QWidget):
    """Attributes:
    play_button, back_button, forward_button, position_slider, time_label, rate_combo,
    volume_slider, follow_check, rewind_check, tap_button: the controls.
    message: a plain-text line (missing file, playback unavailable, tap-to-time prompt).
    locate_button, attach_button: shown with the message that calls for them.
    """

    play_clicked = Signal()
    skip_clicked = Signal(int)
    seek_requested = Signal(int)
    rate_chosen = Signal(float)
    volume_chosen = Signal(float)
    locate_clicked = Signal()
    attach_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.playing = False
        self.play_button = QToolButton(self)
        self.play_button.setIcon(self._play_icon)
        self.play_button.setToolTip("Play / pause (Ctrl+Space)")
        self.back_button = QToolButton(self)
        self.back_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward))
        self.back_button.setText("5 s")
        self.back_button.setToolTip("Back 5 seconds (Ctrl+Left)")
        self.forward_button = QToolButton(self)
        self.forward_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.forward_button.setText("5 s")
        self.forward_button.setToolTip("Forward 5 seconds (Ctrl+Right)")
        for b in (self.back_button, self.forward_button):
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.position_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.position_slider.setRange(0, 0)
        self.position_slider.setToolTip("Position in the recording")
        self.time_label = QLabel("0:00 / 0:00", self)
        self.time_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rate_combo = QComboBox(self)
        for rate in RATE_CHOICES:
            self.rate_combo.addItem(f"{rate:g}×", rate)
        self.rate_combo.setCurrentIndex(RATE_CHOICES.index(1.0))
        self.rate_combo.setToolTip("Speed, pitch kept (Ctrl+Up / Ctrl+Down)")
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(100)
        self.volume_slider.setMaximumWidth(80)
        self.volume_slider.setToolTip("Volume")
        self.follow_check = QCheckBox("Follow", self)
        self.follow_check.setToolTip("While playing, keep the turn being heard in view")
        self.rewind_check = QCheckBox("−2 s on resume", self)
        self.rewind_check.setToolTip("Resuming after a pause starts two seconds earlier")
        self.tap_button = QPushButton("Tap to time", self)
        self.tap_button.setCheckable(True)
        self.tap_button.setToolTip(
            "Play the recording and press F8 as each turn starts: that sets the turn's start "
            "and the previous turn's end (undoable)"
        )
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.locate_button = QPushButton("Locate…", self)
        self.locate_button.setToolTip("Choose a folder: the recording is found by its SHA-256")
        self.attach_button = QPushButton("Attach media…", self)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        w: QWidget
        for w in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(w)
        controls.addWidget(self.position_slider, 1)
        for w in (self.time_label, self.rate_combo, self.volume_slider):
            controls.addWidget(w)
        info = QHBoxLayout()
        info.setContentsMargins(0, 0, 0, 0)
        info.addWidget(self.message, 1)
        for w in (
            self.locate_button,
            self.attach_button,
            self.follow_check,
            self.rewind_check,
            self.tap_button,
        ):
            info.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(controls)
        layout.addLayout(info)
        self.play_button.clicked.connect(self.play_clicked)
        self.back_button.clicked.connect(lambda: self.skip_clicked.emit(-5000))
        self.forward_button.clicked.connect(lambda: self.skip_clicked.emit(5000))
        self.position_slider.sliderMoved.connect(self.seek_requested)
        self.rate_combo.activated.connect(
            lambda i: self.rate_chosen.emit(float(self.rate_combo.itemData(i)))
        )
        self.volume_slider.valueChanged.connect(lambda v: self.volume_chosen.emit(v / 100))
        self.locate_button.clicked.connect(self.locate_clicked)
        self.attach_button.clicked.connect(self.attach_clicked)
        self.set_message("")
        self.set_controls_enabled(False)

    # ---------------------------------------------------------------- showing

    def set_message(self, text: str, *, locate: bool = False, attach: bool = False) -> None:
        self.message.setText(isolate(text) if text else "")
        self.locate_button.setVisible(locate)
        self.attach_button.setVisible(attach)

    def set_controls_enabled(self, enabled: bool) -> None:
        for w in (
            self.play_button,
            self.back_button,
            self.forward_button,
            self.position_slider,
            self.rate_combo,
            self.volume_slider,
        ):
            w.setEnabled(enabled)

    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)

    def set_position(self, ms: int, duration_ms: int) -> None:
        if not self.position_slider.isSliderDown():
            self.position_slider.blockSignals(True)
            self.position_slider.setRange(0, max(0, duration_ms))
            self.position_slider.setValue(ms)
            self.position_slider.blockSignals(False)
        self.time_label.setText(f"{format_ms(ms)} / {format_ms(duration_ms)}")

    def set_rate(self, rate: float) -> None:
        i = min(range(len(RATE_CHOICES)), key=lambda k: abs(RATE_CHOICES[k] - rate))
        self.rate_combo.setCurrentIndex(i)
