"""Shared test set-up: Qt runs offscreen, and no test may leave a thread running."""
from __future__ import annotations

import gc
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
from hypothesis import HealthCheck, settings as hypothesis_settings  # noqa: E402

from tests import reliability  # noqa: E402

# Fuzzing is sized for CI by default (a few minutes at most); NEURON_LAB_FUZZ=long for more.
hypothesis_settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("long" if reliability.LONG else "ci")


def pytest_sessionfinish(session, exitstatus):
    reliability.write_report()


@pytest.fixture(autouse=True)
def no_thread_left_running():
    """Fail a test that leaves a Python thread or a training QThread running."""
    before = set(threading.enumerate())
    yield
    # A _DummyThread is Python's record of a thread it did not start (a QThread that ran
    # Python code); whether a training QThread still runs is checked below.
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()
                and not isinstance(t, threading._DummyThread)]
    assert not leftover, f"threads left running: {leftover}"
    if "gui.worker" in sys.modules:
        running = sys.modules["gui.worker"].running_threads()
        assert not running, f"training threads left running: {running}"


@pytest.fixture(autouse=True)
def qt_garbage_collected_between_tests(request):
    """A window a test is done with leaves Qt objects that only Python's collector frees:
    pyqtgraph's plots keep their menus with no Qt parent, in reference cycles.  Collected
    at whatever moment the collector next runs, freeing one can wait for ever on a lock Qt
    already holds: seen once in 26 runs of the window tests, where the collector ran inside
    a ``QObject::disconnect`` (a call into Python while Qt holds one of its signal-slot
    locks) and a freed menu's action waited for that lock.  Each test's are collected here,
    after the test and its widgets are done with (this fixture is set up before qtbot, so
    it is torn down after it), where no Qt lock is held.  The program itself builds its
    window once and never frees it."""
    yield
    if "qtbot" in request.fixturenames:
        gc.collect()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own settings file, and no modal dialog can block a test:
    closing a window with unsaved edits discards them unless a test says otherwise."""
    from gui import settings
    from gui.file_actions import FileActions

    settings.use_folder(str(tmp_path / "settings"))

    monkeypatch.setattr(FileActions, "confirm_discard", lambda self: True)
    yield


@pytest.fixture
def window(qtbot):
    """The main window, shown, at Max speed (tests that watch the pace set their own)."""
    from gui.main_window import MAX_SPEED, MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.speed_combo.setCurrentIndex(MAX_SPEED)
    yield w
    w.close()
