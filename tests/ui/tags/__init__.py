"""Tests of ui/tags/."""
