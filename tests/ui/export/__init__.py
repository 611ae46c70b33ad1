"""Tests of ui/export/."""
