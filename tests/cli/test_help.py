"""Every command has help text with an example (sqlite-utils' habit: docs are tested)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from intercept_viewer.cli import _with_default_command, cli


def _commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"{name} --help shows no example"


def test_version() -> None:
    from intercept_viewer import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], ["open"]),
        (["call.txt"], ["open", "call.txt"]),
        (["--library", "x.sqlite", "a.srt"], ["--library", "x.sqlite", "open", "a.srt"]),
        (["--library=x.sqlite"], ["--library=x.sqlite", "open"]),
        (["list", "--json"], ["list", "--json"]),
        (["--library", "x.sqlite", "show", "1"], ["--library", "x.sqlite", "show", "1"]),
        (["--help"], ["--help"]),
    ],
)
def test_bare_files_open_the_window(
    argv: list[str], expected: list[str], tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("call.txt", "a.srt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert _with_default_command(argv) == expected


def test_an_existing_file_opens_the_window(tmp_path, monkeypatch) -> None:
    (tmp_path / "call.txt").write_text("Soldier: hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _with_default_command(["call.txt"]) == ["open", "call.txt"]
    assert _with_default_command(["."]) == ["open", "."]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["atach", "3", "call.wav"], "No such command 'atach'. Did you mean 'attach'?"),
        (["tga", "3", "--tag", "x"], "No such command 'tga'. Did you mean 'tag'?"),
        (["serch", "Бахмут"], "No such command 'serch'. Did you mean 'search'?"),
        (["lsit"], "No such command 'lsit'. Did you mean 'list'?"),
        (["--library", "x.sqlite", "exprot", "3"], "Did you mean 'export'?"),
        (["zzzzqq"], "No such command 'zzzzqq'."),
    ],
)
def test_a_mistyped_command_never_opens_the_window(
    argv: list[str], message: str, tmp_path, monkeypatch
) -> None:
    """The entry point exits 2 with a suggestion; the window module is never imported."""
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    code = (
        "import sys\nfrom intercept_viewer.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "finally:\n    print('UI' if 'intercept_viewer.ui.app' in sys.modules else 'NO-UI')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "", "INTERCEPT_VIEWER_LIBRARY": "x.sqlite"},
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "NO-UI" in proc.stdout
    assert not (tmp_path / "x.sqlite").exists()
