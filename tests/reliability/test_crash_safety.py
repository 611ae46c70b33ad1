"""SIGKILL a process that imports and tags, at random (seeded) moments, many times over the
same library; after each kill the library must open, pass integrity checks, hold every
transcript whole or not at all, and keep everything the process reported as committed."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intercept_viewer.core.library import Library
from tests.reliability.helpers import check_whole

ROOT = Path(__file__).parents[2]
KILLS = 24
SEED = 20240501


def _wait_lines(out: Path, proc: subprocess.Popen[bytes], n: int, timeout: float = 60.0) -> None:
    """Wait until the child printed ``n`` lines ("ready", then one per commit): progress
    markers, not wall-clock time, so a loaded machine still gets past the opening and commits
    before the kill."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_text(encoding="utf-8").count("\n") >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.returncode}")
        time.sleep(0.005)
    raise AssertionError(f"child never printed {n} lines")


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "library.sqlite"
    transcripts: dict[int, int] = {}
    passages: dict[int, tuple[int, list[str], str]] = {}
    survived = 0
    for kill in range(KILLS):
        out = tmp_path / f"out{kill}.log"
        err = tmp_path / f"err{kill}.log"
        with out.open("wb") as fo, err.open("wb") as fe:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.reliability.crash_child",
                    str(path),
                    str(kill),
                    str(tmp_path),
                ],
                cwd=ROOT,
                stdout=fo,
                stderr=fe,
            )
            try:
                if kill % 6 == 5:  # sometimes kill while the library is still being opened
                    time.sleep(rng.uniform(0.0, 0.4))
                else:
                    # "ready" plus a few commits, then a random moment inside the next ones
                    _wait_lines(out, proc, 1 + rng.randint(2, 8))
                    time.sleep(rng.uniform(0.0, 0.05))
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        assert proc.returncode == -signal.SIGKILL, err.read_text(encoding="utf-8")
        for line in out.read_text(encoding="utf-8").splitlines():
            kind, *rest = line.split("\t")
            if kind == "T":
                transcripts[int(rest[0])] = int(rest[1])
            elif kind == "P":
                passages[int(rest[0])] = (int(rest[1]), rest[2].split("|"), rest[3])
            elif kind == "N" and int(rest[0]) in passages:
                # (a passage committed by a child killed before it could print its "P" line
                # may be edited by a later child: nothing was promised about it)
                tid, tags, _ = passages[int(rest[0])]
                passages[int(rest[0])] = (tid, tags, rest[1])
        if not path.exists():
            continue
        counts = check_whole(path)  # integrity, whole transcripts, FTS consistent
        assert counts["no_speakers"] == 0
        with Library(path) as lib:
            stored = {t.id: t.utterance_count for t in lib.transcripts()}
            for tid, n in transcripts.items():
                assert stored.get(tid) == n, f"kill {kill}: transcript {tid} lost or cut"
            for pid, (tid, tags, note) in passages.items():
                p = lib.passage(pid)
                assert (p.transcript_id, sorted(p.tags), p.note) == (tid, sorted(tags), note)
            for tid in list(stored)[-3:]:  # the FTS index finds each transcript's last turn
                n = stored[tid]
                last = lib.utterance(tid, n)
                word = last.text.split()[-1]
                hits = {
                    r[0]
                    for r in lib.db.execute(
                        "SELECT rowid FROM utterances_fts WHERE utterances_fts MATCH ?",
                        [f'"{word}"'],
                    )
                }
                assert last.id in hits, f"kill {kill}: FTS lost utterance {last.id}"
        survived += 1
    print(
        f"\n{KILLS} kills, {survived} reopened and checked; "
        f"{len(transcripts)} transcripts and {len(passages)} passages committed before kills"
    )
    assert survived >= KILLS - 4
    assert len(transcripts) >= 10 and len(passages) >= 20
