"""Tests of ui/transcript/."""
