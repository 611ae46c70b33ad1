"""Undoable edits (QUndoStack): metadata, speaker renames, recolours and merges.

The edit is made on the library *before* the command is pushed, so a refused edit (read-only
library, bad value) raises in the caller and never enters the stack; the first ``redo`` that
``QUndoStack.push`` calls is therefore a no-op. Undo and redo call the library and then tell
the window what to refresh through the ``EditTarget`` protocol.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker


class EditTarget(Protocol):
    library: Library

    def transcript_edited(self, transcript_id: int) -> None: ...

    def speakers_edited(self, transcript_id: int, *, rows_changed: bool) -> None: ...


class _Applied(QUndoCommand):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._done = True

    def redo(self) -> None:
        if self._done:  # already applied before the push
            self._done = False
            return
        self.apply()

    def apply(self) -> None:
        raise NotImplementedError


class EditTranscriptCommand(_Applied):
    def __init__(
        self, target: EditTarget, transcript_id: int, field: str, old: Any, new: Any
    ) -> None:
        super().__init__(f"Edit {field.replace('_', ' ')}")
        self.target, self.tid, self.field, self.old, self.new = (
            target,
            transcript_id,
            field,
            old,
            new,
        )

    def apply(self) -> None:
        self.target.library.update_transcript(self.tid, **{self.field: self.new})
        self.target.transcript_edited(self.tid)

    def undo(self) -> None:
        self.target.library.update_transcript(self.tid, **{self.field: self.old})
        self.target.transcript_edited(self.tid)


class RenameSpeakerCommand(_Applied):
    def __init__(self, target: EditTarget, speaker: Speaker, new: str) -> None:
        super().__init__(f"Rename {speaker.name} to {new}")
        self.target, self.speaker, self.new = target, speaker, new

    def apply(self) -> None:
        self.target.library.rename_speaker(self.speaker.id, self.new)
        self.target.speakers_edited(self.speaker.transcript_id, rows_changed=False)

    def undo(self) -> None:
        self.target.library.rename_speaker(self.speaker.id, self.speaker.name)
        self.target.speakers_edited(self.speaker.transcript_id, rows_changed=False)


class RecolorSpeakerCommand(_Applied):
    def __init__(self, target: EditTarget, speaker: Speaker, new: str) -> None:
        super().__init__(f"Recolour {speaker.name}")
        self.target, self.speaker, self.new = target, speaker, new

    def apply(self) -> None:
        self.target.library.recolor_speaker(self.speaker.id, self.new)
        self.target.speakers_edited(self.speaker.transcript_id, rows_changed=False)

    def undo(self) -> None:
        self.target.library.recolor_speaker(self.speaker.id, self.speaker.color)
        self.target.speakers_edited(self.speaker.transcript_id, rows_changed=False)


class MergeSpeakersCommand(_Applied):
    def __init__(self, target: EditTarget, keep: Speaker, gone: Speaker, seqs: list[int]) -> None:
        super().__init__(f"Merge {gone.name} into {keep.name}")
        self.target, self.keep, self.gone, self.seqs = target, keep, gone, seqs

    def apply(self) -> None:
        self.seqs = self.target.library.merge_speakers(self.keep.id, self.gone.id)
        self.target.speakers_edited(self.keep.transcript_id, rows_changed=True)

    def undo(self) -> None:
        self.target.library.unmerge_speakers(self.keep.id, self.gone, self.seqs)
        self.target.speakers_edited(self.keep.transcript_id, rows_changed=True)
