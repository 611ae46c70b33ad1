"""Speaker and tag colours: distinct from each other and readable on light and dark themes.

Mid-lightness, saturated hues (Okabe–Ito-inspired, extended): dark text on a light chip and
light text on a dark theme both keep contrast, and neighbours in the list differ in hue.
"""

from __future__ import annotations

PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # green
    "#CC79A7",  # pink
    "#E69F00",  # orange
    "#56B4E9",  # sky
    "#8E6CCF",  # violet
    "#A6761D",  # ochre
    "#1B9E9E",  # teal
    "#C0392B",  # red
    "#7F8C2B",  # olive
    "#5D6D7E",  # slate
)


def color_for(index: int) -> str:
    """The palette colour for the ``index``-th speaker (or tag); cycles when it runs out."""
    return PALETTE[index % len(PALETTE)]
