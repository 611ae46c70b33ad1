"""Showing untrusted text in labels and tooltips: literally, and without reordering the UI.

Text from files may carry bidirectional controls: U+202E (RIGHT-TO-LEFT OVERRIDE) in a
publisher's name would otherwise reverse the rest of a composed line ("publisher · date ·
N utterances"), making the UI lie about what it shows. ``isolate`` wraps each line in a
first-strong isolate (U+2068 FSI … U+2069 PDI): the override still applies to the text it came
with (shown literally) but ends at the PDI (UAX #9, rule X6a). Isolate controls inside the
text are removed first, so a stray PDI in the data can't close our isolate early.
"""

from __future__ import annotations

import html

FSI, PDI = "\u2068", "\u2069"
#: Explicit directional formatting characters (embeddings, overrides, isolates).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ISOLATE_CONTROLS = {ord(c): None for c in "\u2066\u2067\u2068\u2069"}


def has_bidi_controls(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)


def isolate(text: str) -> str:
    """``text`` with each line that holds directional controls wrapped in FSI … PDI."""
    if not has_bidi_controls(text):
        return text
    return "\n".join(
        FSI + line.translate(_ISOLATE_CONTROLS) + PDI if has_bidi_controls(line) else line
        for line in text.split("\n")
    )


def tooltip_html(text: str) -> str:
    """Plain text for a tooltip: isolated, escaped and wrapped in <p>, so Qt never renders the
    text's own markup (a tooltip string that looks like HTML is shown as rich text)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(isolate(text)) + "</p>"
