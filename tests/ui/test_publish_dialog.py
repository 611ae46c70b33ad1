"""File ▸ Publish…: both targets through the worker, with progress and the outcome shown as
plain text; the Aleph target against the local stand-in of Aleph's API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from intercept_viewer.core.telegram import import_telegram_export
from tests.core.publish.fake_aleph import FakeAleph

TG = Path(__file__).parents[1] / "fixtures" / "telegram"


@pytest.fixture
def filled(library):  # type: ignore[no-untyped-def]
    import_telegram_export(library, TG / "channel_ru")
    return library


def _run(qtbot, dialog):  # type: ignore[no-untyped-def]
    """Publish and wait; (ok, message) as the dialog shows them."""
    handle = dialog.publish()
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=60_000):
        pass
    text = dialog.status_label.text()
    ok = not text.startswith("Not published: ")
    return ok, text


def test_publish_to_a_datasette_folder(qtbot, make_window, filled, tmp_path: Path) -> None:
    w = make_window(filled)
    assert w.publisher.action in w.file_menu.actions()
    dialog = w.publisher.ensure_dialog()
    dialog.datasette_radio.setChecked(True)
    dialog.folder_edit.setText(str(tmp_path / "site"))
    ok, message = _run(qtbot, dialog)
    assert ok, message
    assert "26 utterances" in message and "datasette" in message
    conn = sqlite3.connect(tmp_path / "site" / "library.db")
    assert conn.execute("SELECT count(*) FROM utterances").fetchone()[0] == 26
    conn.close()
    assert w.settings.value("publish/datasette_folder") == str(tmp_path / "site")


def test_publish_to_aleph_and_a_refusal_is_shown(
    qtbot, make_window, filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    w = make_window(filled)
    dialog = w.publisher.ensure_dialog()
    dialog.aleph_radio.setChecked(True)
    with FakeAleph() as aleph:
        dialog.host_edit.setText(aleph.url)
        dialog.collection_edit.setText("intercepts")
        ok, message = _run(qtbot, dialog)
        assert ok, message
        assert "Published 6 releases" in message and "2 recordings" in message
        assert dialog.progress_bar.value() == 1
        aleph.refuse.update(aleph.entities)
        ok, message = _run(qtbot, dialog)
    assert not ok and "Aleph refused entity" in message
    assert dialog.status_label.text().startswith("Not published: Aleph refused entity")


def test_missing_address_is_explained_without_starting(qtbot, make_window, filled) -> None:
    w = make_window(filled)
    dialog = w.publisher.ensure_dialog()
    dialog.aleph_radio.setChecked(True)
    dialog.host_edit.setText("aleph.example.org")
    assert dialog.publish() is None
    assert "http://" in dialog.status_label.text()


def test_cancel_keeps_the_previous_copy(qtbot, make_window, filled, tmp_path: Path) -> None:
    w = make_window(filled)
    dialog = w.publisher.ensure_dialog()
    dialog.datasette_radio.setChecked(True)
    dialog.folder_edit.setText(str(tmp_path / "site"))
    assert _run(qtbot, dialog)[0]
    before = (tmp_path / "site" / "library.db").read_bytes()
    handle = dialog.publish()
    handle.progress.connect(lambda _value: handle.cancel())
    with qtbot.waitSignal(handle.finished, timeout=60_000):
        pass
    assert dialog.status_label.text().startswith("Not published: cancelled")
    assert (tmp_path / "site" / "library.db").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["library.db", "metadata.json"]
