"""The window's context: what every panel receives instead of the main window.

It holds the library, the undo stack and the task runner, and broadcasts ``changed`` with a
``Change`` saying what changed (transcripts, utterances, speakers, passages, tags,
verification, media) and the ids. Every write the window makes goes through ``write()`` (or,
for undo and redo, ``notify()``), so a panel refreshes itself from ``changed`` and nobody wires
refreshes between panels by hand. Anki's ``operation_did_execute`` hook and napari's plain
events with a Qt adapter are the models.

A panel never imports the main window: it gets this context, the widgets it works on, and
asks for the window's services through the context's signals (``navigate``, ``status``).
Only the main window imports panels.

Signals:
    changed(Change): the library changed (a write, an undo or redo, an import, a restore).
    current_changed(id): another transcript is shown (-1: none).
    library_replaced(): a different Library is open (after a restore); re-read everything.
    navigate_requested(transcript_id, seq, highlight): show this utterance.
    status_requested(message, msecs): show a message in the status bar.
    flush_edits(): commit edits still being typed (before the library is closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.ui.tasks import TaskRunner
from intercept_viewer.ui.widgets.prompts import Prompts

T = TypeVar("T")

#: What a ``Change`` can name.
KINDS = frozenset(
    {"transcripts", "utterances", "speakers", "passages", "tags", "verification", "media"}
)


@dataclass(frozen=True)
class Change:
    """What changed: the kinds, the transcripts touched, and the ids of the changed rows.

    Attributes:
        kinds: a subset of ``KINDS``.
        transcript_ids: transcripts whose rows changed (empty: unknown or none).
        ids: ids of the changed rows of the first kind (speaker, passage, tag ids...).
        everything: the whole library may differ (a restore, another process's write):
            re-read all of it.
    """

    kinds: frozenset[str]
    transcript_ids: frozenset[int] = field(default_factory=frozenset)
    ids: frozenset[int] = field(default_factory=frozenset)
    everything: bool = False

    @classmethod
    def of(
        cls,
        *kinds: str,
        transcripts: Iterable[int | None] = (),
        ids: Iterable[int] = (),
    ) -> Change:
        unknown = set(kinds) - KINDS
        if unknown:
            raise ValueError(f"unknown change kinds: {sorted(unknown)}")
        return cls(
            frozenset(kinds),
            frozenset(t for t in transcripts if t is not None),
            frozenset(ids),
        )

    @classmethod
    def all(cls) -> Change:
        return cls(KINDS, everything=True)

    def touches(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` changed."""
        return self.everything or bool(self.kinds.intersection(kinds))

    def touches_transcript(self, transcript_id: int | None) -> bool:
        """Whether rows of ``transcript_id`` may have changed."""
        return (
            self.everything
            or not self.transcript_ids
            or (transcript_id is not None and transcript_id in self.transcript_ids)
        )


class WindowContext(QObject):
    """Attributes:
    library: the GUI thread's Library (replaced by ``set_library`` after a restore).
    undo_stack: every undoable edit.
    tasks: the one task runner (``ui.tasks``).
    settings: where state is remembered.
    host: the widget dialogs are parented to (the main window).
    current_transcript_id: the transcript on screen, or None.
    """

    changed = Signal(object)
    current_changed = Signal(int)
    library_replaced = Signal()
    navigate_requested = Signal(int, int, object)
    status_requested = Signal(str, int)
    flush_edits = Signal()

    def __init__(
        self,
        library: Library,
        host: QWidget,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(host)
        self.library = library
        self.host = host
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(host)
        self.tasks = TaskRunner(library, self)
        self.current_transcript_id: int | None = None

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the window has first painted: background work a start would
        otherwise slow down (word forms, a big library's check) begins then."""
        from intercept_viewer.ui.widgets.first_paint import after_first_paint

        after_first_paint(self.host, callback)

    # ---------------------------------------------------------------- writes

    def write(self, fn: Callable[[Library], T], change: Change | Callable[[T], Change]) -> T | None:
        """Run one write on the library; on success broadcast ``change`` and return the
        result, on a refused write (read-only, locked, bad value) show why and return None.

        ``change`` may be a function of the result, for writes whose ids are only known after
        (a new passage).
        """
        try:
            result = fn(self.library)
        except (InterceptViewerError, ValueError) as exc:
            Prompts.show_error(self.host, str(exc))
            return None
        self.notify(change(result) if callable(change) else change)
        return result

    def notify(self, change: Change) -> None:
        """Broadcast a change made elsewhere (undo/redo, a finished import task)."""
        self.changed.emit(change)

    # ---------------------------------------------------------------- the window's services

    def set_current(self, transcript_id: int | None) -> None:
        self.current_transcript_id = transcript_id
        self.current_changed.emit(transcript_id if transcript_id is not None else -1)

    def navigate(
        self, transcript_id: int, seq: int, highlight: list[tuple[int, int]] | None = None
    ) -> None:
        """Ask the window to show ``seq`` of a transcript (selected, centred, highlighted)."""
        self.navigate_requested.emit(transcript_id, seq, highlight)

    def show_status(self, message: str, msecs: int = 0) -> None:
        self.status_requested.emit(message, msecs)

    def set_library(self, library: Library) -> None:
        """Another Library is open: tasks stop, undo history goes, everyone re-reads."""
        self.tasks.set_library(library)
        self.library = library
        self.undo_stack.clear()
        self.library_replaced.emit()
