"""Recordings beside transcripts (issue 18): attaching, finding, hashing, waveform, re-linking."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from intercept_viewer.cli import cli
from intercept_viewer.core import media as media_mod
from intercept_viewer.core.errors import MediaError, NotFound
from intercept_viewer.core.exporters.common import citation_fields, citation_text
from intercept_viewer.core.library import Library
from intercept_viewer.core.waveform import PEAKS_PER_SECOND, decode_peaks, probe
from tests.conftest import make_parsed
from tests.media.recordings import write_video, write_wav

CALL = "Soldier: Hello, mum.\nMother: Are you safe?\nSoldier: We are near Kupyansk.\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _transcript(lib: Library) -> int:
    return lib.add(make_parsed()).id


# ---------------------------------------------------------------- waveform and probing


def test_peaks_follow_the_loudness_written(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "call.wav", [0.0, 0.5, 1.0, 0.25])
    peaks = decode_peaks(wav)
    assert peaks.rate == PEAKS_PER_SECOND
    assert len(peaks.data) == 4 * PEAKS_PER_SECOND
    assert peaks.duration_ms == 4000
    seconds = [peaks.data[i * 50 + 5 : i * 50 + 45] for i in range(4)]
    assert max(seconds[0]) == 0  # silence is flat
    assert all(120 <= v <= 135 for v in seconds[1])  # half scale
    assert all(v >= 250 for v in seconds[2])  # full scale
    assert all(58 <= v <= 70 for v in seconds[3])  # a quarter
    assert peaks.at_ms(2500) >= 250 and peaks.at_ms(500) == 0 and peaks.at_ms(10_000) == 0


@pytest.mark.parametrize("ending", [".mp4", ".mkv"])
def test_a_video_is_probed_and_its_sound_decoded(tmp_path: Path, ending: str) -> None:
    video = write_video(tmp_path / f"call{ending}", 2.0, loudness=0.5)
    info = probe(video)
    assert info.has_video and info.has_audio
    assert info.duration_ms is not None and 1900 <= info.duration_ms <= 2200
    peaks = decode_peaks(video)
    assert 95 <= len(peaks.data) <= 110
    middle = peaks.data[10:90]
    assert min(middle) >= 100 and max(middle) <= 200  # a half-scale tone, through AAC


def test_a_file_that_is_not_a_recording_is_refused(tmp_path: Path, memory_library) -> None:
    fake = tmp_path / "call.mp3"
    fake.write_text("not a recording")
    with pytest.raises(MediaError, match=r"call\.mp3"):
        probe(fake)
    with pytest.raises(MediaError):
        memory_library.attach_media(_transcript(memory_library), fake)
    assert memory_library.media(1) is None


# ---------------------------------------------------------------- attaching


def test_attach_stores_hash_duration_and_a_path_relative_to_the_library(
    library: Library, tmp_path: Path
) -> None:
    tid = _transcript(library)
    wav = write_wav(tmp_path / "call.wav", [0.3] * 2)
    m = library.attach_media(tid, wav)
    assert (m.path, m.sha256, m.duration_ms) == ("call.wav", _sha(wav), 2000)
    assert m.resolved == wav.resolve() and m.exists and not m.has_video
    assert library.transcript(tid).media_sha256 == _sha(wav)
    assert library.transcript(tid).media_path == "call.wav"  # the column follows


def test_a_recording_elsewhere_is_stored_absolute(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "elsewhere").mkdir()
    with Library(tmp_path / "lib" / "library.sqlite") as lib:
        tid = _transcript(lib)
        wav = write_wav(tmp_path / "elsewhere" / "call.wav", [0.3])
        m = lib.attach_media(tid, wav)
        assert Path(m.path).is_absolute() and m.resolved == wav.resolve()


def test_attaching_again_replaces_and_detach_forgets(memory_library, tmp_path: Path) -> None:
    tid = _transcript(memory_library)
    first = memory_library.attach_media(tid, write_wav(tmp_path / "a.wav", [0.1]))
    second = memory_library.attach_media(tid, write_wav(tmp_path / "b.wav", [0.2, 0.2]))
    assert second.sha256 != first.sha256 and second.duration_ms == 2000
    assert memory_library.db.execute("SELECT count(*) FROM media").fetchone()[0] == 1
    assert memory_library.detach_media(tid) == second
    assert memory_library.media(tid) is None and memory_library.transcript(tid).media_path is None


def test_deleting_a_transcript_deletes_its_media_row(memory_library, tmp_path: Path) -> None:
    tid = _transcript(memory_library)
    memory_library.attach_media(tid, write_wav(tmp_path / "a.wav", [0.1]))
    memory_library.delete_transcripts([tid])
    assert memory_library.db.execute("SELECT count(*) FROM media").fetchone()[0] == 0


# ---------------------------------------------------------------- ways in on import


@pytest.mark.parametrize("ending", [".wav", ".WAV"])
def test_import_attaches_a_recording_with_the_same_stem(
    library: Library, tmp_path: Path, ending: str
) -> None:
    (tmp_path / "perehvat.txt").write_text(CALL, encoding="utf-8")
    wav = write_wav(tmp_path / f"perehvat{ending}", [0.2, 0.2, 0.2])
    result = library.import_file(tmp_path / "perehvat.txt")
    assert result.media is not None and result.media.sha256 == _sha(wav)
    assert library.media(result.id).duration_ms == 3000


def test_import_attaches_the_video_a_front_matter_media_key_names(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "clips").mkdir()
    write_video(tmp_path / "clips" / "release 12.mp4", 1.0)
    (tmp_path / "call.txt").write_text(
        "---\nTitle: Call\nMedia: clips/release 12.mp4\n---\n" + CALL, encoding="utf-8"
    )
    m = library.media(library.import_file(tmp_path / "call.txt").id)
    assert m is not None and m.has_video and m.path == "clips/release 12.mp4"


def test_import_attaches_what_a_sidecar_names(memory_library, tmp_path: Path) -> None:
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    wav = write_wav(tmp_path / "recording-77.wav", [0.4])
    (tmp_path / "call.meta.json").write_text(json.dumps({"audio": "recording-77.wav"}))
    m = memory_library.media(memory_library.import_file(tmp_path / "call.txt").id)
    assert m is not None and m.resolved == wav.resolve()


def test_an_unreadable_recording_does_not_fail_the_import(memory_library, tmp_path: Path) -> None:
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    (tmp_path / "call.mp3").write_bytes(b"\0" * 100)
    result = memory_library.import_file(tmp_path / "call.txt")
    assert result.utterances == 3 and result.media is None


def test_a_media_path_column_without_a_row_is_picked_up(library: Library, tmp_path: Path) -> None:
    """What an importer (the Telegram one) stored in transcripts.media_path becomes an
    attachment the first time the transcript is looked at with a recording in mind."""
    wav = write_wav(tmp_path / "attachment.wav", [0.5])
    tid = library.add(make_parsed(media_path=str(wav))).id
    assert library.media(tid) is None
    m = media_mod.attach_from_column(library, tid)
    assert m is not None and m.sha256 == _sha(wav) and library.media(tid) == m
    assert media_mod.attach_from_column(library, tid) is None  # once


# ---------------------------------------------------------------- cache, move, provenance


def test_peaks_are_cached_for_the_recording_they_were_decoded_from(
    memory_library, tmp_path: Path
) -> None:
    tid = _transcript(memory_library)
    m = memory_library.attach_media(tid, write_wav(tmp_path / "a.wav", [0.0, 1.0]))
    assert memory_library.media_peaks(tid) is None
    assert memory_library.set_media_peaks(tid, m.sha256, decode_peaks(m.resolved))
    cached = memory_library.media_peaks(tid)
    assert cached is not None and len(cached.data) == 100 and cached.data[75] >= 250
    assert memory_library.media(tid).has_peaks
    # a decode of a file no longer attached is not stored
    memory_library.attach_media(tid, write_wav(tmp_path / "b.wav", [0.5]))
    assert not memory_library.set_media_peaks(tid, m.sha256, cached)
    assert memory_library.media_peaks(tid) is None


def test_a_moved_recording_is_found_again_by_its_hash(library: Library, tmp_path: Path) -> None:
    tid = _transcript(library)
    other = _transcript(library)
    wav = write_wav(tmp_path / "call.wav", [0.3, 0.6])
    library.attach_media(tid, wav)
    library.attach_media(other, write_wav(tmp_path / "other.wav", [0.1]))
    moved = tmp_path / "archive" / "2024" / "renamed.wav"
    moved.parent.mkdir(parents=True)
    shutil.move(wav, moved)
    (tmp_path / "archive" / "same-size-decoy.wav").write_bytes(b"\1" * moved.stat().st_size)
    assert not library.media(tid).exists
    relinked = library.relink_media(tmp_path / "archive")
    assert [m.transcript_id for m in relinked] == [tid]
    again = library.media(tid)
    assert again.exists and again.path == "archive/2024/renamed.wav"
    assert library.media(other).path == "other.wav"


def test_citations_carry_the_recordings_hash(memory_library, tmp_path: Path) -> None:
    tid = _transcript(memory_library)
    assert citation_fields(memory_library.transcript(tid))["media_sha256"] is None
    assert "Recording SHA-256" not in citation_text(memory_library.transcript(tid))
    m = memory_library.attach_media(tid, write_wav(tmp_path / "a.wav", [0.1]))
    t = memory_library.transcript(tid)
    assert citation_fields(t)["media_sha256"] == m.sha256
    assert f"Recording SHA-256: {m.sha256}." in citation_text(t)


# ---------------------------------------------------------------- turn times


def test_set_turn_times_returns_what_it_replaced(memory_library) -> None:
    tid = _transcript(memory_library)
    assert not memory_library.transcript(tid).has_times
    before = memory_library.set_turn_times(tid, [(1, 0, 1500), (2, 1500, None)])
    assert before == [(1, None, None), (2, None, None)]
    assert [(u.start_ms, u.end_ms) for u in memory_library.utterances(tid)][:2] == [
        (0, 1500),
        (1500, None),
    ]
    assert memory_library.transcript(tid).has_times
    memory_library.set_turn_times(tid, before)
    assert not memory_library.transcript(tid).has_times
    with pytest.raises(NotFound):
        memory_library.set_turn_times(tid, [(9, 0, 1)])
    assert [h.kind for h in memory_library.history(tid)].count("time") >= 2


# ---------------------------------------------------------------- command line


def _run(lib: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--library", str(lib), *args])


def test_cli_attach_show_and_relink(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    assert _run(lib, "import", str(tmp_path / "call.txt")).exit_code == 0
    shown = json.loads(_run(lib, "show", "--json", "1").stdout)
    assert shown["media"] is None
    wav = write_wav(tmp_path / "rec.wav", [0.2, 0.9])
    result = _run(lib, "attach", "1", str(wav))
    assert result.exit_code == 0, result.output
    assert _sha(wav) in result.output
    shown = json.loads(_run(lib, "show", "--json", "1").stdout)
    assert shown["media"] == {"path": "rec.wav", "sha256": _sha(wav), "duration_ms": 2000}
    with Library(lib) as opened:
        assert opened.media_peaks(1) is not None  # decoded by attach
    (tmp_path / "moved").mkdir()
    shutil.move(wav, tmp_path / "moved" / "rec.wav")
    assert "(not found)" in _run(lib, "show", "1").output
    relinked = _run(lib, "relink", str(tmp_path / "moved"))
    assert relinked.exit_code == 0 and "Re-linked 1 recording." in relinked.output
    assert json.loads(_run(lib, "show", "--json", "1").stdout)["media"]["path"] == "moved/rec.wav"


def test_cli_attach_reports_a_missing_file_and_an_unknown_id(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    _run(lib, "import", str(tmp_path / "call.txt"))
    missing = _run(lib, "attach", "1", str(tmp_path / "nope.wav"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    wav = write_wav(tmp_path / "rec.wav", [0.2])
    unknown = _run(lib, "attach", "9", str(wav))
    assert unknown.exit_code == 2 and "9" in unknown.output


def test_the_recording_beside_a_file_is_found_through_a_folder_listing_that_stays_fresh(
    tmp_path: Path,
) -> None:
    """``find_beside`` reads a folder's listing once while the folder is unchanged (a folder
    import of thousands of files), and never misses a recording added since."""
    import os

    from intercept_viewer.core.media import find_beside

    call = tmp_path / "call.srt"
    call.write_text("1\n00:00:01,000 --> 00:00:02,000\nA: hi\n", encoding="utf-8")
    os.utime(tmp_path, (1_000_000_000, 1_000_000_000))  # an old folder: its listing is kept
    assert find_beside(call) is None
    (tmp_path / "call.MP3").write_bytes(b"ID3")  # the folder's mtime moves: listed again
    assert find_beside(call) == tmp_path / "call.MP3"
    (tmp_path / "call.MP3").unlink()
    assert find_beside(call) is None  # just changed: a listing this fresh is not trusted
    (tmp_path / "call.wav").write_bytes(b"RIFF")
    assert find_beside(call) == tmp_path / "call.wav"
