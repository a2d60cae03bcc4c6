"""The worker that trains off the GUI thread, and the messages it sends.

A :class:`TrainingWorker` lives on its own ``QThread``.  For each :class:`RunRequest` it
builds its own :class:`model.Training` from the request's data and state, pulls chunks from
it, and hands the GUI a :class:`Progress` at most about 30 times a second: the checkpoints
since the last one and an immutable :class:`model.RunState` taken at that chunk boundary.
The run's ending is one :class:`RunEnded`.  The GUI never sees the ``Training`` itself, so
it can never read a run while the worker is changing it.  Stopping is a flag checked
between chunks (each a few milliseconds of work); at a slow pace the worker waits between
chunks on that same flag, so Stop is immediate at any pace.
"""
from __future__ import annotations

import enum
import sys
import threading
import time
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from model import Checkpoints, Dataset, RunState, Training
from model.diagnosis import end_of_run
from model.step import StepDetails
from model.threads import lower_priority

#: Seconds between two batches sent to the GUI (about 30 a second).
BATCH_INTERVAL = 1 / 30

#: At this pace (iterations per second) or slower, every step is taken one at a time with
#: all its numbers, so the step panel follows the run live ("slow motion").
TRACE_PACE = 10.0

#: How much lower than the window's the training thread's scheduling priority is (a Unix
#: "nice" value; 0 to 19).  On a machine whose cores are all busy (two cores: the worker
#: and anything else), the GUI thread would otherwise wait its turn behind the worker, and a
#: paint that takes 10 ms of its time took 30 to 40 ms to finish.
NICENESS = 5

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


@dataclass(frozen=True)
class RunRequest:
    """What the worker needs to run: its own inputs, nothing shared with the GUI."""

    run_id: int
    dataset: Dataset
    start: RunState
    iterations: int
    pace: float  # iterations per second; 0 is as fast as possible
    #: hand over the numbers of the last step (and of every step at a slow-motion pace)
    trace: bool = False


@dataclass(frozen=True)
class Progress:
    """Checkpoints recorded since the last message, and the run's state after them."""

    run_id: int
    checkpoints: Checkpoints
    state: RunState
    #: a sentence when checking the error takes most of the run's time, else None
    advice: str | None = None
    #: every number of the latest step, when it was taken one at a time
    step: StepDetails | None = None


class RunEnd(enum.Enum):
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"  # the numbers stopped being finite; the message says where
    CRASHED = "crashed"  # a bug: the message says what


@dataclass(frozen=True)
class RunEnded:
    run_id: int
    how: RunEnd
    message: str
    state: RunState
    #: training and held-out accuracy at the end, measured here rather than on the GUI
    #: thread (None when the run did not start)
    accuracy: tuple | None = None
    #: with it, the sentence about saturated rows (None: nothing to say)
    saturation: str | None = None


class TrainingWorker(QObject):
    """Runs training chunks on its thread; talks to the GUI only through signals."""

    #: a :class:`Progress`
    progress = Signal(object)
    #: a :class:`RunEnded`, after the last :class:`Progress` of that run
    ended = Signal(object)
    #: the compiled kernel is loaded
    ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        #: the operating system's id of the thread the worker runs on, once it has started
        self.native_id: int | None = None

    def request_stop(self) -> None:
        """Ask the current run to stop after its current chunk (callable from any thread)."""
        self._stop.set()

    def clear_stop(self) -> None:
        """Called by the GUI before it queues a run, so that a Stop pressed before the
        worker picks the run up (while the kernel still loads, say) is not lost."""
        self._stop.clear()

    @Slot()
    def warm_up(self) -> None:
        self._settle()
        from model import kernel

        kernel.warm_up()
        self.ready.emit()

    def _settle(self) -> None:
        """On the worker's thread, the first time it does anything: give way to the window."""
        if self.native_id is None:
            self.native_id = threading.get_native_id()
            _yield_to_the_window()

    @Slot(object)
    def run(self, request: RunRequest) -> None:
        """Advance a run of its own by ``request.iterations`` steps at ``request.pace``."""
        self._settle()
        try:
            training = Training.resume(request.dataset, request.start)
        except Exception as exc:  # a damaged state must not kill the thread silently
            self.ended.emit(RunEnded(request.run_id, RunEnd.CRASHED, f"training failed: {exc}",
                                     request.start))
            return
        if request.trace:
            self._run_traced(request, training)
            return
        chunk = training.chunk_size()
        pace = request.pace
        if pace > 0:
            chunk = max(1, min(chunk, int(pace * BATCH_INTERVAL)))
        pending: list[Checkpoints] = []
        started = last_sent = time.perf_counter()
        first_iteration = training.iteration
        how, message = RunEnd.FINISHED, ""
        try:
            for part in training.run(request.iterations, chunk):
                if len(part):
                    pending.append(part)
                now = time.perf_counter()
                if now - last_sent >= BATCH_INTERVAL:
                    self._send(request.run_id, pending, training)
                    pending, last_sent = [], now
                if pace > 0:
                    due = started + (training.iteration - first_iteration) / pace
                    wait = due - time.perf_counter()
                    if wait > 0 and self._stop.wait(wait):
                        how = RunEnd.STOPPED
                        break
                if self._stop.is_set():
                    how = RunEnd.STOPPED
                    break
        except Exception as exc:  # a bug must not kill the thread silently
            how, message = RunEnd.CRASHED, f"training failed: {exc}"
        self._send(request.run_id, pending, training)
        if training.failed:
            how, message = RunEnd.FAILED, training.stop_reason or ""
        self.ended.emit(RunEnded(request.run_id, how, message, training.snapshot(),
                                 *end_of_run(training)))

    def _run_traced(self, request: RunRequest, training: Training) -> None:
        """Steps with their numbers: every step at a slow-motion pace (each one handed
        over as it is taken, then a wait); else the steps but the last as a plain run, and
        the last one with its numbers."""
        how, message = RunEnd.FINISHED, ""
        remaining = request.iterations
        slow = 0 < request.pace <= TRACE_PACE
        try:
            if not slow and remaining > 1:
                pending: list[Checkpoints] = []
                last_sent = time.perf_counter()
                for part in training.run(remaining - 1):
                    if len(part):
                        pending.append(part)
                    if time.perf_counter() - last_sent >= BATCH_INTERVAL:
                        self._send(request.run_id, pending, training)
                        pending, last_sent = [], time.perf_counter()
                    if self._stop.is_set():
                        break
                self._send(request.run_id, pending, training)
                remaining = request.iterations - (training.iteration - request.start.iteration)
            while remaining > 0 and not training.failed:
                if self._stop.is_set():
                    how = RunEnd.STOPPED
                    break
                started = time.perf_counter()
                details, part = training.step()
                remaining -= 1
                self._send(request.run_id, [part], training, details)
                if slow and remaining > 0:
                    wait = 1 / request.pace - (time.perf_counter() - started)
                    if wait > 0 and self._stop.wait(wait):
                        how = RunEnd.STOPPED
                        break
        except Exception as exc:  # a bug must not kill the thread silently
            how, message = RunEnd.CRASHED, f"training failed: {exc}"
        if training.failed:
            how, message = RunEnd.FAILED, training.stop_reason or ""
        self.ended.emit(RunEnded(request.run_id, how, message, training.snapshot(),
                                 *end_of_run(training)))

    def _send(self, run_id: int, parts: list[Checkpoints], training: Training,
              step: StepDetails | None = None) -> None:
        batch = Checkpoints.concatenate(parts, training.has_test)
        self.progress.emit(Progress(run_id, batch, training.snapshot(),
                                    training.checkpoint_advice(), step))


def _yield_to_the_window() -> None:
    """Lower the calling thread's priority by :data:`NICENESS` (the threads it starts, which
    sum large tables' errors, inherit it).  On Linux a thread has a nice value of its own;
    elsewhere Qt's thread priority is the nearest thing (``setpriority`` there would apply
    to the whole process)."""
    if NICENESS > 0 and not lower_priority(NICENESS) and not sys.platform.startswith("linux"):
        QThread.currentThread().setPriority(QThread.Priority.LowPriority)
