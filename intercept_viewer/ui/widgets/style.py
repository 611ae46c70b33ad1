"""Colours the UI derives: chip text that stays readable, and the verification flag colours.

Text on a coloured chip is black or white by the background's relative luminance (WCAG), so
speaker colours picked by the user stay legible on light and dark system palettes alike.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

#: Background colours of the verification flag and badges (white text reads on each).
VERIFICATION_COLORS: dict[str, str] = {
    "unverified": "#C2410C",  # burnt orange: a warning, not an error
    "disputed": "#B91C1C",  # red
    "corroborated": "#1D4ED8",  # blue: better than nothing, still not verified
    "verified": "#15803D",  # green
}

#: The words on the flag; verified transcripts get no flag in the header.
VERIFICATION_LABELS: dict[str, str] = {
    "unverified": "UNVERIFIED",
    "disputed": "DISPUTED",
    "corroborated": "CORROBORATED",
    "verified": "VERIFIED",
}

ARTICLE_COLOR = "#6D28D9"
ARTICLE_LABEL = "Quoted from a news article — not a full transcript"


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG relative luminance of ``color`` (0 black .. 1 white)."""
    return (
        0.2126 * _channel(color.redF())
        + 0.7152 * _channel(color.greenF())
        + 0.0722 * _channel(color.blueF())
    )


def text_color_on(background: QColor | str) -> QColor:
    """Black or white, whichever contrasts more with ``background``."""
    bg = QColor(background)
    lum = luminance(bg)
    # contrast with white: 1.05/(L+0.05); with black: (L+0.05)/0.05
    return QColor("#000000") if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else QColor("#ffffff")


def verification_color(state: str) -> QColor:
    return QColor(VERIFICATION_COLORS.get(state, VERIFICATION_COLORS["unverified"]))
