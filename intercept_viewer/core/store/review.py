"""The import report kept beside each transcript: thin hooks into ``core.import_report``."""

from __future__ import annotations

from collections.abc import Iterable

from intercept_viewer.core import import_report
from intercept_viewer.core.model import StoredWarning
from intercept_viewer.core.store.base import StoreBase


class ReviewStore(StoreBase):
    """``import_warnings``: what each import assumed or skipped, until the user dismisses it."""

    def import_warnings(
        self, transcript_id: int, *, include_dismissed: bool = False
    ) -> list[StoredWarning]:
        """What the importer assumed or skipped for this transcript, in file order."""
        return import_report.warnings_for(
            self.db.conn, transcript_id, include_dismissed=include_dismissed
        )

    def dismiss_import_warnings(self, transcript_id: int, ids: Iterable[int] | None = None) -> int:
        """Mark the transcript's warnings (or the given ones) reviewed; returns how many."""
        self._writable()
        with self.db.atomic():
            return import_report.dismiss(self.db.conn, transcript_id, ids)

    def review_counts(self) -> dict[int, int]:
        """Transcript id -> undismissed import warnings, for the "needs review" filter."""
        return import_report.review_counts(self.db.conn)
