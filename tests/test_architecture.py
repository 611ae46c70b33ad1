"""The layering rules, checked by import-linter (contracts in pyproject.toml) and, for what an
import graph can't see, by reading the code: the UI never touches the connection, and no panel
imports the main window even for a type.

The contracts are also run over a copy of the package with violations planted in it, so a
contract that stopped catching them (a typo in a module name) fails here.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "intercept_viewer"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
#: Modules that may import the panels and the main window: the shell.
SHELL = {"ui/app.py", "ui/main_window.py", "ui/startup.py"}
#: Panels still taking the main window instead of the context: none (keep it that way).
NOT_YET_ON_THE_CONTEXT: set[str] = set()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_without_qt_loaded() -> None:
    """Importing all of core in a fresh interpreter must not pull PySide6 in."""
    code = (
        "import sys, pkgutil, importlib, intercept_viewer.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'intercept_viewer.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(any(k.startswith('PySide6') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_panel_imports_the_main_window_even_for_a_type() -> None:
    offenders = sorted(
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "ui").rglob("*.py")
        if str(p.relative_to(PACKAGE)) not in SHELL | NOT_YET_ON_THE_CONTEXT
        and {"intercept_viewer.ui.main_window", "intercept_viewer.ui.app"} & _imports(p)
    )
    assert offenders == []


def test_the_ui_never_reaches_for_the_connection() -> None:
    """``library.db`` / ``.conn`` would be raw SQL from the UI, which no import shows."""
    bad = []
    for p in (PACKAGE / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("db", "conn", "execute"):
                bad.append(f"{p.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
    assert bad == []


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_the_import_contracts_hold() -> None:
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


PLANTED = {
    # a lazy core -> ui import
    "core/timefmt.py": "\n\ndef _planted() -> None:\n    from intercept_viewer.ui import tasks\n",
    # another Qt binding in core
    "core/colors.py": "\n\ndef _planted_qt() -> None:\n    import qtpy  # noqa: F401\n",
    # the window reaching into the importers
    "ui/widgets/style.py": "\n\ndef _planted_importers() -> None:\n"
    "    from intercept_viewer.core.importers import registry  # noqa: F401\n",
    # a panel importing the main window
    "ui/search/search_worker.py": "\n\ndef _planted_window() -> None:\n"
    "    from intercept_viewer.ui.main_window import MainWindow  # noqa: F401\n",
}


@pytest.mark.slow
@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_the_contracts_catch_planted_violations(tmp_path: Path) -> None:
    copy = tmp_path / "intercept_viewer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for rel, code in PLANTED.items():
        with (copy / rel).open("a", encoding="utf-8") as fh:
            fh.write(code)
    (tmp_path / "qtpy.py").write_text("", encoding="utf-8")  # so the import graph sees it
    out = _lint(tmp_path)
    report = " ".join(out.stdout.split())  # the report wraps long lines
    assert out.returncode != 0
    assert "intercept_viewer.core.timefmt -> intercept_viewer.ui.tasks" in report
    assert "intercept_viewer.core.colors -> qtpy" in report
    assert "intercept_viewer.ui.widgets.style -> intercept_viewer.core.importers" in report
    assert "intercept_viewer.ui.search.search_worker -> intercept_viewer.ui.main_window" in report
