"""Rows by column name: SELECTs map to dataclasses through the names they spell.

Positional mapping (``Transcript(*row[:20])``) silently shifts every field after a column added
in the middle; a name either matches a field or fails loudly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any


def named_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as ``{column name: value}`` (names as the SELECT spells them)."""
    names = [d[0] for d in cursor.description]
    # In batches: one C call per thousand rows rather than a (guarded) ``__next__`` per row,
    # which was most of reading the library list at start.
    while batch := cursor.fetchmany(1024):
        for row in batch:
            yield dict(zip(names, row, strict=True))


def named_row(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The cursor's first row by column name, or None."""
    return next(named_rows(cursor), None)
