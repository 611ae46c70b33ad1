"""Backups in the window: File ▸ Restore backup…, and the "library can't be opened" dialog."""
