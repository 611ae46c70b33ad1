"""Source metadata from the file itself: a front-matter block, or a sidecar ``NAME.meta.json``.

People who collect releases write down where a call came from in one of two ways: a block of
``key: value`` lines between ``---`` at the top of the transcript (the Jekyll/Hugo habit), or a
JSON file next to it. Both use whatever words came to mind — ``date``, ``link``, ``lang``,
``Источник``, ``Джерело`` — so keys go through an alias table; keys we have no field for are
kept in ``SourceMeta.extra`` (the library appends them to the description), never dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.model import META_FIELDS, VERIFICATION_STATES, SourceMeta

#: Field names of SourceMeta that metadata may set (``origin`` and ``extra`` are not for files).
_FIELDS = META_FIELDS

#: Other names for the fields, after normalising (lower case, spaces and dashes to "_").
#: ``source`` is decided by its value (a URL or a publisher), see ``_SOURCE_KEYS``.
KEY_ALIASES: dict[str, str] = {
    "headline": "title",
    "name": "title",
    "заголовок": "title",
    "название": "title",
    "назва": "title",
    "publisher": "publisher",
    "published_by": "publisher",
    "agency": "publisher",
    "service": "publisher",
    "издатель": "publisher",
    "видавець": "publisher",
    "опубликовал": "publisher",
    "оприлюднив": "publisher",
    "канал": "channel",
    "telegram": "channel",
    "url": "source_url",
    "link": "source_url",
    "href": "source_url",
    "source_link": "source_url",
    "ссылка": "source_url",
    "посилання": "source_url",
    "archive": "archive_url",
    "archived": "archive_url",
    "archive_link": "archive_url",
    "архив": "archive_url",
    "архів": "archive_url",
    "date": "released_on",
    "released": "released_on",
    "release_date": "released_on",
    "published": "released_on",
    "published_on": "released_on",
    "дата": "released_on",
    "дата_публикации": "released_on",
    "дата_публікації": "released_on",
    "recorded": "recorded_on",
    "recording_date": "recorded_on",
    "дата_записи": "recorded_on",
    "дата_запису": "recorded_on",
    "lang": "language",
    "язык": "language",
    "мова": "language",
    "original_lang": "original_language",
    "source_language": "original_language",
    "язык_оригинала": "original_language",
    "мова_оригіналу": "original_language",
    "translated_by": "translator",
    "translation": "translator",
    "переводчик": "translator",
    "перевод": "translator",
    "перекладач": "translator",
    "переклад": "translator",
    "status": "verification",
    "verified": "verification",
    "статус": "verification",
    "summary": "description",
    "описание": "description",
    "опис": "description",
    "media": "media_path",
    "audio": "media_path",
    "video": "media_path",
}
_SOURCE_KEYS = ("source", "источник", "джерело")

_LANGUAGES = {
    "en": ("en", "eng", "english", "английский", "англійська"),
    "ru": ("ru", "rus", "russian", "русский", "російська", "русский язык"),
    "uk": ("uk", "ua", "ukr", "ukrainian", "украинский", "українська", "українська мова"),
}

_MONTHS = {
    # English (full and short), Russian and Ukrainian genitive ("5 марта", "5 березня")
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                   "august", "september", "october", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                   "oct", "nov", "dec"), 1)},
    **{m: i for i, m in enumerate(("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                   "августа", "сентября", "октября", "ноября", "декабря"), 1)},
    **{m: i for i, m in enumerate(("січня", "лютого", "березня", "квітня", "травня", "червня",
                                   "липня", "серпня", "вересня", "жовтня", "листопада",
                                   "грудня"), 1)},
}  # fmt: skip

_FENCE = re.compile(r"^\s*---\s*$")
_FENCE_END = re.compile(r"^\s*(?:---|\.\.\.)\s*$")
_KEY_VALUE = re.compile(r"^\s*([^\s:#][^:]{0,40}?)\s*:\s?(.*)$")
#: Front matter longer than this is not front matter (a transcript that starts with ---).
_MAX_FRONT_MATTER_LINES = 80


def normalise_key(key: str) -> str:
    return re.sub(r"[\s\-]+", "_", key.strip().strip("\"'").casefold())


def normalise_language(value: str) -> str:
    """'Russian', 'rus', 'русский' -> 'ru'; an unknown language is kept as written."""
    v = value.strip().casefold()
    for code, names in _LANGUAGES.items():
        if v in names:
            return code
    return value.strip()


def normalise_date(value: str) -> str:
    """Common date shapes -> ISO ``YYYY-MM-DD``; anything else is kept as written.

    Day-first is assumed for ``05.03.2024`` and ``05/03/2024`` (the publishers are European).
    """
    v = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", v)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3])) or v
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", v)
    if m:
        return _iso(int(m[3]), int(m[2]), int(m[1])) or v
    words = re.findall(r"\w+", v.casefold())
    nums = [w for w in words if w.isdigit()]
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    if len(months) == 1 and len(nums) == 2:
        year = next((int(n) for n in nums if len(n) == 4), None)
        day = next((int(n) for n in nums if len(n) <= 2), None)
        if year and day:
            return _iso(year, months[0], day) or v
    return v


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _to_text(value: Any) -> str | None:
    """A JSON or front-matter value as one string; None for null/empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        parts = [t for t in (_to_text(v) for v in value) if t]
        return ", ".join(parts) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text or None


def set_field(meta: SourceMeta, key: str, value: Any) -> None:
    """Apply one ``key: value`` to ``meta``: alias lookup, normalising, unknown keys to extra."""
    text = _to_text(value)
    if text is None:
        return
    raw_key = key.strip()
    norm = normalise_key(raw_key)
    if norm == "extra" and isinstance(value, dict):
        for k, v in value.items():
            t = _to_text(v)
            if t is not None:
                meta.extra[str(k)] = t
        return
    if norm in _SOURCE_KEYS:
        field = "source_url" if re.match(r"(?i)https?://", text) else "publisher"
    else:
        field = norm if norm in _FIELDS else KEY_ALIASES.get(norm, "")
    if not field:
        meta.extra[raw_key] = text
        return
    if field == "verification":
        state = text.casefold()
        if state in VERIFICATION_STATES:
            meta.verification = state
        else:
            # a file can't declare itself verified in words we don't know; keep what it said
            meta.extra[raw_key] = text
        return
    if field in ("released_on", "recorded_on"):
        text = normalise_date(text)
    elif field in ("language", "original_language"):
        text = normalise_language(text)
    setattr(meta, field, text)


def parse_front_matter(text: str) -> tuple[SourceMeta, str, int]:
    """Read a ``---`` ... ``---`` block of ``key: value`` lines at the top of ``text``.

    Returns the metadata, the text after the block, and how many lines the block took (so the
    caller can report line numbers of the original file). Without a valid block the metadata is
    empty and the text is returned whole with 0 lines consumed. Indented lines continue the
    previous value; ``#`` lines are comments.
    """
    meta = SourceMeta()
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or not _FENCE.match(lines[start]):
        return meta, text, 0
    pairs: list[list[str]] = []
    end = None
    for i in range(start + 1, min(len(lines), start + 1 + _MAX_FRONT_MATTER_LINES)):
        line = lines[i]
        if _FENCE_END.match(line):
            end = i
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1] in " \t" and pairs:
            pairs[-1][1] = f"{pairs[-1][1]} {line.strip()}".strip()
            continue
        m = _KEY_VALUE.match(line)
        if not m:
            return SourceMeta(), text, 0
        pairs.append([m[1], m[2].strip()])
    if end is None or not pairs:
        return SourceMeta(), text, 0
    for key, value in pairs:
        set_field(meta, key, value)
    consumed = end + 1
    return meta, "\n".join(lines[consumed:]), consumed


def _known_key(key: str) -> bool:
    norm = normalise_key(key)
    return norm in _SOURCE_KEYS or norm in _FIELDS or norm in KEY_ALIASES


def parse_header_block(text: str) -> tuple[SourceMeta, str, int]:
    """A release copied with its header but no ``---`` fences: a first paragraph made only of
    ``key: value`` lines whose keys we know (``Дата: 14.03.2023`` / ``Джерело: ГУР``).

    Every line must name a known field, so a dialogue that opens with ``Soldier: …`` is never
    taken for a header. A publisher written out ("ГУР МО України") gets the library's short
    name (HUR), as it would from prose. Returns like ``parse_front_matter``.
    """
    meta = SourceMeta()
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    pairs: list[tuple[str, str]] = []
    while end < len(lines) and lines[end].strip() and end - start < 12:
        m = _KEY_VALUE.match(lines[end])
        if not m or not m[2].strip() or not _known_key(m[1]):
            return meta, text, 0
        pairs.append((m[1], m[2].strip()))
        end += 1
    if not pairs or (end < len(lines) and lines[end].strip()):
        return meta, text, 0
    for key, value in pairs:
        set_field(meta, key, value)
    if meta.publisher:
        from intercept_viewer.core.importers.article_meta import find_publisher

        meta.publisher = find_publisher([meta.publisher]) or meta.publisher
    return meta, "\n".join(lines[end:]), end


def read_metadata(text: str) -> tuple[SourceMeta, str, int]:
    """Front matter, else an unfenced header block: (metadata, text after it, lines used)."""
    fm, rest, consumed = parse_front_matter(text)
    if consumed:
        return fm, rest, consumed
    return parse_header_block(text)


def merge_meta(into: SourceMeta, other: SourceMeta) -> None:
    """Copy the fields ``other`` knows into ``into`` (``other`` wins), and its extra keys."""
    defaults = SourceMeta()
    for name in _FIELDS:
        value = getattr(other, name)
        if value is not None and value != getattr(defaults, name):
            setattr(into, name, value)
    into.extra.update(other.extra)


def sidecar_paths(path: Path) -> list[Path]:
    """Where a file's sidecar may be, weakest first: ``call.meta.json``, ``call.txt.meta.json``."""
    if path.name.endswith(".meta.json"):
        return []
    candidates = [
        path.with_name(path.stem + ".meta.json"),
        path.with_name(path.name + ".meta.json"),
    ]
    return [p for i, p in enumerate(candidates) if p not in candidates[:i]]


def apply_sidecar(meta: SourceMeta, path: Path) -> None:
    """Fill ``meta`` from ``NAME.meta.json`` next to ``path`` when there is one.

    The sidecar overrides what the file itself said: it is the user's own note. A sidecar that
    can't be read raises ImportFailed naming the sidecar (not the transcript) and the line.
    """
    for sidecar in sidecar_paths(path):
        if not sidecar.is_file():
            continue
        name = str(sidecar)
        try:
            raw = sidecar.read_bytes()
        except OSError as exc:
            reason = exc.strerror or exc
            raise ImportFailed(f"can't read the sidecar: {reason}", file=name) from None
        if len(raw) > 1024 * 1024:
            raise ImportFailed("the sidecar is over 1 MB; is it really metadata?", file=name)
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ImportFailed("the sidecar is not UTF-8 JSON", file=name) from None
        except json.JSONDecodeError as exc:
            raise ImportFailed(
                f"the sidecar is not valid JSON: {exc.msg} (column {exc.colno})",
                file=name,
                line=exc.lineno,
            ) from None
        if not isinstance(data, dict):
            raise ImportFailed(
                'the sidecar must be a JSON object like {"publisher": "HUR", ...}',
                file=name,
                line=1,
            )
        for key, value in data.items():
            set_field(meta, str(key), value)
