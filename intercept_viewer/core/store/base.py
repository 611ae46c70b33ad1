"""What every part of the Library stands on: the connection, the read-only guard, row mapping.

The Library (``core.library``) is a thin facade over the table groups in this package; each
group is a mixin that only needs ``db`` and ``read_only``. Rows are mapped to the dataclasses
of ``core.model`` by column name (``named_rows``), so a column added to a SELECT can't shift
every field after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from intercept_viewer.core.database import Database
from intercept_viewer.core.errors import LibraryError
from intercept_viewer.core.rows import named_row, named_rows
from intercept_viewer.core.timefmt import now_iso

__all__ = ["StoreBase", "named_row", "named_rows", "now_iso"]

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library
    from intercept_viewer.core.model import Passage, Speaker, Transcript, Utterance


class StoreBase:
    """The state the table groups share; ``core.library.Library`` provides it.

    Attributes:
        db: the sqlite-utils Database (this thread's connection).
        path: the file, or None for an in-memory library.
        read_only: True when the file or its folder can't be written.
    """

    db: Database
    path: Path | None
    read_only: bool

    def _lib(self) -> Library:
        """This object as the Library it is part of: the functions of ``core.corrections``
        and ``core.media`` the mixins hand it to take a Library."""
        return cast("Library", self)

    def _writable(self) -> None:
        if self.read_only:
            raise LibraryError("The library is open read-only; changes can't be saved.")

    if TYPE_CHECKING:
        # Methods one table group calls on another (the Library has them all).

        def transcript(self, transcript_id: int) -> Transcript: ...

        def speakers(self, transcript_id: int, *, with_stats: bool = True) -> list[Speaker]: ...

        def utterance_count(self, transcript_id: int) -> int: ...

        def utterances(
            self, transcript_id: int, first_seq: int = 1, limit: int | None = None
        ) -> list[Utterance]: ...

        def utterance(self, transcript_id: int, seq: int) -> Utterance: ...

        def passage(self, passage_id: int) -> Passage: ...

        def _reinsert_passage(self, passage: Passage) -> int: ...

        def _tag_id(
            self,
            name: str,
            color: str | None = None,
            create: bool = True,
            description: str | None = None,
        ) -> int: ...

        def _insert_passage(
            self,
            transcript_id: int,
            first_seq: int,
            last_seq: int,
            tags: Sequence[str],
            *,
            note: str | None = None,
            state: str = "open",
            start_char: int | None = None,
            end_char: int | None = None,
            created_at: str | None = None,
            updated_at: str | None = None,
            tag_colors: dict[str, str] | None = None,
            tag_descriptions: dict[str, str] | None = None,
            passage_id: int | None = None,
            turns_deleted_at: str | None = None,
        ) -> int: ...
