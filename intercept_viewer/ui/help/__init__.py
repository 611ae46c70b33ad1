"""Help: the keyboard-shortcut list, About, the first-run welcome and the Help menu."""
