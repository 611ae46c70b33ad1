"""Tests of ui/search/."""
