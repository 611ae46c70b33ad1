"""The window icon and the desktop entry ship with the app (resources/, also in the wheel)."""

from __future__ import annotations

import configparser

from intercept_viewer.resources import resources_dir
from intercept_viewer.ui.app import application


def test_application_has_its_icon(qapp) -> None:  # type: ignore[no-untyped-def]
    assert not application().windowIcon().isNull()


def test_desktop_entry_launches_the_command_with_files() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(resources_dir() / "intercept-viewer.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"].split()[0] == "intercept-viewer"
    assert "%F" in section["Exec"]
    assert section["Icon"] == "intercept-viewer"
    assert (resources_dir() / "icons" / "intercept-viewer.svg").is_file()
