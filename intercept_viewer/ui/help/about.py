"""Help ▸ About: the version, the library in use, and the Qt and SQLite versions.

The text is what a bug report needs, so the dialog's text can be selected and copied.
"""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from intercept_viewer.core.about import versions


def about_text(library_path: Path | None) -> str:
    """Plain text: one ``Name: value`` line each (the library path can be anything)."""
    lines = [
        "Read, search, tag and export published intercepted calls, with their provenance "
        "and an unmissable verification flag.",
        "",
    ]
    info = versions()
    info["Qt"] = qVersion()
    info["PySide6"] = PySide6.__version__
    lines += [f"{name}: {value}" for name, value in info.items()]
    lines.append(f"Library: {library_path if library_path is not None else 'in memory'}")
    return "\n".join(lines)


class AboutDialog(QDialog):
    """A plain-text, selectable summary; Close to dismiss."""

    def __init__(self, parent: QWidget | None, library_path: Path | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Intercept Viewer")
        self.label = QLabel(about_text(library_path), self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # the path comes from the user
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title = QLabel("Intercept Viewer", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
