"""Telegram exports from untrusted hands: any JSON shape, any bytes in messages.html, paths
that climb out of the export. The import answers with a report or ImportFailed, never another
exception, and never points a recording outside the export folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.library import Library
from intercept_viewer.core.telegram import import_telegram_export
from tests.reliability.helpers import time_budget

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=40),
    st.sampled_from(["message", "service", "voice_message", "(File not included.)", "../x"]),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
_message = st.fixed_dictionaries(
    {"id": _scalars, "type": _scalars},
    optional={
        "text": _json,
        "text_entities": _json,
        "date_unixtime": _scalars,
        "file": _scalars,
        "media_type": _scalars,
        "from": _scalars,
        "forwarded_from": _scalars,
        "photo": _scalars,
    },
)
_export = st.one_of(
    _json,
    st.fixed_dictionaries(
        {"name": _scalars, "id": _scalars, "messages": st.lists(_message, max_size=6)}
    ),
    st.fixed_dictionaries({"chats": st.fixed_dictionaries({"list": st.lists(_json, max_size=3)})}),
)


_SHARED: list[Library] = []


def _library() -> Library:
    """One library for all examples (opening one per example cost most of the time)."""
    if not _SHARED:
        _SHARED.append(Library(memory=True))
    return _SHARED[0]


def _import(folder: Path) -> None:
    lib = _library()
    try:
        with time_budget(10, folder):
            report = import_telegram_export(lib, folder)
        for item in report.imported:
            media = lib.transcript(item.transcript_id).media_path
            assert media is None or Path(media).resolve().is_relative_to(folder.resolve())
    except ImportFailed:
        pass


@PROPERTY
@given(_export)
def test_any_json_shape(data: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "result.json").write_text(json.dumps(data), encoding="utf-8")
        _import(folder)


@PROPERTY
@given(st.binary(max_size=3000))
def test_any_bytes_as_messages_html(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "messages.html").write_bytes(data)
        _import(folder)


def test_a_recording_path_out_of_the_export_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.ogg"
    outside.write_bytes(b"not yours")
    export = tmp_path / "export"
    export.mkdir()
    text = "Солдат: Мам, привет.\nМать: Здравствуй.\nСолдат: Мы тут.\nМать: Береги себя."
    messages = [
        {
            "id": 1,
            "type": "message",
            "date_unixtime": "1709290000",
            "text": text,
            "file": "../secret.ogg",
            "media_type": "voice_message",
        },
        {
            "id": 2,
            "type": "message",
            "date_unixtime": "1709290100",
            "text": text,
            "file": str(outside),
            "media_type": "voice_message",
        },
    ]
    (export / "result.json").write_text(
        json.dumps({"name": "c", "id": 5, "messages": messages}), encoding="utf-8"
    )
    with Library(memory=True) as lib:
        report = import_telegram_export(lib, export)
        assert len(report.imported) == 2
        for item in report.imported:
            assert lib.transcript(item.transcript_id).media_path is None
            assert lib.media(item.transcript_id) is None
            assert any("outside the export" in w.message for w in item.warnings)
