"""The plain data of a Telegram Desktop export, whichever form (JSON or HTML) it was read from.

Field names follow Telegram Desktop's JSON writer (``export_output_json.cpp``): a message's
``date`` there is the exporting computer's local time without an offset, so only the epoch
seconds (``date_unixtime``, or the HTML title's explicit UTC offset) are kept here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

#: ``media_type`` values that carry a recording worth attaching to a transcript.
RECORDING_TYPES: tuple[str, ...] = ("voice_message", "video_file", "audio_file", "video_message")


@dataclass
class TelegramMedia:
    """A file attached to a message.

    ``path`` is relative to the export folder as Telegram wrote it, or None when the file was
    not downloaded (the export then holds "(File not included…)" where the path would be);
    ``missing`` keeps that sentence.
    """

    kind: str  # one of RECORDING_TYPES, or sticker / animation / file / photo
    path: str | None = None
    mime_type: str | None = None
    duration_seconds: int | None = None
    missing: str | None = None

    @property
    def is_recording(self) -> bool:
        return self.kind in RECORDING_TYPES


@dataclass
class TelegramMessage:
    """One exported message. ``text`` is plain; bold labels are marked ``**Name:**``."""

    id: int
    type: str  # message | service | unsupported
    date_unix: int | None = None
    text: str = ""
    sender: str | None = None
    forwarded_from: str | None = None
    hashtags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    media: TelegramMedia | None = None
    photo: bool = False
    #: Anything else the message carried instead of text (poll, contact, location…).
    other: str | None = None
    action: str | None = None

    @property
    def utc(self) -> _dt.datetime | None:
        if self.date_unix is None:
            return None
        try:
            return _dt.datetime.fromtimestamp(self.date_unix, tz=_dt.UTC)
        except (OverflowError, OSError, ValueError):  # a date no calendar holds: unknown
            return None


@dataclass
class TelegramChat:
    """One chat (a channel, usually) and its messages in export order.

    ``key`` identifies the channel across exports: its numeric id from ``result.json``, or,
    for the HTML form (which has no id), ``html:`` and its name.
    """

    key: str
    name: str
    type: str | None
    folder: Path
    messages: list[TelegramMessage] = field(default_factory=list)
    source_name: str = "result.json"
