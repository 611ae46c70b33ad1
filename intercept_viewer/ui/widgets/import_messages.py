"""Import errors in the window's own words.

The importers speak to the command line ("try --format", the list of every JSON shape they
know). In the window the same facts read differently: the way out is the "Import as…"
button, and a catalogue of shapes belongs in the details, not in the sentence.
"""

from __future__ import annotations

import re

from intercept_viewer.core.errors import ImportFailed

#: What each format name means to someone choosing one in "Import as…".
FORMAT_LABELS: dict[str, str] = {
    "labelled": "Labelled dialogue (Name: text)",
    "dash": "Dash dialogue (— Алло? — Да…)",
    "subtitles": "Subtitles (SRT, WebVTT, ASS)",
    "elan": "ELAN annotation file (.eaf)",
    "json": "JSON from a speech-to-text tool, or this app's export",
    "docx": "Word document (.docx)",
    "article": "A news article quoting the call",
}

_CLI_HINT = re.compile(r"[;,.]?\s*try --format\b.*$", re.IGNORECASE)
#: "…; expected A, B, C, …": the sentence before it is the message, the list the detail.
_EXPECTED = re.compile(r"^(?P<head>.*?)[;:]\s*(?P<tail>expected\b.{60,})$", re.DOTALL)


def window_message(exc: ImportFailed) -> tuple[str, str]:
    """(what to say in the dialog, what to put in its details) for one failed file."""
    message = exc.message
    detail = ""
    suggests_format = bool(_CLI_HINT.search(message))
    message = _CLI_HINT.sub("", message).rstrip()
    long = _EXPECTED.match(message)
    if long:
        message, detail = (
            long.group("head").rstrip(),
            long.group("tail")[:1].upper() + long.group("tail")[1:],
        )
    if suggests_format:
        message += ". If you know what it is, choose Import as… and pick the format."
    elif not message.endswith((".", "!", "?", "…")):
        message += "."
    return message[:1].upper() + message[1:], detail


def describe_for_window(exc: ImportFailed) -> str:
    """``file, line N:`` and the window's sentence for it."""
    where = exc.file or "?"
    if exc.line is not None:
        where += f", line {exc.line}"
    return f"{where}:\n    {window_message(exc)[0]}"
