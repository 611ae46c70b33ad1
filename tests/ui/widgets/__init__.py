"""Tests of ui/widgets/."""
