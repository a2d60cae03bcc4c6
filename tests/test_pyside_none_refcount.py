"""Guard against PySide6 6.12.0's lost reference to None (see pyproject.toml).

On Python 3.11 and older, PySide6 6.12.0 drops one reference to None per Qt call that
returns nothing; after a few thousand calls the interpreter aborts.  This fails first.
"""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget


def test_void_qt_calls_do_not_lose_references_to_none(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        widget.update()
        widget.resize(10, 10)
    after = sys.getrefcount(None)
    assert after >= before - 100, f"references to None fell from {before} to {after}"
