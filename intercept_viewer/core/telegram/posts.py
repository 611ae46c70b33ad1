"""From messages to posts, and from a post to a transcript (or the reason it is not one).

An album is sent as several messages a moment apart, one of them carrying the caption; the
channel's readers see one post, so consecutive media messages within ``ALBUM_SECONDS`` of each
other, from the same sender, with at most one text among them, are one post whose id is that
of the message with the text.

A post's text goes through the same detection and importers as a file (labelled or dash
dialogue, article prose quoting a call). What they return is kept as it is; the post adds the
channel's provenance: title (the importer's headline, else the first line), channel, publisher
(HUR or SBU when the channel is theirs), the UTC release date, ``https://t.me/NAME/ID``,
hashtags and links in the description, ``forwarded_from`` as provenance, and the recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers.base import SourceFile
from intercept_viewer.core.importers.registry import parse_source
from intercept_viewer.core.model import ParsedTranscript
from intercept_viewer.core.telegram.messages import TelegramChat, TelegramMedia, TelegramMessage

#: Album parts are sent together; a few seconds covers a slow upload.
ALBUM_SECONDS = 5
#: A call needs at least this many turns; one quoted sentence is not a call.
MIN_TURNS = 2
TITLE_MAX = 140

#: Channel names that say they are a service's own (its publisher is then the service).
_SERVICE_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "HUR",
        re.compile(
            r"\b(?:HUR|GUR|DIU)\b|\bГУР\b|Головн\w+ управлін\w+ розвідки|"
            r"Главн\w+ управлени\w+ разведки|Defen[cs]e Intelligence of Ukraine|"
            r"Military Intelligence|Розвідка|\bDIU\b",
            re.IGNORECASE,
        ),
    ),
    (
        "SBU",
        re.compile(
            r"\bSBU\b|\bСБУ\b|Служб\w+ безпеки України|Служб\w+ безопасности Украины|"
            r"Security Service of Ukraine",
            re.IGNORECASE,
        ),
    ),
)

#: Why a post was not imported, in the words the summary shows.
SKIP_SERVICE = "service message (channel created, pinned, date…)"
SKIP_UNSUPPORTED = "message Telegram could not export"
SKIP_NO_TEXT = "no text (photo, video or file only)"
SKIP_NO_CALL = "no call in the text (announcement or news)"
SKIP_RECORDING_ONLY = "a recording without a transcript in its text"
SKIP_DUPLICATE = "already in the library"


def service_of(channel_name: str) -> str | None:
    """HUR or SBU when the channel's name is the service's, else None."""
    for short, pattern in _SERVICE_CHANNELS:
        if pattern.search(channel_name):
            return short
    return None


@dataclass
class Post:
    """What a reader of the channel sees as one post: one message, or an album."""

    id: int
    messages: list[TelegramMessage]

    @property
    def main(self) -> TelegramMessage:
        return next((m for m in self.messages if m.text.strip()), self.messages[0])

    @property
    def text(self) -> str:
        return self.main.text

    @property
    def recording(self) -> TelegramMedia | None:
        return next(
            (m.media for m in self.messages if m.media is not None and m.media.is_recording),
            None,
        )


def _albumable(m: TelegramMessage) -> bool:
    return m.type == "message" and (m.photo or m.media is not None)


def group_posts(messages: list[TelegramMessage]) -> list[Post]:
    """Messages in order -> posts, albums joined."""
    posts: list[Post] = []
    for m in messages:
        last = posts[-1] if posts else None
        if (
            last is not None
            and _albumable(m)
            and all(_albumable(x) for x in last.messages)
            and m.date_unix is not None
            and last.messages[-1].date_unix is not None
            and 0 <= m.date_unix - last.messages[-1].date_unix <= ALBUM_SECONDS
            and m.sender == last.messages[0].sender
            and not (m.text.strip() and any(x.text.strip() for x in last.messages))
        ):
            last.messages.append(m)
            if m.text.strip():
                last.id = m.id
            continue
        posts.append(Post(id=m.id, messages=[m]))
    return posts


@dataclass
class PostOutcome:
    """A post read: either ``parsed`` (a call) or ``skip`` (why not), plus notes."""

    post: Post
    parsed: ParsedTranscript | None = None
    skip: str | None = None
    detail: str | None = None
    warnings: list[str] = field(default_factory=list)


def skip_reason_before_parsing(post: Post) -> str | None:
    main = post.main
    if main.type == "service":
        return SKIP_SERVICE
    if main.type != "message":
        return SKIP_UNSUPPORTED
    if not post.text.strip():
        return SKIP_RECORDING_ONLY if post.recording is not None else SKIP_NO_TEXT
    return None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.replace("**", "").strip(" \t#*—–-")
        if line:
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"
    return ""


_TAGS_AND_LINKS_RE = re.compile(r"(?<![\w#])#[^\W_]\w*|https?://\S+")


def text_for_importers(text: str) -> str:
    """The post's text without lines of only hashtags and links (kept in the description):
    "#перехоплення https://…" under a call would otherwise read as one more labelled turn."""
    kept = [
        line
        for line in text.splitlines()
        if not line.strip() or _TAGS_AND_LINKS_RE.sub("", line).strip(" \t.,;|·—–-")
    ]
    return "\n".join(kept).strip() + "\n"


def post_url(username: str | None, post_id: int) -> str | None:
    if not username:
        return None
    return f"https://t.me/{username.lstrip('@')}/{post_id}"


def read_post(chat: TelegramChat, post: Post, username: str | None) -> PostOutcome:
    """Parse one post's text with the existing importers and add the channel's provenance."""
    reason = skip_reason_before_parsing(post)
    if reason:
        return PostOutcome(post, skip=reason)
    name = f"telegram-post-{post.id}.txt"
    source = SourceFile(name=name, data=text_for_importers(post.text).encode("utf-8"))
    try:
        parsed = parse_source(source).parsed
    except ImportFailed as exc:
        return PostOutcome(post, skip=SKIP_NO_CALL, detail=exc.message)
    if len(parsed.utterances) < MIN_TURNS:
        return PostOutcome(
            post, skip=SKIP_NO_CALL, detail=f"only {len(parsed.utterances)} turn found"
        )
    outcome = PostOutcome(post, parsed=parsed)
    _add_provenance(chat, post, parsed, username, outcome.warnings)
    for message in outcome.warnings:  # the post's remarks join the importer's report
        parsed.warn(message)
    return outcome


def _add_provenance(
    chat: TelegramChat,
    post: Post,
    parsed: ParsedTranscript,
    username: str | None,
    warnings: list[str],
) -> None:
    meta = parsed.meta
    main = post.main
    stem = f"telegram-post-{post.id}"
    if not meta.title or meta.title == stem:
        meta.title = _first_line(post.text) or f"{chat.name} #{post.id}"
    meta.channel = chat.name
    service = service_of(chat.name)
    if service:
        meta.publisher = service
    elif not meta.publisher:
        meta.publisher = chat.name
    when = main.utc or post.messages[0].utc
    if when is not None:
        meta.released_on = when.date().isoformat()
    url = post_url(username, post.id)
    if url:
        meta.source_url = url
    notes: list[str] = []
    hashtags = [h for m in post.messages for h in m.hashtags]
    if hashtags:
        notes.append("Hashtags: " + " ".join(dict.fromkeys(hashtags)))
    links = [u for m in post.messages for u in m.links]
    if links:
        notes.append("Links: " + " ".join(dict.fromkeys(links)))
    if main.forwarded_from:
        notes.append(f"Forwarded from: {main.forwarded_from}")
    notes.append(f"Telegram post {post.id} in {chat.name}")
    meta.description = "\n".join([*([meta.description] if meta.description else []), *notes])
    recording = post.recording
    if recording is not None:
        folder = chat.folder.resolve()
        try:
            target = (folder / recording.path).resolve() if recording.path else None
        except (OSError, ValueError):  # a NUL byte, a loop of links
            target, recording.path = None, None
        if target is not None and not target.is_relative_to(folder):
            # an untrusted export names files inside itself, never ../ or absolute paths
            warnings.append(f"the recording path {recording.path!r} points outside the export")
        elif target is not None:
            meta.media_path = str(target)
            if not target.is_file():
                warnings.append(f"the recording {recording.path} is missing from the export")
        else:
            warnings.append(
                f"the {recording.kind.replace('_', ' ')} was not included in the export"
                + (f": {recording.missing}" if recording.missing else "")
            )
