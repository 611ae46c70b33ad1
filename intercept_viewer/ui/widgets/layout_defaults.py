"""First-run sizes for the window and its docks, scaled to the screen.

Fixed pixel sizes either cut a 1024×700 laptop screen off or leave a 1920×1080 one mostly
empty; these are shares of the window with floors (what a panel needs to be usable) and
ceilings (past which a wider list reads no better).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultLayout:
    width: int
    height: int
    #: library/search dock on the left, source/speakers on the right
    left: int
    right: int
    #: the follow-up queue along the bottom
    bottom: int


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


def default_layout(screen_width: int, screen_height: int) -> DefaultLayout:
    """The first-run window for a screen of this size (its available geometry)."""
    width = min(int(screen_width * 0.95), 2200)
    height = min(int(screen_height * 0.92), 1400)
    return DefaultLayout(
        width=width,
        height=height,
        left=_clamp(width * 0.27, 270, 560),
        right=_clamp(width * 0.22, 250, 420),
        bottom=_clamp(height * 0.24, 140, 320),
    )
