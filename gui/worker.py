"""The worker that trains off the GUI thread.

A :class:`TrainingWorker` lives on its own ``QThread``.  It pulls chunks from a
:class:`model.Training` run and sends the checkpoints to the GUI in batches, at most about
30 times a second, as NumPy arrays.  Stopping is a flag checked between chunks (each chunk
is a few milliseconds of work).  At a slower pace the worker waits between chunks on that
same flag, so Stop is immediate at any pace.
"""
from __future__ import annotations

import threading
import time
import weakref

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from model import Checkpoints, Training, kernel

#: Seconds between two batches sent to the GUI (about 30 a second).
BATCH_INTERVAL = 1 / 30

#: Every training thread made, so that tests can check none is left running.
THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """The training threads that are still running."""
    alive = []
    for thread in list(THREADS):
        try:
            if thread.isRunning():
                alive.append(thread)
        except RuntimeError:  # its C++ object is already gone
            pass
    return alive


class TrainingWorker(QObject):
    """Runs training chunks on its thread; talks to the GUI only through signals."""

    #: run id, iterations, train errors, test errors (empty when none), iterations done,
    #: and the weights and bias at that point
    checkpoints = Signal(int, object, object, object, int, object, float)
    #: run id, why the run ended ("finished", "stopped" or the model's own reason)
    finished = Signal(int, str)
    #: the compiled kernel is loaded
    ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """Ask the current run to stop after its current chunk (callable from any thread)."""
        self._stop.set()

    def clear_stop(self) -> None:
        """Called by the GUI before it queues a run, so that a Stop pressed before the
        worker picks the run up (while the kernel still loads, say) is not lost."""
        self._stop.clear()

    @Slot()
    def warm_up(self) -> None:
        kernel.warm_up()
        self.ready.emit()

    @Slot(int, object, int, float)
    def run(self, run_id: int, training: Training, iterations: int, pace: float) -> None:
        """Advance ``training`` by ``iterations`` steps at ``pace`` steps a second (0: max)."""
        chunk = training.chunk_size()
        if pace > 0:
            chunk = max(1, min(chunk, int(pace * BATCH_INTERVAL)))
        pending: list[Checkpoints] = []
        started = last_sent = time.perf_counter()
        first_iteration = training.iteration
        reason = "finished"
        try:
            for part in training.run(iterations, chunk):
                if len(part):
                    pending.append(part)
                now = time.perf_counter()
                if now - last_sent >= BATCH_INTERVAL:
                    self._send(run_id, pending, training)
                    pending, last_sent = [], now
                if pace > 0:
                    due = started + (training.iteration - first_iteration) / pace
                    wait = due - time.perf_counter()
                    if wait > 0 and self._stop.wait(wait):
                        reason = "stopped"
                        break
                if self._stop.is_set():
                    reason = "stopped"
                    break
        except Exception as exc:  # a bug must not kill the thread silently
            reason = f"training failed: {exc}"
        self._send(run_id, pending, training)
        if training.failed:
            reason = training.stop_reason or reason
        self.finished.emit(run_id, reason)

    def _send(self, run_id: int, parts: list[Checkpoints], training: Training) -> None:
        batch = Checkpoints.concatenate(parts, training.has_test)
        test = batch.test_error if batch.test_error is not None else np.empty(0)
        self.checkpoints.emit(run_id, batch.iteration, batch.train_error, test, training.iteration,
                              training.weights, training.bias)
