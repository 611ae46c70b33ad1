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
