"""The importers' names and endings without importing them: see ``core.formats``."""

from intercept_viewer.core.formats import (
    ACCEPTED_SUFFIXES,
    FORMAT_NAMES,
    accepted_suffixes,
    format_names,
)

__all__ = ["ACCEPTED_SUFFIXES", "FORMAT_NAMES", "accepted_suffixes", "format_names"]
