"""Where QtMultimedia can't load (no libpulse0), the reason reaches the user in words."""

from __future__ import annotations

import sys

import pytest

from intercept_viewer.ui.media import backend


@pytest.fixture
def fresh_check():  # type: ignore[no-untyped-def]
    backend._load.cache_clear()
    yield
    backend._load.cache_clear()


def test_an_import_failure_is_explained(monkeypatch, fresh_check) -> None:
    import PySide6

    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    monkeypatch.delattr(PySide6, "QtMultimedia", raising=False)
    reason = backend.unavailable_reason()
    assert reason is not None and "multimedia module could not load" in reason


def test_the_pulseaudio_library_is_named_when_it_is_the_cause(monkeypatch, fresh_check) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name, globals=None, locals=None, fromlist=(), level=0):  # type: ignore[no-untyped-def]
        if name == "PySide6" and fromlist and "QtMultimedia" in fromlist:
            raise ImportError("libpulse.so.0: cannot open shared object file: No such file")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    reason = backend.unavailable_reason()
    assert reason is not None and "apt-get install libpulse0" in reason


def test_it_loads_here(fresh_check) -> None:
    assert backend.unavailable_reason() is None  # .ci/run installs libpulse0
