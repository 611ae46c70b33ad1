"""The recording beside a transcript: thin hooks into ``core.media`` (hash, duration, place,
waveform peaks, relinking moved files)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from intercept_viewer.core.store.base import StoreBase

if TYPE_CHECKING:
    from intercept_viewer.core.media import Media
    from intercept_viewer.core.waveform import Peaks


class MediaStore(StoreBase):
    """The media table: one recording per transcript, with its cached waveform."""

    def attach_media(self, transcript_id: int, path: str | os.PathLike[str]) -> Media:
        """Attach a recording (hash, duration, place) to a transcript; see ``core.media``."""
        from intercept_viewer.core import media

        return media.attach(self._lib(), transcript_id, path)

    def detach_media(self, transcript_id: int) -> Media | None:
        from intercept_viewer.core import media

        return media.detach(self._lib(), transcript_id)

    def media(self, transcript_id: int) -> Media | None:
        """The transcript's recording, or None."""
        from intercept_viewer.core import media

        return media.media_for(self._lib(), transcript_id)

    def media_peaks(self, transcript_id: int) -> Peaks | None:
        from intercept_viewer.core import media

        return media.peaks(self._lib(), transcript_id)

    def set_media_peaks(self, transcript_id: int, sha256: str, peaks: Peaks) -> bool:
        from intercept_viewer.core import media

        return media.set_peaks(self._lib(), transcript_id, sha256, peaks)

    def relink_media(
        self, folder: str | os.PathLike[str], transcript_ids: Iterable[int] | None = None
    ) -> list[Media]:
        """Find moved recordings in ``folder`` by their SHA-256."""
        from intercept_viewer.core import media

        return media.relink(self._lib(), folder, transcript_ids)
