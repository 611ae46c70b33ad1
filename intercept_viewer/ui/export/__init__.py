"""File ▸ Export: a transcript or the filtered passage queue, written off the GUI thread."""
