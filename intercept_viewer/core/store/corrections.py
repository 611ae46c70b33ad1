"""Correcting turns: thin hooks into ``core.corrections``, which does the work (and says why it
is done that way). Every method returns a Correction that ``revert_correction`` undoes (and
whose revert redoes)."""

from __future__ import annotations

from collections.abc import Sequence

from intercept_viewer.core import corrections
from intercept_viewer.core.corrections import Correction, HistoryEntry
from intercept_viewer.core.model import Utterance
from intercept_viewer.core.store.base import StoreBase


class CorrectionStore(StoreBase):
    """Edits, reassigns, splits, merges, inserts, deletes and times turns, with history."""

    def edit_turn_text(
        self, transcript_id: int, seq: int, text: str, *, reason: str | None = None
    ) -> Correction:
        """Correct a turn's text; the imported text is kept (``Utterance.original_text``)."""
        self._writable()
        return corrections.edit_text(self._lib(), transcript_id, seq, text, reason)

    def reassign_turns(
        self,
        transcript_id: int,
        seqs: Sequence[int],
        speaker: int | str,
        *,
        reason: str | None = None,
    ) -> Correction:
        """Give turns to a speaker: an id, or a name (a name no speaker has creates one)."""
        self._writable()
        return corrections.reassign(self._lib(), transcript_id, seqs, speaker, reason)

    def split_turn(
        self, transcript_id: int, seq: int, offset: int, *, reason: str | None = None
    ) -> Correction:
        """Cut a turn in two at a character offset."""
        self._writable()
        return corrections.split(self._lib(), transcript_id, seq, offset, reason)

    def merge_turns(self, transcript_id: int, seq: int, *, reason: str | None = None) -> Correction:
        """Merge turn ``seq`` with the one after it."""
        self._writable()
        return corrections.merge(self._lib(), transcript_id, seq, reason)

    def insert_turn(
        self,
        transcript_id: int,
        after_seq: int,
        text: str,
        *,
        speaker: int | str | None = None,
        reason: str | None = None,
    ) -> Correction:
        """Insert a turn after ``after_seq`` (0 for the top); speaker defaults to that turn's."""
        self._writable()
        return corrections.insert(self._lib(), transcript_id, after_seq, text, speaker, reason)

    def delete_turn(self, transcript_id: int, seq: int, *, reason: str | None = None) -> Correction:
        """Delete a turn (its passages narrow, or keep their note marked as turns deleted)."""
        self._writable()
        return corrections.delete(self._lib(), transcript_id, seq, reason)

    def set_turn_times(
        self,
        transcript_id: int,
        changes: Sequence[tuple[int, int | None, int | None]],
        *,
        reason: str | None = None,
    ) -> list[tuple[int, int | None, int | None]]:
        """Set or clear turns' times: ``changes`` are (seq, start_ms, end_ms), None clears.

        Returns the previous (seq, start_ms, end_ms) of each, so calling this again with them
        undoes it. One 'time' history entry per turn changed.
        """
        self._writable()
        return corrections.set_times(self._lib(), transcript_id, changes, reason)

    def revert_correction(
        self, correction: Correction, *, reason: str | None = "undo"
    ) -> Correction:
        """Undo a correction exactly; returns the Correction that redoes it."""
        self._writable()
        return corrections.revert(self._lib(), correction, reason)

    def history(self, transcript_id: int) -> list[HistoryEntry]:
        """Every correction and change of verification status, oldest first."""
        return corrections.history(self._lib(), transcript_id)

    def turn_history(self, transcript_id: int, utterance_id: int) -> list[HistoryEntry]:
        """The corrections that touched one turn (by its id), oldest first."""
        return corrections.history(self._lib(), transcript_id, utterance_id=utterance_id)

    def verification_history(self, transcript_id: int) -> list[HistoryEntry]:
        return corrections.verification_history(self._lib(), transcript_id)

    def imported_utterances(self, transcript_id: int) -> list[Utterance]:
        """The transcript's turns as they were imported, before any correction."""
        return corrections.imported_turns(self._lib(), transcript_id)

    def is_corrected(self, transcript_id: int) -> bool:
        return corrections.is_corrected(self._lib(), transcript_id)
