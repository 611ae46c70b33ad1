"""The layering rules, checked: core never imports Qt; the UI never writes SQL or parses files."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "intercept_viewer"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p) if n.startswith("PySide6"))
        for p in (PACKAGE / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


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


def test_ui_never_writes_sql_or_parses_files() -> None:
    forbidden = ("sqlite3", "sqlite_utils", "intercept_viewer.core.importers.")
    bad = {}
    for p in (PACKAGE / "ui").rglob("*.py"):
        hits = sorted(
            n for n in _imports(p) if n in ("sqlite3", "sqlite_utils") or n.startswith(forbidden[2])
        )
        if hits:
            bad[str(p.relative_to(PACKAGE))] = hits
    assert bad == {}
