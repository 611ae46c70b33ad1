"""Front-matter blocks and sidecar ``NAME.meta.json`` files (stub)."""

from __future__ import annotations

from pathlib import Path

from intercept_viewer.core.model import SourceMeta


def apply_sidecar(meta: SourceMeta, path: Path) -> None:
    """Fill ``meta`` from ``NAME.meta.json`` next to ``path`` when there is one."""
    return None
