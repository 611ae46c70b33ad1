"""Issue 14, points 5 and 6: nothing is glued silently, and every import says what it
assumed (a low-confidence encoding, a long turn grown from joined lines)."""

from __future__ import annotations

from pathlib import Path

from intercept_viewer.core.importers import parse_path
from intercept_viewer.core.importers.labelled import parse_labelled_text


def test_a_western_code_page_guess_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        b"Soldier: Caf\xe9 au lait.\nMother: Tr\xe8s bien, na\xefve.\nSoldier: \xc0 bient\xf4t.\n"
    )
    parsed = parse_path(path).parsed
    assert parsed.utterances[0].text == "Café au lait."
    assert any("encoding was guessed with low confidence" in w.message for w in parsed.warnings)


def test_utf8_is_not_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "utf8.txt"
    path.write_text("Солдат: Алло.\nМать: Да.\nСолдат: Пока.\n", encoding="utf-8")
    assert not any("encoding" in w.message for w in parse_path(path).parsed.warnings)


def test_hours_past_99_stay_timestamps_and_nothing_is_glued() -> None:
    # a long monitoring log whose clock runs past 99 hours: every line stays its own turn
    lines = []
    for i in range(3000):
        seconds = 99 * 3600 + 59 * 60 + i * 7
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        lines.append(f"[{h:02d}:{m:02d}:{s:02d}] {'Soldier' if i % 2 else 'Mother'}: line {i}")
    parsed = parse_labelled_text("\n".join(lines))
    assert len(parsed.utterances) == 3000
    assert max(len(u.text) for u in parsed.utterances) < 20
    assert parsed.utterances[-1].start_ms == (99 * 3600 + 59 * 60 + 2999 * 7) * 1000
    assert not any("grew to" in w.message for w in parsed.warnings)


def test_a_turn_grown_from_many_joined_lines_is_reported_not_hidden() -> None:
    lines = ["Soldier: hello", "Mother: hi"]
    lines += [f"?? {i} unreadable label ?? text" for i in range(40)]
    lines += ["Soldier: bye"]
    parsed = parse_labelled_text("\n".join(lines))
    grown = [w for w in parsed.warnings if "grew to 41 lines" in w.message]
    assert grown and grown[0].line == 2
    joined = [w for w in parsed.warnings if "joined to the turn above" in w.message]
    assert [w.line for w in joined] == [3]
