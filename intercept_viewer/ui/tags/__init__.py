"""Tagging passages: Ctrl+T, the tag chips, and the Tags / Follow-up dock with its queue."""
