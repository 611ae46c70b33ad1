"""export-ftm, publish-datasette and publish-aleph from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from intercept_viewer.cli import cli
from tests.core.publish.fake_aleph import FakeAleph

TG = Path(__file__).parents[1] / "fixtures" / "telegram"


def _run(library: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", str(library), *args], env=env)


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    path = tmp_path / "lib.sqlite"
    assert _run(path, "import", "--json", str(TG / "channel_ru")).exit_code == 0
    return path


def test_export_ftm_to_stdout_and_file(lib_path: Path, tmp_path: Path) -> None:
    result = _run(lib_path, "export-ftm", "2")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(r["schema"] == "Call" for r in rows) == 1
    out = tmp_path / "all.ftm.json"
    result = _run(lib_path, "export-ftm", "-o", str(out))
    assert result.exit_code == 0 and "entities" in result.stderr
    assert sum(json.loads(x)["schema"] == "Call" for x in out.read_text().splitlines()) == 6
    missing = _run(lib_path, "export-ftm", "999")
    assert missing.exit_code == 2 and "999" in missing.stderr


def test_publish_datasette(lib_path: Path, tmp_path: Path) -> None:
    result = _run(lib_path, "publish-datasette", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "library.db").is_file()
    assert (tmp_path / "site" / "metadata.json").is_file()


def test_publish_aleph_names_a_refused_entity(
    lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FakeAleph() as aleph:
        env = {"ALEPHCLIENT_API_KEY": "k", "NO_PROXY": "127.0.0.1"}
        ok = _run(lib_path, "publish-aleph", "--host", aleph.url, "--collection", "c", env=env)
        assert ok.exit_code == 0, ok.output
        assert "Published 6 releases" in ok.stderr and "2 recordings" in ok.stderr
        aleph.refuse.update(aleph.entities)
        bad = _run(
            lib_path,
            "publish-aleph",
            "--host",
            aleph.url,
            "--collection",
            "c",
            "--no-media",
            env=env,
        )
    assert bad.exit_code == 2
    assert "Aleph refused entity" in bad.stderr and "Invalid entity data" in bad.stderr
