"""Importers: one module per family of formats, each turning bytes into a ParsedTranscript.

The registry (and with it every importer and the libraries they use) is imported on first
use of one of its names, not when this package is: the window and the command line start
without parsing anything. ``format_names`` and ``accepted_suffixes`` come from the static
``names`` module, which a test keeps equal to the registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intercept_viewer.core.importers.names import accepted_suffixes, format_names

if TYPE_CHECKING:
    from intercept_viewer.core.importers.base import Importer, SourceFile
    from intercept_viewer.core.importers.registry import (
        IMPORTERS,
        ParsedFile,
        detect,
        parse_path,
        parse_source,
    )

_LAZY = {
    "Importer": "base",
    "SourceFile": "base",
    "IMPORTERS": "registry",
    "ParsedFile": "registry",
    "detect": "registry",
    "parse_path": "registry",
    "parse_source": "registry",
}

__all__ = [
    "IMPORTERS",
    "Importer",
    "ParsedFile",
    "SourceFile",
    "accepted_suffixes",
    "detect",
    "format_names",
    "parse_path",
    "parse_source",
]


def __getattr__(name: str) -> Any:
    """PEP 562: import the module that defines ``name`` when it is first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
