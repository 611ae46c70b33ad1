"""Passages, tags and the follow-up queue in the Library, with the undo of every action,
and that tags and notes survive a restart and a killed process."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from intercept_viewer.core.errors import NotFound
from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

UK_CALL = [
    ("Солдат", "Мамо, ми під Куп'янськом, тут важко."),
    ("Мати", "Синку, де саме?"),
    ("Солдат", "Не можу сказати, телефон слухають."),
]


@pytest.fixture
def two(library: Library) -> tuple[Library, int, int]:
    """A library with an English call (unverified) and a Ukrainian one (verified)."""
    a = library.add(make_parsed()).id
    b = library.add(make_parsed(UK_CALL, title="Дзвінок", verification="verified")).id
    return library, a, b


# ---------------------------------------------------------------- passages


def test_passage_across_several_utterances(two) -> None:
    lib, a, _ = two
    p = lib.add_passage(a, 1, 3, ["Kupyansk"], note="where exactly?\nask the unit")
    quoted = lib.passage_text(p)
    assert [u.seq for u, _ in quoted] == [1, 2, 3]
    assert [text for _, text in quoted] == [u.text for u in lib.utterances(a)]
    assert p.note == "where exactly?\nask the unit"
    assert p.state == "open" and p.created_at and p.updated_at


def test_passage_inside_one_utterance(two) -> None:
    lib, _, b = two
    text = lib.utterance(b, 1).text
    start = text.index("під")
    end = text.index(",", start)
    p = lib.add_passage(b, 1, 1, ["місце"], start_char=start, end_char=end)
    assert lib.passage_text(p)[0][1] == "під Куп'янськом"


def test_character_range_spanning_utterances(two) -> None:
    lib, a, _ = two
    p = lib.add_passage(a, 1, 2, ["x"], start_char=12, end_char=7)
    assert [t for _, t in lib.passage_text(p)] == ["We are near Kupyansk.", "Are you"]


@pytest.mark.parametrize(
    "first, last, start, end",
    [
        (1, 1, 5, 5),  # empty range
        (1, 1, 10, 3),  # backwards
        (1, 1, -1, None),
        (1, 1, None, 999),
        (1, 1, 999, None),
        (0, 1, None, None),
        (2, 1, None, None),
        (1, 4, None, None),
    ],
)
def test_impossible_passages_are_refused(two, first, last, start, end) -> None:
    lib, a, _ = two
    with pytest.raises(ValueError):
        lib.add_passage(a, first, last, ["x"], start_char=start, end_char=end)
    assert lib.passages() == []


def test_follow_up_state_and_edit(two) -> None:
    lib, a, _ = two
    p = lib.add_passage(a, 2, 2, ["check"])
    done = lib.update_passage(p.id, state="done")
    assert done.state == "done" and done.updated_at >= p.updated_at
    with pytest.raises(ValueError):
        lib.update_passage(p.id, state="later")
    edited = lib.update_passage(p.id, tags=["Unit", "check"], note="two lines\nof note")
    assert edited.tags == ["check", "Unit"] and edited.note == "two lines\nof note"
    assert lib.update_passage(p.id, note="").note is None


def test_delete_and_restore_passage(two) -> None:
    lib, a, _ = two
    p = lib.add_passage(a, 1, 2, ["Kupyansk", "Проверить"], note="n", start_char=3)
    gone = lib.delete_passage(p.id)
    with pytest.raises(NotFound):
        lib.passage(p.id)
    back = lib.restore_passage(gone)
    assert back == p


# ---------------------------------------------------------------- tags


def test_tag_names_unique_case_insensitively_in_cyrillic(two) -> None:
    lib, a, b = two
    lib.add_passage(a, 1, 1, ["Проверить"])
    lib.add_passage(b, 1, 1, ["ПРОВЕРИТЬ"])
    lib.add_passage(b, 2, 2, ["проверить ", "Ёлка"])
    lib.add_passage(b, 3, 3, ["ёлка", "Їжак"])
    lib.add_passage(a, 2, 2, ["їЖАК"])
    assert {t.name: t.passage_count for t in lib.tags()} == {
        "Проверить": 3,
        "Ёлка": 2,
        "Їжак": 2,
    }
    assert lib.create_tag("проВЕРИТЬ").name == "Проверить"
    assert lib.tag("ЇЖАК").passage_count == 2


def test_rename_recolour_describe_and_undo(two) -> None:
    lib, a, _ = two
    lib.add_passage(a, 1, 1, ["kupiansk", "unit"])
    before = lib.tag("kupiansk")
    renamed = lib.update_tag(before.id, name="Куп'янськ", color="#112233", description="місто")
    assert (renamed.name, renamed.color, renamed.description) == ("Куп'янськ", "#112233", "місто")
    assert lib.passages(tag="куп'янськ")[0].tags == ["unit", "Куп'янськ"]
    # renaming onto another tag's name (any case) is refused: that is a merge
    with pytest.raises(ValueError, match="merge"):
        lib.update_tag(before.id, name="UNIT")
    # changing only the case of its own name is fine
    assert lib.update_tag(before.id, name="КУП'ЯНСЬК").name == "КУП'ЯНСЬК"
    # undo: put the old values back
    undone = lib.update_tag(
        before.id, name=before.name, color=before.color, description=before.description or ""
    )
    assert undone == before


def _links(lib: Library) -> set[tuple[int, int]]:
    return set(lib.db.execute("SELECT passage_id, tag_id FROM passage_tags").fetchall())


def test_merge_tags_and_undo(two) -> None:
    lib, a, b = two
    p1 = lib.add_passage(a, 1, 1, ["Kupyansk"])
    p2 = lib.add_passage(a, 2, 2, ["Купянск", "Kupyansk"])
    p3 = lib.add_passage(b, 1, 1, ["Купянск"], note="укр")
    keep, other = lib.tag("kupyansk"), lib.tag("купянск")
    links, tags = _links(lib), lib.tags()
    merge = lib.merge_tags(keep.id, other.id)
    assert merge.passage_ids == [p2.id, p3.id] and merge.newly_tagged == [p3.id]
    assert [t.name for t in lib.tags()] == ["Kupyansk"]
    assert lib.tag("kupyansk").passage_count == 3
    assert [p.id for p in lib.passages(tag="Kupyansk")] == [p1.id, p2.id, p3.id]
    with pytest.raises(NotFound):
        lib.tag("купянск")
    restored = lib.unmerge_tags(merge)
    assert restored == other
    assert _links(lib) == links and lib.tags() == tags
    with pytest.raises(ValueError):
        lib.merge_tags(keep.id, keep.id)


@pytest.mark.parametrize("with_passages", [False, True])
def test_delete_tag_and_undo(two, with_passages: bool) -> None:
    lib, a, b = two
    only = lib.add_passage(a, 1, 1, ["проверить"], note="only this tag")
    both = lib.add_passage(b, 2, 3, ["Проверить", "unit"])
    before_passages, links, tags = lib.passages(), _links(lib), lib.tags()
    gone = lib.delete_tag(lib.tag("ПРОВЕРИТЬ").id, delete_passages=with_passages)
    assert gone.passage_ids == [only.id, both.id]
    assert lib.passage(both.id).tags == ["unit"]
    if with_passages:
        assert [p.id for p in gone.deleted] == [only.id]
        with pytest.raises(NotFound):
            lib.passage(only.id)
    else:
        assert gone.deleted == [] and lib.passage(only.id).tags == []
    lib.restore_tag(gone)
    assert lib.passages() == before_passages
    assert _links(lib) == links and lib.tags() == tags


def test_restore_tag_refuses_a_name_taken_meanwhile(two) -> None:
    lib, a, _ = two
    lib.add_passage(a, 1, 1, ["unit"])
    gone = lib.delete_tag(lib.tag("unit").id)
    lib.create_tag("UNIT")
    with pytest.raises(ValueError):
        lib.restore_tag(gone)


# ---------------------------------------------------------------- the queue


def test_queue_filters(two) -> None:
    lib, a, b = two
    p1 = lib.add_passage(a, 1, 1, ["Kupyansk"])
    p2 = lib.add_passage(a, 2, 3, ["unit"], state="done")
    p3 = lib.add_passage(b, 1, 2, ["kupyansk", "Unit"])
    lib.update_transcript(a, verification="disputed")

    def ids(**kw: object) -> list[int]:
        return [p.id for p in lib.passages(**kw)]  # type: ignore[arg-type]

    assert ids() == [p1.id, p2.id, p3.id]
    assert ids(newest_first=True) == [p3.id, p2.id, p1.id]
    assert ids(tag="KUPYANSK") == [p1.id, p3.id]
    assert ids(tag="unit", state="open") == [p3.id]
    assert ids(state="done") == [p2.id]
    assert ids(transcript_id=b) == [p3.id]
    assert ids(verification="verified") == [p3.id]
    assert ids(verification="disputed", tag="unit") == [p2.id]
    assert ids(verification="unverified") == []
    assert ids(tag="nobody") == []


# ---------------------------------------------------------------- durability


def test_tags_and_notes_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(make_parsed(UK_CALL, title="Дзвінок")).id
        p = lib.add_passage(tid, 1, 2, ["Перевірити", "unit"], note="нотатка\nдругий рядок")
        lib.update_passage(p.id, state="done")
        lib.update_tag(lib.tag("unit").id, color="#ABCDEF", description="which unit")
        expected_passages, expected_tags = lib.passages(), lib.tags()
    with Library(path) as lib:
        assert lib.passages() == expected_passages
        assert lib.tags() == expected_tags
        assert lib.passage(p.id).note == "нотатка\nдругий рядок"


_TAGGING_LOOP = textwrap.dedent(
    """
    import sys
    from intercept_viewer.core.library import Library

    lib = Library(sys.argv[1])
    tid = int(sys.argv[2])
    i = 0
    while True:
        i += 1
        p = lib.add_passage(tid, 1, 2, ["Kill-test", f"тег{i % 5}"], note=f"note {i}\\nline 2")
        if i % 3 == 0:
            lib.update_passage(p.id, state="done")
        print(p.id, i, flush=True)
    """
)


def test_nothing_committed_is_lost_when_tagging_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        tid = lib.add(make_parsed()).id
    proc = subprocess.Popen(
        [sys.executable, "-c", _TAGGING_LOOP, str(path), str(tid)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed: list[tuple[int, int]] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            pid, i = map(int, line.split())
            committed.append((pid, i))
            if len(committed) >= 40:
                break
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    committed += [tuple(map(int, line.split())) for line in rest.splitlines()]  # type: ignore[misc]
    assert proc.returncode == -signal.SIGKILL, err
    assert len(committed) >= 40
    with Library(path) as lib:
        for pid, i in committed:
            p = lib.passage(pid)
            assert p.note == f"note {i}\nline 2"
            assert p.tags == ["Kill-test", f"тег{i % 5}"]
            # printed only after the second commit (the state change) went through
            assert p.state == ("done" if i % 3 == 0 else "open")
        assert lib.tag("kill-test").passage_count >= len(committed)
        assert lib.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_queues_quotes_are_the_passages_texts(two) -> None:
    """``passage_quotes`` (one statement for the follow-up queue) quotes what ``passage_text``
    quotes: character ranges, several turns, a corrected (sparse) transcript, deleted turns."""
    lib, a, b = two
    text = lib.utterance(b, 1).text
    start = text.index("під")
    lib.add_passage(a, 1, 3, ["x"])
    lib.add_passage(a, 1, 2, ["x"], start_char=12, end_char=7)
    lib.add_passage(b, 1, 1, ["y"], start_char=start, end_char=text.index(",", start))
    lib.add_passage(b, 2, 3, ["y"])
    lib.insert_turn(b, 1, "Вставлена репліка.")  # b's keys are no longer its numbers
    lib.add_passage(a, 3, 3, ["gone"])
    lib.delete_turn(a, 3)
    passages = lib.passages(state=None)
    assert len(passages) == 5 and any(p.turns_deleted_at for p in passages)
    expected = [[(u.speaker_id, t) for u, t in lib.passage_text(p)] for p in passages]
    assert lib.passage_quotes(passages) == expected
    assert any(len(parts) >= 2 for parts in expected) and [] in expected


def test_speaker_name_map_names_the_speakers_of_the_transcripts_asked_for(
    memory_library: Library,
) -> None:
    a = memory_library.add(make_parsed([("Мать", "Алло"), ("Сын", "Да")], title="A")).id
    b = memory_library.add(make_parsed([("Жена", "Ну")], title="B")).id
    names = memory_library.speaker_name_map([a, a])
    assert sorted(names.values()) == ["Мать", "Сын"]
    assert names == {s.id: s.name for s in memory_library.speakers(a, with_stats=False)}
    assert set(memory_library.speaker_name_map([a, b]).values()) == {"Мать", "Сын", "Жена"}
    assert memory_library.speaker_name_map([]) == {}
