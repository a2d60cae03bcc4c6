"""Kept runs: every Train, Continue, Step and sweep run, numbered, so that runs can be compared.

A :class:`KeptRun` is what the window shows of a run after the fact: its number and label,
its parameters, a fingerprint of the table it saw, its final errors and accuracies, its speed,
its final state (so that it can be shown again, and continued), and its error curve.  The
:class:`RunBook` owns them, in the order they were made, and announces every change.

Memory stays bounded.  A run's curve is kept exactly while it has at most
:data:`EXACT_POINTS` checkpoints; a longer one, once it is no longer being trained, keeps a
display copy of at most :data:`COMPACT_POINTS` points (in float32, each bucket's lowest and
highest error, so no spike disappears), about 320 kB however long the run was.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .dataset import Dataset
from .events import Event
from .history import History
from .training import Checkpoints, RunState, TrainConfig

#: A curve with at most this many checkpoints is kept exactly (24 bytes each, at most).
EXACT_POINTS = 10_000
#: A longer curve keeps this many points for display (16 bytes each).
COMPACT_POINTS = 20_000
#: Colours cycle through this many (the window's palette).
PALETTE_SIZE = 10


def fingerprint(dataset: Dataset) -> str:
    """Eight hex digits that change when any value or column name of the table changes."""
    digest = hashlib.blake2b(digest_size=4)
    digest.update("\x1f".join(dataset.column_names).encode("utf-8", "surrogatepass"))
    digest.update(np.ascontiguousarray(dataset.features, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(dataset.target, dtype=np.float64).tobytes())
    return digest.hexdigest()


def _compact(iteration: np.ndarray, errors: list[np.ndarray | None], points: int
             ) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """At most ``points`` points: per bucket of checkpoints, the ones with the lowest and the
    highest training error (in order), and the first and last checkpoints always."""
    n = iteration.shape[0]
    buckets = max(1, points // 2)
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    train = errors[0]
    keep = [np.array([0, n - 1])]
    for start, stop in zip(edges[:-1], edges[1:]):
        if stop > start:
            chunk = train[start:stop]
            keep.append(start + np.array([np.nanargmin(chunk) if np.isfinite(chunk).any() else 0,
                                          np.nanargmax(chunk) if np.isfinite(chunk).any() else 0]))
    index = np.unique(np.concatenate(keep))
    return iteration[index].copy(), [None if e is None else e[index].astype(np.float32)
                                     for e in errors]


@dataclass(eq=False)
class KeptRun:
    """One run, as the run table lists it and the error plot draws it."""

    number: int
    config: TrainConfig
    fingerprint: str
    state: RunState
    #: the curve while it is trained or shown (None once :meth:`compact` put it away)
    history: History | None
    label: str = ""
    seconds: float = 0.0
    train_error: float | None = None
    test_error: float | None = None
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    visible: bool = True
    running: bool = False
    #: the sweep it came from (numbered from 1), or None for a run of its own
    sweep: int | None = None
    #: how many rows it trained on (its curve is divided by this for a per-row mean)
    train_rows: int = 0
    #: the display copy of a long finished curve (then ``history`` is dropped)
    _compact: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = field(default=None,
                                                                               repr=False)
    _exact: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if not self.label:
            self.label = f"run {self.number}"

    @property
    def colour(self) -> int:
        """Which colour of the palette this run is drawn in."""
        return (self.number - 1) % PALETTE_SIZE

    @property
    def iterations(self) -> int:
        return self.state.iteration

    @property
    def rate(self) -> float | None:
        """Iterations per second of its own training time."""
        return self.iterations / self.seconds if self.seconds > 0 else None

    @property
    def exact(self) -> bool:
        """True while the curve is every checkpoint the run recorded, exactly."""
        if self.history is not None:
            return self.history.stride == 1
        return self._exact

    def curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The curve to draw: iterations, training errors and held-out errors (or None)."""
        if self.history is None:
            return self._compact
        h = self.history
        return h.iteration, h.train_error, h.test_error

    def checkpoints(self) -> Checkpoints:
        """The curve as float64 checkpoints (exact unless the run was long and compacted)."""
        it, train, test = self.curve()
        return Checkpoints(np.array(it, dtype=np.int64), np.array(train, dtype=np.float64),
                           None if test is None else np.array(test, dtype=np.float64))

    def attach(self, history: History) -> None:
        """Train this run further: its curve is ``history`` again (the current run's)."""
        self.history = history
        self._compact = None

    def compact(self) -> None:
        """Keep the finished curve in as little memory as it needs (call when the run is
        no longer trained or shown): exactly, in arrays of its own length, up to
        :data:`EXACT_POINTS` checkpoints; beyond, a float32 display copy of at most
        :data:`COMPACT_POINTS` points."""
        h = self.history
        if h is None:
            return
        if len(h) <= EXACT_POINTS:
            self._compact = (h.iteration.copy(), h.train_error.copy(),
                             None if h.test_error is None else h.test_error.copy())
            self._exact = h.stride == 1
        else:
            iteration, (train, test) = _compact(h.iteration, [h.train_error, h.test_error],
                                                COMPACT_POINTS)
            self._compact = (iteration, train, test)
            self._exact = False
        self.history = None

    @property
    def nbytes(self) -> int:
        it, train, test = self.curve()
        return int(it.nbytes + train.nbytes + (0 if test is None else test.nbytes)
                   + self.state.random_state[1].nbytes)

    def parameters_text(self) -> str:
        """Every parameter of the run, for a tooltip."""
        c = self.config
        lines = [f"{self.label} (run {self.number})",
                 f"learning rate {c.alpha:g}, seed {c.seed}",
                 f"{self.iterations:,} iterations (asked {c.iterations:,}), "
                 f"a checkpoint every {c.every:,}",
                 f"held-out share {c.test_fraction:g}",
                 f"data {self.fingerprint}"]
        if self.sweep is not None:
            lines.append(f"from sweep {self.sweep}")
        if self.state.stop_reason:
            lines.append(self.state.stop_reason)
        return "\n".join(lines)


class RunBook:
    """Every kept run, in the order they were made, numbered from 1.

    Events: ``changed()`` when runs were added, removed or reordered; ``updated(number)`` when
    one run's values or curve changed.
    """

    def __init__(self) -> None:
        self.changed = Event()
        self.updated = Event()
        self._runs: list[KeptRun] = []
        self._next = 1
        self._sweeps = 0

    def __iter__(self):
        return iter(list(self._runs))

    def __len__(self) -> int:
        return len(self._runs)

    def __getitem__(self, position: int) -> KeptRun:
        return self._runs[position]

    def get(self, number: int | None) -> KeptRun | None:
        return next((r for r in self._runs if r.number == number), None)

    def numbers(self) -> list[int]:
        return [r.number for r in self._runs]

    def next_sweep(self) -> int:
        self._sweeps += 1
        return self._sweeps

    def add(self, config: TrainConfig, fingerprint_: str, state: RunState, history: History,
            **values) -> KeptRun:
        run = KeptRun(self._next, config, fingerprint_, state, history, **values)
        self._next += 1
        self._runs.append(run)
        self.changed.emit()
        return run

    def restore(self, runs: list[KeptRun]) -> None:
        """Replace every run (a session opened); numbering continues after the highest."""
        self._runs = list(runs)
        self._next = max((r.number for r in runs), default=0) + 1
        self._sweeps = max((r.sweep or 0 for r in runs), default=0)
        self.changed.emit()

    def touch(self, run: KeptRun) -> None:
        self.updated.emit(run.number)

    def remove(self, numbers: list[int]) -> None:
        before = len(self._runs)
        self._runs = [r for r in self._runs if r.number not in set(numbers)]
        if len(self._runs) != before:
            self.changed.emit()

    def clear(self) -> None:
        if self._runs:
            self._runs = []
            self.changed.emit()

    def rename(self, number: int, label: str) -> None:
        run = self.get(number)
        label = " ".join(str(label).split())[:80]
        if run is not None and label and label != run.label:
            run.label = label
            self.updated.emit(number)

    def set_visible(self, number: int, visible: bool) -> None:
        run = self.get(number)
        if run is not None and run.visible != bool(visible):
            run.visible = bool(visible)
            self.updated.emit(number)

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self._runs)
