"""Intercept Viewer: a searchable library of published intercepted phone calls."""

__version__ = "0.1.0"
