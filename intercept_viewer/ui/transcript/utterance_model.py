"""The utterance list model: a window onto a transcript's utterances, fetched in pages.

A transcript may hold 100,000 utterances, so the model never reads them all. It knows the
count up front (``Library.utterance_count``) and reads pages of ``PAGE_SIZE`` rows by seq when
a view asks for data, keeping the last ``MAX_PAGES`` pages in an LRU cache. ``peek`` answers
without fetching, so a delegate can size rows nobody has looked at yet from an estimate.

A correction (``turns_replaced``) patches the model in place: the changed rows are read
again, rows inserted or removed are announced as such, and cached pages after the change are
dropped (their rows moved), so nothing else is re-read or repainted. ``set_fixed_rows`` shows a
list held in memory instead (View ▸ Show as imported).

Signals:
    page_loaded(first_row, last_row): a page arrived from the library (rows may change height).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker, Utterance
from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.ui.widgets.roles import UtteranceRole
from intercept_viewer.ui.widgets.safe_text import tooltip_html

AnyIndex = QModelIndex | QPersistentModelIndex
UNKNOWN_SPEAKER = "?"
UNKNOWN_COLOR = "#808080"


class UtteranceListModel(QAbstractListModel):
    """Rows are utterances of one transcript in seq order (row = seq - 1).

    Attributes:
        pages_fetched: every page number read from the library, in order (tests count these).
    """

    PAGE_SIZE = 200
    MAX_PAGES = 16

    page_loaded = Signal(int, int)

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self._library = library
        self._transcript_id: int | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[Utterance]] = OrderedDict()
        self._speakers: dict[int, Speaker] = {}
        self._highlights: dict[int, list[tuple[int, int]]] = {}
        self._tags: dict[int, list[tuple[str, str]]] = {}
        self._fixed: list[Utterance] | None = None
        #: (transcript id, utterance id) -> tooltip with its history; cleared by corrections
        self._history_tips: dict[int, str] = {}
        self.history_tip: Any = None  # callable(Utterance) -> str, set by the corrections
        self.pages_fetched: list[int] = []

    # ---------------------------------------------------------------- loading

    @property
    def transcript_id(self) -> int | None:
        return self._transcript_id

    def set_library(self, library: Library) -> None:
        self._library = library

    def set_transcript(self, transcript_id: int | None, speakers: list[Speaker]) -> None:
        """Show another transcript. Only the first page is read now."""
        self.beginResetModel()
        self._transcript_id = transcript_id
        self._pages.clear()
        self._highlights.clear()
        self._tags.clear()
        self._fixed = None
        self._history_tips.clear()
        self.pages_fetched = []
        self._speakers = {s.id: s for s in speakers}
        self._count = 0 if transcript_id is None else self._library.utterance_count(transcript_id)
        if self._count:
            self._page(0, announce=False)
        self.endResetModel()

    def set_speakers(self, speakers: list[Speaker]) -> None:
        """New speaker names/colours (rename, recolour); the text is unchanged."""
        self._speakers = {s.id: s for s in speakers}
        self._changed_all()

    def reload(self) -> None:
        """Forget cached pages (speaker ids moved in a merge) and repaint."""
        self._pages.clear()
        self._changed_all()

    @property
    def showing_fixed(self) -> bool:
        """True while a list in memory (the transcript as imported) is shown."""
        return self._fixed is not None

    def set_fixed_rows(self, rows: list[Utterance] | None) -> None:
        """Show ``rows`` (read-only, e.g. the transcript as imported); None: the library again."""
        self.beginResetModel()
        self._fixed = rows
        self._pages.clear()
        self._history_tips.clear()
        if rows is not None:
            self._count = len(rows)
        elif self._transcript_id is not None:
            self._count = self._library.utterance_count(self._transcript_id)
        else:
            self._count = 0
        self.endResetModel()

    def turns_replaced(self, seq: int, removed: int, inserted: int) -> None:
        """The library replaced ``removed`` turns at ``seq`` by ``inserted`` ones: re-read the
        changed rows, announce inserted/removed rows, shift the decorations below them."""
        if self._transcript_id is None or self._fixed is not None:
            return
        row, delta = seq - 1, inserted - removed
        self._history_tips.clear()
        page_no = row // self.PAGE_SIZE
        if delta:
            # rows from the change on moved: drop their pages (read again when painted)
            for p in [p for p in self._pages if p >= page_no]:
                del self._pages[p]
            self._highlights = _shifted(self._highlights, seq + removed, delta)
            self._tags = _shifted(self._tags, seq + removed, delta)
        else:
            fresh = self._library.utterances(self._transcript_id, seq, inserted)
            for u in fresh:
                page = self._pages.get((u.seq - 1) // self.PAGE_SIZE)
                i = (u.seq - 1) % self.PAGE_SIZE
                if page is not None and i < len(page):
                    page[i] = u
        common = min(removed, inserted)
        if delta > 0:
            self.beginInsertRows(QModelIndex(), row + removed, row + inserted - 1)
            self._count += delta
            self.endInsertRows()
        elif delta < 0:
            self.beginRemoveRows(QModelIndex(), row + inserted, row + removed - 1)
            self._count += delta
            self.endRemoveRows()
        if common:
            self.dataChanged.emit(self.index(row, 0), self.index(row + common - 1, 0))

    def _changed_all(self) -> None:
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0))

    def _page(self, page_no: int, *, announce: bool = True) -> list[Utterance]:
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        if self._fixed is not None:
            start = page_no * self.PAGE_SIZE
            page = self._fixed[start : start + self.PAGE_SIZE]
            self._pages[page_no] = page
            return page
        assert self._transcript_id is not None
        page = self._library.utterances(
            self._transcript_id, page_no * self.PAGE_SIZE + 1, self.PAGE_SIZE
        )
        self.pages_fetched.append(page_no)
        self._pages[page_no] = page
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        if announce and page:
            first = page_no * self.PAGE_SIZE
            self.page_loaded.emit(first, first + len(page) - 1)
        return page

    def peek(self, row: int) -> Utterance | None:
        """The utterance at ``row`` if its page is in memory; never reads the library."""
        page = self._pages.get(row // self.PAGE_SIZE)
        if page is None:
            return None
        i = row % self.PAGE_SIZE
        return page[i] if i < len(page) else None

    def utterance_at(self, row: int) -> Utterance | None:
        """The utterance at ``row``, reading its page when needed."""
        if not 0 <= row < self._count or self._transcript_id is None:
            return None
        page = self._page(row // self.PAGE_SIZE)
        i = row % self.PAGE_SIZE
        return page[i] if i < len(page) else None

    @staticmethod
    def row_for_seq(seq: int) -> int:
        return seq - 1

    def speakers(self) -> list[Speaker]:
        return list(self._speakers.values())

    def speaker(self, speaker_id: int | None) -> Speaker | None:
        return self._speakers.get(speaker_id) if speaker_id is not None else None

    def speaker_name(self, u: Utterance) -> str:
        sp = self.speaker(u.speaker_id)
        return sp.name if sp else UNKNOWN_SPEAKER

    def speaker_color(self, u: Utterance) -> str:
        sp = self.speaker(u.speaker_id)
        return sp.color if sp else UNKNOWN_COLOR

    # ---------------------------------------------------------------- decorations by others

    def set_highlights(self, spans: dict[int, list[tuple[int, int]]]) -> None:
        """Highlight character spans per seq (search hits); replaces the previous set."""
        touched = set(self._highlights) | set(spans)
        self._highlights = {k: list(v) for k, v in spans.items() if v}
        self._seqs_changed(touched)

    def set_tag_chips(self, chips: dict[int, list[tuple[str, str]]]) -> None:
        """Tag chips (name, colour) per seq; replaces the previous set."""
        touched = set(self._tags) | set(chips)
        self._tags = {k: list(v) for k, v in chips.items() if v}
        self._seqs_changed(touched)

    def highlights_for(self, seq: int) -> list[tuple[int, int]]:
        return self._highlights.get(seq, [])

    def tags_for(self, seq: int) -> list[tuple[str, str]]:
        return self._tags.get(seq, [])

    def _seqs_changed(self, seqs: set[int]) -> None:
        for seq in seqs:
            row = self.row_for_seq(seq)
            if 0 <= row < self._count:
                idx = self.index(row, 0)
                self.dataChanged.emit(idx, idx)

    # ---------------------------------------------------------------- Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if self._fixed is None and not self._library.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable  # through the delegate's TurnEditor
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        u = self.utterance_at(index.row())
        if u is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # Raw text: "<b>x</b>" stays those characters. Views must draw it as plain text.
            return u.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.speaker_name(u)}: {u.text}"
        if role == UtteranceRole.Seq:
            return u.seq
        if role == UtteranceRole.Time:
            return format_ms(u.start_ms)
        if role == UtteranceRole.SpeakerName:
            return self.speaker_name(u)
        if role == UtteranceRole.SpeakerColor:
            return QColor(self.speaker_color(u))
        if role == UtteranceRole.SpeakerId:
            return u.speaker_id
        if role == UtteranceRole.Highlights:
            return self.highlights_for(u.seq)
        if role == UtteranceRole.TagChips:
            return self.tags_for(u.seq)
        if role == UtteranceRole.Utterance:
            return u
        if role == UtteranceRole.Corrected:
            return u.corrected and self._fixed is None
        if role == UtteranceRole.Translation:
            return u.translation
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = []
            if u.corrected and self._fixed is None:
                parts.append(self._correction_tip(u))
            if u.context:
                # Turns quoted from an article keep the paragraph they came from: hovering a
                # turn shows it, so the reader can check the attribution against the writer's.
                parts.append(f"From the article:\n\n{u.context}")
            return tooltip_html("\n\n".join(parts)) if parts else None
        return None

    def _correction_tip(self, u: Utterance) -> str:
        """ "Edited" and the text as imported, plus the turn's history (read on hover)."""
        tip = self._history_tips.get(u.id)
        if tip is None:
            if u.original_text == "":
                tip = "Inserted: this turn is not in the release as imported."
            elif u.original_text == u.text:
                tip = "Corrected (the text is as imported):"
            else:
                tip = f"Edited. As imported:\n\n{u.original_text}"
            if self.history_tip is not None:
                more = self.history_tip(u)
                if more:
                    tip += f"\n\n{more}"
            self._history_tips[u.id] = tip
        return tip


def _shifted(by_seq: dict[int, Any], from_seq: int, delta: int) -> dict[int, Any]:
    """Decorations keyed by seq, with every seq from ``from_seq`` on moved by ``delta``."""
    out: dict[int, Any] = {}
    for seq, value in by_seq.items():
        if seq >= from_seq:
            out[seq + delta] = value
        elif seq < from_seq + min(delta, 0):
            out[seq] = value
    return out
