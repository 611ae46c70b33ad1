"""The HTML form of an export: ``messages.html``, ``messages2.html``, … in one chat's folder.

The markup is Telegram Desktop's (``export_output_html.cpp``): each message is a
``div.message`` with ``id="message123"``; ``div.message.service`` are date separators and
actions; a ``default`` message has ``div.from_name`` (absent on "joined" follow-ups by the
same sender), a ``div.date`` whose title is ``dd.mm.yyyy hh:mm:ss UTC+hh:mm``, an optional
``div.forwarded.body`` with the original sender's name, ``div.media_wrap`` with a link to the
file (no link and a "Not included…" description when it was not downloaded) and ``div.text``.

Parsed with lxml's HTML parser without network access; nothing here renders the markup.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import lxml.html
from lxml import etree

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.telegram.messages import TelegramChat, TelegramMedia, TelegramMessage
from intercept_viewer.core.telegram.text_parts import flatten_runs

_DATE_RE = re.compile(
    r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-])(\d{2}):?(\d{2}))?"
)
_PAGE_RE = re.compile(r"^messages(\d*)\.html$")
_ID_RE = re.compile(r"^message(-?\d+)$")
_HASHTAG_RE = re.compile(r"(?<![\w#])#[^\W_][\w]*")
#: media_* class of a generic media block -> the JSON writer's media_type
_MEDIA_CLASSES = {
    "media_voice_message": "voice_message",
    "media_audio_file": "audio_file",
    "media_video": "video_file",
    "media_file": "file",
    "media_photo": "photo",
}


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def page_paths(folder: Path) -> list[Path]:
    """``messages.html``, ``messages2.html``, … in page order."""
    pages = []
    for p in folder.iterdir():
        m = _PAGE_RE.match(p.name)
        if m and p.is_file():
            pages.append((int(m.group(1) or 1), p))
    return [p for _, p in sorted(pages)]


def _parse_date(title: str | None) -> int | None:
    m = _DATE_RE.search(title or "")
    if not m:
        return None
    d, mo, y, h, mi, s = (int(x) for x in m.groups()[:6])
    offset = _dt.timedelta(0)
    if m.group(7):
        offset = _dt.timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
        if m.group(7) == "-":
            offset = -offset
    try:
        when = _dt.datetime(y, mo, d, h, mi, s, tzinfo=_dt.timezone(offset))
        return int(when.timestamp())
    except (ValueError, OverflowError):  # 31.02., UTC+99:00: not a date
        return None


def _runs_of(text_div: etree._Element) -> list[tuple[str, str, str | None]]:
    """The text div as (type, text, href) runs; ``<br>`` becomes a newline."""
    runs: list[tuple[str, str, str | None]] = []
    if text_div.text:
        runs.append(("plain", text_div.text, None))
    for child in text_div:
        tag = child.tag if isinstance(child.tag, str) else ""
        inner = "".join(child.itertext())
        if tag == "br":
            runs.append(("plain", "\n", None))
        elif tag in ("strong", "b"):
            runs.append(("bold", inner, None))
        elif tag == "a":
            href = child.get("href") or ""
            if inner.startswith("#") and not href:
                runs.append(("hashtag", inner, None))
            elif href.startswith(("http://", "https://")):
                kind = "link" if inner.strip() == href else "text_link"
                runs.append((kind, inner, href))
            else:
                runs.append(("plain", inner, None))
        else:
            runs.append(("plain", inner.replace("\r", ""), None))
        if child.tail:
            runs.append(("plain", child.tail, None))
    return runs


def _media_of(msg_div: etree._Element) -> tuple[TelegramMedia | None, bool]:
    """The message's recording or file, and whether it has a photo."""
    for el in msg_div.iter("a", "div"):
        cls = _classes(el)
        if "video_file_wrap" in cls:
            return TelegramMedia(kind="video_file", path=el.get("href") or None), False
        if "photo_wrap" in cls:
            return None, True
        if "media" not in cls:
            continue
        kind = next((v for k, v in _MEDIA_CLASSES.items() if k in cls), None)
        if kind is None:
            return TelegramMedia(kind="other"), False
        title = el.find(".//div[@class='title bold']")
        if kind == "video_file" and title is not None and "Video message" in (title.text or ""):
            kind = "video_message"
        if kind == "photo":
            return None, True
        path = el.get("href") if el.tag == "a" else None
        desc = el.find(".//div[@class='description']")
        missing = None if path else ((desc.text or "").strip() if desc is not None else None)
        duration = None
        status = el.find(".//div[@class='status details']")
        if status is not None and status.text:
            parts = [int(x) for x in re.findall(r"\d+", status.text.split(",")[0])]
            if parts:
                duration = 0
                for x in parts[-3:]:
                    duration = duration * 60 + x
        media = TelegramMedia(kind=kind, path=path, duration_seconds=duration, missing=missing)
        return media, False
    return None, False


def _message_from_div(div: etree._Element, last_sender: str | None) -> TelegramMessage | None:
    m = _ID_RE.match(div.get("id") or "")
    if not m:
        return None
    mid = int(m.group(1))
    cls = _classes(div)
    if "service" in cls:
        if mid < 0:  # the writer's date separators ("2 April 2024") are not messages
            return None
        return TelegramMessage(id=mid, type="service", action="service")
    date_el = next(
        (el for el in div.iter("div") if {"date", "details"} <= _classes(el) and el.get("title")),
        None,
    )
    sender = last_sender
    forwarded = None
    for el in div.iter("div"):
        ecls = _classes(el)
        if ecls == {"from_name"}:
            parent = el.getparent()
            name = (el.text or "").strip()
            if parent is not None and "forwarded" in _classes(parent):
                forwarded = name
            else:
                sender = name
    text_div = next((el for el in div.iter("div") if _classes(el) == {"text"}), None)
    runs = _runs_of(text_div) if text_div is not None else []
    flat = flatten_runs(runs)
    if not flat.hashtags:
        flat.hashtags = _HASHTAG_RE.findall(flat.text)
    media, photo = _media_of(div)
    return TelegramMessage(
        id=mid,
        type="message",
        date_unix=_parse_date(date_el.get("title") if date_el is not None else None),
        text=flat.text.strip("\n"),
        sender=sender,
        forwarded_from=forwarded,
        hashtags=flat.hashtags,
        links=flat.links,
        media=media,
        photo=photo,
    )


def read_html_chat(folder: Path) -> TelegramChat:
    """The chat whose ``messages*.html`` pages are in ``folder``."""
    pages = page_paths(folder)
    if not pages:
        raise ImportFailed("no messages.html in this folder", file=str(folder))
    chat: TelegramChat | None = None
    for page in pages:
        try:
            root = lxml.html.fromstring(page.read_bytes(), parser=_parser())
        except (OSError, ValueError, etree.ParserError, etree.XMLSyntaxError) as exc:
            raise ImportFailed(f"can't read the page: {exc}", file=str(page)) from None
        if chat is None:
            header = root.find(".//div[@class='page_header']//div[@class='text bold']")
            name = " ".join("".join(header.itertext()).split()) if header is not None else ""
            name = name or folder.name
            chat = TelegramChat(
                key=f"html:{name}", name=name, type=None, folder=folder, source_name=pages[0].name
            )
        last_sender: str | None = None
        for div in root.iter("div"):
            if "message" not in _classes(div):
                continue
            msg = _message_from_div(div, last_sender)
            if msg is None:
                continue
            if msg.type == "message":
                last_sender = msg.sender
            chat.messages.append(msg)
    assert chat is not None
    return chat


def html_chat_folders(root: Path) -> list[Path]:
    """``root`` itself when it holds messages.html, else the chat folders of an account export
    (``chats/chat_01/messages.html``…)."""
    if (root / "messages.html").is_file():
        return [root]
    return sorted(p.parent for p in root.glob("chats/*/messages.html"))
