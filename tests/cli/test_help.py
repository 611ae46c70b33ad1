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
def test_bare_files_open_the_window(argv: list[str], expected: list[str]) -> None:
    assert _with_default_command(argv) == expected
