"""The library's side of Telegram imports: post identity and remembered channel @usernames.

Kept out of ``Library`` itself (a thin facade others edit too); these functions take the
library and use its connection, inside its transactions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library


def known_post_ids(lib: Library, channel_id: str) -> dict[int, int]:
    """post id -> transcript id for every post of this channel already in the library."""
    rows = lib.db.execute(
        "SELECT post_id, transcript_id FROM telegram_posts WHERE channel_id = ?", [channel_id]
    ).fetchall()
    return {int(p): int(t) for p, t in rows}


def record_post(lib: Library, transcript_id: int, channel_id: str, post_id: int) -> None:
    lib.db.execute(
        "INSERT INTO telegram_posts (transcript_id, channel_id, post_id) VALUES (?, ?, ?)",
        [transcript_id, channel_id, post_id],
    )


def telegram_identity(lib: Library, transcript_id: int) -> tuple[str, int] | None:
    """(channel id, post id) of a transcript imported from Telegram, else None."""
    row = lib.db.execute(
        "SELECT channel_id, post_id FROM telegram_posts WHERE transcript_id = ?", [transcript_id]
    ).fetchone()
    return (str(row[0]), int(row[1])) if row else None


def channel_username(lib: Library, channel_id: str) -> str | None:
    row = lib.db.execute(
        "SELECT username FROM telegram_channels WHERE channel_id = ?", [channel_id]
    ).fetchone()
    return row[0] if row and row[0] else None


def remember_channel(lib: Library, channel_id: str, name: str, username: str | None) -> None:
    """Keep the channel's name, and its @username when one is given (never forget one)."""
    with lib.db.atomic():
        lib.db.execute(
            "INSERT INTO telegram_channels (channel_id, name, username) VALUES (?, ?, ?) "
            "ON CONFLICT(channel_id) DO UPDATE SET name = excluded.name, "
            "username = COALESCE(excluded.username, telegram_channels.username)",
            [channel_id, name, normalize_username(username)],
        )


def normalize_username(username: str | None) -> str | None:
    """``@Name``, ``t.me/Name`` or ``https://t.me/Name`` -> ``Name``; blank -> None."""
    if not username:
        return None
    name = username.strip()
    for prefix in ("https://", "http://"):
        if name.lower().startswith(prefix):
            name = name[len(prefix) :]
    if name.lower().startswith("t.me/"):
        name = name[5:]
    name = name.strip("/@ ").split("/")[0]
    return name or None
