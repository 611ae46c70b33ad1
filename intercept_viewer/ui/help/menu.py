"""The Help menu, the main toolbar and View ▸ Theme: what makes the window discoverable.

Built from actions the window already has, so the toolbar, the menus and the shortcut list
always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QStyle, QToolBar

from intercept_viewer.ui.widgets import theme


@dataclass
class HelpActions:
    """Help menu entries (tests trigger them), and the theme actions by name."""

    menu: QMenu
    shortcuts: QAction
    about: QAction
    welcome: QAction
    themes: dict[str, QAction]


def _shortcuts_dialog(window: QMainWindow) -> QDialog:
    from intercept_viewer.ui.help.shortcuts import ShortcutsDialog

    return ShortcutsDialog(window)


def _welcome_dialog(window: QMainWindow, open_action: QAction, folder_action: QAction) -> QDialog:
    from intercept_viewer.ui.help.welcome import WelcomeDialog

    return WelcomeDialog(window, open_action, folder_action)


def _about_dialog(window: QMainWindow, path: Path | None) -> QDialog:
    from intercept_viewer.ui.help.about import AboutDialog

    return AboutDialog(window, path)


def install_help(
    window: QMainWindow,
    settings: QSettings,
    library_path: Callable[[], Path | None],
    open_action: QAction,
    folder_action: QAction,
    view_menu: QMenu,
) -> HelpActions:
    """Add Help ▸ Keyboard shortcuts / Welcome / About and View ▸ Theme to ``window``."""
    menu = window.menuBar().addMenu("&Help")
    shortcuts = QAction("&Keyboard shortcuts…", window)
    shortcuts.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
    # the dialogs are imported when first asked for: none of them is needed to start
    shortcuts.triggered.connect(lambda: _shortcuts_dialog(window).exec())
    welcome = QAction("&Welcome…", window)
    welcome.triggered.connect(lambda: _welcome_dialog(window, open_action, folder_action).exec())
    about = QAction("&About Intercept Viewer", window)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: _about_dialog(window, library_path()).exec())
    for action in (shortcuts, welcome):
        menu.addAction(action)
        window.addAction(action)
    menu.addSeparator()
    menu.addAction(about)

    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(window)
    group.setExclusive(True)
    current = str(settings.value(theme.SETTINGS_KEY, "system"))
    themes: dict[str, QAction] = {}
    for name in theme.THEMES:
        action = QAction(name.capitalize(), window)
        action.setCheckable(True)
        action.setChecked(name == current)
        action.triggered.connect(lambda _=False, n=name: _choose_theme(settings, n))
        group.addAction(action)
        theme_menu.addAction(action)
        themes[name] = action
    return HelpActions(menu, shortcuts, about, welcome, themes)


def _choose_theme(settings: QSettings, name: str) -> None:
    settings.setValue(theme.SETTINGS_KEY, theme.apply_theme(name))


#: Standard icons for the toolbar's actions, by the action's object name.
_ICONS = {
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "import_folder": QStyle.StandardPixmap.SP_DirOpenIcon,
    "find": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "tag": QStyle.StandardPixmap.SP_DialogApplyButton,
    "export": QStyle.StandardPixmap.SP_DialogSaveButton,
    "undo": QStyle.StandardPixmap.SP_ArrowBack,
    "redo": QStyle.StandardPixmap.SP_ArrowForward,
}


def main_toolbar(window: QMainWindow, actions: Sequence[tuple[str, QAction] | None]) -> QToolBar:
    """A toolbar of ``(icon name, action)`` pairs (None: a separator), text beside icons."""
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("toolbar_main")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setMovable(False)
    style = window.style()
    for entry in actions:
        if entry is None:
            bar.addSeparator()
            continue
        icon_name, action = entry
        if action.icon().isNull() and icon_name in _ICONS:
            action.setIcon(style.standardIcon(_ICONS[icon_name]))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        text = action.text().replace("&", "").rstrip("…")
        action.setToolTip(f"{text} ({keys})" if keys else text)
        bar.addAction(action)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
