"""View ▸ Theme: follow the system, or force light or dark.

Explicit palettes on the Fusion style rather than a colour-scheme hint: the hint is ignored by
some platforms (and by the offscreen one the tests use), while a palette applies everywhere.
"System" puts back the style and palette the application started with.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")
SETTINGS_KEY = "view/theme"

_started_with: tuple[str, QPalette] | None = None


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    if dark:
        colors = {
            role.Window: "#202124",
            role.WindowText: "#E8EAED",
            role.Base: "#17181A",
            role.AlternateBase: "#26282B",
            role.Text: "#E8EAED",
            role.Button: "#2B2D30",
            role.ButtonText: "#E8EAED",
            role.ToolTipBase: "#303134",
            role.ToolTipText: "#E8EAED",
            role.Highlight: "#3B6FD4",
            role.HighlightedText: "#FFFFFF",
            role.PlaceholderText: "#9AA0A6",
            role.Link: "#8AB4F8",
            role.Mid: "#3C4043",
            role.Dark: "#111213",
            role.Light: "#3C4043",
        }
    else:
        colors = {
            role.Window: "#F3F3F3",
            role.WindowText: "#1F1F1F",
            role.Base: "#FFFFFF",
            role.AlternateBase: "#F5F7FA",
            role.Text: "#1F1F1F",
            role.Button: "#ECECEC",
            role.ButtonText: "#1F1F1F",
            role.ToolTipBase: "#FFFFDC",
            role.ToolTipText: "#1F1F1F",
            role.Highlight: "#2F65CA",
            role.HighlightedText: "#FFFFFF",
            role.PlaceholderText: "#6B6B6B",
            role.Link: "#1A56DB",
            role.Mid: "#C8C8C8",
            role.Dark: "#A0A0A0",
            role.Light: "#FFFFFF",
        }
    for r, c in colors.items():
        p.setColor(r, QColor(c))
    disabled = QColor("#7F7F7F")
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return p


def apply_theme(name: str, app: QApplication | None = None) -> str:
    """Apply ``name`` (unknown names mean "system"); returns the theme applied."""
    global _started_with
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return "system"
    if _started_with is None:
        _started_with = (app.style().name(), QPalette(app.palette()))
    name = name if name in THEMES else "system"
    if name == "system":
        style_name, palette = _started_with
        app.setStyle(QStyleFactory.create(style_name) or app.style())
        app.setPalette(palette)
    else:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(_palette(dark=name == "dark"))
    return name


def is_dark(palette: QPalette) -> bool:
    """Whether text is lighter than its background (a dark theme, system or ours)."""
    return (
        palette.color(QPalette.ColorRole.Base).lightness()
        < palette.color(QPalette.ColorRole.Text).lightness()
    )
