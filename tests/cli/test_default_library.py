"""The default library is seeded with the bundled samples; a named library starts empty."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from intercept_viewer.cli import cli
from intercept_viewer.core import paths
from intercept_viewer.resources import sample_files


def test_default_library_is_seeded_once(monkeypatch, tmp_path: Path) -> None:
    default = tmp_path / "data" / "library.sqlite"
    monkeypatch.setattr(paths, "default_library_path", lambda: default)
    runner = CliRunner()
    first = runner.invoke(cli, ["list", "--json"])
    assert first.exit_code == 0, first.output
    rows = json.loads(first.output)
    # every bundled sample imports: none of them may fail
    assert len(rows) == len(sample_files()) >= 5
    assert {r["verification"] for r in rows} >= {"unverified"}
    # deleting one and listing again must not re-seed
    runner.invoke(cli, ["delete", str(rows[0]["id"]), "--yes"])
    again = json.loads(runner.invoke(cli, ["list", "--json"]).output)
    assert len(again) == len(rows) - 1


def test_named_library_starts_empty(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "x.sqlite"), "list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_env_library_starts_empty(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INTERCEPT_VIEWER_LIBRARY", str(tmp_path / "env.sqlite"))
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert json.loads(result.output) == []
    assert (tmp_path / "env.sqlite").exists()


def test_importing_a_folder_glob_applies_sidecars_without_reporting_them(tmp_path: Path) -> None:
    from intercept_viewer.resources import samples_dir

    every_file = sorted(str(p) for p in samples_dir().iterdir())
    assert any(f.endswith(".meta.json") for f in every_file)
    result = CliRunner().invoke(
        cli, ["--library", str(tmp_path / "lib.sqlite"), "import", "--json", *every_file]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(sample_files())
