"""The import command's progress bar: stderr, terminals only, never with --json."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from intercept_viewer.cli import cli
from intercept_viewer.cli.import_progress import LONG_IMPORT_BYTES, import_progress, wants_bar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _calls(tmp_path: Path, n: int, turns: int = 3) -> list[str]:
    out = []
    for i in range(n):
        p = tmp_path / f"call{i}.txt"
        p.write_text(
            "".join(f"Soldier: line {i} {k}\nMother: answer {i} {k}\n" for k in range(turns)),
            encoding="utf-8",
        )
        out.append(str(p))
    return out


def test_bar_only_on_a_terminal_without_json_for_long_imports(tmp_path: Path) -> None:
    three = _calls(tmp_path, 3)
    assert wants_bar(three, FakeTerminal(), as_json=False)
    assert not wants_bar(three, FakeTerminal(), as_json=True)
    assert not wants_bar(three, io.StringIO(), as_json=False)  # a pipe or a log file
    assert not wants_bar(three[:1], FakeTerminal(), as_json=False)  # one short file
    big = tmp_path / "big.txt"
    big.write_bytes(b"Soldier: a\nMother: b\n" * (LONG_IMPORT_BYTES // 20))
    assert wants_bar([str(big)], FakeTerminal(), as_json=False)  # one long call


def test_bar_moves_to_the_end(tmp_path: Path) -> None:
    term = FakeTerminal()
    with import_progress(_calls(tmp_path, 3), term, as_json=False) as progress:
        assert progress is not None
        progress(1, 4)
        progress(4, 4)
    text = term.getvalue()
    assert "Importing" in text and "100%" in text


def test_import_through_the_library_reports_progress_to_the_end(tmp_path: Path) -> None:
    from intercept_viewer.core.library import Library

    seen: list[tuple[int, int]] = []
    with Library(tmp_path / "lib.sqlite") as lib:
        outcomes = list(
            lib.import_files(_calls(tmp_path, 4), progress=lambda d, t: seen.append((d, t)))
        )
    assert len(outcomes) == 4
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_json_import_prints_no_bar(tmp_path: Path) -> None:
    files = _calls(tmp_path, 4)
    result = CliRunner().invoke(
        cli, ["--library", str(tmp_path / "lib.sqlite"), "import", "--json", *files]
    )
    assert result.exit_code == 0, result.output
    assert "Importing" not in result.stderr
