"""Plain text with highlighted ranges, laid out by QTextLayout: the one way hits are drawn.

Both the utterance list and the search results draw matched words this way — never through
rich text, so a transcript's own ``<b>`` stays characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextLayout, QTextOption

#: The background of a matched word (yellow, readable on light and dark palettes, dark text).
HIT_BACKGROUND = QColor(255, 214, 10, 160)


def highlighted_layout(
    text: str,
    font: QFont,
    spans: Sequence[tuple[int, int]],
    width: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    wrap: QTextOption.WrapMode = QTextOption.WrapMode.WordWrap,
) -> tuple[QTextLayout, int]:
    """Lay ``text`` out at ``width`` with ``spans`` (start, length) highlighted.

    Returns the layout (ready for ``draw``) and the number of lines laid out (at most
    ``max_lines`` when given)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(wrap)
    layout.setTextOption(option)
    ranges = []
    for start, length in spans:
        fr = QTextLayout.FormatRange()
        fr.start, fr.length = int(start), int(length)
        fmt = QTextCharFormat()
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setBackground(HIT_BACKGROUND)
        fmt.setForeground(QColor("#000000"))
        fr.format = fmt
        ranges.append(fr)
    layout.setFormats(ranges)
    layout.beginLayout()
    y = 0.0
    lines = 0
    while max_lines is None or lines < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
        lines += 1
    layout.endLayout()
    return layout, lines
