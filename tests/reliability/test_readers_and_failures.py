"""Reading never writes; every failure is one line and exit code 2; terminals get escaped text.

CLI commands run through click's CliRunner (in process) and, where the real stdout or a real
full disk matters, as subprocesses.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from intercept_viewer.cli import cli
from intercept_viewer.core import library_open
from intercept_viewer.core.errors import DiskFull
from intercept_viewer.core.exporters.passages import csv_safe
from intercept_viewer.core.library import Library
from intercept_viewer.core.terminal_text import for_terminal, for_terminal_json, for_terminal_line
from tests.conftest import make_parsed
from tests.reliability.helpers import sha256_of

ROOT = Path(__file__).parents[2]
HOSTILE = (
    "clear\x1b[2Jscreen \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 bell\x07 cr\rx "
    "\u202egnp.exe \x9b31m"
)


def run(library: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", str(library), *args], input=input)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        t = lib.add(
            make_parsed([("Soldier", HOSTILE), ("Mother\nFAKE: line", "ok")], title=HOSTILE)
        )
        lib.add_passage(t.id, 1, 2, tags=["tag\x1b[31m\n# heading"], note="note\n---\n- item")
    return path


READERS = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["show", "1", "--json"],
    ["search", "screen"],
    ["passages"],
    ["tags"],
    ["export", "1", "--format", "md"],
    ["export", "1", "--format", "json"],
    ["export-passages", "--format", "csv"],
]


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_readers_change_nothing_and_print_no_controls(filled: Path, args: list[str]) -> None:
    # the file itself, byte for byte (a WAL reader may leave SQLite's -wal/-shm beside it)
    digest, names = sha256_of(filled), {p.name for p in filled.parent.iterdir()}
    result = run(filled, *args)
    assert result.exit_code == 0, result.output
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert bad not in result.output, (bad, result.output[:300])
    if "--json" in args or "json" in args:
        json.loads(result.stdout)  # still valid JSON, with the same strings
    assert sha256_of(filled) == digest
    left = {p.name for p in filled.parent.iterdir()} - names
    assert left <= {"library.sqlite-wal", "library.sqlite-shm"}


def test_json_output_decodes_to_the_exact_text(filled: Path) -> None:
    shown = json.loads(run(filled, "show", "1", "--json").stdout)
    assert shown["utterances"][0]["text"] == HOSTILE


def test_a_reader_is_not_failed_by_a_writer_holding_the_lock(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_open, "BUSY_TIMEOUT_MS", 200)
    with Library(filled) as warm:  # WAL mode, as after any write
        warm.transcripts()
    writer = sqlite3.connect(filled, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO tags (name, name_key, color) VALUES ('w', 'w', '#000000')")
    try:
        for args in (["list"], ["show", "1"], ["search", "screen"], ["passages"]):
            result = run(filled, *args)
            assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_an_import_error_names_the_file_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "evil\nFAKE: imported fine\x1b[2J.txt"
    bad.write_text("nothing that parses", encoding="utf-8")
    result = run(tmp_path / "library.sqlite", "import", str(bad))
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "evil\\nFAKE" in lines[0]


def test_a_missing_file_is_one_escaped_line(tmp_path: Path) -> None:
    result = run(tmp_path / "library.sqlite", "attach", "1", str(tmp_path / "no\nsuch\x1b.mp4"))
    assert result.exit_code == 2
    assert "\x1b" not in result.output


def test_disk_full_on_tag_and_import_is_one_line_naming_the_library(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = library_open.configure_writer

    def no_room(db, path):  # type: ignore[no-untyped-def]
        backup = original(db, path)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL
        return backup

    monkeypatch.setattr(library_open, "configure_writer", no_room)
    call = tmp_path / "call.txt"
    call.write_text("".join(f"Soldier: word {n}\nMother: yes {n}\n" for n in range(3000)))
    for args in (
        ["import", "--format", "labelled", str(call)],
        ["tag", "1", "--from", "1", "--tag", "x" * 5000],
    ):
        result = run(filled, *args)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert "disk is full" in lines[0] and str(filled) in lines[0]
        assert "Traceback" not in result.output


def test_disk_full_is_diskfull_not_damage(filled: Path) -> None:
    with Library(filled) as lib:
        lib.db.conn.execute(
            f"PRAGMA max_page_count = {lib.db.conn.execute('PRAGMA page_count').fetchone()[0]}"
        )
        with pytest.raises(DiskFull):
            lib.add(make_parsed([("A", "word " * 20000)]))
        assert not lib.damaged


def _cli_process(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "intercept_viewer", *args],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_redirected_stdout_is_one_line_and_exit_2(filled: Path) -> None:
    with open("/dev/full", "w") as full:
        result = _cli_process("--library", str(filled), "list", stdout=full)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "/dev/full" in lines[0] and "full" in lines[0], result.stderr


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare and tmpfs")
def test_a_real_full_disk(tmp_path: Path) -> None:
    """A 2 MB tmpfs in a private mount namespace, filled to the last byte: reading still works,
    writing says the disk is full, exit 2, one line each, and the library is unchanged."""
    script = tmp_path / "full.sh"
    call = ROOT / "tests" / "fixtures" / "reliability" / "valid" / "labelled_ru.txt"
    script.write_text(
        f"""set -e
mnt={tmp_path}/mnt; mkdir -p $mnt; mount -t tmpfs -o size=2m tmpfs $mnt
iv() {{ {sys.executable} -m intercept_viewer --library $mnt/library.sqlite "$@"; }}
iv import {call} > /dev/null
iv list > /dev/null
cat /dev/zero > $mnt/filler 2>/dev/null || true
sha256sum $mnt/library.sqlite > {tmp_path}/before
set +e
iv list > {tmp_path}/list.out 2> {tmp_path}/list.err; echo $? > {tmp_path}/list.rc
iv tag 1 --from 1 --tag "$(head -c 3000 /dev/zero | tr '\\0' x)" 2> {tmp_path}/tag.err
echo $? > {tmp_path}/tag.rc
sha256sum $mnt/library.sqlite > {tmp_path}/after
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        ["unshare", "-rm", "sh", str(script)], cwd=ROOT, env=env, check=True, timeout=120
    )
    assert (tmp_path / "list.rc").read_text().strip() == "0", (tmp_path / "list.err").read_text()
    assert "1" in (tmp_path / "list.out").read_text()
    assert (tmp_path / "tag.rc").read_text().strip() == "2"
    err = [line for line in (tmp_path / "tag.err").read_text().splitlines() if line.strip()]
    assert len(err) == 1 and "disk is full" in err[0], err
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()


# ------------------------------------------------------------------ escaping, as tables


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]8;;http://x\x07", "\\x1b]8;;http://x\\a"),
        ("bare\rcr", "bare\\rcr"),
        ("crlf\r\nok", "crlf\nok"),
        ("\x9b31m", "\\x9b31m"),
        ("\u202egnp", "\\u202egnp"),
        ("\u2066iso\u2069", "\\u2066iso\\u2069"),
        ("nul\x00del\x7f", "nul\\x00del\\x7f"),
        ("Купянск ё", "Купянск ё"),
    ],
)
def test_for_terminal(text: str, shown: str) -> None:
    assert for_terminal(text) == shown


def test_for_terminal_line_and_json() -> None:
    assert for_terminal_line("a\nb\rc") == "a\\nb\\rc"
    doc = json.dumps({"t": "x\x9b\u202ey\x1b"}, ensure_ascii=False)
    safe = for_terminal_json(doc)
    assert "\x9b" not in safe and "\u202e" not in safe
    assert json.loads(safe) == {"t": "x\x9b\u202ey\x1b"}


@pytest.mark.parametrize(
    "value",
    ["=1+1", " =1+1", '\n=HYPERLINK("x")', "\t+1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "  @x"],
)
def test_csv_formulas_are_neutralised(value: str) -> None:
    assert csv_safe(value).startswith("'")


@pytest.mark.parametrize("value", ["hello", "1-2", "a=b", "Купянск"])
def test_csv_plain_text_is_left_alone(value: str) -> None:
    assert csv_safe(value) == value


def test_markdown_newlines_never_open_a_block_and_keep_the_flag(filled: Path) -> None:
    result = run(filled, "export-passages", "--format", "md")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    quoted = [line for line in lines if line.startswith(">")]
    assert quoted and all("UNVERIFIED" in line for line in quoted)
    for line in lines:
        assert not line.startswith(("# heading", "---", "- item", "FAKE")), line
    transcript = run(filled, "export", "1", "--format", "md").stdout.splitlines()
    assert not any(line.startswith(("FAKE", "# heading", "---")) for line in transcript)


def test_threads_see_one_registry_entry_per_file(filled: Path) -> None:
    from intercept_viewer.core import open_libraries

    with Library(filled) as main:
        seen: list[bool] = []
        t = threading.Thread(target=lambda: seen.append(open_libraries.is_open(filled)))
        t.start()
        t.join()
        assert seen == [True]
        main.transcripts()
    assert not open_libraries.is_open(filled)
