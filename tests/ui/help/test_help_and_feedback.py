"""Help menu, shortcut list, About, welcome, toolbar, theme and status-bar feedback (issue 21)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QToolBar

from intercept_viewer import __version__
from intercept_viewer.ui.help.about import about_text
from intercept_viewer.ui.help.shortcuts import ShortcutsDialog, collect_shortcuts
from intercept_viewer.ui.help.welcome import WelcomeDialog, show_welcome_once
from intercept_viewer.ui.widgets import theme
from intercept_viewer.ui.widgets.layout_defaults import default_layout
from tests.conftest import make_parsed

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform on show()


def test_shortcut_list_is_built_from_the_actions(make_window, library) -> None:
    w = make_window(library)
    found = {(s.action, s.keys) for s in collect_shortcuts(w)}
    assert ("Open…", "Ctrl+O") in found
    assert ("Find…", "Ctrl+F") in found
    assert ("Tag selection…", "Ctrl+T") in found
    assert any(a == "Keyboard shortcuts…" and "F1" in k for a, k in found)
    # an action added later shows up too: the list can't drift from the keys
    extra = w._action("&Frobnicate", lambda: None, "Ctrl+Alt+K")
    assert ("Frobnicate", "Ctrl+Alt+K") in {(s.action, s.keys) for s in collect_shortcuts(w)}
    extra.deleteLater()


def test_shortcut_dialog_filters_as_you_type(make_window, library, qtbot, qtmodeltester) -> None:
    w = make_window(library)
    dialog = ShortcutsDialog(w)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    everything = dialog.visible_rows()
    assert len(everything) > 10
    dialog.filter_edit.setText("ctrl+t")
    rows = dialog.visible_rows()
    assert rows and all("ctrl+t" in " ".join(r).lower() for r in rows)
    assert any(r[1] == "Tag selection…" for r in rows)
    dialog.filter_edit.setText("export")
    assert {r[1] for r in dialog.visible_rows()} >= {"Export transcript…"}
    dialog.filter_edit.setText("no such action at all")
    assert dialog.visible_rows() == []


def test_help_menu_lists_shortcuts_welcome_and_about(make_window, library) -> None:
    w = make_window(library)
    titles = [a.text() for a in w.help.menu.actions() if a.text()]
    assert titles == ["&Keyboard shortcuts…", "&Welcome…", "&About Intercept Viewer"]


def test_about_names_version_library_qt_and_sqlite(tmp_path) -> None:
    from PySide6.QtCore import qVersion

    text = about_text(tmp_path / "lib <b>.sqlite")
    assert f"Intercept Viewer: {__version__}" in text
    assert f"SQLite: {sqlite3.sqlite_version}" in text
    assert f"Qt: {qVersion()}" in text
    assert f"Library: {tmp_path / 'lib <b>.sqlite'}" in text


def test_about_dialog_shows_the_path_as_plain_text(make_window, library, qtbot) -> None:
    w = make_window(library)
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            seen.append(dialog.windowTitle())
            dialog.reject()

    QTimer.singleShot(50, close_it)
    w.help.about.trigger()
    assert seen == ["About Intercept Viewer"]


def test_welcome_is_shown_once(make_window, library, qtbot, settings: QSettings) -> None:
    w = make_window(library)
    first = show_welcome_once(w, settings, w.open_action, w.import_folder_action)
    assert isinstance(first, WelcomeDialog) and first.isVisible()
    assert not first.isModal()
    first.close()
    assert show_welcome_once(w, settings, w.open_action, w.import_folder_action) is None


def test_welcome_buttons_run_the_window_actions(make_window, library, qtbot, settings) -> None:
    w = make_window(library)
    opened: list[str] = []
    w.open_action.triggered.disconnect()
    w.open_action.triggered.connect(lambda: opened.append("open"))
    dialog = show_welcome_once(w, settings, w.open_action, w.import_folder_action)
    assert dialog is not None
    dialog.open_button.click()
    assert opened == ["open"]
    assert not dialog.isVisible()


def test_toolbar_carries_the_main_actions(make_window, library) -> None:
    w = make_window(library)
    [bar] = w.findChildren(QToolBar)
    actions = [a for a in bar.actions() if not a.isSeparator()]
    assert w.open_action in actions and w.find_action in actions
    assert w.tagging.tag_action in actions and w.undo_action in actions
    assert all(not a.icon().isNull() for a in actions)
    assert "Ctrl+O" in w.open_action.toolTip()


def test_theme_switch_applies_and_is_remembered(make_window, library, settings) -> None:
    w = make_window(library)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        w.help.themes["dark"].trigger()
        assert theme.is_dark(app.palette())
        assert settings.value(theme.SETTINGS_KEY) == "dark"
        w.help.themes["light"].trigger()
        assert not theme.is_dark(app.palette())
        assert app.palette().color(QPalette.ColorRole.Base).name() == "#ffffff"
        assert settings.value(theme.SETTINGS_KEY) == "light"
    finally:
        w.help.themes["system"].trigger()
    assert settings.value(theme.SETTINGS_KEY) == "system"
    assert theme.apply_theme("no-such-theme") == "system"


def test_status_bar_confirms_each_change_and_its_undo(make_window, library) -> None:
    tid = library.add(make_parsed()).id
    w = make_window(library)
    w.show_transcript(tid)
    w.edit_field("verification", "corroborated")
    message = w.statusBar().currentMessage()
    assert "Edit verification" in message and "done" in message
    w.undo_stack.undo()
    assert w.statusBar().currentMessage().startswith("Undone: Edit verification")
    w.undo_stack.redo()
    assert "done" in w.statusBar().currentMessage()


def test_default_layout_fits_small_screens_and_uses_big_ones() -> None:
    small, big = default_layout(1024, 700), default_layout(1920, 1080)
    assert small.width <= 1024 and small.height <= 700
    assert small.left + small.right <= small.width - 380  # the transcript keeps room
    assert big.left > small.left and big.right > small.right and big.width > 1800


def test_window_fits_1024_wide(make_window, library, qtbot) -> None:
    w = make_window(library)
    w.show()
    w.show_transcript(library.add(make_parsed()).id)
    assert w.minimumSizeHint().width() <= 1024
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024)
    w.apply_default_layout()
    assert w.source_dock.geometry().right() <= w.width()
    assert w.transcript_view.width() >= 380
