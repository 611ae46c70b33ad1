"""The search dock: query bar, speaker filter, scope and the list of hits."""
