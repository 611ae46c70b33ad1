"""The window and the CLI side by side on one library: no write is ever lost.

The window holds a Library open all the time and its workers open and close their own. If
anything in the window's process opened and closed the library file outside SQLite (the old
header check did, on every worker's open), the process's POSIX locks went with it: a CLI
process closing its connection then believed it was the last user and deleted the ``-wal``
under the window, taking committed writes with it.

These tests run real CLI processes (``python -m intercept_viewer``) beside a Library held the
way the window holds it, and check that the ``-wal`` is kept and every reported write is there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

ROOT = Path(__file__).parents[2]
ROUNDS = 20


def cli(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("INTERCEPT_VIEWER_LIBRARY", None)
    return subprocess.run(
        [sys.executable, "-m", "intercept_viewer", "--library", str(library), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_cli(library: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("INTERCEPT_VIEWER_LIBRARY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "intercept_viewer", "--library", str(library), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def worker_opens_and_closes(path: Path, *, read_only: bool) -> None:
    """What a window worker does: its own Library in its own thread, then closed."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Library(path, read_only=read_only) as lib:
                lib.transcripts()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


def test_a_worker_closing_its_library_keeps_the_window_s_locks(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    wal = Path(f"{path}-wal")
    with Library(path) as window:
        t = window.add(make_parsed())
        worker_opens_and_closes(path, read_only=True)
        worker_opens_and_closes(path, read_only=False)
        assert wal.exists()
        listed = cli(path, "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert wal.exists(), "a CLI process deleted the WAL under an open library"
        tagged = cli(path, "tag", str(t.id), "--from", "1", "--tag", "from the CLI")
        assert tagged.returncode == 0, tagged.stderr
        worker_opens_and_closes(path, read_only=True)
        cli(path, "list")
        assert wal.exists()
        assert [tag.name for tag in window.tags()] == ["from the CLI"]
        window.add_passage(t.id, 2, tags=["from the window"])
    with Library(path, read_only=True) as again:
        assert sorted(tag.name for tag in again.tags()) == ["from the CLI", "from the window"]


@pytest.mark.slow
def test_window_and_cli_side_by_side_for_many_rounds(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    wal = Path(f"{path}-wal")
    reported_passages: set[int] = set()
    reported_transcripts: set[int] = set()
    window_passages: set[int] = set()
    with Library(path) as window:
        first = window.add(make_parsed(title="seed"))
        reported_transcripts.add(first.id)
        for n in range(ROUNDS):
            call = tmp_path / f"call{n}.txt"
            call.write_text(
                f"Soldier: round {n}, we are near Kupyansk.\nMother: are you safe, {n}?\n",
                encoding="utf-8",
            )
            procs = {
                "import": start_cli(path, "import", "--json", str(call)),
                "tag": start_cli(
                    path, "tag", str(first.id), "--from", "1", "--tag", f"cli {n}", "--note", "x"
                ),
                "list": start_cli(path, "list", "--json"),
            }
            # meanwhile the window's workers come and go, and the window itself writes
            worker_opens_and_closes(path, read_only=True)
            worker_opens_and_closes(path, read_only=False)
            window_passages.add(window.add_passage(first.id, 2, tags=[f"window {n}"]).id)
            outputs = {name: p.communicate(timeout=60) for name, p in procs.items()}
            for name, p in procs.items():
                assert p.returncode == 0, (name, outputs[name][1])
            reported_transcripts.update(r["id"] for r in json.loads(outputs["import"][0]))
            reported_passages.add(int(outputs["tag"][0].strip()))
            json.loads(outputs["list"][0])
            assert wal.exists(), f"round {n}: the WAL was deleted under the open library"
            # the window sees the CLI's writes at once
            assert {p.id for p in window.passages()} >= reported_passages | window_passages
    with Library(path, read_only=True) as after:
        ids = {t.id for t in after.transcripts()}
        passages = {p.id for p in after.passages()}
    lost = (reported_transcripts - ids) | (reported_passages | window_passages) - passages
    print(
        f"\n{ROUNDS} rounds, {len(reported_transcripts)} imports and "
        f"{len(reported_passages) + len(window_passages)} passages reported, {len(lost)} lost"
    )
    assert lost == set()
    assert len(reported_transcripts) == ROUNDS + 1
