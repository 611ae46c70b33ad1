"""The utterance list model: a window onto a transcript's utterances, fetched in pages.

A transcript may hold 100,000 utterances, so the model never reads them all. It knows the
count up front (``Library.utterance_count``) and reads pages of ``PAGE_SIZE`` rows when a view
asks for data, keeping the rows of the last ``MAX_PAGES`` pages read in an LRU cache. ``peek``
answers without fetching, so a delegate can size rows nobody has looked at yet from an
estimate.

Rows are cached by the turn's *ordering key* (``core.turn_order``), not by row: row r is the
turn with the r-th key. While the keys are 1..n (every transcript as imported) that is r + 1
and nothing is held; once a correction adds a turn between two, the model keeps the
transcript's keys in a list (100,000 numbers), so a row still maps to its key in O(1).

A correction (``turns_replaced``) patches the model in place: the changed rows are read by
key, their keys are put into (or taken out of) the list, and rows inserted or removed are
announced as such. Every other cached row keeps its key, so nothing else is re-read or
repainted, however far the rows after the change moved. ``set_fixed_rows`` shows a list held
in memory instead (View ▸ Show as imported).

Signals:
    page_loaded(first_row, last_row): a page arrived from the library (rows may change height).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from intercept_viewer.core.library import Library
from intercept_viewer.core.model import Speaker, Utterance
from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.core.turn_order import Key
from intercept_viewer.ui.widgets.roles import UtteranceRole
from intercept_viewer.ui.widgets.safe_text import tooltip_html

AnyIndex = QModelIndex | QPersistentModelIndex
UNKNOWN_SPEAKER = "?"
UNKNOWN_COLOR = "#808080"


class UtteranceListModel(QAbstractListModel):
    """Rows are utterances of one transcript in order (row = turn number - 1).

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
        #: page number -> the keys that page read (LRU; evicting a page drops its rows)
        self._pages: OrderedDict[int, list[Key]] = OrderedDict()
        #: key -> the utterance (its ``seq`` is set to the row's number when it is handed out)
        self._rows: dict[Key, Utterance] = {}
        #: every turn's key in order, or None while they are 1..n (row r has key r + 1)
        self._keys: list[Key] | None = None
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
        self._clear_rows()
        self._highlights.clear()
        self._tags.clear()
        self._fixed = None
        self._history_tips.clear()
        self.pages_fetched = []
        self._speakers = {s.id: s for s in speakers}
        self._count = 0 if transcript_id is None else self._library.utterance_count(transcript_id)
        self._load_keys()
        if self._count:
            self._page(0, announce=False)
        self.endResetModel()

    def set_speakers(self, speakers: list[Speaker]) -> None:
        """New speaker names/colours (rename, recolour); the text is unchanged."""
        self._speakers = {s.id: s for s in speakers}
        self._changed_all()

    def reload(self) -> None:
        """Forget cached pages (speaker ids moved in a merge) and repaint."""
        self._clear_rows()
        self._load_keys()
        self._changed_all()

    def _clear_rows(self) -> None:
        self._pages.clear()
        self._rows.clear()
        self._keys = None

    def _load_keys(self) -> None:
        """A transcript corrected earlier (turns added between two): read its keys once."""
        tid = self._transcript_id
        if tid is not None and self._fixed is None and self._library.turn_order_sparse(tid):
            self._keys = self._library.turn_keys(tid)
            self._count = len(self._keys)

    def key_at(self, row: int) -> Key:
        """The ordering key of the turn at ``row``."""
        return row + 1 if self._keys is None else self._keys[row]

    @property
    def showing_fixed(self) -> bool:
        """True while a list in memory (the transcript as imported) is shown."""
        return self._fixed is not None

    def set_fixed_rows(self, rows: list[Utterance] | None) -> None:
        """Show ``rows`` (read-only, e.g. the transcript as imported); None: the library again."""
        self.beginResetModel()
        self._fixed = rows
        self._clear_rows()
        self._history_tips.clear()
        if rows is not None:
            self._count = len(rows)
        elif self._transcript_id is not None:
            self._count = self._library.utterance_count(self._transcript_id)
            self._load_keys()
        else:
            self._count = 0
        self.endResetModel()

    def turns_replaced(
        self, seq: int, removed: int, inserted: int, keys: Sequence[Key] | None = None
    ) -> None:
        """The library replaced ``removed`` turns at turn number ``seq`` by ``inserted`` ones,
        now at ``keys`` (None: the same keys, an in-place change): read those rows by key,
        put their keys in place, announce inserted/removed rows, shift the decorations below.

        Nothing else is read: every other cached row is found by its key as before.
        """
        if self._transcript_id is None or self._fixed is not None:
            return
        row, delta = seq - 1, inserted - removed
        self._history_tips.clear()
        if keys is None:
            if delta:
                raise ValueError("Added or removed turns need their keys.")
            keys = [self.key_at(r) for r in range(row, row + inserted)]
        if delta or (self._keys is None and list(keys) != list(range(seq, seq + inserted))):
            if self._keys is None:
                self._keys = list(range(1, self._count + 1))
            for k in self._keys[row : row + removed]:
                self._rows.pop(k, None)
            self._keys[row : row + removed] = list(keys)
            self._highlights = _shifted(self._highlights, seq + removed, delta)
            self._tags = _shifted(self._tags, seq + removed, delta)
        fresh = self._library.utterances_at_keys(self._transcript_id, list(keys))
        newest = next(reversed(self._pages.values()), None) if self._pages else None
        for key, u in fresh:
            if key not in self._rows and newest is not None:
                newest.append(key)  # evicted with the newest page
            self._rows[key] = u
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

    def _page(self, page_no: int, *, announce: bool = True) -> None:
        """Read page ``page_no`` (rows ``page_no * PAGE_SIZE`` on) into the cache: a row of it
        was asked for and is not cached (a page read before a correction moved the rows may
        miss some now, so it is read again)."""
        assert self._transcript_id is not None
        self._pages.pop(page_no, None)
        first = page_no * self.PAGE_SIZE
        if not 0 <= first < self._count:
            return
        pairs = self._library.utterances_by_key(
            self._transcript_id, self.key_at(first), self.PAGE_SIZE
        )
        self.pages_fetched.append(page_no)
        for key, u in pairs:
            self._rows[key] = u
        self._pages[page_no] = [key for key, _u in pairs]
        while len(self._pages) > self.MAX_PAGES:
            _old, gone = self._pages.popitem(last=False)
            kept = {k for ks in self._pages.values() for k in ks}
            for k in gone:
                if k not in kept:
                    self._rows.pop(k, None)
        if announce and pairs:
            self.page_loaded.emit(first, first + len(pairs) - 1)

    def _cached(self, row: int) -> Utterance | None:
        if self._fixed is not None:
            return self._fixed[row] if 0 <= row < len(self._fixed) else None
        if not 0 <= row < self._count:
            return None
        u = self._rows.get(self.key_at(row))
        if u is not None and u.seq != row + 1:
            u.seq = row + 1  # the turn number: rows above it were added or removed
        return u

    def peek(self, row: int) -> Utterance | None:
        """The utterance at ``row`` if its page is in memory; never reads the library."""
        return self._cached(row)

    def utterance_at(self, row: int) -> Utterance | None:
        """The utterance at ``row``, reading its page when needed."""
        if not 0 <= row < self._count or self._transcript_id is None:
            return None
        u = self._cached(row)
        if u is None:
            self._page(row // self.PAGE_SIZE)
            u = self._cached(row)
        return u

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
