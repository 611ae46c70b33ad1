"""The centre of the window: header with the unmissable flag, the turn strip, the list.

The flag is a coloured band reading UNVERIFIED / DISPUTED / CORROBORATED (no band once a
transcript is verified) with the verification note as its tooltip; a second band marks turns
quoted from a news article. Every label is plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker, Transcript
from intercept_viewer.ui.tasks import TaskRunner
from intercept_viewer.ui.transcript.outline_worker import OutlineLoader, OutlineResult
from intercept_viewer.ui.transcript.review_band import ReviewBand
from intercept_viewer.ui.transcript.turn_strip import TurnStrip, tooltip_html
from intercept_viewer.ui.transcript.utterance_model import UtteranceListModel
from intercept_viewer.ui.transcript.utterance_view import UtteranceView
from intercept_viewer.ui.widgets.safe_text import isolate
from intercept_viewer.ui.widgets.style import (
    ARTICLE_COLOR,
    ARTICLE_LABEL,
    VERIFICATION_LABELS,
    text_color_on,
    verification_color,
)

FLAG_HINTS = {
    "unverified": "nobody has checked this release; treat every line as a claim",
    "disputed": "this release's authenticity is disputed",
    "corroborated": "partly confirmed by other sources, not verified",
}


def _band(parent: QWidget) -> QLabel:
    band = QLabel(parent)
    band.setTextFormat(Qt.TextFormat.PlainText)
    band.setAutoFillBackground(True)
    band.setMargin(6)
    band.setWordWrap(True)
    font = QFont(band.font())
    font.setBold(True)
    band.setFont(font)
    return band


def _paint_band(band: QLabel, color: str) -> None:
    pal = band.palette()
    pal.setColor(QPalette.ColorRole.Window, color)
    pal.setColor(QPalette.ColorRole.WindowText, text_color_on(color))
    band.setPalette(pal)


class TranscriptView(QWidget):
    """Attributes:
    title_label, meta_label, flag, article_band: the header's plain-text labels.
    strip: the TurnStrip. list_view: the UtteranceView. model: its UtteranceListModel.
    review_band: "N things to review" from the transcript's import report.
    outline_loader: reads the strip's outline and the speakers' stats (a runner task).

    Signals:
        speaker_stats_loaded(OutlineResult): the shown transcript's speakers with their turn
            counts and speaking time, read after its first rows were painted.
    """

    speaker_stats_loaded = Signal(object)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        # The transcript is what the window is for: docks may not squeeze it below a width
        # where the text beside the time and speaker chip still reads.
        self.setMinimumWidth(420)
        self.library = library
        self.transcript: Transcript | None = None
        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel(self)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.flag = _band(self)
        self.article_band = _band(self)
        _paint_band(self.article_band, ARTICLE_COLOR)
        self.article_band.setText("❝ " + ARTICLE_LABEL)
        self.review_band = ReviewBand(self)
        self.review_band.jump_requested.connect(self.go_to_seq)
        self.strip = TurnStrip(self)
        self.strip.text_for_seq = self._text_for_seq
        self.model = UtteranceListModel(library, self)
        self.list_view = UtteranceView(self)
        self.list_view.set_utterance_model(self.model)
        self.list_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.strip.seq_clicked.connect(self.go_to_seq)
        self.list_view.visible_range_changed.connect(self._visible_rows)
        self._outline_pending: int | None = None
        self._outline_timer = QTimer(self)
        self._outline_timer.setSingleShot(True)
        self._outline_timer.setInterval(0)
        self._outline_timer.timeout.connect(self.load_outline)
        self.list_view.painted.connect(self._after_paint)
        self.outline_loader = OutlineLoader(tasks or TaskRunner(library, self), self)
        self.outline_loader.loaded.connect(self._outline_loaded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.flag)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.article_band)
        layout.addWidget(self.review_band)
        layout.addWidget(self.strip)
        layout.addWidget(self.list_view, 1)
        self.set_transcript(None, [])

    def set_library(self, library: Library) -> None:
        self.library = library
        self.model.set_library(library)
        self.outline_loader.cancel()  # an answer from the old file may still be queued

    # ---------------------------------------------------------------- content

    def set_transcript(self, t: Transcript | None, speakers: list[Speaker]) -> None:
        """Show ``t``: the list first (one page), the strip's outline after it painted.

        ``speakers`` need only names and colours. Reading 100,000 turns for the strip (and the
        speakers' stats) costs a few hundred milliseconds, so it is asked for once the first
        rows are on screen, and read by the outline loader's worker thread.
        """
        self.outline_loader.cancel()  # an answer for the previous transcript is stale now
        self.transcript = t
        self.update_header(t)
        d = self.list_view.utterance_delegate
        d.set_speaker_names([s.name for s in speakers], has_times=bool(t and t.has_times))
        self.model.set_transcript(t.id if t is not None else None, speakers)
        self.strip.set_turns([], speakers, bool(t and t.has_times))
        self.strip.setVisible(t is not None)
        self.list_view.set_turn_speakers([])
        self.list_view.scrollToTop()
        self._outline_pending = t.id if t is not None else None
        if t is not None and not self.list_view.isVisible():
            self._outline_timer.start()  # no paint will come to trigger it

    def _after_paint(self) -> None:
        if self._outline_pending is not None and not self._outline_timer.isActive():
            self._outline_timer.start()

    def load_outline(self) -> None:
        """Ask for the turn outline for the strip and turn navigation (if still wanted).

        It arrives through ``_outline_loaded``: from the worker thread for a library file,
        before this returns for an in-memory library."""
        t = self.transcript
        if t is None or self._outline_pending != t.id:
            return
        self._outline_pending = None
        self.outline_loader.request(t.id, t.has_times)

    def _outline_loaded(self, generation: int, result: OutlineResult) -> None:
        t = self.transcript
        if generation != self.outline_loader.generation or t is None:
            return
        if result.transcript_id != t.id:
            return
        self.strip.set_layout(result.layout, list(self.model.speakers()))
        if self.list_view.utterance_delegate.set_longest_time(result.longest_ms):
            self.list_view.relayout_now()
        self.list_view.set_turn_speakers(result.layout.speaker_ids)
        first, last = self.list_view.visible_rows()
        self._visible_rows(first, last)
        self.speaker_stats_loaded.emit(result)

    def update_header(self, t: Transcript | None) -> None:
        """Title, publisher/date line and the bands; called again after every edit."""
        if t is None:
            self.title_label.setText("No transcript open")
            self.meta_label.setText("Open a file (Ctrl+O) or pick one in the library.")
            self.flag.hide()
            self.article_band.hide()
            self.review_band.set_warnings(None, [])
            return
        self.title_label.setText(isolate(t.title))  # an RTL override stays in the title
        parts = [
            t.publisher or "unknown publisher",
            f"released {t.released_on}" if t.released_on else "release date unknown",
        ]
        if t.channel:
            parts.insert(1, t.channel)
        if t.language:
            parts.append(t.language)
        parts.append(f"{t.utterance_count:,} utterances")
        self.meta_label.setText(" · ".join(isolate(p) for p in parts))
        if t.is_verified:
            self.flag.hide()
            self.flag.setToolTip("")
        else:
            label = VERIFICATION_LABELS.get(t.verification, t.verification.upper())
            hint = FLAG_HINTS.get(t.verification, "")
            self.flag.setText(f"⚠ {label} — {hint}" if hint else f"⚠ {label}")
            _paint_band(self.flag, verification_color(t.verification).name())
            note = t.verification_note or "No verification note."
            self.flag.setToolTip(tooltip_html(note))
            self.flag.show()
        self.article_band.setVisible(t.origin == "article")
        self.review_band.set_warnings(t.id, self.library.import_warnings(t.id))

    def set_speakers(self, speakers: list[Speaker], *, rows_changed: bool) -> None:
        """Renames/recolours repaint; a merge also moves rows between speakers."""
        t = self.transcript
        d = self.list_view.utterance_delegate
        d.set_speaker_names([s.name for s in speakers], has_times=bool(t and t.has_times))
        if rows_changed and t is not None:
            self.model.set_speakers(speakers)
            self.model.reload()
            # the turns moved between lanes: lay the strip out again (the lanes of speakers
            # that are gone stay empty until the new layout arrives)
            self.strip.set_speakers(speakers)
            self._outline_pending = t.id
            self.load_outline()
        else:
            self.model.set_speakers(speakers)
            self.strip.set_speakers(speakers)
        self.list_view.relayout_now()

    def reload_turns(self) -> None:
        """Turns' times changed (tap to time, a correction): re-read rows and the strip."""
        t = self.transcript
        if t is None:
            return
        try:
            t = self.transcript = self.library.transcript(t.id)
        except NotFound:
            return
        d = self.list_view.utterance_delegate
        d.set_speaker_names([s.name for s in self.model.speakers()], has_times=t.has_times)
        self.model.reload()
        self._outline_pending = t.id
        self.load_outline()
        self.list_view.relayout_now()

    # ---------------------------------------------------------------- navigation

    def go_to_seq(self, seq: int) -> None:
        self.list_view.go_to_row(self.model.row_for_seq(seq))

    def _visible_rows(self, first: int, last: int) -> None:
        if first < 0:
            self.strip.set_visible_range(0, 0)
        else:
            self.strip.set_visible_range(first + 1, last + 1)

    def _text_for_seq(self, seq: int) -> str:
        t = self.transcript
        if t is None:
            return ""
        try:
            u = self.library.utterance(t.id, seq)
        except NotFound:
            return ""
        sp = self.model.speaker(u.speaker_id)
        return f"{sp.name if sp else '?'}: {u.text}"
