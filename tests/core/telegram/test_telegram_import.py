"""Telegram Desktop exports (issue 19): the three forms, what becomes a transcript, what is
skipped and why, provenance per post, and re-import adding only new posts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from intercept_viewer.core.library import Library
from intercept_viewer.core.telegram import import_telegram_export, is_telegram_export
from intercept_viewer.core.telegram.importer import TelegramImport, channels_in_export
from intercept_viewer.core.telegram.json_export import read_result_json
from intercept_viewer.core.telegram.posts import (
    SKIP_DUPLICATE,
    SKIP_NO_CALL,
    SKIP_NO_TEXT,
    SKIP_RECORDING_ONLY,
    SKIP_SERVICE,
    group_posts,
    service_of,
)
from intercept_viewer.core.telegram.store import normalize_username, telegram_identity

TG = Path(__file__).parents[2] / "fixtures" / "telegram"


def _by_post(lib: Library, report) -> dict[int, object]:
    return {i.post_id: lib.transcript(i.transcript_id) for i in report.imported}


def test_single_chat_json_imports_every_call_and_counts_the_rest(memory_library) -> None:
    report = import_telegram_export(memory_library, TG / "channel_ru", username="@sbu_intercepts")
    assert sorted(i.post_id for i in report.imported) == [2, 3, 6, 8, 9, 10]
    reasons = {s.post_id: s.reason for s in report.skipped}
    assert reasons == {
        1: SKIP_SERVICE,
        4: SKIP_NO_CALL,
        11: SKIP_SERVICE,
        12: SKIP_NO_TEXT,
        13: SKIP_RECORDING_ONLY,
    }
    assert report.summary().startswith("6 transcripts, 5 skipped (2 service message")
    posts = _by_post(memory_library, report)
    first = posts[2]
    assert first.title == "Перехват: оккупант жалуется матери на командиров под Купянском"
    assert first.channel == "СБУ | Перехоплення"
    assert first.publisher == "SBU"  # the channel is the service's
    assert first.released_on == "2024-03-01"  # from date_unixtime, in UTC
    assert first.source_url == "https://t.me/sbu_intercepts/2"
    assert first.media_path.endswith("voice_messages/audio_1@01-03-2024_10-00-00.ogg")
    assert Path(first.media_path).is_file()
    recording = memory_library.media(first.id)  # attached: hash and duration in the media table
    assert recording is not None and len(recording.sha256) == 64
    assert recording.duration_ms is not None and 900 < recording.duration_ms < 1200
    assert first.utterance_count == 5
    speakers = [s.name for s in memory_library.speakers(first.id)]
    assert speakers == ["Оккупант", "Мать"]


def test_text_as_parts_with_bold_labels_hashtags_and_links(memory_library) -> None:
    report = import_telegram_export(memory_library, TG / "channel_ru")
    t = _by_post(memory_library, report)[3]
    assert t.title == "Россиянин рассказал жене о потерях в Авдеевке"
    assert [s.name for s in memory_library.speakers(t.id)] == ["Жена", "Россиянин"]
    texts = [u.text for u in memory_library.utterances(t.id)]
    assert texts[1] == "Из роты осталось двенадцать человек."
    assert "Hashtags: #перехват #Авдеевка" in t.description
    assert "https://example.org/intercepts/3" in t.description
    assert t.source_url is None  # no username given, none remembered


def test_album_is_one_post_with_its_caption(memory_library) -> None:
    chat = read_result_json(TG / "channel_ru" / "result.json")[0]
    posts = group_posts(chat.messages)
    album = next(p for p in posts if p.id == 6)
    assert [m.id for m in album.messages] == [5, 6, 7]
    assert 5 not in [p.id for p in posts] and 7 not in [p.id for p in posts]
    report = import_telegram_export(memory_library, TG / "channel_ru")
    t = _by_post(memory_library, report)[6]
    assert t.format == "dash" and t.utterance_count == 5


def test_video_forwarded_and_file_not_included(memory_library) -> None:
    report = import_telegram_export(memory_library, TG / "channel_ru")
    posts = _by_post(memory_library, report)
    assert posts[8].media_path.endswith("video_files/intercept_8.mp4")
    assert memory_library.media(posts[8].id).has_video
    assert "Forwarded from: Главное управление разведки" in posts[10].description
    assert posts[9].media_path is None
    warned = next(i for i in report.imported if i.post_id == 9)
    assert any("not included" in w.message for w in warned.warnings)
    # kept in the library's import report, like any import's remarks
    stored = memory_library.db.execute(
        "SELECT message FROM import_warnings WHERE transcript_id = ?", [posts[9].id]
    ).fetchall()
    assert any("not included" in m for (m,) in stored)


def test_account_export_reads_every_chat(memory_library) -> None:
    path = TG / "account" / "result.json"
    assert is_telegram_export(path)
    report = import_telegram_export(memory_library, path)
    assert report.chats == 3  # personal chat, the channel, a left channel
    assert sorted(i.post_id for i in report.imported) == [101, 103]
    posts = _by_post(memory_library, report)
    assert posts[101].publisher == "HUR" and posts[101].language == "uk"
    assert [s.name for s in memory_library.speakers(posts[103].id)] == ["Окупант", "Мати"]
    assert "Hashtags: #перехоплення" in posts[103].description
    assert {s.channel for s in report.skipped} == {"Олена", "ГУР МО України", "Старий канал"}


def test_html_form_reads_pages_in_order(memory_library) -> None:
    report = import_telegram_export(memory_library, TG / "html_uk" / "messages.html")
    assert sorted(i.post_id for i in report.imported) == [2, 4]
    posts = _by_post(memory_library, report)
    call = posts[2]
    assert call.title == "Окупант скаржиться матері на командування"
    assert call.publisher == "HUR" and call.channel == "Перехоплення ГУР"
    assert call.released_on == "2024-04-02"
    assert [s.name for s in memory_library.speakers(call.id)] == ["Окупант", "Мати"]
    assert call.media_path.endswith("audio_1@02-04-2024_09-15-00.ogg")
    assert "#перехоплення" in call.description and "https://example.org/hur/2" in call.description
    forwarded = posts[4]
    assert forwarded.released_on == "2024-04-03"  # 23:30 at UTC+03:00 is 20:30 UTC
    assert "Forwarded from: Служба безпеки України" in forwarded.description
    assert forwarded.media_path is None
    reasons = sorted(s.reason for s in report.skipped)
    assert reasons == sorted([SKIP_SERVICE, SKIP_NO_CALL, SKIP_NO_TEXT])
    # the <script> in a post is text to skip, never run or kept as markup
    assert all("<script" not in (t.description or "") for t in posts.values())


def test_reimport_is_idempotent_and_a_later_export_adds_only_new_posts(
    tmp_path: Path, library: Library
) -> None:
    first = import_telegram_export(library, TG / "channel_ru", username="sbu_intercepts")
    before = library.transcript_count()
    again = import_telegram_export(library, TG / "channel_ru")
    assert again.imported == []
    assert library.transcript_count() == before
    assert sum(1 for s in again.skipped if s.reason == SKIP_DUPLICATE) == len(first.imported)

    later = tmp_path / "later"
    shutil.copytree(TG / "channel_ru", later)
    data = json.loads((later / "result.json").read_text(encoding="utf-8"))
    data["messages"].append(
        {
            "id": 20,
            "type": "message",
            "date": "2024-03-09T10:00:00",
            "date_unixtime": "1709978400",
            "from": "СБУ | Перехоплення",
            "text": "Солдат: Мам, нас опять перебрасывают.\nМать: Куда?\n"
            "Солдат: Не говорят.\nМать: Береги себя.",
            "text_entities": [],
        }
    )
    (later / "result.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = import_telegram_export(library, later)
    assert [i.post_id for i in report.imported] == [20]
    t = library.transcript(report.imported[0].transcript_id)
    assert t.source_url == "https://t.me/sbu_intercepts/20"  # the username was remembered
    assert telegram_identity(library, t.id) == ("1234567890", 20)
    assert library.transcript_count() == before + 1


def test_progress_and_cancel_keep_what_was_finished(memory_library) -> None:
    calls = 0

    def cancelled() -> bool:
        return calls >= 4

    job = TelegramImport(memory_library, TG / "channel_ru", cancelled=cancelled)
    steps = []
    for step in job.run():
        steps.append(step)
        calls += 1
    assert steps[0].done == 0 and steps[0].total == 11
    assert job.report.cancelled and "cancelled" in job.report.summary()
    kept = len(job.report.imported)
    assert 0 < kept == memory_library.transcript_count()
    rest = import_telegram_export(memory_library, TG / "channel_ru")
    assert len(rest.imported) == 6 - kept


def test_usernames_are_asked_per_channel_and_remembered(memory_library) -> None:
    path = TG / "account" / "result.json"
    names = {k: n for k, n, _ in channels_in_export(memory_library, path)}
    assert names == {"1111111111": "ГУР МО України", "777": "Старий канал"}  # no personal chat
    report = import_telegram_export(
        memory_library, path, usernames={"1111111111": "https://t.me/DIUkraine"}
    )
    t = memory_library.transcript(report.imported[0].transcript_id)
    assert t.source_url == "https://t.me/DIUkraine/101"
    remembered = {k: u for k, _, u in channels_in_export(memory_library, path)}
    assert remembered["1111111111"] == "DIUkraine"


@pytest.mark.parametrize(
    "given, expected",
    [("@name", "name"), ("https://t.me/name/12", "name"), ("t.me/name", "name"), ("  ", None)],
)
def test_username_forms(given: str, expected: str | None) -> None:
    assert normalize_username(given) == expected


@pytest.mark.parametrize(
    "channel, service",
    [
        ("ГУР МО України", "HUR"),
        ("Головне управління розвідки МО України", "HUR"),
        ("СБУ | Перехоплення", "SBU"),
        ("SBU Ukraine", "SBU"),
        ("Новости Донбасса", None),
    ],
)
def test_service_channels(channel: str, service: str | None) -> None:
    assert service_of(channel) == service


def test_not_an_export_is_refused_with_the_path(tmp_path: Path, memory_library) -> None:
    (tmp_path / "result.json").write_text('{"segments": []}', encoding="utf-8")
    assert not is_telegram_export(tmp_path)
    from intercept_viewer.core.errors import ImportFailed

    with pytest.raises(ImportFailed, match="not a Telegram export"):
        import_telegram_export(memory_library, tmp_path / "result.json")


def test_a_read_only_library_refuses_before_reading_posts(tmp_path: Path) -> None:
    from intercept_viewer.core.errors import LibraryError

    Library(tmp_path / "lib.sqlite").close()
    with (
        Library(tmp_path / "lib.sqlite", read_only=True) as lib,
        pytest.raises(LibraryError, match="read-only"),
    ):
        import_telegram_export(lib, TG / "channel_ru")
