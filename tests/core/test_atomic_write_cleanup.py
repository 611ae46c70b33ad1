"""Temporary files of atomic writes: named recognisably (``.NAME.<hex>.part``), and a write to
NAME removes NAME's own leftovers from killed writes once they are over a minute old, touching
nothing else (other targets' temp files, young ones, look-alikes, folders, symlinks)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from intercept_viewer.core.atomic_write import (
    STALE_AFTER_S,
    atomic_write,
    remove_stale_temps,
    temp_name_pattern,
)

HEX = "0123456789ab"


def left(folder: Path, name: str, age_s: float) -> Path:
    """A file ``name`` in ``folder`` last modified ``age_s`` seconds ago."""
    path = folder / name
    path.write_text("half an export")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_the_temp_file_is_named_after_its_target(tmp_path: Path) -> None:
    target = tmp_path / "passages.csv"
    with atomic_write(target) as fh:
        fh.write("id\n")
        [temp] = [n for n in names(tmp_path) if n != "passages.csv"]
        assert temp_name_pattern("passages.csv").fullmatch(temp)
        assert temp.startswith(".passages.csv.") and temp.endswith(".part")
    assert names(tmp_path) == {"passages.csv"}


def test_a_write_removes_only_its_targets_old_temp_files(tmp_path: Path) -> None:
    old = 2 * STALE_AFTER_S
    stale = left(tmp_path, f".report.md.{HEX}.part", old)
    kept = {
        left(tmp_path, f".report.md.{'f' * 12}.part", STALE_AFTER_S / 4).name,  # may be running
        left(tmp_path, f".report.md.bak.{HEX}.part", old).name,  # another target's
        left(tmp_path, f".report.{HEX}.part", old).name,  # another target's
        left(tmp_path, f".xreport.md.{HEX}.part", old).name,  # another target's
        left(tmp_path, f".report.md.{HEX.upper()}.part", old).name,  # not our token
        left(tmp_path, f".report.md.{HEX}0.part", old).name,  # not our token
        left(tmp_path, f".report.md.{HEX}.part.txt", old).name,  # the user's file
        left(tmp_path, "report.md.part", old).name,  # the user's file
    }
    folder = tmp_path / f".report.md.{'a' * 12}.part"
    folder.mkdir()  # a folder with a temp file's name is not ours to remove
    os.utime(folder, (time.time() - old,) * 2)
    victim = left(tmp_path, "precious.txt", old)
    link = tmp_path / f".report.md.{'b' * 12}.part"
    link.symlink_to(victim)
    os.utime(link, (time.time() - old,) * 2, follow_symlinks=False)
    kept |= {folder.name, link.name, victim.name}

    with atomic_write(tmp_path / "report.md") as fh:
        fh.write("# Passages\n")

    assert not stale.exists()
    assert names(tmp_path) == kept | {"report.md"}
    assert victim.read_text() == "half an export"


def test_names_with_pattern_characters_are_matched_literally(tmp_path: Path) -> None:
    name = "calls (1)+[x].md"
    stale = left(tmp_path, f".{name}.{HEX}.part", 120)
    alike = left(tmp_path, f".calls (1)+[x]Xmd.{HEX}.part", 120)  # "." is not a wildcard
    assert remove_stale_temps(tmp_path, name) == 1
    assert not stale.exists() and alike.exists()
    assert remove_stale_temps(tmp_path / "missing", name) == 0  # never raises


KILLED_EXPORT = """
import os, sys
from intercept_viewer.core.atomic_write import atomic_write
with atomic_write(sys.argv[1]) as fh:
    fh.write("half of it")
    fh.flush()
    os._exit(9)  # like SIGKILL: no cleanup runs
"""


def test_a_killed_export_leaves_a_temp_file_the_next_export_removes(tmp_path: Path) -> None:
    target = tmp_path / "call.srt"
    target.write_text("the earlier export\n")
    done = subprocess.run([sys.executable, "-c", KILLED_EXPORT, str(target)], check=False)
    assert done.returncode == 9
    [temp] = [tmp_path / n for n in names(tmp_path) if n != "call.srt"]
    assert temp_name_pattern("call.srt").fullmatch(temp.name)
    assert target.read_text() == "the earlier export\n"

    with atomic_write(target) as fh:  # a minute has not passed: it may still be running
        fh.write("second\n")
    assert temp.exists()

    stamp = time.time() - 2 * STALE_AFTER_S
    os.utime(temp, (stamp, stamp))
    with atomic_write(target) as fh:
        fh.write("third\n")
    assert names(tmp_path) == {"call.srt"}
    assert target.read_text() == "third\n"
