"""Bytes to text: BOM, then strict UTF-8, then detection for the Cyrillic legacy encodings.

(Placeholder kept minimal; the importers work fills in detection for short files.)
"""

from __future__ import annotations

import codecs

from intercept_viewer.core.errors import ImportFailed

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> str:
    """Decode a whole file; newlines become ``\\n``. Raises ImportFailed for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise_newlines(data.decode(encoding, errors="replace"))
    try:
        return _normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportFailed("this is not a text file (no text encoding fits its bytes)")
    return _normalise_newlines(str(best))


def decode_head(data: bytes, size: int = 8192) -> str:
    """Decode the start of a file leniently, for sniffing."""
    chunk = data[:size]
    try:
        return decode_bytes(chunk)
    except ImportFailed:
        return chunk.decode("utf-8", errors="replace")
