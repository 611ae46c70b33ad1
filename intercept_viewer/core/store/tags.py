"""Tags: create, rename, recolour, describe, merge and delete, each undoable exactly."""

from __future__ import annotations

from dataclasses import dataclass

from intercept_viewer.core.colors import color_for
from intercept_viewer.core.errors import (
    NotFound,
)
from intercept_viewer.core.model import (
    Passage,
    Tag,
)
from intercept_viewer.core.store.base import StoreBase, named_row, named_rows


@dataclass
class TagMerge:
    """What ``Library.merge_tags`` did, enough for ``unmerge_tags`` to undo it."""

    keep_id: int
    #: the merged tag as it was (id, name, colour, description)
    removed: Tag
    #: passages that carried the merged tag
    passage_ids: list[int]
    #: of those, the ones that did not carry ``keep`` before the merge
    newly_tagged: list[int]


@dataclass
class TagDeletion:
    """What ``Library.delete_tag`` did, enough for ``restore_tag`` to undo it."""

    tag: Tag
    #: passages that carried the tag
    passage_ids: list[int]
    #: passages deleted with it (``delete_passages=True``), as they were
    deleted: list[Passage]


class TagStore(StoreBase):
    """Tags (unique by case-folded name) and the passage_tags links."""

    def _tag_id(
        self,
        name: str,
        color: str | None = None,
        create: bool = True,
        description: str | None = None,
    ) -> int:
        key = name.strip().casefold()
        if not key:
            raise ValueError("A tag needs a name.")
        row = self.db.execute("SELECT id FROM tags WHERE name_key = ?", [key]).fetchone()
        if row:
            return int(row[0])
        if not create:
            raise NotFound(f"No tag named {name!r}.")
        n = self.db.execute("SELECT count(*) FROM tags").fetchone()[0]
        cur = self.db.conn.execute(
            "INSERT INTO tags (name, name_key, color, description) VALUES (?,?,?,?)",
            [name.strip(), key, color or color_for(n + 3), description or None],
        )
        return int(cur.lastrowid or 0)

    def tags(self) -> list[Tag]:
        """Every tag with its passage count, by name."""
        rows = self.db.execute(
            "SELECT t.id, t.name, t.color, t.description, count(pt.passage_id) AS passage_count "
            "FROM tags t LEFT JOIN passage_tags pt ON pt.tag_id = t.id GROUP BY t.id "
            "ORDER BY t.name_key"
        )
        return [Tag(**r) for r in named_rows(rows)]

    def tag(self, name_or_id: str | int) -> Tag:
        arg: int | str
        if isinstance(name_or_id, int):
            where, arg = "t.id = ?", name_or_id
        else:
            where, arg = "t.name_key = ?", name_or_id.strip().casefold()
        row = named_row(
            self.db.execute(
                "SELECT t.id, t.name, t.color, t.description, count(pt.passage_id) AS "
                "passage_count FROM tags t LEFT JOIN passage_tags pt ON pt.tag_id = t.id "
                f"WHERE {where} GROUP BY t.id",
                [arg],
            )
        )
        if row is None:
            raise NotFound(f"No tag {name_or_id!r}.")
        return Tag(**row)

    def create_tag(
        self, name: str, color: str | None = None, description: str | None = None
    ) -> Tag:
        self._writable()
        with self.db.atomic():
            tid = self._tag_id(name, color)
            if description is not None:
                self.db.conn.execute(
                    "UPDATE tags SET description = ? WHERE id = ?", [description, tid]
                )
        return self.tag(tid)

    def update_tag(
        self,
        tag_id: int,
        *,
        name: str | None = None,
        color: str | None = None,
        description: str | None = None,
    ) -> Tag:
        """Rename, recolour or describe a tag. Renaming onto another tag's name raises."""
        self._writable()
        self.tag(tag_id)
        with self.db.atomic():
            if name is not None:
                key = name.strip().casefold()
                if not key:
                    raise ValueError("A tag needs a name.")
                clash = self.db.execute(
                    "SELECT id FROM tags WHERE name_key = ? AND id != ?", [key, tag_id]
                ).fetchone()
                if clash:
                    raise ValueError(f"A tag named {name.strip()!r} exists; merge them instead.")
                self.db.conn.execute(
                    "UPDATE tags SET name = ?, name_key = ? WHERE id = ?",
                    [name.strip(), key, tag_id],
                )
            if color is not None:
                self.db.conn.execute("UPDATE tags SET color = ? WHERE id = ?", [color, tag_id])
            if description is not None:
                self.db.conn.execute(
                    "UPDATE tags SET description = ? WHERE id = ?", [description or None, tag_id]
                )
        return self.tag(tag_id)

    def merge_tags(self, keep_id: int, merge_id: int) -> TagMerge:
        """Move ``merge_id``'s passages to ``keep_id`` and delete it.

        Returns what changed, so ``unmerge_tags`` can undo it exactly (the UI's Ctrl+Z).
        """
        self._writable()
        if keep_id == merge_id:
            raise ValueError("A tag can't be merged with itself.")
        self.tag(keep_id)
        removed = self.tag(merge_id)
        moved = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? ORDER BY passage_id",
                [merge_id],
            ).fetchall()
        ]
        newly = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? AND passage_id NOT IN "
                "(SELECT passage_id FROM passage_tags WHERE tag_id = ?) ORDER BY passage_id",
                [merge_id, keep_id],
            ).fetchall()
        ]
        with self.db.atomic():
            self.db.conn.execute(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) "
                "SELECT passage_id, ? FROM passage_tags WHERE tag_id = ?",
                [keep_id, merge_id],
            )
            self.db.conn.execute("DELETE FROM tags WHERE id = ?", [merge_id])
        return TagMerge(keep_id, removed, moved, newly)

    def unmerge_tags(self, merge: TagMerge) -> Tag:
        """Undo ``merge_tags``: recreate the merged tag (same id, name, colour, description),
        give its passages back, and take ``keep`` off the passages that only got it by the merge.
        """
        self._writable()
        tag = merge.removed
        with self.db.atomic():
            self._insert_tag_row(tag)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                [(pid, tag.id) for pid in merge.passage_ids],
            )
            self.db.conn.executemany(
                "DELETE FROM passage_tags WHERE passage_id = ? AND tag_id = ?",
                [(pid, merge.keep_id) for pid in merge.newly_tagged],
            )
        return self.tag(tag.id)

    def _insert_tag_row(self, tag: Tag) -> None:
        """Put a deleted tag back with its id; refuses if its name was taken meanwhile."""
        key = tag.name.strip().casefold()
        clash = self.db.execute("SELECT id FROM tags WHERE name_key = ?", [key]).fetchone()
        if clash:
            raise ValueError(f"A tag named {tag.name!r} exists again; can't restore it.")
        self.db.conn.execute(
            "INSERT INTO tags (id, name, name_key, color, description) VALUES (?,?,?,?,?)",
            [tag.id, tag.name, key, tag.color, tag.description],
        )

    def delete_tag(self, tag_id: int, *, delete_passages: bool = False) -> TagDeletion:
        """Delete a tag. Its passages lose the tag; with ``delete_passages`` passages left
        with no tag at all are deleted too.

        Returns the tag, the passages that carried it and those deleted (as they were), so
        ``restore_tag`` can undo the whole action.
        """
        self._writable()
        tag = self.tag(tag_id)
        carried = [
            r[0]
            for r in self.db.execute(
                "SELECT passage_id FROM passage_tags WHERE tag_id = ? ORDER BY passage_id",
                [tag_id],
            ).fetchall()
        ]
        deleted: list[Passage] = []
        with self.db.atomic():
            if delete_passages:
                deleted = [
                    self.passage(r[0])
                    for r in self.db.execute(
                        "SELECT passage_id FROM passage_tags WHERE tag_id = ? AND passage_id NOT "
                        "IN (SELECT passage_id FROM passage_tags WHERE tag_id != ?) "
                        "ORDER BY passage_id",
                        [tag_id, tag_id],
                    ).fetchall()
                ]
                self.db.conn.executemany(
                    "DELETE FROM passages WHERE id = ?", [(p.id,) for p in deleted]
                )
            self.db.conn.execute("DELETE FROM tags WHERE id = ?", [tag_id])
        return TagDeletion(tag, carried, deleted)

    def restore_tag(self, deletion: TagDeletion) -> Tag:
        """Undo ``delete_tag``: the tag with its id, its links, and any passages it took along."""
        self._writable()
        tag = deletion.tag
        with self.db.atomic():
            self._insert_tag_row(tag)
            for p in deletion.deleted:
                self._reinsert_passage(p)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO passage_tags (passage_id, tag_id) VALUES (?,?)",
                [(pid, tag.id) for pid in deletion.passage_ids],
            )
        return self.tag(tag.id)
