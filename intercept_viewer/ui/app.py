"""Start the window: ``intercept-viewer`` and ``intercept-viewer FILE...`` land here.

``main`` is the window's own entry point (``launch`` sends window starts here without going
through click); the library is opened once, with one integrity check, and a brand-new default
library is seeded with the bundled samples.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.library import Library
from intercept_viewer.core.paths import default_library_path, resolve_library_path
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.startup import install_error_hook, open_library, start_daily_backup
from intercept_viewer.ui.widgets.prompts import Prompts
from intercept_viewer.ui.widgets.theme import SETTINGS_KEY as THEME_KEY
from intercept_viewer.ui.widgets.theme import apply_theme

ORGANIZATION = "intercept-viewer"
APPLICATION = "Intercept Viewer"


def application() -> QApplication:
    """The QApplication (created once), named so QSettings has a home."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("intercept-viewer")
    try:
        from intercept_viewer.resources import resources_dir

        icon = resources_dir() / "icons" / "intercept-viewer.svg"
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
    except FileNotFoundError:
        pass
    return app


def build_window(
    library: Library, files: Sequence[str] = (), settings: QSettings | None = None
) -> MainWindow:
    """A ready window: state restored, FILES imported and the first one shown (no exec)."""
    window = MainWindow(library, settings)
    window.restore_state()
    if files:
        ids = window.open_paths(files)
        if not ids and window.import_task is None:
            window.restore_last_transcript()
    else:
        window.restore_last_transcript()
    return window


def main(library_arg: str | None = None, files: Sequence[str] = ()) -> int:
    """The window on the library ``--library``/the environment/the default names."""
    path, is_default = resolve_library_path(library_arg)
    return run_app(path, list(files), seed=is_default)


def run_app(library_path: Path | None, files: list[str], *, seed: bool = False) -> int:
    """Open the library (once), show the window, run the event loop. ``seed``: a library
    file that does not exist yet gets the bundled samples (the default library's first start).
    """
    app = application()
    install_error_hook()
    path = Path(library_path or default_library_path())
    fresh = not path.exists()
    try:
        library = open_library(path)
    except (InterceptViewerError, OSError) as exc:
        Prompts.show_error(None, str(exc))
        return 2
    if library is None:
        return 2
    if seed and fresh:
        library.seed_samples()
    settings = QSettings()
    apply_theme(str(settings.value(THEME_KEY, "system")))
    window = MainWindow(library, settings)
    window.restore_state()
    window.show()
    start_daily_backup(window.context)
    window.context.after_first_paint(window.library_guard.check_in_background)
    # after the first paint: the window behind it is what the welcome talks about (and its
    # module is imported only then)
    QTimer.singleShot(0, lambda: _welcome_once(window, settings))
    if files:
        # after the window is up, so an error dialog has a parent to sit on
        QTimer.singleShot(0, lambda: _open_or_restore(window, files))
    else:
        window.restore_last_transcript()
    code = app.exec()
    window.library.close()  # File ▸ Restore backup may have swapped it
    return code


def _welcome_once(window: MainWindow, settings: QSettings) -> None:
    from intercept_viewer.ui.help.welcome import show_welcome_once

    show_welcome_once(window, settings, window.open_action, window.import_folder_action)


def _open_or_restore(window: MainWindow, files: list[str]) -> None:
    if not window.open_paths(files) and window.import_task is None:
        window.restore_last_transcript()
