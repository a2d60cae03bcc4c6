"""Shared test set-up: Qt runs offscreen, and no test may leave a thread running."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

# Before anything imports Qt: no screen is needed, or wanted, for the tests.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_thread_left_running():
    """Fail a test that leaves a Python thread or a training QThread running."""
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leftover, f"threads left running: {leftover}"
    if "gui.worker" in sys.modules:
        running = sys.modules["gui.worker"].running_threads()
        assert not running, f"training threads left running: {running}"
