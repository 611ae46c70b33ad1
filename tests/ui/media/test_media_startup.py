"""Text-only use pays nothing for the player: PyAV and QtMultimedia load on first need."""

from __future__ import annotations

from tests.test_startup_imports import _modules_after


def test_the_window_modules_load_neither_pyav_nor_qtmultimedia() -> None:
    modules = _modules_after(
        "import intercept_viewer.ui.main_window\nimport intercept_viewer.cli\n"
        "import intercept_viewer.core.media"
    )
    assert "intercept_viewer.ui.media.install" in modules
    assert not {m for m in modules if m == "av" or m.startswith("av.")}
    assert not {m for m in modules if m.startswith("PySide6.QtMultimedia")}
