"""The Qt binding itself must be sound: PySide6 6.12.0 on Python 3.11 drops a reference to
``None`` on every call of a method returning void, and the app aborts with "none_dealloc" after
a few thousand calls. pyproject.toml excludes that release; this test catches any other that
behaves the same before a user does."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_do_not_leak_references_to_none() -> None:
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        obj.setObjectName("x")
    assert sys.getrefcount(None) >= before - 5


def test_emitting_signals_does_not_leak_references_to_true() -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit(True)
    assert sys.getrefcount(True) >= before - 5
