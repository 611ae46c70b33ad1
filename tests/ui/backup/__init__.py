"""Tests of ui/backup/."""
