"""Search (placeholder: plain FTS5 over the text column; the search work replaces this)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from intercept_viewer.core.errors import QueryError

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library


@dataclass
class SearchHit:
    transcript_id: int
    title: str
    seq: int
    speaker: str | None
    start_ms: int | None
    text: str
    snippet: str
    verification: str


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int


def search(
    library: Library,
    query: str,
    transcript_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    speaker: str | None = None,
) -> SearchResult:
    words = [w.replace('"', '""') for w in query.split()]
    if not words:
        raise QueryError("can't read this query: it has no words")
    match = " ".join(f'"{w}"' for w in words)
    sql = (
        "SELECT u.transcript_id, t.title, u.seq, s.name, u.start_ms, u.text, "
        "snippet(utterances_fts, 0, '[', ']', '…', 12), t.verification "
        "FROM utterances_fts f JOIN utterances u ON u.id = f.rowid "
        "JOIN transcripts t ON t.id = u.transcript_id "
        "LEFT JOIN speakers s ON s.id = u.speaker_id WHERE utterances_fts MATCH ?"
    )
    params: list[object] = [match]
    if transcript_id is not None:
        sql += " AND u.transcript_id = ?"
        params.append(transcript_id)
    rows = library.db.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return SearchResult([SearchHit(*r) for r in rows], len(rows))
