"""Import a Telegram Desktop export: every post that carries a call becomes a transcript.

``TelegramImport(lib, path).run()`` is a generator of ``TelegramProgress`` (the CLI drives a
progress bar with it, the window a worker thread); ``cancelled()`` is checked between posts,
and afterwards ``.report`` says what came in, what was skipped and why. Every post is stored
in its own transaction with its (channel id, post id), so a cancelled import keeps what it
finished and a re-import adds only posts the library doesn't have.

Each transcript keeps the import report the text importers made of its post, plus the post's
own remarks (a recording left out of the export), in the library's ``import_warnings`` like any
import (the window lists them to review). Posts that are not transcripts have no row to hang a
report on, so why each was skipped is in ``TelegramImportReport``. A post's voice or video
file is attached with ``Library.attach_media`` (issue 18's media table) after it is stored.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from intercept_viewer.core import import_report
from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.model import ImportWarning
from intercept_viewer.core.telegram import store
from intercept_viewer.core.telegram.html_export import html_chat_folders, read_html_chat
from intercept_viewer.core.telegram.json_export import looks_like_result_json, read_result_json
from intercept_viewer.core.telegram.messages import TelegramChat
from intercept_viewer.core.telegram.posts import SKIP_DUPLICATE, group_posts, read_post

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library


@dataclass
class TelegramProgress:
    done: int
    total: int
    channel: str


@dataclass
class TelegramImported:
    transcript_id: int
    title: str
    channel: str
    channel_id: str
    post_id: int
    utterances: int
    speakers: int
    format: str
    #: The post's import report: the text importer's remarks and the post's own.
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass
class TelegramSkip:
    channel: str
    post_id: int
    reason: str
    detail: str | None = None


@dataclass
class TelegramImportReport:
    """What one import did. ``skipped`` includes posts already in the library."""

    imported: list[TelegramImported] = field(default_factory=list)
    skipped: list[TelegramSkip] = field(default_factory=list)
    chats: int = 0
    messages: int = 0
    posts: int = 0
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)

    def skip_counts(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def summary(self) -> str:
        """ "3 transcripts, 5 skipped (2 no call in the text…, 3 service message…)"."""
        counts = self.skip_counts()
        why = ", ".join(f"{n} {reason}" for reason, n in counts.most_common())
        text = f"{len(self.imported)} transcripts, {len(self.skipped)} skipped"
        if why:
            text += f" ({why})"
        if self.cancelled:
            text += "; cancelled before the end"
        return text


def _json_path(path: Path) -> Path | None:
    if path.is_file() and path.suffix.lower() == ".json":
        return path
    if path.is_dir() and (path / "result.json").is_file():
        return path / "result.json"
    return None


def is_telegram_export(path: str | Path) -> bool:
    """A folder or file that is a Telegram Desktop export (checked cheaply)."""
    p = Path(path)
    jp = _json_path(p)
    if jp is not None:
        try:
            with jp.open("rb") as fh:
                head = fh.read(2048).decode("utf-8-sig", errors="replace")
        except OSError:
            return False
        return looks_like_result_json(head)
    if p.is_file() and p.name.startswith("messages") and p.suffix.lower() == ".html":
        return True
    return p.is_dir() and bool(html_chat_folders(p))


def read_export(path: str | Path) -> list[TelegramChat]:
    """Every chat of the export at ``path`` (result.json, messages.html or their folder)."""
    p = Path(path)
    jp = _json_path(p)
    if jp is not None:
        return read_result_json(jp)
    if p.is_file() and p.suffix.lower() == ".html":
        p = p.parent
    if p.is_dir():
        folders = html_chat_folders(p)
        if folders:
            return [read_html_chat(f) for f in folders]
    raise ImportFailed(
        "not a Telegram export: expected result.json, messages.html or a folder holding one",
        file=str(path),
    )


def channels_in_export(lib: Library, path: str | Path) -> list[tuple[str, str, str | None]]:
    """(channel id, name, remembered @username) of each channel or group with messages, for
    asking (a personal chat has no public t.me links)."""
    return [
        (c.key, c.name, store.channel_username(lib, c.key))
        for c in read_export(path)
        if c.messages and (c.type is None or "channel" in c.type or "group" in c.type)
    ]


class TelegramImport:
    """One import of one export into ``lib``.

    ``username`` applies when the export holds one chat; ``usernames`` maps channel ids to
    @usernames (the window asks for them per channel). Both are remembered in the library, so
    a later export of the same channel needs neither.
    """

    def __init__(
        self,
        lib: Library,
        path: str | Path,
        *,
        username: str | None = None,
        usernames: Mapping[str, str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.lib = lib
        self.path = Path(path)
        self.username = store.normalize_username(username)
        self.usernames = {k: v for k, v in (usernames or {}).items() if v}
        self.cancelled = cancelled or (lambda: False)
        self.report = TelegramImportReport()

    def run(self) -> Iterator[TelegramProgress]:
        chats = read_export(self.path)
        chats = [c for c in chats if c.messages]
        self.report.chats = len(chats)
        if self.username and len(chats) > 1:
            self.report.warnings.append(
                f"--telegram-username {self.username} was not used: the export holds "
                f"{len(chats)} chats; give usernames per channel in the window"
            )
        plans = [(c, group_posts(c.messages)) for c in chats]
        total = sum(len(posts) for _, posts in plans)
        self.report.messages = sum(len(c.messages) for c in chats)
        self.report.posts = total
        done = 0
        yield TelegramProgress(0, total, chats[0].name if chats else "")
        for chat, posts in plans:
            given = self.usernames.get(chat.key) or (self.username if len(chats) == 1 else None)
            store.remember_channel(self.lib, chat.key, chat.name, given)
            username = store.channel_username(self.lib, chat.key)
            known = store.known_post_ids(self.lib, chat.key)
            for post in posts:
                if self.cancelled():
                    self.report.cancelled = True
                    return
                done += 1
                if post.id in known:
                    self.report.skipped.append(TelegramSkip(chat.name, post.id, SKIP_DUPLICATE))
                else:
                    self._import_post(chat, post, username)
                yield TelegramProgress(done, total, chat.name)

    def _import_post(self, chat: TelegramChat, post, username: str | None) -> None:  # type: ignore[no-untyped-def]
        outcome = read_post(chat, post, username)
        if outcome.parsed is None:
            self.report.skipped.append(
                TelegramSkip(chat.name, post.id, outcome.skip or "", outcome.detail)
            )
            return
        parsed = outcome.parsed
        try:
            with self.lib.db.atomic():
                added = self.lib.add(parsed, file_name=chat.source_name, format=parsed.format)
                store.record_post(self.lib, added.id, chat.key, post.id)
        except sqlite3.IntegrityError:  # another process imported the same post meanwhile
            self.report.skipped.append(TelegramSkip(chat.name, post.id, SKIP_DUPLICATE))
            return
        self._attach_recording(added.id, parsed.meta.media_path, parsed.warnings)
        self.report.imported.append(
            TelegramImported(
                transcript_id=added.id,
                title=added.title,
                channel=chat.name,
                channel_id=chat.key,
                post_id=post.id,
                utterances=added.utterances,
                speakers=added.speakers,
                format=parsed.format,
                warnings=list(parsed.warnings),
            )
        )

    def _attach_recording(
        self, transcript_id: int, media_path: str | None, warnings: list[ImportWarning]
    ) -> None:
        """Attach the post's voice or video file as the transcript's recording (the media
        table: hash, duration). One that can't be read stays named in ``media_path`` and is
        noted; it never fails the post."""
        from intercept_viewer.core.errors import MediaError

        if not media_path or not Path(media_path).is_file():
            return
        try:
            self.lib.attach_media(transcript_id, media_path)
        except MediaError as exc:
            message = f"the recording could not be read: {exc}"
            warnings.append(ImportWarning(message))
            with self.lib.db.atomic():
                import_report.store_warnings(
                    self.lib.db.conn, transcript_id, [ImportWarning(message)]
                )


def import_telegram_export(
    lib: Library,
    path: str | Path,
    *,
    username: str | None = None,
    usernames: Mapping[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TelegramImportReport:
    """Run a whole import without progress (tests, scripts)."""
    job = TelegramImport(lib, path, username=username, usernames=usernames, cancelled=cancelled)
    for _ in job.run():
        pass
    return job.report
