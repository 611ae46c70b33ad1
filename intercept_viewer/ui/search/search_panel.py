"""The search panel: a query bar, a speaker filter, a scope switch and the list of hits.

Typing is debounced (``DEBOUNCE_MS``) and every query runs as a task of the window's runner
(``search_worker.search_task``) with its own library connection, so the GUI never waits for
SQLite; a new query cancels the one it overtakes, and late replies (older generation) are
dropped. The hits arrive a page at a time: the results model asks for
the next page through ``canFetchMore``/``fetchMore`` as the list scrolls (keyset cursor).

Snippets come from core with the matched words between ``MARK_START``/``MARK_END``; the
delegate turns those into bold, highlighted ranges of plain text (``QTextLayout``), never HTML,
so a transcript reading ``<b>`` shows those three characters.

Opening a hit shows its transcript, scrolls to the utterance and highlights it. The words of
the query are also highlighted in every row on screen of the open transcript (``match_spans``
through the utterance model's highlight role) and the loaded hits in it are marked on the
turn strip. F3 / Shift+F3 step through the hits, across transcripts in library scope.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.search import (
    COUNT_CAP,
    MARK_END,
    MARK_START,
    Query,
    SearchHit,
    SearchResult,
    match_spans,
    parse_query,
    step_in_transcript,
)
from intercept_viewer.core.timefmt import format_ms
from intercept_viewer.ui.context import Change, WindowContext
from intercept_viewer.ui.search.search_worker import (
    SearchRequest,
    count_task,
    search_task,
    warm_task,
)
from intercept_viewer.ui.transcript.transcript_view import TranscriptView
from intercept_viewer.ui.widgets.highlight_layout import highlighted_layout
from intercept_viewer.ui.widgets.safe_text import tooltip_html
from intercept_viewer.ui.widgets.style import (
    VERIFICATION_COLORS,
    VERIFICATION_LABELS,
    text_color_on,
    verification_color,
)

AnyIndex = QModelIndex | QPersistentModelIndex

DEBOUNCE_MS = 250
#: Rows of the open transcript checked for highlights per scroll (a screenful is far less).
MAX_VISIBLE_ROWS = 300
#: Forget per-row highlight results past this many rows (a long scroll through a transcript).
MAX_CHECKED_ROWS = 20_000
MARK_COLOR = QColor("#F59E0B")
SCOPE_TRANSCRIPT, SCOPE_LIBRARY = 0, 1
ALL_SPEAKERS = "All speakers"


def split_marks(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet without its marks, and the marked ranges as (start, length) in that text.

    Newlines become spaces (same length), so a snippet stays on its own lines in the list.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start: int | None = None
    for ch in snippet:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start is not None and pos > start:
                spans.append((start, pos - start))
            start = None
        else:
            out.append(" " if ch in "\r\n\t\u2028\u2029" else ch)
            pos += 1
    if start is not None and pos > start:  # unterminated: mark to the end
        spans.append((start, pos - start))
    return "".join(out), spans


def hit_count_label(result: SearchResult, *, in_transcript: bool) -> str:
    """``"1 hit"``, ``"1,234 hits"``, ``"50,000+ hits (counted up to 50,000)"``: every match is
    ranked, but counting stops at ``COUNT_CAP``, and the label says so."""
    if result.total == 0:
        return "No hits in this transcript" if in_transcript else "No hits"
    if not result.counted:  # the page is shown; its count follows (``count_task``)
        return f"{result.total_label} hits, counting…"
    noun = "hit" if result.total == 1 and result.total_exact else "hits"
    label = f"{result.total_label} {noun}"
    if in_transcript:
        label += " in this transcript"
    if not result.total_exact:
        label += f" (counted up to {result.total:,})"
    elif result.by_transcript and len(result.by_transcript) > 1 and not in_transcript:
        n = len(result.by_transcript)
        label += f" in {n:,} transcript{'s' if n != 1 else ''}"
    return label


# ---------------------------------------------------------------------------- model


class HitRole(IntEnum):
    """Roles of ``SearchResultsModel``. DisplayRole is the snippet as plain text (a group
    header's title and count)."""

    Hit = int(Qt.ItemDataRole.UserRole) + 40
    #: the snippet with MARK_START/MARK_END around the matches
    Snippet = int(Qt.ItemDataRole.UserRole) + 41
    Verification = int(Qt.ItemDataRole.UserRole) + 42
    #: a group header's (title, count label); None on hit rows
    Group = int(Qt.ItemDataRole.UserRole) + 43


class SearchResultsModel(QAbstractListModel):
    """The hits of one query, loaded page by page; grouped by transcript when ``grouped``.

    Grouped, each transcript gets a header row (its title and how many matches it holds in
    all, from ``SearchResult.by_transcript``) followed by its hits in rank order; transcripts
    come in the order of their best hit. A later page's hits are inserted at the end of their
    group, so the rows already shown never move.

    Signals:
        more_requested(cursor): the view scrolled to the end; fetch the page after ``cursor``.
    """

    more_requested = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: rows: a SearchHit, or a transcript id (that transcript's header)
        self._rows: list[SearchHit | int] = []
        self._titles: dict[int, str] = {}
        self._counts: dict[int, int] = {}
        self._counts_exact = True
        self._grouped = False
        self._cursor: tuple[int, float, int] | None = None
        self._fetching = False

    def set_result(self, result: SearchResult | None, *, grouped: bool = False) -> None:
        self.beginResetModel()
        self._rows = []
        self._titles = {}
        self._grouped = grouped
        self._counts = dict(result.by_transcript or {}) if result is not None else {}
        self._counts_exact = result.by_transcript_exact if result is not None else True
        self._cursor = result.next_cursor if result is not None else None
        self._fetching = False
        for hit in result.hits if result is not None else []:
            self._place(hit)
        self.endResetModel()

    def _place(self, hit: SearchHit) -> int:
        """Where ``hit`` goes (appended or inside its group); adds it to ``_rows``. Returns
        the first new row (a new group adds its header too)."""
        if not self._grouped:
            self._rows.append(hit)
            return len(self._rows) - 1
        tid = hit.transcript_id
        if tid not in self._titles:
            self._titles[tid] = hit.title
            self._rows += [tid, hit]
            return len(self._rows) - 2
        at = self._group_end(tid)
        self._rows.insert(at, hit)
        return at

    def _group_end(self, tid: int) -> int:
        start = self._rows.index(tid)
        end = start + 1
        while end < len(self._rows) and isinstance(self._rows[end], SearchHit):
            end += 1
        return end

    def append(self, result: SearchResult) -> None:
        self._fetching = False
        seen = {h.utterance_id for h in self.hits()}
        new = [h for h in result.hits if h.utterance_id not in seen]
        for hit in new:
            if self._grouped and hit.transcript_id in self._titles:
                at = self._group_end(hit.transcript_id)
                self.beginInsertRows(QModelIndex(), at, at)
                self._rows.insert(at, hit)
            else:
                n = len(self._rows)
                extra = 1 if self._grouped else 0
                self.beginInsertRows(QModelIndex(), n, n + extra)
                self._place(hit)
            self.endInsertRows()
        self._cursor = result.next_cursor if new else None

    @property
    def grouped(self) -> bool:
        return self._grouped

    @property
    def fetching(self) -> bool:
        return self._fetching

    def fetch_failed(self) -> None:
        self._fetching = False
        self._cursor = None

    def hits(self) -> list[SearchHit]:
        """The hits in row order."""
        return [r for r in self._rows if isinstance(r, SearchHit)]

    def hit(self, row: int) -> SearchHit | None:
        r = self._rows[row] if 0 <= row < len(self._rows) else None
        return r if isinstance(r, SearchHit) else None

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and not isinstance(self._rows[row], SearchHit)

    def set_counts(self, counts: dict[int, int], exact: bool) -> None:
        """The matches per transcript, counted after the page was shown: the headers say so."""
        self._counts = dict(counts)
        self._counts_exact = exact
        for row, r in enumerate(self._rows):
            if not isinstance(r, SearchHit):
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def group_label(self, tid: int) -> str:
        """``"12 hits"`` in the whole transcript (``"50,000+"`` past the count's bound), or the
        hits loaded so far when the matches were not counted."""
        loaded = sum(1 for r in self._rows if isinstance(r, SearchHit) and r.transcript_id == tid)
        n = self._counts.get(tid)
        if n is None:
            return f"{loaded} hit{'s' if loaded != 1 else ''} shown"
        more = "" if self._counts_exact else "+"
        return f"{n:,}{more} hit{'s' if n != 1 or more else ''}"

    # ---------------------------------------------------------------- Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_header(index.row()):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if not isinstance(row, SearchHit):
            title, label = self._titles.get(row, ""), self.group_label(row)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{title} — {label}"
            if role == HitRole.Group:
                return (title, label)
            return None
        hit = row
        if role == Qt.ItemDataRole.DisplayRole:
            return split_marks(hit.snippet)[0]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            flag = VERIFICATION_LABELS.get(hit.verification, hit.verification.upper())
            return f"{flag}. {hit.title}. {hit.speaker or '?'}: {hit.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            flag = VERIFICATION_LABELS.get(hit.verification, hit.verification.upper())
            return tooltip_html(f"{hit.title} [{flag}]\n{hit.speaker or '?'}: {hit.text}")
        if role == HitRole.Hit:
            return hit
        if role == HitRole.Snippet:
            return hit.snippet
        if role == HitRole.Verification:
            return hit.verification
        return None

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._cursor is not None and not self._fetching

    def fetchMore(self, parent: AnyIndex) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_requested.emit(self._cursor)


# ---------------------------------------------------------------------------- delegate

PAD = 6
GAP = 6
SNIPPET_LINES = 3


class SearchHitDelegate(QStyledItemDelegate):
    """Two parts per hit: badge, title and time; then the speaker chip and the snippet with
    its matches bold on a highlight, wrapped to at most ``SNIPPET_LINES`` lines."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._font = QFont(view.font())
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._small = QFont(self._font)
        self._small.setBold(True)
        self._small.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        self._fm = QFontMetrics(self._font)

    def _snippet_layout(self, hit: SearchHit, width: int) -> tuple[QTextLayout, int]:
        text, spans = split_marks(hit.snippet)
        layout, lines = highlighted_layout(
            text,
            self._font,
            spans,
            max(40, width),
            bold=True,
            max_lines=SNIPPET_LINES,
            wrap=QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere,
        )
        return layout, max(1, lines)

    def _chip_width(self, hit: SearchHit) -> int:
        name = hit.speaker or "?"
        return min(self._fm.horizontalAdvance(name) + 2, 120) + 2 * PAD  # +2: elision rounding

    def _snippet_width(self, hit: SearchHit, row_width: int) -> int:
        return row_width - 2 * PAD - self._chip_width(hit) - GAP

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hit = index.data(HitRole.Hit)
        width = self._view.viewport().width()
        if hit is None:
            return QSize(width, self._fm.height() + 2 * PAD)
        _layout, lines = self._snippet_layout(hit, self._snippet_width(hit, width))
        h = PAD + self._fm.height() + GAP + lines * self._fm.lineSpacing() + PAD
        return QSize(width, h)

    def _paint_group(
        self, painter: QPainter, option: QStyleOptionViewItem, group: tuple[str, str]
    ) -> None:
        """A transcript's header: its title and how many matches it holds."""
        title, label = group
        r = option.rect
        pal = option.palette
        painter.save()
        painter.fillRect(r, pal.color(QPalette.ColorRole.AlternateBase))
        fm = QFontMetrics(self._bold)
        painter.setFont(self._font)
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        label_w = self._fm.horizontalAdvance(label)
        text_rect = r.adjusted(PAD, 0, -PAD, 0)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label
        )
        painter.setFont(self._bold)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        room = max(0, text_rect.width() - label_w - GAP)
        painter.drawText(
            text_rect.adjusted(0, 0, -(label_w + GAP), 0),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(title.replace("\n", " "), Qt.TextElideMode.ElideRight, room),
        )
        painter.restore()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        hit = index.data(HitRole.Hit)
        if not isinstance(hit, SearchHit):
            group = index.data(HitRole.Group)
            if group is not None:
                self._paint_group(painter, option, group)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        painter.save()
        if widget is not None:
            widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = fg if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        r = option.rect
        fm = self._fm
        x, top = r.left() + PAD, r.top() + PAD
        right = r.right() - PAD
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        # line 1: verification badge, title, time
        label = VERIFICATION_LABELS.get(hit.verification, hit.verification.upper())
        painter.setFont(self._small)
        sfm = QFontMetrics(self._small)
        badge = QRectF(x, top, sfm.horizontalAdvance(label) + 2 * PAD - 2, fm.height())
        bg = verification_color(hit.verification)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(badge, 3, 3)
        painter.setPen(text_color_on(bg))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), label)
        x = int(badge.right()) + GAP
        time = format_ms(hit.start_ms)
        painter.setFont(self._font)
        time_w = fm.horizontalAdvance(time) if time else 0
        if time:
            painter.setPen(dim)
            painter.drawText(
                QRect(right - time_w, top, time_w, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                time,
            )
        painter.setFont(self._bold)
        painter.setPen(fg)
        title_w = max(0, right - x - (time_w + GAP if time else 0))
        title = QFontMetrics(self._bold).elidedText(
            hit.title.replace("\n", " "), Qt.TextElideMode.ElideRight, title_w
        )
        painter.drawText(
            QRect(x, top, title_w, fm.height()), int(Qt.AlignmentFlag.AlignVCenter), title
        )

        # line 2+: speaker chip and the snippet
        top += fm.height() + GAP
        x = r.left() + PAD
        painter.setFont(self._font)
        name = hit.speaker or "?"
        chip_w = self._chip_width(hit)
        chip = QRectF(x, top, chip_w, fm.height())
        color = QColor(hit.speaker_color or "#808080")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(chip, 4, 4)
        painter.setPen(text_color_on(color))
        painter.drawText(
            chip,
            int(Qt.AlignmentFlag.AlignCenter),
            fm.elidedText(name, Qt.TextElideMode.ElideRight, chip_w - 2 * PAD),
        )
        sx = x + chip_w + GAP
        layout, _lines = self._snippet_layout(hit, self._snippet_width(hit, r.width()))
        painter.setPen(fg)
        painter.setClipRect(QRect(sx, top, right - sx + 1, r.bottom() - top + 1))
        layout.draw(painter, QRectF(sx, top, 0, 0).topLeft())
        painter.restore()


# ---------------------------------------------------------------------------- panel


class SearchPanel(QWidget):
    """Attributes:
    query_edit, scope_combo, speaker_combo, status_label, results_view, results_model.
    dock: the dock it lives in (set by the window).
    (F3 and Shift+F3 are the window's actions, calling ``next_hit``: the window builds this
    panel only when first needed.)

    Signals:
        results_shown(generation): a first page of hits (or a message) is on screen.
        counted(generation): that page's matches were counted after it (library searches
            whose first page does not hold every match).
    """

    results_shown = Signal(int)
    counted = Signal(int)

    def __init__(
        self, context: WindowContext, view: TranscriptView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.view = view
        self.dock: QWidget | None = None
        self._generation = 0
        self._shown_generation = 0
        self._searched_text: str | None = None
        #: the generation whose page is shown but not counted yet (None: nothing to count)
        self._counting: int | None = None
        self._result: SearchResult | None = None
        self._query: Query | None = None
        self._highlights: dict[int, list[tuple[int, int]]] = {}
        self._checked: set[int] = set()
        self._request: SearchRequest | None = None

        self.query_edit = QLineEdit(self)
        self.query_edit.setPlaceholderText("Search… (Ctrl+F)   e.g. Купянск speaker:Mother")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setToolTip(
            tooltip_html(
                'Words (any form), "exact phrase", prefix*, a OR b, -word, speaker:NAME, '
                "tag:NAME, publisher:NAME, status:unverified, after:2024-01-01, before:2024-12-31."
                "\nEnter or F3: next hit; Shift+F3: previous."
            )
        )
        self.scope_combo = QComboBox(self)
        self.scope_combo.addItems(["This transcript", "Whole library"])
        self.scope_combo.setCurrentIndex(SCOPE_LIBRARY)
        self.scope_combo.setToolTip("Where to search")
        self.speaker_combo = QComboBox(self)
        self.speaker_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.speaker_combo.setMinimumContentsLength(10)
        self.speaker_combo.setToolTip("Only what this speaker said")
        self.spellings_check = QCheckBox("Other spellings", self)
        self.spellings_check.setChecked(True)
        self.spellings_check.setToolTip(
            tooltip_html(
                "On: Russian, Ukrainian and Latin spellings of a name find each other "
                "(Kupyansk, Купянск, Куп'янськ), after the spelling you typed.\n"
                "Off: only the spelling typed, in any of its forms (exact:WORD does this for one "
                "word)."
            )
        )
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.results_model = SearchResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(SearchHitDelegate(self.results_view))
        self.results_view.setUniformItemSizes(False)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scope_combo)
        row.addWidget(self.speaker_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.query_edit)
        layout.addLayout(row)
        layout.addWidget(self.spellings_check)  # its own line: the dock stays narrow
        layout.addWidget(self.status_label)
        layout.addWidget(self.results_view, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(0)
        self._highlight_timer.timeout.connect(self.highlight_visible)

        self.query_edit.textChanged.connect(lambda _t: self._timer.start())
        self.query_edit.returnPressed.connect(self._enter_pressed)
        self.query_edit.installEventFilter(self)
        self.scope_combo.currentIndexChanged.connect(self._scope_changed)
        self.speaker_combo.currentIndexChanged.connect(lambda _i: self.search_now())
        self.spellings_check.toggled.connect(lambda _on: self.search_now())
        self.results_view.clicked.connect(lambda idx: self.open_hit(idx.row()))
        self.results_view.activated.connect(lambda idx: self.open_hit(idx.row()))
        self.results_model.more_requested.connect(self._fetch_more)
        context.current_changed.connect(self._transcript_changed)
        context.changed.connect(self._library_changed)
        context.library_replaced.connect(self.refill_speakers)
        view.list_view.visible_range_changed.connect(lambda *_: self._highlight_timer.start())
        view.model.page_loaded.connect(lambda *_: self._highlight_timer.start())
        self.refill_speakers()
        #: seq of the hit F3 last went to in the open transcript (reading order starts there)
        self._last_seq: int | None = None
        # Word forms: the dictionaries load in the background once the window has painted,
        # not on the first search (on the search lane, which opens its connection early too).
        self.context.after_first_paint(lambda: self.context.tasks.submit(warm_task()))

    def bridge(self) -> bool:
        """Whether other spellings count (the "Other spellings" switch)."""
        return self.spellings_check.isChecked()

    # ---------------------------------------------------------------- scope and speakers

    def scope(self) -> int:
        return self.scope_combo.currentIndex()

    def set_scope(self, scope: int) -> None:
        self.scope_combo.setCurrentIndex(scope)

    def _scope_changed(self, _index: int) -> None:
        self.refill_speakers()
        self.search_now()

    def refill_speakers(self) -> None:
        """List the speakers in scope, keeping the chosen name when it is still there."""
        combo = self.speaker_combo
        keep = combo.currentText() if combo.currentIndex() > 0 else None
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(ALL_SPEAKERS, None)
            lib = self.context.library
            if self.scope() == SCOPE_TRANSCRIPT:
                tid = self.context.current_transcript_id
                for sp in lib.speakers(tid) if tid is not None else []:
                    combo.addItem(sp.name, sp.id)
                    combo.setItemData(
                        combo.count() - 1,
                        tooltip_html(f"label: {sp.label}"),
                        Qt.ItemDataRole.ToolTipRole,
                    )
            else:
                for name in lib.speaker_names():
                    combo.addItem(name, name)
            i = combo.findText(keep, Qt.MatchFlag.MatchExactly) if keep else 0
            combo.setCurrentIndex(max(0, i))
        finally:
            combo.blockSignals(False)

    def set_speaker(self, name: str | None) -> None:
        """Choose a speaker by name (None: all), as the user would in the combo."""
        i = 0 if name is None else self.speaker_combo.findText(name)
        if i < 0:
            raise ValueError(f"no speaker {name!r} in the list")
        self.speaker_combo.setCurrentIndex(i)

    # ---------------------------------------------------------------- searching

    def focus_search(self) -> None:
        """Ctrl+F: show the panel and put the cursor in the query."""
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def _enter_pressed(self) -> None:
        if self._timer.isActive() or self.query_edit.text() != self._searched_text:
            self.search_now()
        else:
            self.next_hit()

    def search_now(self) -> None:
        """Run the query in the bar now (the debounce timer calls this)."""
        self._timer.stop()
        text = self.query_edit.text()
        speaker = self.speaker_combo.currentData()
        self._generation += 1
        self._counting = None
        self._searched_text = text
        try:
            self._query = parse_query(text) if text.strip() else None
        except QueryError:
            self._query = None
        self._reset_highlights()
        if not text.strip() and speaker is None:
            self._request = None
            self._show(None, "")
            return
        tid: int | None = None
        if self.scope() == SCOPE_TRANSCRIPT:
            tid = self.context.current_transcript_id
            if tid is None:
                self._request = None
                self._show(None, "Open a transcript to search it, or search the whole library.")
                return
        self._last_seq = None
        self._request = SearchRequest(self._generation, text, tid, speaker, bridge=self.bridge())
        self.status_label.setText("Searching…")
        self._set_error_style(False)
        self._submit(self._request)

    def _fetch_more(self, cursor: object) -> None:
        if self._request is None or not isinstance(cursor, tuple):
            self.results_model.fetch_failed()
            return
        r = self._request
        self._submit(
            SearchRequest(
                r.generation, r.query, r.transcript_id, r.speaker, cursor, bridge=r.bridge
            )
        )

    def _submit(self, request: SearchRequest) -> None:
        """Run ``request`` as a task (an in-memory library answers before this returns); a
        first page supersedes every search still running, a further page adds to it."""

        def done(outcome: SearchResult | str) -> None:
            if isinstance(outcome, str):
                self._failed(request.generation, outcome)
            else:
                self._done(request.generation, outcome, request.appended)

        self.context.tasks.submit(
            search_task(request),
            supersede=not request.appended,
            on_done=done,
            on_failed=lambda message: self._failed(request.generation, f"Search failed: {message}"),
        )

    def _done(self, generation: int, result: SearchResult, appended: bool) -> None:
        if generation != self._generation:
            return  # an older query's answer
        if appended:
            self.results_model.append(result)
            self._update_marks()
            return
        in_transcript = self._request is not None and self._request.transcript_id is not None
        self._result = result
        self._counting = None
        if not result.counted and self._request is not None:
            self._counting = generation
            self._count(self._request)
        self._show(result, hit_count_label(result, in_transcript=in_transcript))

    def _count(self, request: SearchRequest) -> None:
        """Count the matches of the page just shown (by transcript, for the group headers)."""

        def done(outcome: tuple[dict[int, int], bool] | str) -> None:
            self._counted(request.generation, outcome)

        self.context.tasks.submit(
            count_task(request),
            on_done=done,
            on_failed=lambda message: self._counted(request.generation, message),
            on_cancelled=lambda: self._counted(request.generation, None),
        )

    def _counted(self, generation: int, outcome: tuple[dict[int, int], bool] | str | None) -> None:
        if generation != self._counting or generation != self._generation:
            return
        self._counting = None
        result = self._result
        if result is None or not isinstance(outcome, tuple):
            # failed or stopped: the page stays, its label without "counting"
            if result is not None:
                self.status_label.setText(f"{result.total_label} hits")
            return
        counts, exact = outcome
        total = sum(counts.values())
        result.total = min(total, COUNT_CAP) if not exact else total
        result.total_exact = exact
        result.counted = True
        result.by_transcript, result.by_transcript_exact = counts, exact
        self.results_model.set_counts(counts, exact)
        self.status_label.setText(hit_count_label(result, in_transcript=False))
        self.counted.emit(generation)

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        if self.results_model.fetching:  # a later page failed: keep the hits already shown
            self.results_model.fetch_failed()
            self.status_label.setText(message)
            self._set_error_style(True)
            return
        self._show(None, message, error=True)

    def _show(self, result: SearchResult | None, message: str, *, error: bool = False) -> None:
        grouped = self._request is not None and self._request.transcript_id is None
        self.results_model.set_result(result, grouped=grouped)
        self.status_label.setText(message)
        self._set_error_style(error)
        self._update_marks()
        self.highlight_visible()
        self._shown_generation = self._generation
        self.results_shown.emit(self._generation)

    def _set_error_style(self, error: bool) -> None:
        pal = self.status_label.palette()
        color = (
            QColor(VERIFICATION_COLORS["disputed"])
            if error
            else self.palette().color(QPalette.ColorRole.WindowText)
        )
        pal.setColor(QPalette.ColorRole.WindowText, color)
        self.status_label.setPalette(pal)

    # ---------------------------------------------------------------- hits

    def is_current(self) -> bool:
        """The hits on screen answer the query and filters now in the bar, and are counted."""
        return (
            not self._timer.isActive()
            and self._shown_generation == self._generation
            and self._counting is None
        )

    def open_hit(self, row: int) -> bool:
        """Show hit ``row``: its transcript, scrolled to the utterance, the words highlighted."""
        if self.results_model.is_header(row):
            row += 1  # a transcript's header: its first hit
        hit = self.results_model.hit(row)
        if hit is None:
            return False
        self._last_seq = hit.seq
        idx = self.results_model.index(row, 0)
        self.results_view.setCurrentIndex(idx)
        self.results_view.scrollTo(idx)
        self.context.navigate(hit.transcript_id, hit.seq)
        if self.context.current_transcript_id == hit.transcript_id:
            spans = [(s, e - s) for s, e in hit.spans]
            if spans:
                self._highlights[hit.seq] = spans
                self._checked.add(hit.seq)
                self.view.model.set_highlights(self._highlights)
        self.context.show_status(
            f"Hit {row + 1} of {self.results_model.rowCount()}"
            + (" loaded" if self.results_model.canFetchMore(QModelIndex()) else ""),
            4000,
        )
        return True

    def next_hit(self, step: int = 1) -> bool:
        """F3 (+1) / Shift+F3 (-1): open the next / previous hit, wrapping around.

        Inside one transcript (its scope) the hits come in reading order, from the hit shown
        last (or the top): the ranking decides what is listed first, not where F3 goes. In the
        whole library F3 walks the list as shown, transcript group by group.
        """
        if self._timer.isActive():
            self.search_now()
        request = self._request
        if request is not None and request.transcript_id is not None:
            return self._step_in_transcript(request, step)
        model = self.results_model
        n = model.rowCount()
        if not model.hits():
            return False
        current = self.results_view.currentIndex()
        cur = current.row() if current.isValid() else -1
        row = cur
        for _ in range(n):
            row = (row + step) % n if row >= 0 else (0 if step > 0 else n - 1)
            if not model.is_header(row):
                break
        if step > 0 and cur >= n - 1 - 0 and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())  # more are coming; wrap for now
        return self.open_hit(row)

    def _step_in_transcript(self, request: SearchRequest, step: int) -> bool:
        """F3 in a transcript: the next hit below (above) the last one, in reading order."""
        tid = request.transcript_id
        assert tid is not None
        start = self._last_seq if self._last_seq is not None else (0 if step > 0 else 1 << 40)
        try:
            seq = step_in_transcript(
                self.context.library,
                request.query,
                tid,
                start,
                step,
                request.speaker,
                bridge=request.bridge,
            )
        except QueryError:
            return False
        if seq is None:
            return False
        self._last_seq = seq
        model = self.results_model
        for row in range(model.rowCount()):
            hit = model.hit(row)
            if hit is not None and hit.transcript_id == tid and hit.seq == seq:
                return self.open_hit(row)
        self.context.navigate(tid, seq)
        self.highlight_visible()
        return True

    # ---------------------------------------------------------------- the open transcript

    def _transcript_changed(self, _tid: int) -> None:
        self._reset_highlights()
        if self.scope() == SCOPE_TRANSCRIPT:
            self.refill_speakers()
            if self.query_edit.text().strip() or self.speaker_combo.currentData() is not None:
                self.search_now()
                return
        self._update_marks()
        self._highlight_timer.start()

    def _library_changed(self, change: Change) -> None:
        """Speakers and hits follow the library: names, texts, tags and statuses filter."""
        if not change.touches(
            "transcripts", "speakers", "utterances", "passages", "tags", "verification"
        ):
            return
        self.refill_speakers()
        if self._request is not None:
            self.search_now()

    def _reset_highlights(self) -> None:
        had = bool(self._highlights)
        self._highlights = {}
        self._checked = set()
        if had:
            self.view.model.set_highlights({})

    def highlight_visible(self) -> None:
        """Highlight the query's words in the rows of the open transcript now on screen."""
        q = self._query
        if q is None or not q.has_words:
            return
        view = self.view.list_view
        model = self.view.model
        first, last = view.visible_rows()
        if first < 0:
            return
        if len(self._checked) > MAX_CHECKED_ROWS:
            self._reset_highlights()
        changed = False
        for row in range(first, min(last, first + MAX_VISIBLE_ROWS) + 1):
            u = model.peek(row)
            if u is None or u.seq in self._checked:
                continue
            self._checked.add(u.seq)
            spans = match_spans(u.text, q, self.bridge())
            if spans:
                self._highlights[u.seq] = [(s, e - s) for s, e in spans]
                changed = True
        if changed:
            model.set_highlights(self._highlights)

    def _update_marks(self) -> None:
        tid = self.context.current_transcript_id
        marks = [(h.seq, MARK_COLOR) for h in self.results_model.hits() if h.transcript_id == tid]
        self.view.strip.set_marks("search", marks)

    # ---------------------------------------------------------------- events and teardown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.query_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results_model.rowCount()
        ):
            self.results_view.setFocus()
            if not self.results_view.currentIndex().isValid():
                first = 1 if self.results_model.is_header(0) else 0
                self.results_view.setCurrentIndex(self.results_model.index(first, 0))
            return True
        return super().eventFilter(watched, event)

    def shutdown(self) -> None:
        """The window is closing: no search waits on the debounce timer (the runner stops the
        running one)."""
        self._timer.stop()
