"""publish-aleph's core against a local stand-in for Aleph's API (tests/core/publish/
fake_aleph.py): what alephclient sends, re-publishing, and a refused entity named."""

from __future__ import annotations

import pytest

from intercept_viewer.core.publish.aleph import PublishFailed, publish_aleph
from tests.core.publish.fake_aleph import FakeAleph


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("ALEPHCLIENT_API_KEY", "secret-key")


def test_push_creates_the_collection_sends_entities_and_media(published_library) -> None:
    steps: list[tuple[int, int]] = []
    with FakeAleph() as aleph:
        report = publish_aleph(
            published_library,
            aleph.url,
            "intercepts",
            progress=lambda done, total: steps.append((done, total)),
        )
        assert [c["foreign_id"] for c in aleph.collections.values()] == ["intercepts"]
        assert "UNVERIFIED" in aleph.collections[report.collection_id]["summary"]
        assert report.entities == len(aleph.entities) > 0
        assert {e["schema"] for e in aleph.entities.values()} >= {
            "Call",
            "PlainText",
            "Article",
            "Person",
            "Note",
            "Audio",
            "Video",
        }
        assert report.files == 2 and len(aleph.uploads) == 2
        names = sorted(u["filename"] for u in aleph.uploads)
        assert names == ["audio_1@01-03-2024_10-00-00.ogg", "intercept_8.mp4"]
        assert all("verification:unverified" in u["meta"]["keywords"] for u in aleph.uploads)
        assert set(aleph.auth) == {"ApiKey secret-key"}
        n = published_library.transcript_count()
        assert steps[-1] == (n, n) and len(steps) == n

        first_ids = set(aleph.entities)
        again = publish_aleph(published_library, aleph.url, "intercepts", upload_media=False)
        assert again.collection_id == report.collection_id and len(aleph.collections) == 1
        assert set(aleph.entities) == first_ids  # updated in place, nothing duplicated


def test_a_refused_entity_is_named_with_the_reason(published_library) -> None:
    from intercept_viewer.core.publish.ftm import ftm_entities

    victim = next(e for e in ftm_entities(published_library) if e.schema.name == "Call")
    with FakeAleph() as aleph:
        aleph.refuse.add(victim.id)
        with pytest.raises(PublishFailed) as caught:
            publish_aleph(published_library, aleph.url, "intercepts", upload_media=False)
    message = str(caught.value)
    assert victim.id in message and "Call" in message
    assert "Invalid entity data" in message


def test_an_unreachable_host_is_a_clear_error(published_library) -> None:
    with FakeAleph() as aleph:
        url = aleph.url
    with pytest.raises(PublishFailed, match="collection 'intercepts'"):
        publish_aleph(published_library, url, "intercepts", retries=0)


def test_a_bad_address_is_refused_before_anything_is_sent(published_library) -> None:
    with pytest.raises(PublishFailed, match="http:// or https://"):
        publish_aleph(published_library, "aleph.example.org", "intercepts")
