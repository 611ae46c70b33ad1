"""A message's text parts turned into the plain text our text importers read.

Telegram gives text as a list of runs (plain, bold, link, hashtag…). A bold run that looks like
a speaker label ("Мать:", "Окупант") becomes ``**Мать:**``: the labelled importer counts a
bold label as unmistakable even when it is used once, as the export's formatting meant it.
Other formatting is dropped; links and hashtags are collected for the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A short run of up to four words, optionally ending in a colon: a speaker label in bold.
_LABEL_RE = re.compile(r"^\s*[^\W\d_][\w'’\-]*(?:\s+[\w'’\-()]+){0,3}\s*[:：]?\s*$")


@dataclass
class FlatText:
    text: str = ""
    hashtags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def _label_like(run: str, following: str) -> bool:
    """A bold run is a label when it is short and a colon ends it or starts what follows."""
    if "\n" in run.strip() or not _LABEL_RE.match(run):
        return False
    return run.rstrip().endswith((":", "：")) or following.lstrip().startswith((":", "："))


def flatten_runs(runs: list[tuple[str, str, str | None]]) -> FlatText:
    """``runs`` are (type, text, href) in order; returns the text with labels marked."""
    out = FlatText()
    pieces: list[str] = []
    for i, (kind, text, href) in enumerate(runs):
        following = runs[i + 1][1] if i + 1 < len(runs) else ""
        joined = "".join(pieces)
        at_line_start = not joined.strip() or joined.endswith("\n")
        if kind == "bold" and at_line_start and _label_like(text, following):
            label = text.strip()
            if not label.endswith((":", "：")) and following.lstrip().startswith((":", "：")):
                # "**Мать**: text" — move the colon inside the marks
                label += ":"
                runs[i + 1] = (runs[i + 1][0], following.lstrip()[1:], runs[i + 1][2])
            pieces.append(f"**{label}** ")
            continue
        if kind == "hashtag":
            out.hashtags.append(text.strip())
        elif kind in ("link", "text_link"):
            url = href if kind == "text_link" and href else text.strip()
            if url and url not in out.links:
                out.links.append(url)
        pieces.append(text)
    out.text = re.sub(r"\*\* +", "** ", "".join(pieces))
    return out
