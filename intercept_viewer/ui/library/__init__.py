"""The library dock: every transcript as a row, and importing files and folders into it."""
