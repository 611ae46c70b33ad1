"""Bytes to text: BOM, UTF-16 without BOM, strict UTF-8, then the Cyrillic legacy encodings.

Released transcripts arrive as whatever the publisher's or translator's machine saved: UTF-8,
Windows' cp1251, old KOI8-R mail archives, UTF-16 from Notepad ("Unicode"). General detectors
(charset-normalizer) are good on long files but guess worst on the two-to-five line files people
actually clip from a post, so for text with high bytes we first try the Cyrillic code pages
ourselves and score each reading by how Russian/Ukrainian it looks: letter frequencies, and
casing inside words — KOI8-R read as cp1251 comes out "пРИВЕТ"-shaped, mixed-script words such as
"cafй" betray a Western file read as Cyrillic. Only when no Cyrillic reading is convincing do we
ask charset-normalizer.
"""

from __future__ import annotations

import codecs
import math
import re

from intercept_viewer.core.errors import ImportFailed

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Cyrillic single-byte code pages, in order of preference when two read a text equally well.
CYRILLIC_CODEPAGES = ("cp1251", "koi8-u", "koi8-r", "mac-cyrillic", "cp866", "iso8859-5")

#: Rough letter frequencies (per cent) of Russian and Ukrainian prose, merged. Letters missing
#: here (and every non-letter) count as rare.
_LETTER_FREQ = {
    "о": 10.0, "а": 8.0, "е": 7.5, "и": 6.5, "н": 6.5, "т": 5.8, "с": 5.0, "р": 4.6,
    "в": 4.5, "л": 4.2, "к": 3.5, "м": 3.1, "д": 3.0, "п": 2.8, "у": 2.6, "я": 2.0,
    "і": 2.5, "ы": 1.7, "ь": 1.7, "г": 1.7, "з": 1.6, "б": 1.6, "ч": 1.4, "й": 1.2,
    "х": 1.0, "ж": 0.9, "ш": 0.7, "ю": 0.6, "ц": 0.5, "щ": 0.4, "э": 0.3, "ф": 0.3,
    "ї": 0.6, "є": 0.4, "ъ": 0.04, "ё": 0.1, "ґ": 0.05,
}  # fmt: skip
_RARE = 0.01
#: How much of a file the detectors read: enough to decide, cheap for a 100,000-line file.
SAMPLE_BYTES = 64 * 1024
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _normalise(text: str) -> str:
    """LF newlines; no NULs or lone surrogates (they break SQLite, Qt and JSON downstream)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def cyrillic_score(text: str) -> float:
    """How much ``text`` reads like Russian/Ukrainian, per non-ASCII character (higher is better).

    Each non-ASCII character scores the log of its letter frequency (symbols and rare letters
    score low); each word whose casing is impossible (lower then upper inside it) or that mixes
    Latin and Cyrillic letters costs extra.
    """
    scored = 0.0
    count = 0
    for ch in text:
        if ch < "\x80":
            continue
        count += 1
        freq = _LETTER_FREQ.get(ch.lower(), _RARE) if _is_cyrillic(ch) else _RARE / 10
        scored += math.log(freq)
    if count == 0:
        return 0.0
    penalty = 0.0
    for word in _WORD.findall(text):
        if word.isascii() or not any(c.isalpha() for c in word):
            continue
        cyr = sum(1 for c in word if _is_cyrillic(c))
        latin = sum(1 for c in word if c.isascii() and c.isalpha())
        if cyr and latin:
            penalty += 6.0
        letters = [c for c in word if c.isalpha()]
        tail = letters[1:]
        if tail and any(c.isupper() for c in tail) and any(c.islower() for c in tail):
            penalty += 4.0  # "пРИВЕТ", "ПрИвЕт": not how anyone types
        elif len(letters) > 1 and letters[0].islower() and tail and all(c.isupper() for c in tail):
            penalty += 4.0
    return (scored - penalty * 3) / count


def _plausible_share(text: str, *, non_ascii_only: bool = False) -> float:
    """Share of characters that ordinary text is made of: letters, digits, spaces, punctuation.

    Letters count only from the Latin, Greek and Cyrillic blocks: CJK, Arabic presentation forms
    and private-use characters are what a wrong byte order or code page produces.
    """
    chars = [c for c in text if c >= "\x80"] if non_ascii_only else list(text)
    if not chars:
        return 1.0 if non_ascii_only else 0.0
    good = 0
    for ch in chars:
        if ch.isalpha():
            good += ch < "\u0530" or "\u2000" <= ch < "\u2100"
        elif ch.isspace() or ch.isdigit() or (ch.isprintable() and ch < "\u2100"):
            good += 1
    return good / len(chars)


def _mixed_script_words(text: str) -> int:
    """Words made of both Latin and Cyrillic letters ("cafй"): a sign of the wrong code page."""
    mixed = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if any(_is_cyrillic(c) for c in word) and any(c.isascii() and c.isalpha() for c in word):
            mixed += 1
    return mixed


def _good_reading(text: str) -> bool:
    return (
        not _looks_binary(text)
        and _plausible_share(text, non_ascii_only=True) >= 0.9
        and _mixed_script_words(text) == 0
    )


def _guess_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when BOM-less ``data`` reads as UTF-16 text, else None.

    ASCII in UTF-16 puts a NUL in every other byte; Cyrillic puts 0x04 there. Instead of counting
    bytes we decode both byte orders and keep the one made of ordinary characters.
    """
    if len(data) < 2:
        return None
    head = data[:SAMPLE_BYTES]
    even = head[: len(head) - len(head) % 2]
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        text = even.decode(enc, errors="replace")
        share = _plausible_share(text)
        if best is None or share > best[0]:
            best = (share, enc)
    assert best is not None
    return best[1] if best[0] >= 0.9 else None


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = len(_CONTROL.findall(text))
    return controls > max(2, len(text) * 0.02)


def _not_text() -> ImportFailed:
    return ImportFailed(
        "this is not a text file (its bytes are binary data, not text in any encoding "
        "we know); is it the right file?"
    )


def decode_bytes(data: bytes, *, final: bool = True) -> str:
    """Decode a whole file; newlines become ``\\n``. Raises ImportFailed for binary data.

    With ``final=False`` the data may be cut mid-character at its end (a file's head).
    """
    return decode_with_note(data, final=final)[0]


def decode_with_note(data: bytes, *, final: bool = True) -> tuple[str, str | None]:
    """``decode_bytes`` plus a sentence for the import report when the encoding was a guess
    made with low confidence (a detector's pick, or a code page that only just won)."""
    notes: list[str] = []
    text = _decode(data, final=final, notes=notes)
    return text, (notes[0] if notes else None)


def _decode(data: bytes, *, final: bool, notes: list[str]) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise(data.decode(encoding, errors="replace"))
    nuls = data.count(0)
    text: str | None
    try:
        if final:
            text = data.decode("utf-8")
        else:
            text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        text = None
    if nuls or text is None or _looks_binary(text):
        # UTF-16 without a BOM: NULs for ASCII, or Cyrillic only (0x04 high bytes, valid UTF-8)
        enc = _guess_utf16(data)
        if enc is not None:
            return _normalise(data[: len(data) - len(data) % 2].decode(enc, errors="replace"))
        if nuls > max(2, len(data) // 100):
            raise _not_text()
    if text is not None:
        if _looks_binary(text):
            raise _not_text()
        return _normalise(text)
    return _normalise(_decode_legacy(data, notes))


#: A Cyrillic reading scoring above this per character is accepted without asking a detector:
#: real Russian/Ukrainian averages about log(4.5) ≈ 1.5; a wrong code page falls below 0.
_CYRILLIC_ACCEPT = 0.4
#: ...or, for a few rare letters ("Її"), when it beats every other code page by this much;
#: a Western file read as Cyrillic scores far below the floor.
_CYRILLIC_MARGIN = 1.0
_CYRILLIC_FLOOR = -2.0


def _sample(data: bytes) -> bytes:
    """The start of ``data``, cut at a line end so no character is split."""
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: cut if cut > 0 else SAMPLE_BYTES]


def _decode_legacy(data: bytes, notes: list[str] | None = None) -> str:
    sample = _sample(data)
    readings = []
    for enc in CYRILLIC_CODEPAGES:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        readings.append((cyrillic_score(text), enc, text))
    readings.sort(key=lambda r: r[0], reverse=True)  # stable: earlier code pages win ties
    best = readings[0] if readings else None
    if best is not None and not _looks_binary(best[2]):
        runner_up = readings[1][0] if len(readings) > 1 else -math.inf
        if best[0] >= _CYRILLIC_ACCEPT or (
            best[0] >= _CYRILLIC_FLOOR and best[0] - runner_up >= _CYRILLIC_MARGIN
        ):
            if best[0] < _CYRILLIC_ACCEPT and notes is not None:
                notes.append(f"the encoding was guessed with low confidence ({best[1]})")
            return data.decode(best[1], errors="replace")
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        text = str(match)
        if _good_reading(text[: SAMPLE_BYTES * 2]):
            if notes is not None:
                notes.append(
                    f"the encoding was guessed with low confidence ({match.encoding}, by "
                    "charset-normalizer)"
                )
            return text
    for fallback in ("cp1252", "latin-1"):  # Western text too short for the detector
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        if _good_reading(text):
            if notes is not None and not text.isascii():
                notes.append(f"the encoding was guessed with low confidence ({fallback})")
            return text
    if best is not None and not _looks_binary(best[2]):
        if notes is not None:
            notes.append(f"the encoding was guessed with low confidence ({best[1]})")
        return data.decode(best[1], errors="replace")
    raise _not_text()


def decode_head(data: bytes, size: int = 8192) -> str:
    """Decode the start of a file leniently, for sniffing: never raises."""
    chunk = data[:size]
    try:
        return decode_bytes(chunk, final=len(data) <= size)
    except ImportFailed:
        return chunk.decode("utf-8", errors="replace")
