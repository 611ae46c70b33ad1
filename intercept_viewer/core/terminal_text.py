"""Text from files, made safe to print on a terminal.

A transcript, a speaker's name, a tag or a file name comes from someone else's file, and a
terminal obeys what it prints: ``ESC[2J`` clears the screen, OSC 8 makes a hidden link, OSC 52
writes the clipboard, a bare CR or a bidi override makes a line read differently from what it
holds, and a newline in a file name forges a line of output. ``for_terminal`` shows every such
character as a visible escape (``\\x1b``, ``\\r``, ``\\u202e``) and keeps tab and newline;
``for_terminal_line`` also escapes newline, for text that must stay on its line (a file name
in an error message). ``for_terminal_json`` does the same inside JSON text as ``\\uXXXX``
escapes, so the JSON still decodes to exactly the same strings.

Covered: C0 controls but tab and newline (BEL, BS, ESC, ...), DEL, C1 controls (CSI and OSC as
single bytes U+009B/U+009D), bare CR, the bidi embeddings, overrides and isolates
(U+202A–U+202E, U+2066–U+2069), and the line/paragraph separators U+2028/U+2029.
"""

from __future__ import annotations

import re

_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
#: What ``for_terminal`` escapes: CR is allowed only as part of CRLF.
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]|\r(?!\n)")
_UNSAFE_LINE_RE = re.compile(f"[{_UNSAFE}\n\r]")
_UNSAFE_JSON_RE = re.compile(f"[{_UNSAFE}\r]")
_NAMED = {"\r": "\\r", "\n": "\\n", "\x1b": "\\x1b", "\x07": "\\a", "\x08": "\\b"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object) -> str:
    """``text`` with every terminal control shown as a visible escape; tab, newline and CRLF
    kept (CRLF as a plain newline)."""
    return _UNSAFE_RE.sub(_escape, str(text)).replace("\r\n", "\n")


def for_terminal_line(text: object) -> str:
    """Like ``for_terminal``, but newlines are escaped too: the text stays on one line."""
    return _UNSAFE_LINE_RE.sub(_escape, str(text))


def for_terminal_json(json_text: str) -> str:
    """JSON text with terminal controls inside its strings written as ``\\uXXXX``.

    ``json.dumps`` already escapes C0 controls; C1 controls, DEL and the bidi controls pass
    through with ``ensure_ascii=False``. Outside strings JSON holds only ASCII punctuation and
    whitespace, so replacing them anywhere in the text is exact.
    """
    return _UNSAFE_JSON_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


def has_controls(text: str) -> bool:
    """Does ``text`` hold anything ``for_terminal`` would escape?"""
    return _UNSAFE_RE.search(text) is not None
