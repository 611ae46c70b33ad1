"""Put on PYTHONPATH by ``.ci/run`` for one more run of the core and CLI tests: importing any
Qt binding fails, as on a server that has none installed (napari's "headless" job).

A subprocess a test starts inherits PYTHONPATH, so it is blocked too.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder

BLOCKED = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "qtpy")


class _NoQt(MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: this run checks core and CLI without Qt")
        return None


sys.meta_path.insert(0, _NoQt())
