"""The Qt user interface. Talks to core only through the Library; never parses or writes SQL."""
