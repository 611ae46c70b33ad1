"""``result.json``: one chat (``{name, type, id, messages}``) or a whole account
(``{..., chats: {about, list: [chat, ...]}, left_chats: {...}}``), as Telegram Desktop writes it.

The shapes follow ``export_output_json.cpp``: ``text`` is a string when the message is one plain
run, else a list of strings and ``{type, text, href}`` parts; a file that was not downloaded
holds "(File not included. …)" instead of its path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.telegram.messages import TelegramChat, TelegramMedia, TelegramMessage
from intercept_viewer.core.telegram.text_parts import flatten_runs

#: What Telegram writes where a file's path would be when it did not download it.
_MISSING_PREFIX = "(File "


def _runs(value: Any) -> list[tuple[str, str, str | None]]:
    if isinstance(value, str):
        return [("plain", value, None)]
    runs: list[tuple[str, str, str | None]] = []
    if isinstance(value, list):
        for part in value:
            if isinstance(part, str):
                runs.append(("plain", part, None))
            elif isinstance(part, dict):
                text = part.get("text")
                href = part.get("href")
                runs.append(
                    (
                        str(part.get("type") or "plain"),
                        text if isinstance(text, str) else "",
                        href if isinstance(href, str) else None,
                    )
                )
    return runs


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _path_or_missing(value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value:
        return None, None
    if value.startswith(_MISSING_PREFIX):
        return None, value
    return value, None


def message_from_json(raw: dict[str, Any]) -> TelegramMessage | None:
    """One message object, or None when it is not one (no id)."""
    mid = _int(raw.get("id"))
    if mid is None:
        return None
    runs = _runs(raw.get("text", ""))
    entities = raw.get("text_entities")
    if isinstance(entities, list) and entities and not any(k != "plain" for k, _, _ in runs):
        # text_entities is always the list form; prefer it when text was a bare string
        runs = _runs(entities)
    flat = flatten_runs(runs)
    msg = TelegramMessage(
        id=mid,
        type=str(raw.get("type") or "message"),
        date_unix=_int(raw.get("date_unixtime")),
        text=flat.text,
        sender=raw.get("from") if isinstance(raw.get("from"), str) else None,
        forwarded_from=(
            raw.get("forwarded_from") if isinstance(raw.get("forwarded_from"), str) else None
        ),
        hashtags=flat.hashtags,
        links=flat.links,
        action=raw.get("action") if isinstance(raw.get("action"), str) else None,
    )
    if "file" in raw or "media_type" in raw:
        path, missing = _path_or_missing(raw.get("file"))
        msg.media = TelegramMedia(
            kind=str(raw.get("media_type") or "file"),
            path=path,
            mime_type=raw.get("mime_type") if isinstance(raw.get("mime_type"), str) else None,
            duration_seconds=_int(raw.get("duration_seconds")),
            missing=missing,
        )
    if "photo" in raw:
        msg.photo = True
    for key in ("poll", "contact_information", "location_information", "game_title", "invoice"):
        if key in raw:
            msg.other = key.split("_")[0]
    return msg


def chat_from_json(raw: dict[str, Any], folder: Path, source_name: str) -> TelegramChat:
    name = raw.get("name") if isinstance(raw.get("name"), str) else None
    chat_id = raw.get("id")
    key = str(chat_id) if chat_id is not None else f"name:{name or source_name}"
    chat = TelegramChat(
        key=key,
        name=name or "Telegram chat",
        type=raw.get("type") if isinstance(raw.get("type"), str) else None,
        folder=folder,
        source_name=source_name,
    )
    items = raw.get("messages")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            msg = message_from_json(item)
            if msg is not None:
                chat.messages.append(msg)
    return chat


def read_result_json(path: Path) -> list[TelegramChat]:
    """Every chat in ``path``: one for a chat export, all of them for an account export."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed(f"can't read the Telegram export: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise ImportFailed("not a Telegram export (expected a JSON object)", file=str(path))
    folder = path.parent
    if isinstance(data.get("messages"), list):
        return [chat_from_json(data, folder, path.name)]
    chats: list[TelegramChat] = []
    for group in ("chats", "left_chats"):
        block = data.get(group)
        listed = block.get("list") if isinstance(block, dict) else None
        for raw in listed if isinstance(listed, list) else []:
            if isinstance(raw, dict) and isinstance(raw.get("messages"), list):
                chats.append(chat_from_json(raw, folder, path.name))
    if not chats and "chats" not in data:
        raise ImportFailed(
            'not a Telegram export (no "messages" and no "chats" list)', file=str(path)
        )
    return chats


def looks_like_result_json(head: str) -> bool:
    """A cheap check on the first KB: Telegram's writer puts these keys first."""
    return (
        head.lstrip().startswith("{")
        and ('"messages"' in head or '"chats"' in head or '"personal_information"' in head)
        and ('"type"' in head or '"about"' in head)
    )
