"""Sweeps in the window: "Train several…" trains a grid of learning rates × seeds at once.

:class:`SweepDialog` asks for the learning rates and the seeds (read by
:mod:`model.sweep`, with the reason shown for anything it cannot read).
:class:`SweepController` trains them on a thread of its own, which runs
:func:`model.sweep.run_sweep` on as many threads as there are cores; the runs' checkpoints
come back in batches about 30 times a second, each run a kept run of the document that grows
as it trains.  Stop stops every run of the sweep; closing the window waits for them.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from model import Checkpoints, DataError, Dataset, TrainConfig
from model.document import Document
from model.history import History
from model.sweep import default_jobs, parse_alphas, parse_seeds, run_sweep, sweep_configs
from model.training import RunState, initial_state, run_split

from .worker import BATCH_INTERVAL, NICENESS, THREADS


@dataclass(frozen=True)
class SweepRequest:
    sweep_id: int
    dataset: Dataset
    configs: list[TrainConfig]
    jobs: int


@dataclass(frozen=True)
class SweepEnded:
    sweep_id: int
    #: per run: its state at the end, its own training seconds, and whether it was stopped
    states: list[RunState]
    seconds: list[float]
    stopped: list[bool]
    #: per run: training and held-out accuracy, measured on the sweep's thread
    accuracies: list[tuple]


class SweepWorker(QObject):
    """Runs a sweep on its thread; hands over checkpoints in batches."""

    #: sweep id and {run index: Checkpoints}
    progress = Signal(int, object)
    #: a :class:`SweepEnded`
    ended = Signal(object)
    #: sweep id and a message when the sweep failed (a bug)
    failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.stop_event = threading.Event()
        self._lock = threading.Lock()

    @Slot(object)
    def run(self, request: SweepRequest) -> None:
        pending: dict[int, list[Checkpoints]] = {}
        last_sent = [time.perf_counter()]

        def flush() -> None:
            # Sent under the lock too: two threads flushing at once could otherwise send
            # a run's later checkpoints first, which its history refuses.
            with self._lock:
                batch = {i: Checkpoints.concatenate(parts, parts[0].test_error is not None)
                         for i, parts in pending.items() if parts}
                pending.clear()
                last_sent[0] = time.perf_counter()
                if batch:
                    self.progress.emit(request.sweep_id, batch)

        def on_chunk(index: int, training, part: Checkpoints) -> None:
            # On the run's own pool thread: only the shared batch is locked.
            if len(part):
                with self._lock:
                    pending.setdefault(index, []).append(part)
            if time.perf_counter() - last_sent[0] >= BATCH_INTERVAL:
                flush()

        try:
            # The training threads give way to the window's thread when the cores are busy.
            results = run_sweep(request.dataset, request.configs, request.jobs,
                                self.stop_event, on_chunk, niceness=NICENESS)
        except Exception as exc:  # a bug must not kill the thread silently
            self.failed.emit(request.sweep_id, f"the sweep failed: {exc}")
            return
        flush()
        self.ended.emit(SweepEnded(request.sweep_id, [r.training.snapshot() for r in results],
                                   [r.seconds for r in results], [r.stopped for r in results],
                                   [r.training.accuracy() for r in results]))


class SweepController(QObject):
    """Starts and stops sweeps; each run of a sweep is a kept run of the document."""

    #: a sweep started (True) or ended (False)
    running_changed = Signal(bool)
    #: a sweep ended, every run's curve complete
    ended = Signal()
    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)
    #: the kept runs' curves grew
    grew = Signal()
    _request = Signal(object)

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.sweep_id = 0
        self._numbers: list[int] = []
        self._running = False
        self._started = 0.0
        self._thread: QThread | None = None  # made when the first sweep starts
        self._worker: SweepWorker | None = None

    def _start_thread(self) -> None:
        self._thread = QThread(self)
        self._thread.setObjectName("sweepThread")
        THREADS.add(self._thread)
        self._worker = SweepWorker()
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._request.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.ended.connect(self._on_ended)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._running

    def start(self, alphas: list[float], seeds: list[int], jobs: int | None = None) -> str | None:
        """Train every learning rate × seed on the table as it is now, with the other
        parameters as set; returns why it cannot start (None when it started)."""
        if self._running:
            return "A sweep is already training."
        try:
            configs = sweep_configs(self.document.config, list(alphas), list(seeds))
            dataset = self.document.dataset()
            if not configs:
                raise DataError("give at least one learning rate and one seed")
        except DataError as exc:
            self.message.emit(f"Cannot train the sweep: {exc}", True)
            return str(exc)
        self.sweep_id += 1
        sweep = self.document.runs.next_sweep()
        print_ = self.document.table_fingerprint(dataset)
        self._numbers = []
        for config in configs:
            state = initial_state(dataset, config)
            train_rows, test_rows = run_split(dataset, config)
            kept = self.document.runs.add(config, print_, state, History(test_rows.size > 0),
                                          running=True, sweep=sweep,
                                          train_rows=int(train_rows.size),
                                          columns=tuple(dataset.column_names))
            self._numbers.append(kept.number)
        if self._thread is None:
            self._start_thread()
        self._running = True
        self._started = time.perf_counter()
        self.running_changed.emit(True)
        self._worker.stop_event.clear()
        jobs = jobs or default_jobs()
        self._request.emit(SweepRequest(self.sweep_id, dataset, configs, jobs))
        self.message.emit(f"Training {len(configs)} runs, {min(jobs, len(configs))} at a time…",
                          False)
        return None

    def stop(self) -> None:
        if self._running and self._worker is not None:
            self._worker.stop_event.set()

    @Slot(int, object)
    def _on_progress(self, sweep_id: int, batch: dict) -> None:
        if sweep_id != self.sweep_id:
            return
        for index, checkpoints in batch.items():
            kept = self.document.runs.get(self._numbers[index])
            if kept is not None and kept.history is not None:
                kept.history.extend(checkpoints)
        self.grew.emit()

    @Slot(object)
    def _on_ended(self, end: SweepEnded) -> None:
        if end.sweep_id != self.sweep_id:
            return
        stopped = 0
        for number, state, seconds, was_stopped, accuracies in zip(
                self._numbers, end.states, end.seconds, end.stopped, end.accuracies):
            kept = self.document.runs.get(number)
            if kept is None:  # deleted while it trained
                continue
            self.document.update_kept(kept, state, seconds, accuracies)
            kept.running = False
            kept.compact()
            stopped += was_stopped
        self._running = False
        self.document.runs.changed.emit()
        self.running_changed.emit(False)
        wall = time.perf_counter() - self._started
        n = len(self._numbers)
        self.message.emit(f"Stopped the sweep: {n - stopped} of {n} runs finished, in {wall:.1f} s."
                          if stopped else f"Trained {n} runs in {wall:.1f} s.", False)
        self.ended.emit()

    @Slot(int, str)
    def _on_failed(self, sweep_id: int, message: str) -> None:
        if sweep_id != self.sweep_id:
            return
        for number in self._numbers:
            kept = self.document.runs.get(number)
            if kept is not None:
                kept.running = False
        self._running = False
        self.document.runs.changed.emit()
        self.running_changed.emit(False)
        self.message.emit(message[:1].upper() + message[1:], True)
        self.ended.emit()

    def shutdown(self) -> None:
        self.sweep_id += 1
        if self._thread is None:
            return
        self._worker.stop_event.set()
        self._thread.quit()
        self._thread.wait()


class SweepDialog(QDialog):
    """Asks for the learning rates, the seeds and how many runs at once."""

    def __init__(self, iterations: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train several runs")
        self.alphas_edit = QLineEdit("0.01, 0.03, 0.1, 0.3, 1", objectName="sweepAlphas")
        self.alphas_edit.setToolTip("Learning rates separated by commas, or a log range "
                                    "start:stop:count such as 0.001:1:7")
        self.seeds_edit = QLineEdit("1-5", objectName="sweepSeeds")
        self.seeds_edit.setToolTip("Seeds separated by commas, and ranges such as 1-10")
        self.jobs_spin = QSpinBox(objectName="sweepJobs")
        self.jobs_spin.setRange(1, max(1, 4 * default_jobs()))
        self.jobs_spin.setValue(default_jobs())
        self.jobs_spin.setToolTip("How many runs train at once (one per core is fastest)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._iterations = iterations
        form = QFormLayout()
        form.addRow("&Learning rates:", self.alphas_edit)
        form.addRow("&Seeds:", self.seeds_edit)
        form.addRow("&At once:", self.jobs_spin)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Every learning rate is trained with every seed; the other "
                                "parameters are those set in the window."))
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.alphas_edit.textChanged.connect(self._check)
        self.seeds_edit.textChanged.connect(self._check)
        self._check()

    def values(self) -> tuple[list[float], list[int]] | None:
        """The learning rates and seeds typed, or None (the reason is shown)."""
        try:
            alphas, seeds = parse_alphas(self.alphas_edit.text()), parse_seeds(self.seeds_edit.text())
            sweep_configs(TrainConfig(), alphas, seeds)
        except DataError as exc:
            self.summary.setText(f"<span style='color:#b00020'>{str(exc)[:1].upper()}"
                                 f"{str(exc)[1:]}</span>")
            return None
        return alphas, seeds

    @Slot()
    def _check(self) -> None:
        values = self.values()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(values is not None)
        if values is not None:
            alphas, seeds = values
            self.summary.setText(f"{len(alphas)} learning rates × {len(seeds)} seeds = "
                                 f"{len(alphas) * len(seeds)} runs of "
                                 f"{self._iterations:,} iterations each.")
