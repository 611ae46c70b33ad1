"""The import report of the plain-text importers: what was assumed or skipped, by line.

Labelled and dash dialogue decide a lot on the reader's behalf — which lines are the headline
and the blurb, that a label seen once is a speaker, that a line without a label continues the
turn above, that a bracketed line is a translation. Each decision is said here, with its line,
so the user can check it ("N things to review") instead of finding a turn glued out of 31,000
others months later.
"""

from __future__ import annotations

from intercept_viewer.core.importers.textlines import Preamble
from intercept_viewer.core.model import ImportWarning, ParsedUtterance

#: A turn grown past either from joined lines is reported: a label is probably missing.
LONG_TURN_LINES = 20
LONG_TURN_CHARS = 4000
#: Turns with joined lines listed one by one; past this, one line sums up the rest.
MAX_JOINED_LISTED = 30


class Report:
    """Collects warnings while a file is read; ``warnings`` gives them in file order.

    Line arguments are 0-based indices into the lines being read; ``line_offset`` (the lines
    of a front-matter block above them) makes them the file's own 1-based line numbers.
    """

    def __init__(self, line_offset: int = 0) -> None:
        self.offset = line_offset
        self._items: list[ImportWarning] = []
        self._translations: list[int] = []
        self._joined: list[tuple[int, str]] = []

    def line(self, index: int | None) -> int | None:
        return None if index is None else index + 1 + self.offset

    def add(self, message: str, index: int | None) -> None:
        self._items.append(ImportWarning(message, self.line(index)))

    def preamble(self, preamble: Preamble, at: list[int], lines: list[str]) -> None:
        """Say which lines above the dialogue became the date, the title and the description."""
        rest = list(at)
        if preamble.released_on and rest:
            self.add(f"taken as the release date ({preamble.released_on})", rest.pop(0))
        if preamble.title and rest:
            self.add("taken as the headline (title), not speech", rest.pop(0))
        if preamble.description and rest:
            first, last = self.line(rest[0]), self.line(rest[-1])
            where = f"lines {first}–{last}" if last != first else f"line {first}"
            self.add(f"{where} taken as the description (prose), not speech", rest[0])

    def translation(self, index: int) -> None:
        self._translations.append(index)

    def joined_line(self, index: int, turn: ParsedUtterance) -> None:
        self._joined.append((index, turn.speaker or "an unknown speaker"))

    def long_turn(self, turn: ParsedUtterance, joined: int) -> None:
        if joined + 1 > LONG_TURN_LINES or (joined and len(turn.text) > LONG_TURN_CHARS):
            self._items.append(
                ImportWarning(
                    f"the turn of {turn.speaker or 'an unknown speaker'} grew to {joined + 1} "
                    f"lines and {len(turn.text):,} characters from joined lines: a speaker "
                    "label may be missing or written in a way not recognised",
                    turn.line,
                )
            )

    @property
    def warnings(self) -> list[ImportWarning]:
        out = list(self._items)
        if self._translations:
            n = len(self._translations)
            out.append(
                ImportWarning(
                    f"{n} translation line{'s' if n != 1 else ''} found; kept beside the "
                    "original as the turns' translations",
                    self.line(self._translations[0]),
                )
            )
        for index, who in self._joined[:MAX_JOINED_LISTED]:
            out.append(
                ImportWarning(
                    f"a line without a speaker label was joined to the turn above ({who})",
                    self.line(index),
                )
            )
        if len(self._joined) > MAX_JOINED_LISTED:
            out.append(
                ImportWarning(
                    f"… and {len(self._joined) - MAX_JOINED_LISTED} more turns with lines "
                    "joined to them"
                )
            )
        return sorted(out, key=lambda w: (w.line is not None, w.line or 0))
