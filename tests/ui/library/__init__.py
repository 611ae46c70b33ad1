"""Tests of ui/library/."""
