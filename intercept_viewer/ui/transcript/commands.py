"""Undoable edits (QUndoStack): metadata, speaker renames, recolours and merges.

The edit is made on the library *before* the command is pushed, so a refused edit (read-only
library, bad value) raises in the caller and never enters the stack; the first ``redo`` that
``QUndoStack.push`` calls is therefore a no-op. Undo and redo call the library and then tell
everyone what changed through the target's ``notify`` (the window's context broadcasts it).

A library write can still fail in a later undo or redo (another program holds the lock, the
file became read-only). ``_Applied``, the base of every command here and in
``ui.tags.tag_commands``, catches that: the command marks itself obsolete, so the stack deletes
it instead of moving its index past a change that did not happen, and the rest of the history
is cleared with a message. Dropping only the failed command is not enough: the commands before
it were recorded against the library *with* its change, the ones after it *without*, and
replaying them against a library that disagrees could act on the wrong rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker
from intercept_viewer.ui.context import Change
from intercept_viewer.ui.widgets.prompts import Prompts

#: Told to the user after a failed undo or redo (below the library's own message).
HISTORY_CLEARED = "The library could not be changed; undo history cleared."


class EditTarget(Protocol):
    """What a command works on: ``ui.context.WindowContext``."""

    @property
    def library(self) -> Library: ...

    @property
    def undo_stack(self) -> QUndoStack: ...

    def notify(self, change: Change) -> None: ...


def field_change(transcript_id: int, field: str) -> Change:
    """What editing a source field changes (the verification status is its own kind)."""
    if field.startswith("verification"):
        return Change.of("transcripts", "verification", transcripts=[transcript_id])
    return Change.of("transcripts", transcripts=[transcript_id])


def speaker_change(speaker: Speaker, *, rows_changed: bool) -> Change:
    """A rename or recolour changes speakers; a merge also moves utterances between them."""
    kinds = ("speakers", "utterances") if rows_changed else ("speakers",)
    return Change.of(*kinds, transcripts=[speaker.transcript_id], ids=[speaker.id])


class _UndoTarget(Protocol):
    @property
    def undo_stack(self) -> QUndoStack: ...


class _Applied(QUndoCommand):
    """A command already applied when pushed: ``apply()`` redoes it, ``revert()`` undoes it.

    Subclasses set ``self.target`` (whose ``undo_stack`` holds them) and never override
    ``redo``/``undo``, which guard the library calls (see the module docstring).
    """

    target: _UndoTarget

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._done = True

    def redo(self) -> None:
        if self._done:  # already applied before the push
            self._done = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except InterceptViewerError as exc:
            # Obsolete: QUndoStack deletes this command when undo()/redo() returns, leaving
            # its index where the library is. The stack can't be cleared while it is still
            # running this command, so the rest goes (and the user is told) just after.
            self.setObsolete(True)
            stack, message = self.target.undo_stack, str(exc)
            QTimer.singleShot(0, stack, lambda: _history_failed(stack, message))


def _history_failed(stack: QUndoStack, message: str) -> None:
    stack.clear()
    parent = stack.parent()
    Prompts.show_error(
        parent if isinstance(parent, QWidget) else None, f"{message}\n\n{HISTORY_CLEARED}"
    )


class EditTranscriptCommand(_Applied):
    target: EditTarget

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
        self.target.notify(field_change(self.tid, self.field))

    def revert(self) -> None:
        self.target.library.update_transcript(self.tid, **{self.field: self.old})
        self.target.notify(field_change(self.tid, self.field))


class RenameSpeakerCommand(_Applied):
    target: EditTarget

    def __init__(self, target: EditTarget, speaker: Speaker, new: str) -> None:
        super().__init__(f"Rename {speaker.name} to {new}")
        self.target, self.speaker, self.new = target, speaker, new

    def apply(self) -> None:
        self.target.library.rename_speaker(self.speaker.id, self.new)
        self.target.notify(speaker_change(self.speaker, rows_changed=False))

    def revert(self) -> None:
        self.target.library.rename_speaker(self.speaker.id, self.speaker.name)
        self.target.notify(speaker_change(self.speaker, rows_changed=False))


class RecolorSpeakerCommand(_Applied):
    target: EditTarget

    def __init__(self, target: EditTarget, speaker: Speaker, new: str) -> None:
        super().__init__(f"Recolour {speaker.name}")
        self.target, self.speaker, self.new = target, speaker, new

    def apply(self) -> None:
        self.target.library.recolor_speaker(self.speaker.id, self.new)
        self.target.notify(speaker_change(self.speaker, rows_changed=False))

    def revert(self) -> None:
        self.target.library.recolor_speaker(self.speaker.id, self.speaker.color)
        self.target.notify(speaker_change(self.speaker, rows_changed=False))


class MergeSpeakersCommand(_Applied):
    target: EditTarget

    def __init__(self, target: EditTarget, keep: Speaker, gone: Speaker, seqs: list[int]) -> None:
        super().__init__(f"Merge {gone.name} into {keep.name}")
        self.target, self.keep, self.gone, self.seqs = target, keep, gone, seqs

    def apply(self) -> None:
        self.seqs = self.target.library.merge_speakers(self.keep.id, self.gone.id)
        self.target.notify(speaker_change(self.keep, rows_changed=True))

    def revert(self) -> None:
        self.target.library.unmerge_speakers(self.keep.id, self.gone, self.seqs)
        self.target.notify(speaker_change(self.keep, rows_changed=True))
