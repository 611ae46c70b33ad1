"""Starting the app must not load the importers' libraries (they cost ~200 ms per start).

Checked in a fresh interpreter: what a module imports is only visible in a process that has
not imported anything else yet. Also keeps the static importer names the command line and the
window use in step with the registry.
"""

from __future__ import annotations

import json
import subprocess
import sys

from intercept_viewer.core.importers import names
from intercept_viewer.core.importers.registry import IMPORTERS, accepted_suffixes, format_names

#: Libraries only parsing or exporting needs.
HEAVY = ("trafilatura", "pymorphy3", "docx", "pympi", "pysubs2", "lxml", "charset_normalizer")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_cli_and_window_modules_import_no_parsing_libraries() -> None:
    modules = _modules_after(
        "import intercept_viewer.cli\nimport intercept_viewer.ui.app\n"
        "import intercept_viewer.ui.main_window"
    )
    assert "intercept_viewer.ui.main_window" in modules
    assert _heavy(modules) == []
    assert "intercept_viewer.core.importers.registry" not in modules


def test_window_start_leaves_the_writers_for_the_first_export() -> None:
    modules = _modules_after(
        "import intercept_viewer.ui.app\nimport intercept_viewer.ui.main_window"
    )
    assert "intercept_viewer.ui.export.export_dialog" in modules  # File > Export is there
    assert not [m for m in modules if m.startswith("intercept_viewer.core.exporters")]


def test_help_runs_without_the_importers() -> None:
    modules = _modules_after(
        "from intercept_viewer.cli import cli\n"
        "try:\n    cli.main(args=['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert "intercept_viewer.cli.transcripts" in modules  # the commands were registered
    assert _heavy(modules) == []
    assert "intercept_viewer.core.importers.registry" not in modules


def test_static_names_match_the_registry() -> None:
    assert list(names.FORMAT_NAMES) == [imp.name for imp in IMPORTERS] == format_names()
    assert list(names.ACCEPTED_SUFFIXES) == accepted_suffixes()
    assert names.format_names() == format_names()


def test_dialog_filters_match_the_registry() -> None:
    from intercept_viewer.core.formats import FORMAT_FILTERS

    expected = []
    for imp in IMPORTERS:
        if imp.suffixes:
            label = imp.description if not imp.description.startswith("(") else imp.name
            expected.append((label.split(":")[0].split("(")[0].strip() or imp.name, imp.suffixes))
    assert list(FORMAT_FILTERS) == expected


def test_lazy_package_attributes_resolve_to_the_registry() -> None:
    import intercept_viewer.core.importers as package
    from intercept_viewer.core.importers import registry

    assert package.IMPORTERS is registry.IMPORTERS
    assert package.parse_path is registry.parse_path
    assert package.detect is registry.detect


def test_the_window_starts_without_click_or_sqlite_utils(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The window's entry point, an existing library opened and the window built: neither
    click nor sqlite-utils (nor what they bring) is imported; a new library's migrations are
    the only thing that loads sqlite-utils."""
    from intercept_viewer.core.library import Library

    path = tmp_path / "library.sqlite"
    Library(path).close()  # created (and migrated) here, in this process
    modules = _modules_after(
        "import intercept_viewer.launch\n"
        "from intercept_viewer.ui.app import application\n"
        "from intercept_viewer.core.library import Library\n"
        "from intercept_viewer.ui.main_window import MainWindow\n"
        f"lib = Library({str(path)!r})\n"
        "from PySide6.QtCore import QSettings\n"
        f"settings = QSettings({str(tmp_path / 'settings.ini')!r}, QSettings.Format.IniFormat)\n"
        "app = application()\nw = MainWindow(lib, settings)\nw.show()\napp.processEvents()\n"
        "w.close()\n"  # stops the background tasks (a running QThread at exit aborts)
    )
    assert "intercept_viewer.ui.main_window" in modules
    assert sorted(m for m in modules if m.split(".")[0] in ("click", "sqlite_utils")) == []
    # the word-form dictionaries are warmed on purpose, in the background, once the window is
    # up (issue 16): the start itself loads none of the parsing libraries
    assert [m for m in _heavy(modules) if m.split(".")[0] != "pymorphy3"] == []


def test_the_launcher_sends_window_starts_past_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from intercept_viewer.launch import window_args

    call = tmp_path / "call.srt"
    call.write_text("1\n00:00:01,000 --> 00:00:02,000\nA: hi\n", encoding="utf-8")
    assert window_args([]) == (None, [])
    assert window_args(["--library", "x.sqlite", str(call)]) == ("x.sqlite", [str(call)])
    assert window_args(["--library=x.sqlite"]) == ("x.sqlite", [])
    for command_line in (["list"], ["--help"], ["import", str(call)], ["missing.srt"]):
        assert window_args(command_line) is None, command_line
