"""Runs: the training thread, its worker, which run is current, and how far it got.

The :class:`RunController` owns the thread and the worker and decides what a run is
(Train: a fresh seeded run on a copy of the table; Continue: more of the current run).  It
writes what the worker hands back into the document (``Document.record_progress``), so
every view, the session and the exports read the run from one place.  Messages from an
earlier run (after Stop, Train again, Reset or close) carry an old run id and are dropped.
"""
from __future__ import annotations

import gc
import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from model import DataError
from model.document import Document, Run
from model.history import History
from model.landscape import branch_state
from model.training import MAX_TOTAL_ITERATIONS, initial_state

from .worker import THREADS, TRACE_PACE, Progress, RunEnd, RunEnded, RunRequest, TrainingWorker


#: Seconds between two updates of the status line and the progress bar during a run (and
#: one more at its end).  Each update is a paint of its own between the plots' paints;
#: ten a second read as well as the thirty batches a second the worker sends.
STATUS_INTERVAL = 0.1


#: Milliseconds after the window is first painted before the worker loads the compiled
#: kernel.  Importing numba is half a second of Python on the worker thread, which takes
#: turns with the GUI thread for the interpreter (the GIL): started at once, it made building
#: the window two to three times slower.  (Counted from the window's making, as it was, the
#: delay left 90-180 ms between the first paint and the import on the 2-core Intel Xeon
#: development machine: too little for a slower one.)  A run asked for sooner loads the
#: kernel itself.
WARM_UP_DELAY_MS = 400
#: Milliseconds after the window is made before the countdown starts anyway, for a window
#: that is not painted soon (started minimised, say).
WARM_UP_FALLBACK_MS = 3000


def _settle_memory() -> None:
    """Once per process, at the first moment no run goes on after the compiled kernel is
    loaded: collect, then put every object alive out of the garbage collector's sight
    (``gc.freeze``).

    Python's full collections walk every object tracked; the window, Qt's wrappers,
    pyqtgraph and numba hold about a hundred thousand that live as long as the program.
    A full collection took 17-19 ms on the GUI thread with the window idle and 35-60 ms
    with a run sharing the cores, and one falls every few seconds while a run's batches
    arrive: the longest pauses of a long run.  After this, they walk only what was made
    since, and this one collection (20-45 ms) is made while no run is being watched.
    An object frozen here is still freed when nothing refers to it; only a cycle of such
    objects would stay, and the window's own live as long as the program."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


_settled = False


class RunController(QObject):
    """Starts, stops and follows runs; the document holds what they produce."""

    #: a run started (True) or ended (False)
    running_changed = Signal(bool)
    #: a :class:`RunEnded` for the current run, after its last checkpoints are recorded
    ended = Signal(object)
    #: a line about the run in progress: iteration, error, speed, time
    status = Signal(str)
    #: the share of the current run done, 0 to 1
    fraction = Signal(float)
    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)
    #: internal: hand a request to the worker's thread (queued)
    _request = Signal(object)
    _warm_up = Signal()

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.run_id = 0
        self._running = False
        self._total = 0
        self._first = 0
        self._started = 0.0
        self._status_shown = 0.0
        self._thread = QThread(self)
        self._thread.setObjectName("trainingThread")
        THREADS.add(self._thread)
        self._worker = TrainingWorker()
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._request.connect(self._worker.run)
        self._warm_up.connect(self._worker.warm_up)
        self._worker.progress.connect(self._on_progress)
        self._worker.ready.connect(self._kernel_ready)
        self._settle_when_idle = False
        self._worker.ended.connect(self._on_ended)
        self._thread.start()
        # Compile or load the kernel off the GUI thread, once the window is up (window_shown).
        self._warm_up_timer = QTimer(self, singleShot=True, interval=WARM_UP_DELAY_MS,
                                     timeout=self._warm_up.emit)
        self._warm_up_asked = False
        self._warm_up_fallback = QTimer(self, singleShot=True, interval=WARM_UP_FALLBACK_MS,
                                        timeout=self.window_shown)
        self._warm_up_fallback.start()
        self._forget_when_ended = False
        self._advice: str | None = None
        self._pace = 0.0
        document.table_changed.connect(self._table_changed)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def advice(self) -> str | None:
        """The last run's sentence about time spent checking the error (None: nothing to say)."""
        return self._advice

    def train(self, pace: float) -> str | None:
        """A fresh, seeded run on a copy of the table as it is now; if it cannot start, the
        reason (also sent as a message)."""
        if self._running:
            return None
        run = self._fresh_run("train")
        if isinstance(run, str):
            return run
        self._launch(run, run.state.config.iterations, pace)
        return None

    def _fresh_run(self, verb: str) -> Run | str:
        """A fresh seeded run on the table as it is now, made the current run; or why it
        cannot be (also sent as a message)."""
        try:
            dataset = self.document.dataset()
            start = initial_state(dataset, self.document.config)
        except DataError as exc:
            return self._refuse(f"Cannot {verb}: {exc}")
        run = Run.fresh(dataset, start)
        self.document.set_run(run)
        return run

    def why_not_continue(self) -> str | None:
        """Why Continue is not possible now (None when it is)."""
        run = self.document.run
        if run is None:
            return "There is no run to continue: press Train."
        if self.document.rewound is not None and self.document.run_fits_table():
            return None  # a branch from the checkpoint shown
        if run.state.failed:
            return "This run cannot go on: " + (run.state.stop_reason or "")
        if not self.document.run_fits_table():
            return ("The table has other columns than this neuron was trained on: "
                    "press Train for a new run.")
        return None

    def continue_run(self, iterations: int, pace: float) -> str | None:
        """More iterations of the current run, on the same random stream, on the table as
        it is now (the run's own copy, unless the table was edited since: then the edited
        table, which is said)."""
        if self._running:
            return None
        if self.document.rewound is not None and self.document.run_fits_table():
            # From a past point, even of a run that later failed: a branch.
            return self._branch(iterations, pace)
        reason = self.why_not_continue()
        if reason:
            return self._refuse(reason)
        return self._go_on(iterations, pace, trace=False)

    def _branch(self, iterations: int, pace: float) -> str | None:
        """Continue from the checkpoint rewound to: a new kept run whose past is the run's
        up to that checkpoint and whose random stream is re-created there, with the
        learning rate now set (so it equals a fresh run of ``i + 1 + iterations`` when the
        rate is the run's)."""
        doc, run = self.document, self.document.run
        if not run.exact:
            return self._refuse("This run's curve is a display copy (it was long and put "
                                "away), so it cannot be continued from a past point exactly: "
                                "continue from its end, or train it again.")
        past = doc.rewound_checkpoints()
        at = int(past.iteration[-1])
        config = replace(doc.config, iterations=iterations)
        try:
            config.validate()
        except DataError as exc:
            return self._refuse(f"Cannot continue: {exc}")
        start = branch_state(run.state, int(run.train_rows.size), at, past.params[-1], config)
        history = History(past.test_error is not None)
        history.extend(past)
        branch = Run(run.dataset, start, history)
        doc.set_run(branch)
        # Its data is the run's own copy, which may be older than the table.
        self._launch(branch, iterations, pace, on_table=False)
        kept = doc.runs.get(branch.number)
        self.message.emit(f"Branched from iteration {at:,} of the run shown: {kept.label} goes on "
                          f"from there at learning rate {config.alpha:g}.", False)
        return None

    def step(self, to_checkpoint: bool = False) -> str | None:
        """One iteration with all its numbers (or as many as reach the next checkpoint,
        the last with its numbers).  With no run to go on (none yet, after Reset, or one
        trained on other columns) the first step starts a fresh seeded model."""
        if self._running:
            return None
        run = self.document.run
        if run is None or not self.document.run_fits_table():
            run = self._fresh_run("step")
            if isinstance(run, str):
                return run
            self._launch(run, 1, 0.0, trace=True)
            return None
        reason = self.why_not_continue()
        if reason:
            return self._refuse(reason)
        every = run.state.config.every
        steps = (-run.state.iteration % every) + 1 if to_checkpoint else 1
        return self._go_on(steps, 0.0, trace=True)

    def _go_on(self, iterations: int, pace: float, trace: bool) -> str | None:
        run = self.document.run
        if run.state.iteration + iterations > MAX_TOTAL_ITERATIONS:
            return self._refuse(f"This run cannot go on past {MAX_TOTAL_ITERATIONS:,} "
                                "iterations in all.")
        note = ""
        try:
            table = self.document.dataset()
        except DataError as exc:
            return self._refuse(f"Cannot continue: {exc}")
        if not _same_table(table, run.dataset):
            run = Run(table, run.state, run.history, number=run.number)
            self.document.set_run(run)
            note = "Continuing on the table as it is now: it was edited since this run started."
        self._launch(run, iterations, pace, trace)
        if note:
            self.message.emit(note, False)
        return None

    def _refuse(self, reason: str) -> str:
        self.message.emit(reason, True)
        return reason

    def _table_changed(self, change) -> None:
        """A new table (loaded, or such a load undone): the run belongs to the old one, so
        it is put away, and nothing on screen shows results of other data."""
        if change.kind != "reset" or self.document.run is None:
            return
        if self._running:
            self._forget_when_ended = True
            self.stop()
        else:
            self.forget()
            self.message.emit("The table was replaced, so the run on the previous table was "
                              "put away: press Train to train on this one.", False)

    def _launch(self, run: Run, iterations: int, pace: float, trace: bool = False,
                on_table: bool = True) -> None:
        self.run_id += 1
        self._advice = None
        self._running = True
        self._total = iterations
        self._pace = pace
        self._first = run.state.iteration
        self._started = time.perf_counter()
        self.document.keep_run(run, on_table)
        self._status_shown = 0.0
        self.running_changed.emit(True)
        self._worker.clear_stop()
        # At a slow-motion pace every step comes with its numbers, for the step panel.
        trace = trace or 0 < pace <= TRACE_PACE
        self._request.emit(RunRequest(self.run_id, run.dataset, run.state, iterations, pace,
                                      trace))

    def stop(self) -> None:
        if self._running:
            self._worker.request_stop()

    def forget(self) -> None:
        """Drop the current run (Reset); whatever it still sends is ignored."""
        if not self._running:
            self.run_id += 1
            self.document.set_run(None)

    def planned_seconds(self) -> float | None:
        """How long the current run takes at its pace (None at full speed)."""
        return self._total / self._pace if self._pace > 0 else None

    def planned_end(self) -> int:
        """The iteration the current run is to end at."""
        return self._first + self._total

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        if progress.run_id != self.run_id:
            return  # a stale batch from an earlier run
        self.document.record_progress(progress.checkpoints, progress.state, progress.step)
        # The advice is about going faster: at a chosen pace it does not apply.
        if progress.advice and progress.advice != self._advice and self._pace == 0:
            self._advice = progress.advice
            self.message.emit(progress.advice, False)
        now = time.perf_counter()
        if now - self._status_shown >= STATUS_INTERVAL:
            self._status_shown = now
            self._show_status(progress.state.iteration)

    def _show_status(self, iteration: int) -> None:
        done = iteration - self._first
        self.fraction.emit(done / max(1, self._total))
        elapsed = time.perf_counter() - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        run = self.document.run
        history = run.history if run is not None else None
        # The error is measured at checkpoints only: say which iteration it belongs to.
        error = (f"error {history.train_error[-1]:.6g} at {int(history.iteration[-1]):,}"
                 if history is not None and len(history) else "")
        self.status.emit(f"iteration {iteration:,} / {self.planned_end():,}   "
                         f"{error}   {rate:,.0f} it/s   {elapsed:.1f} s")

    @Slot(object)
    def _on_ended(self, end: RunEnded) -> None:
        if end.run_id != self.run_id:
            return
        self._running = False
        self.document.record_progress(None, end.state)
        self.document.run_ended(time.perf_counter() - self._started, end.accuracy,
                                end.saturation)
        self._show_status(end.state.iteration)  # where the run ended, not the last update
        if end.how is RunEnd.FINISHED:
            self.fraction.emit(1.0)
        self.running_changed.emit(False)
        self.ended.emit(end)
        if self._settle_when_idle:
            self._settle_when_idle = False
            _settle_memory()
        if self._forget_when_ended:
            self._forget_when_ended = False
            self.forget()

    def window_shown(self) -> None:
        """The window is on the screen: the kernel is loaded a moment later (once)."""
        if not self._warm_up_asked:
            self._warm_up_asked = True
            self._warm_up_fallback.stop()
            self._warm_up_timer.start()

    @Slot()
    def _kernel_ready(self) -> None:
        if self._running:
            self._settle_when_idle = True
        else:
            _settle_memory()

    def shutdown(self) -> None:
        """Stop any run and wait for the worker thread to end."""
        self.run_id += 1  # whatever still arrives is stale
        self._warm_up_asked = True  # and no kernel is loaded now
        self._warm_up_fallback.stop()
        self._warm_up_timer.stop()
        self._worker.request_stop()
        self._thread.quit()
        self._thread.wait()



def _same_table(a, b) -> bool:
    return (a.column_names == b.column_names and np.array_equal(a.features, b.features)
            and np.array_equal(a.target, b.target))
