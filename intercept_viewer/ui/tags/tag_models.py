"""The tags dock's models.

* ``TagListModel``: every tag with its passage count and colour.
* ``PassageQueueModel``: the follow-up queue across the whole library, one row per passage
  (state, quoted text, speaker, transcript, verification badge, date), filtered by tag,
  state, transcript and verification status and sortable by any column (date by default).

All text from transcripts and notes is shown as plain text; tooltips are escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import VERIFICATION_STATES, Passage, Tag, Transcript
from intercept_viewer.ui.transcript.turn_strip import tooltip_html
from intercept_viewer.ui.widgets.style import VERIFICATION_LABELS, text_color_on, verification_color

if TYPE_CHECKING:
    pass

AnyIndex = QModelIndex | QPersistentModelIndex
QUOTE_CHARS = 240


class TagListModel(QAbstractListModel):
    """Tags by name: ``name (count)``, a colour swatch, the description as tooltip."""

    TagRole = int(Qt.ItemDataRole.UserRole) + 40

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tags: list[Tag] = []

    def set_tags(self, tags: list[Tag]) -> None:
        self.beginResetModel()
        self._tags = list(tags)
        self.endResetModel()

    def tags(self) -> list[Tag]:
        return list(self._tags)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tags)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tags):
            return None
        tag = self._tags[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{tag.name} ({tag.passage_count})"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(tag.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(tag.description) if tag.description else None
        if role == self.TagRole:
            return tag
        return None


@dataclass
class QueueRow:
    passage: Passage
    quote: str
    speakers: str
    transcript: Transcript


#: Passages from more transcripts than this: read every transcript at once.
READ_ALL_FROM = 50


def read_queue_rows(
    lib: Library, filters: dict[str, Any], transcripts: list[Transcript] | None = None
) -> list[QueueRow]:
    """The queue's rows for ``filters`` (``Library.passages`` keywords), unsorted: passages
    with their quotes, speakers and transcript. Reads only; any thread that owns ``lib``."""
    passages = lib.passages(**{k: v for k, v in filters.items() if v not in (None, "")})
    if transcripts is None and len({p.transcript_id for p in passages}) > READ_ALL_FROM:
        transcripts = lib.transcripts()  # one query beats thousands of look-ups
    # else only the transcripts the passages belong to (a library may hold thousands)
    by_id: dict[int, Transcript | None] = (
        {t.id: t for t in transcripts} if transcripts is not None else {}
    )
    # speaker ids are the library's, so one map names them all (was a query per transcript)
    names = lib.speaker_name_map({p.transcript_id for p in passages})
    rows = []
    quotes = lib.passage_quotes(passages)
    for p, parts in zip(passages, quotes, strict=True):
        if transcripts is None and p.transcript_id not in by_id:
            try:
                by_id[p.transcript_id] = lib.transcript(p.transcript_id)
            except NotFound:
                by_id[p.transcript_id] = None
        t = by_id.get(p.transcript_id)
        if t is None:
            continue
        quote = " / ".join(" ".join(text.split()) for _sid, text in parts)
        who = list(
            dict.fromkeys(names.get(sid, "?") if sid is not None else "?" for sid, _ in parts)
        )
        rows.append(QueueRow(p, quote, ", ".join(who), t))
    return rows


class PassageQueueModel(QAbstractTableModel):
    """The follow-up queue: passages across the library, with the current filters.

    Attributes:
        filters: keyword arguments of ``Library.passages`` (tag, state, transcript_id,
            verification); set by the panel's combo boxes.
    """

    COLUMNS = ("", "Status", "Quote", "Speaker", "Tags", "Note", "Transcript", "Tagged")
    #: the badge comes early so a narrow dock never scrolls it out of sight
    STATE_COL, STATUS_COL, QUOTE_COL, SPEAKER_COL, TAGS_COL, NOTE_COL, TITLE_COL, DATE_COL = range(
        8
    )
    PassageRole = int(Qt.ItemDataRole.UserRole) + 41
    IdRole = int(Qt.ItemDataRole.UserRole) + 42

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.filters: dict[str, Any] = {}
        self._rows: list[QueueRow] = []
        self._sort = (self.DATE_COL, Qt.SortOrder.DescendingOrder)

    def reload(self, transcripts: list[Transcript] | None = None) -> None:
        """Read the queue again (after any tagging action or filter change); ``transcripts``
        when the caller has just read them."""
        self.set_rows(read_queue_rows(self.library, self.filters, transcripts))

    def set_rows(self, rows: list[QueueRow]) -> None:
        """Show ``rows`` (read by ``read_queue_rows``, maybe on another thread), sorted."""
        self.beginResetModel()
        self._rows = list(rows)
        self._sort_rows()
        self.endResetModel()

    def rows(self) -> list[QueueRow]:
        return list(self._rows)

    def row_of(self, passage_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.passage.id == passage_id:
                return i
        return -1

    def _key(self, r: QueueRow) -> Any:
        col = self._sort[0]
        if col == self.STATE_COL:
            return (r.passage.state, r.passage.created_at or "", r.passage.id)
        if col == self.QUOTE_COL:
            return (r.quote.casefold(), r.passage.id)
        if col == self.SPEAKER_COL:
            return (r.speakers.casefold(), r.passage.id)
        if col == self.TAGS_COL:
            return (", ".join(r.passage.tags).casefold(), r.passage.id)
        if col == self.NOTE_COL:
            return ((r.passage.note or "").casefold(), r.passage.id)
        if col == self.TITLE_COL:
            return (r.transcript.title.casefold(), r.passage.first_seq, r.passage.id)
        if col == self.STATUS_COL:
            return (VERIFICATION_STATES.index(r.transcript.verification), r.passage.id)
        return (r.passage.created_at or "", r.passage.id)

    def _sort_rows(self) -> None:
        self._rows.sort(key=self._key, reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = [r.passage.id for r in self._rows]
        self._sort = (column, order)
        self._sort_rows()
        after = {r.passage.id: i for i, r in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [
            self.index(after[before[i.row()]], i.column()) if i.isValid() else QModelIndex()
            for i in old
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == self.STATE_COL:
                return "Follow-up: ○ open, ✓ done (press D to toggle)"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        p, col = r.passage, index.column()
        if role == self.PassageRole:
            return p
        if role == self.IdRole:
            return p.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.STATE_COL:
                return "✓" if p.state == "done" else "○"
            if col == self.QUOTE_COL:
                q = r.quote if len(r.quote) <= QUOTE_CHARS else r.quote[:QUOTE_CHARS] + "…"
                return f"“{q}”"
            if col == self.SPEAKER_COL:
                return r.speakers
            if col == self.TAGS_COL:
                return ", ".join(p.tags)
            if col == self.NOTE_COL:
                return " ".join((p.note or "").split())  # one line in a cell
            if col == self.TITLE_COL:
                return r.transcript.title
            if col == self.STATUS_COL:
                v = r.transcript.verification
                return VERIFICATION_LABELS.get(v, v.upper())
            if col == self.DATE_COL:
                return (p.created_at or "")[:16].replace("T", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [r.quote, "", f"Tags: {', '.join(p.tags)}"]
            if p.note:
                lines += ["", p.note]
            lines += ["", f"{r.transcript.title} — utterance {p.first_seq}"]
            return tooltip_html("\n".join(lines))
        if col == self.STATUS_COL and role == Qt.ItemDataRole.BackgroundRole:
            return verification_color(r.transcript.verification)
        if col == self.STATUS_COL and role == Qt.ItemDataRole.ForegroundRole:
            return text_color_on(verification_color(r.transcript.verification))
        if col == self.STATE_COL and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
