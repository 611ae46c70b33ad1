"""UI fixtures: a window over a temporary library, with settings in a temporary ini file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from intercept_viewer.core.library import Library
from intercept_viewer.ui.main_window import MainWindow
from intercept_viewer.ui.widgets.prompts import Prompts


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a throwaway ini file: tests never touch the user's real settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Every modal prompt fails the test unless the test replaces it; errors are recorded."""
    shown: list[tuple[str, object]] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def ask(*args: object, **kwargs: object) -> None:
            raise AssertionError(f"unexpected dialog {name}{args[1:]}")

        return classmethod(lambda cls, *a, **k: ask(*a, **k))

    for name in ("confirm_delete", "confirm_open_url", "ask_text", "ask_color", "choose"):
        monkeypatch.setattr(Prompts, name, refuse(name))
    monkeypatch.setattr(
        Prompts,
        "show_import_errors",
        classmethod(lambda cls, parent, failures: shown.append(("import", list(failures)))),
    )
    monkeypatch.setattr(
        Prompts,
        "show_error",
        classmethod(lambda cls, parent, message: shown.append(("error", message))),
    )
    return shown


@pytest.fixture
def make_window(qtbot, settings: QSettings):  # type: ignore[no-untyped-def]
    def make(library: Library) -> MainWindow:
        w = MainWindow(library, settings)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        return w

    return make
