"""Item-data roles shared by the UI models, their delegates and the panels added later.

The search panel sets highlight spans and the tags panel sets tag chips through these roles'
setters on the utterance model; the delegate paints whatever the roles return.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)


class UtteranceRole(IntEnum):
    """Roles of ``UtteranceListModel``. DisplayRole is the raw utterance text."""

    Seq = _BASE + 1
    Time = _BASE + 2
    SpeakerName = _BASE + 3
    SpeakerColor = _BASE + 4
    SpeakerId = _BASE + 5
    #: list of (start, length) character spans to highlight (search hits)
    Highlights = _BASE + 6
    #: list of (name, "#rrggbb") chips painted under the text (tags)
    TagChips = _BASE + 7
    #: the ``core.model.Utterance`` itself
    Utterance = _BASE + 8
    #: True when the turn was corrected after import (the delegate draws the "edited" mark)
    Corrected = _BASE + 9
    #: the translation the file gave beside the original, or None (painted under the text)
    Translation = _BASE + 10


class TranscriptRole(IntEnum):
    """Roles of ``TranscriptTableModel``."""

    Id = _BASE + 20
    #: a value that sorts correctly (numbers as numbers, unknown dates last)
    Sort = _BASE + 21
    Verification = _BASE + 22
    Transcript = _BASE + 23
