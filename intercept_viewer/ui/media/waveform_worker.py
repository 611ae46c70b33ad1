"""Decodes a recording's waveform off the GUI thread (PyAV); the window stores the result.

The decode touches only the media file, never the library: the GUI thread writes the peaks
(one short UPDATE), so an in-memory library works too and no second connection is needed.

Signals:
    decoded(transcript_id, sha256, peaks): ``core.waveform.Peaks``.
    failed(transcript_id, message)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from intercept_viewer.core.errors import MediaError
from intercept_viewer.core.waveform import decode_peaks


class WaveformWorker(QThread):
    decoded = Signal(int, str, object)
    failed = Signal(int, str)

    def __init__(
        self, transcript_id: int, sha256: str, path: Path, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.transcript_id, self.sha256, self.path = transcript_id, sha256, path

    def run(self) -> None:
        try:
            peaks = decode_peaks(self.path, cancelled=self.isInterruptionRequested)
        except MediaError as exc:
            if not self.isInterruptionRequested():
                self.failed.emit(self.transcript_id, str(exc))
            return
        except Exception as exc:  # a decoder bug must not take the window down
            self.failed.emit(self.transcript_id, f"{self.path}: {type(exc).__name__}: {exc}")
            return
        if not self.isInterruptionRequested():
            self.decoded.emit(self.transcript_id, self.sha256, peaks)
