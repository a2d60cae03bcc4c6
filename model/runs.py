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

from dataclasses import dataclass, field

import numpy as np

from .dataset import Dataset
from .events import Event
from .history import History
from .training import Checkpoints, RunState, TrainConfig, state_from_json, state_json

#: A curve with at most this many checkpoints is kept exactly (24 bytes each, at most).
EXACT_POINTS = 10_000
#: A longer curve keeps this many points for display (16 bytes each).
COMPACT_POINTS = 20_000
#: Colours cycle through this many (the window's palette).
PALETTE_SIZE = 10


def fingerprint(dataset: Dataset) -> str:
    """Eight hex digits that change when any value or column name of the table changes."""
    import hashlib  # here, not at the top: 3-5 ms of the window's start-up otherwise

    digest = hashlib.blake2b(digest_size=4)
    digest.update("\x1f".join(dataset.column_names).encode("utf-8", "surrogatepass"))
    # The arrays themselves (their buffers), not copies of their bytes.
    digest.update(np.ascontiguousarray(dataset.features, dtype=np.float64))
    digest.update(np.ascontiguousarray(dataset.target, dtype=np.float64))
    return digest.hexdigest()


def _compact(iteration: np.ndarray, errors: list[np.ndarray | None], points: int
             ) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """At most ``points`` points: per bucket of consecutive checkpoints, the ones with the
    lowest and the highest training error (in order), and the first and the last always."""
    n = iteration.shape[0]
    size = -(-n // max(1, points // 2))  # checkpoints per bucket
    count = -(-n // size)
    train = np.asarray(errors[0], dtype=np.float64)
    padded = np.concatenate([train, np.full(count * size - n, np.nan)]).reshape(count, size)
    nan = np.isnan(padded)
    starts = np.arange(count) * size
    lowest = np.where(nan, np.inf, padded).argmin(axis=1) + starts
    highest = np.where(nan, -np.inf, padded).argmax(axis=1) + starts
    index = np.unique(np.concatenate([[0, n - 1], np.minimum(lowest, n - 1),
                                      np.minimum(highest, n - 1)]))
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
    #: the column names of the table it trained on (None: not known, an older session)
    columns: tuple[str, ...] | None = None
    #: the display copy of a long finished curve (then ``history`` is dropped)
    _compact: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = field(default=None,
                                                                               repr=False)
    _exact: bool = field(default=True, repr=False)
    _params: np.ndarray | None = field(default=None, repr=False)

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

    def params(self) -> np.ndarray | None:
        """The weights then the bias at each point of :meth:`curve` (None if not recorded)."""
        return self.history.params if self.history is not None else self._params

    def checkpoints(self) -> Checkpoints:
        """The curve as float64 checkpoints (exact unless the run was long and compacted)."""
        it, train, test = self.curve()
        params = self.params()
        return Checkpoints(np.array(it, dtype=np.int64), np.array(train, dtype=np.float64),
                           None if test is None else np.array(test, dtype=np.float64),
                           None if params is None else np.array(params, dtype=np.float64))

    def attach(self, history: History) -> None:
        """Train this run further: its curve is ``history`` again (the current run's)."""
        self.history = history
        self._compact = None
        self._params = None

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
            self._params = None if h.params is None else h.params.copy()
            self._exact = h.stride == 1
        else:
            iteration, (train, test, params) = _compact(
                h.iteration, [h.train_error, h.test_error, h.params], COMPACT_POINTS)
            self._compact = (iteration, train, test)
            self._params = params
            self._exact = False
        self.history = None

    @property
    def nbytes(self) -> int:
        it, train, test = self.curve()
        params = self.params()
        return int(it.nbytes + train.nbytes + (0 if test is None else test.nbytes)
                   + (0 if params is None else params.nbytes)
                   + self.state.random_state[1].nbytes)

    def fits(self, columns: tuple[str, ...]) -> bool:
        """True when the run was trained on a table of these columns (or it is not known)."""
        return self.columns is None or tuple(self.columns) == tuple(columns)

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


# -- saving -------------------------------------------------------------------------------------

def _optional_number(value, what: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"the {what} is not a number")
    return float(value)


def _columns(saved) -> tuple[str, ...] | None:
    if saved is None:
        return None
    if not isinstance(saved, list) or not all(isinstance(c, str) for c in saved):
        raise ValueError("a kept run's column names are not a list of texts")
    return tuple(saved)


def kept_json(run: KeptRun, with_curve: bool = True) -> dict:
    """A kept run as plain JSON values (its curve left out for the current run, whose
    history the session holds already)."""
    values = {
        "number": run.number, "label": run.label, "visible": run.visible,
        "sweep": run.sweep, "seconds": run.seconds, "fingerprint": run.fingerprint,
        "train_rows": run.train_rows, "columns": None if run.columns is None else list(run.columns),
        "train_error": run.train_error,
        "test_error": run.test_error, "train_accuracy": run.train_accuracy,
        "test_accuracy": run.test_accuracy, "state": state_json(run.state),
        "curve": None,
    }
    if with_curve:
        it, train, test = run.curve()
        params = run.params()
        values["curve"] = {"iteration": np.asarray(it).tolist(),
                           "train_error": np.asarray(train, dtype=np.float64).tolist(),
                           "test_error": None if test is None
                           else np.asarray(test, dtype=np.float64).tolist(),
                           "params": None if params is None
                           else np.asarray(params, dtype=np.float64).tolist(),
                           "exact": run.exact}
    return values


def kept_from_json(saved, history: History | None = None) -> KeptRun:
    """The kept run :func:`kept_json` wrote (``history``: the current run's, when its curve
    was left out); ValueError or :class:`DataError` when anything does not fit."""
    if not isinstance(saved, dict):
        raise ValueError("a kept run is not a table of values")
    number = saved["number"]
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number < 2**62:
        raise ValueError("a kept run's number is out of range")
    label = saved.get("label") or f"run {number}"
    sweep = saved.get("sweep")
    if sweep is not None and (not isinstance(sweep, int) or isinstance(sweep, bool)):
        raise ValueError("a kept run's sweep is not a number")
    state = state_from_json(saved["state"])
    train_rows = saved.get("train_rows", 0)
    if not isinstance(train_rows, int) or isinstance(train_rows, bool) or train_rows < 0:
        raise ValueError("a kept run's row count is not a whole number")
    run = KeptRun(number, state.config, str(saved.get("fingerprint", ""))[:16], state,
                  history, label=str(label)[:80], visible=bool(saved.get("visible", True)),
                  sweep=sweep, train_rows=train_rows,
                  columns=_columns(saved.get("columns")),
                  seconds=_optional_number(saved.get("seconds"), "time") or 0.0,
                  train_error=_optional_number(saved.get("train_error"), "training error"),
                  test_error=_optional_number(saved.get("test_error"), "held-out error"),
                  train_accuracy=_optional_number(saved.get("train_accuracy"), "accuracy"),
                  test_accuracy=_optional_number(saved.get("test_accuracy"), "accuracy"))
    curve = saved.get("curve")
    if history is None:
        if not isinstance(curve, dict):
            raise ValueError("a kept run has no curve")
        iteration = np.array(curve["iteration"], dtype=np.int64)
        train = np.array(curve["train_error"], dtype=np.float64)
        test = None if curve.get("test_error") is None else np.array(curve["test_error"],
                                                                      dtype=np.float64)
        if (iteration.ndim != 1 or train.shape != iteration.shape
                or (test is not None and test.shape != iteration.shape)
                or (iteration.size > 1 and not (np.diff(iteration) > 0).all())
                or iteration.size > 2 * COMPACT_POINTS + EXACT_POINTS):
            raise ValueError("a kept run's curve is uneven or out of order")
        params = curve.get("params")
        if params is not None:
            params = np.array(params, dtype=np.float64)
            if (params.ndim != 2 or params.shape != (iteration.size, state.weights.shape[0] + 1)
                    or not np.isfinite(params).all()):
                raise ValueError("a kept run's parameters do not fit its curve")
        run.history = None
        run._compact = (iteration, train, test)
        run._params = params
        run._exact = bool(curve.get("exact", True))
    return run
