"""Undoable tagging (QUndoStack): passages added, edited, marked done or deleted, and tags
renamed, recoloured, merged or deleted.

Like ``ui.transcript.commands``, each edit is made on the library *before* its command is
pushed, so a refused edit never enters the stack and the first ``redo`` is a no-op. Ids are
kept stable across undo/redo (the library restores deleted passages and tags with their ids),
so a later command on the stack still points at the right rows. Tags a passage created on the
fly are removed again when that passage is undone, so Ctrl+Z leaves no empty tags behind."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoStack

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library, TagDeletion, TagMerge
from intercept_viewer.core.model import Passage, Tag
from intercept_viewer.ui.transcript.commands import _Applied


class TagTarget(Protocol):
    @property
    def library(self) -> Library: ...

    @property
    def undo_stack(self) -> QUndoStack:  # the history a failed undo/redo clears (see commands)
        ...

    def tagging_changed(self) -> None: ...


def _drop_unused(library: Library, tags: list[Tag]) -> None:
    """Delete tags created by an action being undone, if nothing else uses them now."""
    for tag in tags:
        try:
            if library.tag(tag.id).passage_count == 0:
                library.delete_tag(tag.id)
        except NotFound:  # already gone: nothing to undo
            continue


def _recreate(library: Library, tags: list[Tag]) -> None:
    """Put back tags removed by ``_drop_unused``, with their ids, names and colours."""
    for tag in tags:
        try:
            library.tag(tag.id)
        except NotFound:
            library.restore_tag(TagDeletion(tag, [], []))


class AddPassageCommand(_Applied):
    """Undo deletes the passage (and the tags it created); redo restores both with their ids."""

    target: TagTarget

    def __init__(self, target: TagTarget, passage: Passage, created_tags: list[Tag]) -> None:
        super().__init__(f"Tag {', '.join(passage.tags) or 'passage'}")
        self.target, self.passage, self.created = target, passage, created_tags

    def apply(self) -> None:
        _recreate(self.target.library, self.created)
        self.target.library.restore_passage(self.passage)
        self.target.tagging_changed()

    def revert(self) -> None:
        self.target.library.delete_passage(self.passage.id)
        _drop_unused(self.target.library, self.created)
        self.target.tagging_changed()


class EditPassageCommand(_Applied):
    """Tags, note and state of one passage, before and after (also used for "mark done")."""

    target: TagTarget

    def __init__(
        self,
        target: TagTarget,
        before: Passage,
        after: Passage,
        created_tags: list[Tag],
        text: str = "Edit passage",
    ) -> None:
        super().__init__(text)
        self.target, self.before, self.after, self.created = target, before, after, created_tags

    def _set(self, p: Passage) -> None:
        self.target.library.update_passage(p.id, tags=p.tags, note=p.note or "", state=p.state)

    def apply(self) -> None:
        _recreate(self.target.library, self.created)
        self._set(self.after)
        self.target.tagging_changed()

    def revert(self) -> None:
        self._set(self.before)
        _drop_unused(self.target.library, self.created)
        self.target.tagging_changed()


class DeletePassageCommand(_Applied):
    target: TagTarget

    def __init__(self, target: TagTarget, passage: Passage) -> None:
        super().__init__("Delete passage")
        self.target, self.passage = target, passage

    def apply(self) -> None:
        self.target.library.delete_passage(self.passage.id)
        self.target.tagging_changed()

    def revert(self) -> None:
        self.target.library.restore_passage(self.passage)
        self.target.tagging_changed()


class UpdateTagCommand(_Applied):
    """Rename, recolour or describe a tag."""

    target: TagTarget

    def __init__(
        self,
        target: TagTarget,
        before: Tag,
        *,
        name: str | None = None,
        color: str | None = None,
        description: str | None = None,
    ) -> None:
        if name is not None:
            what = f"Rename tag {before.name} to {name}"
        elif description is not None:
            what = f"Describe tag {before.name}"
        else:
            what = f"Recolour {before.name}"
        super().__init__(what)
        self.target, self.before = target, before
        self.name, self.color, self.description = name, color, description

    def apply(self) -> None:
        self.target.library.update_tag(
            self.before.id, name=self.name, color=self.color, description=self.description
        )
        self.target.tagging_changed()

    def revert(self) -> None:
        self.target.library.update_tag(
            self.before.id,
            name=self.before.name if self.name is not None else None,
            color=self.before.color if self.color is not None else None,
            # "" clears: the tag had no description before
            description=(self.before.description or "") if self.description is not None else None,
        )
        self.target.tagging_changed()


class MergeTagsCommand(_Applied):
    target: TagTarget

    def __init__(self, target: TagTarget, keep: Tag, merge: TagMerge) -> None:
        super().__init__(f"Merge tag {merge.removed.name} into {keep.name}")
        self.target, self.merge = target, merge

    def apply(self) -> None:
        self.merge = self.target.library.merge_tags(self.merge.keep_id, self.merge.removed.id)
        self.target.tagging_changed()

    def revert(self) -> None:
        self.target.library.unmerge_tags(self.merge)
        self.target.tagging_changed()


class DeleteTagCommand(_Applied):
    target: TagTarget

    def __init__(self, target: TagTarget, deletion: TagDeletion, delete_passages: bool) -> None:
        super().__init__(f"Delete tag {deletion.tag.name}")
        self.target, self.deletion, self.with_passages = target, deletion, delete_passages

    def apply(self) -> None:
        self.deletion = self.target.library.delete_tag(
            self.deletion.tag.id, delete_passages=self.with_passages
        )
        self.target.tagging_changed()

    def revert(self) -> None:
        self.target.library.restore_tag(self.deletion)
        self.target.tagging_changed()
