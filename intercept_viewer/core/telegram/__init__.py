"""Telegram Desktop's "Export chat history": a channel's posts as transcripts (issue 19).

One export yields many transcripts, so it has its own entry (``import_telegram_export``)
instead of the one-file-one-transcript importer registry:

* ``messages`` — the plain data one export holds (chats, messages, media);
* ``json_export`` / ``html_export`` — read ``result.json`` (one chat or a whole account) and
  the ``messages*.html`` pages into that data;
* ``posts`` — group albums into posts and turn a post's text into a ``ParsedTranscript``
  through the existing text importers, or say why it is skipped;
* ``store`` — the (channel id, post id) identity and remembered @usernames in the library;
* ``importer`` — the generator the CLI and the window drive, with progress and cancel.
"""

from __future__ import annotations

from intercept_viewer.core.telegram.importer import (
    TelegramImported,
    TelegramImportReport,
    TelegramProgress,
    TelegramSkip,
    import_telegram_export,
    is_telegram_export,
)

__all__ = [
    "TelegramImportReport",
    "TelegramImported",
    "TelegramProgress",
    "TelegramSkip",
    "import_telegram_export",
    "is_telegram_export",
]
