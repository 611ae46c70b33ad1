"""The verification flag as text: one place that says how a status travels with a quote.

Kept apart from the exporters (which need the library) so the window can flag copied lines
without importing export machinery. The rule: text from a transcript that is not *verified*
never leaves the application without its status on the same line.
"""

from __future__ import annotations


def status_tag(verification: str) -> str:
    """``[UNVERIFIED]`` for anything short of verified; empty for a verified transcript."""
    return "" if verification == "verified" else f"[{verification.upper()}]"


def with_status(verification: str, line: str) -> str:
    """Prefix ``line`` with the status tag when the transcript is not verified."""
    tag = status_tag(verification)
    return f"{tag} {line}" if tag else line


def quoted_turn(verification: str, speaker: str, text: str) -> list[str]:
    """One turn as ``Speaker: text`` lines, each flagged; later lines indented under the first.

    Every line carries the tag, so pasting any single line of a multi-line turn keeps it.
    """
    first, *rest = text.split("\n")
    return [with_status(verification, f"{speaker}: {first}")] + [
        with_status(verification, f"    {line}") for line in rest
    ]
