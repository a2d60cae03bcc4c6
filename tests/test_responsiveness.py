"""The window stays responsive during a run: the training thread gives way to it."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from tests.gui_helpers import train


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread of its own nice value is Linux's")
def test_the_training_thread_runs_at_a_lower_priority_than_the_window(qtbot, window):
    from gui import worker

    train(qtbot, window)  # the worker has started (and loaded the kernel)
    tid = window.runs._worker.native_id
    assert tid is not None and tid != threading.get_native_id()
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert os.getpriority(os.PRIO_PROCESS, tid) == min(19, ours + worker.NICENESS)
