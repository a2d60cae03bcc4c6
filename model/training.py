"""A training run: the seeded neuron, advanced in chunks by the compiled kernel.

:class:`Training` holds everything a run needs (its own copy of the data, the random
stream, the weights, the iteration count).  :meth:`Training.run` is a generator that
hands back the checkpoints of each chunk; whoever drives it can stop between chunks, and
a later call continues the same random stream, so ``N`` then ``M`` more iterations equal
one run of ``N + M``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from . import checkpoint_cost, kernel, row_errors
from .dataset import Dataset
from .errors import DataError
from .neuron import predict, sigmoid
from .scaling import Scaling
from .step import StepDetails, step_details

MAX_ITERATIONS = 100_000_000
MAX_SEED = 2**32 - 1
#: How far a run can be continued in all: far beyond any real use, and well inside the
#: kernel's 64-bit iteration counter.
MAX_TOTAL_ITERATIONS = 2**62
MAX_TEST_FRACTION = 0.9

# The held-out rows come from a generator of their own, keyed by the seed and this
# constant, so that holding rows out never disturbs the weights' random stream.
_SPLIT_STREAM = 0x5E1D


@dataclass(frozen=True)
class TrainConfig:
    """The parameters of a run; the defaults are the reference note's."""

    alpha: float = 0.1
    iterations: int = 10_000
    seed: int = 42
    every: int = 100
    test_fraction: float = 0.0
    #: Train on features standardised by the training rows' mean and standard deviation
    #: (off: the data's own numbers, as the note).
    standardize: bool = False
    #: Held-out rows chosen as sessions of format 1 chose them (set only when such a
    #: session's run is opened, so that it continues exactly; never shown).
    legacy_split: bool = False

    def validate(self) -> None:
        """Raise :class:`DataError` with a plain message if a parameter is out of range."""
        for name in ("iterations", "seed", "every"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise DataError(f"the {name} must be a whole number, not {value!r}")
        if not isinstance(self.legacy_split, bool):
            raise DataError("the way held-out rows are chosen is not true or false")
        if not isinstance(self.standardize, bool):
            raise DataError(f"standardize must be true or false, not {self.standardize!r}")
        for name in ("alpha", "test_fraction"):
            value = getattr(self, name)
            if not isinstance(value, (int, float, np.floating)) or isinstance(value, bool):
                raise DataError(f"the {name.replace('_', ' ')} must be a number, not {value!r}")
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise DataError(f"the learning rate must be a positive number, not {self.alpha}")
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise DataError(
                f"the iterations must be between 1 and {MAX_ITERATIONS:,}, not {self.iterations}"
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise DataError(f"the seed must be between 0 and {MAX_SEED}, not {self.seed}")
        if not 1 <= self.every <= MAX_ITERATIONS:
            raise DataError(f"the checkpoint interval must be between 1 and {MAX_ITERATIONS:,}, "
                            f"not {self.every}")
        if not 0.0 <= self.test_fraction <= MAX_TEST_FRACTION:
            raise DataError(
                f"the test fraction must be between 0 and {MAX_TEST_FRACTION}, "
                f"not {self.test_fraction}"
            )


class ParameterColumns:
    """``weights`` and ``bias`` as views of ``params`` (one row per checkpoint: the weights
    then the bias), for anything that records a run's parameters that way."""

    params: np.ndarray | None

    @property
    def weights(self) -> np.ndarray | None:
        return None if self.params is None else self.params[:, :-1]

    @property
    def bias(self) -> np.ndarray | None:
        return None if self.params is None else self.params[:, -1]


@dataclass(frozen=True)
class Checkpoints(ParameterColumns):
    """Errors recorded during a stretch of training, and the parameters at each.

    ``test_error`` is ``None`` when no rows are held out.  ``params`` holds, per checkpoint,
    the weights then the bias right after that checkpoint's update (``None`` where they
    were not recorded: sessions and histories of older versions).
    """

    iteration: np.ndarray
    train_error: np.ndarray
    test_error: np.ndarray | None
    params: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.iteration.shape[0])

    @staticmethod
    def concatenate(parts: list[Checkpoints], with_test: bool) -> Checkpoints:
        if not parts:
            empty = np.empty(0)
            return Checkpoints(np.empty(0, dtype=np.int64), empty, empty.copy() if with_test else None)
        with_params = all(p.params is not None for p in parts)
        return Checkpoints(
            np.concatenate([p.iteration for p in parts]),
            np.concatenate([p.train_error for p in parts]),
            np.concatenate([p.test_error for p in parts]) if with_test else None,
            np.concatenate([p.params for p in parts]) if with_params else None,
        )


@dataclass(frozen=True)
class RunState:
    """Where a run is, frozen at a chunk boundary: enough to show it, save it, or continue
    it exactly (with the data set it was started on).

    The worker thread hands these to the window; the window never reads a
    :class:`Training` that a thread is advancing.  The arrays are read-only copies.
    """

    config: TrainConfig
    iteration: int
    weights: np.ndarray
    bias: float
    initial_weights: np.ndarray
    initial_bias: float
    first_prediction: float
    random_state: tuple
    stop_reason: str | None = None
    #: how the run standardises its inputs (None: it trains on the data's own numbers)
    scaling: Scaling | None = None

    @property
    def failed(self) -> bool:
        return self.stop_reason is not None

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The output of the neuron in this state for each row of ``features`` (in the
        data's units: a run that standardises transforms them first)."""
        if self.scaling is not None:
            features = self.scaling.apply(features)
        return predict(features, self.weights, self.bias)


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=array.dtype, copy=True)
    copy.setflags(write=False)
    return copy


def _mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on unsigned 64-bit integers: every bit of the result depends
    on every bit of the input (arrays only: NumPy wraps array arithmetic silently)."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def row_draws(row_ids: np.ndarray, seed: int) -> np.ndarray:
    """A number in [0, 1) for each row id, fixed by the seed and the id alone, so that a row
    keeps its number whatever rows are added or deleted around it.

    The numbers step by the golden ratio from a start drawn from the seed (a Weyl sequence,
    in exact 64-bit integer arithmetic): consecutive ids spread evenly over [0, 1), so a
    table whose ids are ``0 .. n-1`` has within one or two of ``f * n`` draws below ``f``,
    even with eight rows, while the seed moves which rows they are.
    """
    start = _mix64(np.array([(int(seed) << 16) ^ _SPLIT_STREAM], dtype=np.uint64))
    ids = np.asarray(row_ids, dtype=np.int64).astype(np.uint64)
    z = ids * np.uint64(0x9E3779B97F4A7C15) + start
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def split_rows(n_rows: int, test_fraction: float, seed: int,
               row_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training rows and of the held-out rows, each in table order.

    Each row is decided on its own: it is held out when its draw (:func:`row_draws`, from
    the seed and the row's id; ids ``0 .. n-1`` when none are given) is below
    ``test_fraction``.  So adding or deleting a row never changes whether another row is
    held out, and about ``test_fraction * n_rows`` rows are held out (within one or two,
    not exactly that many: see :func:`row_draws`).  At least one row is always left to
    train on: should every row be drawn, the one with the highest draw trains.  No draw
    touches the run's own random stream.
    """
    if test_fraction <= 0 or n_rows <= 1:
        return np.arange(n_rows), np.empty(0, dtype=np.int64)
    ids = np.arange(n_rows) if row_ids is None else np.asarray(row_ids)
    draws = row_draws(ids, seed)
    held_out = draws < test_fraction
    if held_out.all():
        held_out[int(np.argmax(draws))] = False
    return np.flatnonzero(~held_out), np.flatnonzero(held_out)


def legacy_split_rows(n_rows: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The held-out rows as format-1 sessions chose them (``round(test_fraction * n_rows)``
    rows drawn together): kept so that a run saved then continues exactly."""
    n_test = min(int(round(test_fraction * n_rows)), n_rows - 1)
    if n_test <= 0:
        return np.arange(n_rows), np.empty(0, dtype=np.int64)
    rng = np.random.default_rng([seed, _SPLIT_STREAM])
    held_out = np.zeros(n_rows, dtype=bool)
    held_out[rng.choice(n_rows, size=n_test, replace=False)] = True
    return np.flatnonzero(~held_out), np.flatnonzero(held_out)


def run_split(dataset: Dataset, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """The training and held-out rows of a run of ``config`` on ``dataset``."""
    if config.legacy_split:
        return legacy_split_rows(dataset.n_rows, config.test_fraction, config.seed)
    return split_rows(dataset.n_rows, config.test_fraction, config.seed, dataset.row_ids)


def _finite_floats(values, what: str) -> np.ndarray:
    if not isinstance(values, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    ):
        raise ValueError(f"the {what} are not a list of numbers")
    array = np.array(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"the {what} are not all finite numbers")
    return array


def _random_state(saved) -> tuple:
    """A RandomState's state from its saved form, every part checked."""
    if not isinstance(saved, dict) or saved.get("kind") != "MT19937":
        raise ValueError("the random state is not an MT19937 state")
    key = saved.get("key")
    if (not isinstance(key, list) or len(key) != 624
            or not all(isinstance(k, int) and not isinstance(k, bool) and 0 <= k < 2**32 for k in key)):
        raise ValueError("the random state's key is not 624 unsigned 32-bit numbers")
    position, has_gauss, gauss = saved.get("position"), saved.get("has_gauss"), saved.get("cached_gaussian")
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 624:
        raise ValueError("the random state's position is out of range")
    if has_gauss not in (0, 1) or isinstance(has_gauss, bool):
        raise ValueError("the random state's flag is not 0 or 1")
    if not isinstance(gauss, (int, float)) or isinstance(gauss, bool) or not np.isfinite(gauss):
        raise ValueError("the random state's cached number is not a number")
    return ("MT19937", np.array(key, dtype=np.uint32), position, has_gauss, float(gauss))


def state_json(state: RunState) -> dict:
    """A run's state as plain JSON values (the keys of :meth:`Training.state`, and the
    first prediction), for a kept run saved without its data."""
    kind, key, position, has_gauss, gauss = state.random_state
    c = state.config
    return {
        "config": {"alpha": c.alpha, "iterations": c.iterations, "seed": c.seed,
                   "every": c.every, "test_fraction": c.test_fraction,
                   "standardize": c.standardize,
                   **({"legacy_split": True} if c.legacy_split else {})},
        "scaling": None if state.scaling is None else state.scaling.as_json(),
        "iteration": state.iteration,
        "weights": state.weights.tolist(),
        "bias": state.bias,
        "initial_weights": state.initial_weights.tolist(),
        "initial_bias": state.initial_bias,
        "first_prediction": state.first_prediction,
        "stop_reason": state.stop_reason,
        "random_state": {"kind": kind, "key": np.asarray(key).tolist(), "position": int(position),
                         "has_gauss": int(has_gauss), "cached_gaussian": float(gauss)},
    }


def state_from_json(saved) -> RunState:
    """The :class:`RunState` that :func:`state_json` wrote, every value checked
    (:class:`DataError` when anything does not fit)."""
    try:
        if not isinstance(saved, dict) or not isinstance(saved.get("config"), dict):
            raise ValueError("the run's parameters are not a table of values")
        config = TrainConfig(**saved["config"])
        config.validate()
        weights = _finite_floats(saved["weights"], "weights")
        initial = _finite_floats(saved["initial_weights"], "initial weights")
        if weights.shape[0] < 1 or initial.shape != weights.shape:
            raise ValueError("the weights do not fit each other")
        bias, initial_bias = _finite_floats([saved["bias"], saved["initial_bias"]], "biases")
        first = saved.get("first_prediction", 0.5)
        if not isinstance(first, (int, float)) or isinstance(first, bool):
            raise ValueError("the first prediction is not a number")
        iteration = saved["iteration"]
        if (not isinstance(iteration, int) or isinstance(iteration, bool)
                or not 0 <= iteration <= MAX_TOTAL_ITERATIONS):
            raise ValueError("the iteration count is out of range")
        stop_reason = saved.get("stop_reason")
        if stop_reason is not None and not isinstance(stop_reason, str):
            raise ValueError("the stop reason is not text")
        scaling = None
        if config.standardize and saved.get("scaling") is not None:
            s = saved["scaling"]
            if not isinstance(s, dict):
                raise ValueError("the scaling is not a table of values")
            scaling = Scaling.from_lists(s.get("mean"), s.get("scale"), s.get("constant", []),
                                         weights.shape[0])
        random_state = _random_state(saved["random_state"])
    except DataError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        raise DataError(f"a kept run is damaged ({exc})") from None
    return RunState(config=config, iteration=iteration, weights=_frozen(weights),
                    bias=float(bias), initial_weights=_frozen(initial),
                    initial_bias=float(initial_bias), first_prediction=float(first),
                    random_state=(random_state[0], _frozen(random_state[1]), *random_state[2:]),
                    stop_reason=stop_reason, scaling=scaling)


def accuracy(p: np.ndarray, y: np.ndarray) -> float | None:
    """Share of rows whose output ``p`` is on the target's side of 0.5.

    ``None`` when there are no rows or the targets are not all exactly 0 or 1.
    """
    if not _zero_or_one(y):
        return None
    return float(np.mean((p >= 0.5) == (y == 1.0)))


#: Outside this distance from 0, ``z`` is on the same side of 0 as ``sigmoid(z)`` is of 0.5
#: (exp(-z) is then 1 -+ 1e-12, far from the rounding that could put it on 1's other side).
_SURE_SIDE = 1e-12


def above_half(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """For each row of ``x``, whether the neuron's output is at least 0.5, as
    :func:`model.neuron.predict` then ``>= 0.5`` says, without working every output out
    (see :func:`above_half_of`)."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.asarray(x, dtype=np.float64) @ weights + bias
    return above_half_of(z)


def above_half_of(z: np.ndarray) -> np.ndarray:
    """For each ``z = x·w + b``, whether ``sigmoid(z) >= 0.5``: exactly when ``z >= 0``,
    except within a hair of 0, where the output is computed.  A run's accuracy is measured
    at its end, with Stop waiting on it: at a million rows this took 7.5 ms where
    predicting every output took 10.3 ms (a 2-core Intel Xeon with AVX-512)."""
    above = z >= 0.0
    near = np.flatnonzero(~(np.abs(z) > _SURE_SIDE))  # NaN too, as predict has it
    if near.size:
        above[near] = sigmoid(z[near]) >= 0.5
    return above


def accuracy_of(x: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float) -> float | None:
    """:func:`accuracy` of the neuron's outputs for the rows ``x`` (see :func:`above_half`)."""
    if not _zero_or_one(y):
        return None
    return float(np.mean(above_half(x, weights, bias) == (y == 1.0)))


def accuracy_of_z(z: np.ndarray, y: np.ndarray) -> float | None:
    """:func:`accuracy_of` for rows whose ``z = x·w + b`` is known already."""
    if not _zero_or_one(y):
        return None
    return float(np.mean(above_half_of(z) == (y == 1.0)))


def _zero_or_one(y: np.ndarray) -> bool:
    """Whether accuracy applies to targets ``y``: some rows, every target 0 or 1."""
    return y.size > 0 and bool(np.all((y == 0.0) | (y == 1.0)))


class ChunkSizes:
    """How many iterations the next chunk holds: at most ``largest`` (what the cost model
    or the pace allows), fewer while chunks take longer than the cost model's aim.

    The cost model is one machine's figures; on a slower one, or with the cores taken
    (the window painting beside a million-row run, whose checkpoints each keep both cores
    busy), a chunk took up to four times as long on the 2-core Intel Xeon development
    machine, and Stop, which waits for the chunk in progress, with it.  Each chunk's time
    sets the next one's size: down to the aim at once, back up a quarter at a time once
    chunks take under half of it.  The iterations are the same whatever the sizes: each
    chunk draws its rows from the run's one random stream, in order."""

    def __init__(self, largest: int, seconds: float = checkpoint_cost.CHUNK_SECONDS) -> None:
        self.largest = max(1, int(largest))
        self.seconds = seconds
        #: the next chunk's size
        self.next = self.largest

    def took(self, steps: int, seconds: float) -> None:
        """A chunk of ``steps`` iterations took ``seconds``."""
        if steps < 1 or seconds <= 0:
            return
        if seconds > 1.5 * self.seconds:
            self.next = max(1, min(self.next, int(steps * self.seconds / seconds)))
        elif seconds < 0.5 * self.seconds and steps >= self.next:
            self.next = min(self.largest, self.next + max(1, self.next // 4))


def _start(seed: int, n_features: int) -> tuple[np.random.RandomState, np.ndarray, float]:
    """The run's random stream and its starting weights and bias, drawn in the note's
    order: one draw per weight, then the bias."""
    random = np.random.RandomState(seed)
    weights = np.array([random.randn() for _ in range(n_features)])
    return random, weights, random.randn()


def initial_state(dataset: Dataset, config: TrainConfig) -> RunState:
    """The state a fresh run on ``dataset`` starts from, without copying the data (the
    window makes this on its thread; the worker builds the run itself from it)."""
    config.validate()
    random, weights, bias = _start(config.seed, dataset.n_features)
    scaling = None
    first_row = dataset.features[0]
    if config.standardize:
        scaling = Scaling.of(dataset.features[run_split(dataset, config)[0]])
        first_row = scaling.apply(first_row)
    with np.errstate(over="ignore", invalid="ignore"):
        first = float(sigmoid(np.dot(first_row, weights) + bias))
    kind, key, position, has_gauss, gauss = random.get_state()
    return RunState(
        config=config, iteration=0, weights=_frozen(weights), bias=float(bias),
        initial_weights=_frozen(weights), initial_bias=float(bias), first_prediction=first,
        random_state=(kind, _frozen(key), int(position), int(has_gauss), float(gauss)),
        scaling=scaling,
    )


class Training:
    """One seeded run of the neuron on a copy of a data set.

    Parameters
    ----------
    dataset
        The data; it is copied, so later edits to the table never change this run.
    config
        The parameters; checked here (:class:`DataError` if out of range).
    scaling
        With ``config.standardize``: the run's scaling, when it continues a run (by default
        the training rows' own).
    """

    def __init__(self, dataset: Dataset, config: TrainConfig, scaling: Scaling | None = None):
        config.validate()
        self.config = config
        self.dataset = dataset  # the table as it was when the run started (read-only)
        self.train_rows, self.test_rows = run_split(dataset, config)
        train_x, test_x = dataset.features[self.train_rows], dataset.features[self.test_rows]
        #: how the inputs are standardised before the neuron sees them (None: they are not)
        self.scaling: Scaling | None = None
        if config.standardize:
            self.scaling = scaling if scaling is not None else Scaling.of(train_x)
            if self.scaling.mean.shape[0] != dataset.n_features:
                raise DataError("the run's scaling does not fit the data's columns")
            train_x, test_x = self.scaling.apply(train_x), self.scaling.apply(test_x)
        # Writable C-contiguous copies: one compiled specialisation serves every run.
        self._x = np.ascontiguousarray(train_x, dtype=np.float64)
        self._y = np.ascontiguousarray(dataset.target[self.train_rows], dtype=np.float64)
        self._test_x = np.ascontiguousarray(test_x, dtype=np.float64)
        self._test_y = np.ascontiguousarray(dataset.target[self.test_rows], dtype=np.float64)
        self._random, self._w, bias = _start(config.seed, dataset.n_features)
        self._b = np.array([bias])
        self.initial_weights = self._w.copy()
        self.initial_bias = float(self._b[0])
        self.initial_first_prediction = self.first_prediction()
        self.iteration = 0
        self.stop_reason: str | None = None
        #: Seconds this run has spent so far on steps and on checkpoints' error passes:
        #: timed apart where the passes run on every core, split by the cost model
        #: (:mod:`model.checkpoint_cost`) where the kernel does both in one call.
        self.step_seconds = 0.0
        self.checkpoint_seconds = 0.0

    # -- state ---------------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        return self._w.copy()

    @property
    def bias(self) -> float:
        return float(self._b[0])

    @property
    def has_test(self) -> bool:
        return self._test_x.shape[0] > 0

    @property
    def failed(self) -> bool:
        """True once the numbers stopped being finite; the run cannot go on."""
        return self.stop_reason is not None

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The neuron's output for each row of ``features`` (a 2-D array, in the data's
        units: standardised first when the run standardises)."""
        if self.scaling is not None:
            features = self.scaling.apply(features)
        return predict(features, self._w, self._b[0])

    def first_prediction(self) -> float:
        """The output for the data's first row (the note prints this before training)."""
        first = self._x[0] if self.train_rows[0] == 0 else self._test_x[0]
        with np.errstate(over="ignore", invalid="ignore"):
            return float(sigmoid(np.dot(first, self._w) + self._b[0]))

    def accuracy(self, train_z: np.ndarray | None = None) -> tuple[float | None, float | None]:
        """Share of training and of held-out rows on the right side of 0.5 (``train_z``:
        :meth:`train_z`, when it is at hand).

        ``None`` where it does not apply: targets that are not all 0 or 1, or no rows.
        """
        return (
            accuracy_of_z(self.train_z() if train_z is None else train_z, self._y),
            accuracy_of(self._test_x, self._test_y, self._w, self._b[0]),
        )

    def train_z(self) -> np.ndarray:
        """``z = x·w + b`` of every training row as the neuron sees it (standardised when
        the run is), computed as :func:`above_half` and :func:`model.neuron.predict` do."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._x @ self._w + self._b[0]

    # -- training ------------------------------------------------------------
    @property
    def checkpoint_rows(self) -> int:
        """Rows whose error every checkpoint sums: the training and the held-out rows."""
        return int(self._x.shape[0] + self._test_x.shape[0])

    def chunk_size(self) -> int:
        """Iterations per chunk: some milliseconds of work, checkpoints included, so that
        a driver checking a stop flag between chunks reacts well within 100 ms."""
        return checkpoint_cost.chunk_size(
            self._w.shape[0], self._x.shape[0], self._test_x.shape[0], self.config.every
        )

    def checkpoint_share(self) -> float:
        """The share of this run's time spent summing checkpoint errors, from 0 to 1
        (before any training, the cost model's estimate)."""
        spent = self.step_seconds + self.checkpoint_seconds
        if spent > 0:
            return self.checkpoint_seconds / spent
        d, every = self._w.shape[0], self.config.every
        checks = checkpoint_cost.checkpoint_seconds(d, self._x.shape[0], self._test_x.shape[0])
        return checks / (checks + every * checkpoint_cost.step_seconds(d, self._x.shape[0]))

    def checkpoint_advice(self) -> str | None:
        """A sentence telling a person that checkpoints take most of the time, or None."""
        return checkpoint_cost.advice(self.checkpoint_share(), self.checkpoint_rows, self.config.every)

    def run(self, iterations: int | None = None, chunk: int | None = None) -> Iterator[Checkpoints]:
        """Advance ``iterations`` steps (the config's by default), a chunk at a time.

        Yields the checkpoints of each chunk (possibly none).  Stopping early is simply
        not asking for the next chunk.  When the numbers stop being finite the run ends
        and :attr:`stop_reason` says why; the weights are those of the last good step.
        """
        # Over a large table each checkpoint's errors are summed on every core, between
        # calls of the kernel, by helper threads that live as long as this generator.
        parallel = row_errors.threads_for(max(self._x.shape[0], self._test_x.shape[0])) > 1
        errors = row_errors.RowErrors() if parallel else None
        try:
            yield from self._chunks(iterations, chunk, errors)
        finally:
            if errors is not None:
                errors.close()

    def _chunks(self, iterations: int | None, chunk: int | None,
                errors: row_errors.RowErrors | None) -> Iterator[Checkpoints]:
        remaining = self.config.iterations if iterations is None else int(iterations)
        chunk = chunk or self.chunk_size()
        sizes = ChunkSizes(chunk)
        every = self.config.every
        d, n_train, n_test = self._w.shape[0], self._x.shape[0], self._test_x.shape[0]
        step_cost = checkpoint_cost.step_seconds(d, n_train)
        check_cost = checkpoint_cost.checkpoint_seconds(d, n_train, n_test)
        while remaining > 0 and not self.failed:
            steps = min(sizes.next, remaining)
            began = time.perf_counter()
            indices = self._random.randint(self._x.shape[0], size=steps).astype(np.int64, copy=False)
            start = self.iteration
            first = -start % every  # offset of the first checkpoint in this chunk
            slots = 0 if first >= steps else (steps - 1 - first) // every + 1
            out_iter = np.empty(slots, dtype=np.int64)
            out_train = np.empty(slots)
            out_test = np.empty(slots)
            out_params = np.empty((slots, d + 1))
            if errors is None:
                done, written, status = self._train(
                    indices, start, out_iter, out_train, out_test, out_params, step_cost,
                    check_cost)
            else:
                done, written, status = self._train_pausing(
                    errors, indices, start, out_iter, out_train, out_test, out_params)
            sizes.took(done, time.perf_counter() - began)
            self.iteration += done
            remaining -= done
            if status == kernel.NONFINITE_STEP:
                self.stop_reason = (
                    f"stopped at iteration {start + done:,}: the next step would have made a "
                    "weight or the bias NaN or infinite (try a smaller learning rate or "
                    "smaller input values)"
                )
            elif status == kernel.NONFINITE_ERROR:
                self.stop_reason = (
                    f"stopped at iteration {start + done - 1:,}: the error became NaN or "
                    "infinite (try a smaller learning rate or smaller input values)"
                )
            yield Checkpoints(
                out_iter[:written],
                out_train[:written],
                out_test[:written] if self.has_test else None,
                out_params[:written],
            )

    # -- one step at a time ------------------------------------------------------------
    def next_row(self) -> int:
        """The training row the next step will draw (an index into :attr:`train_rows`),
        found on a copy of the random stream, so the run's own stream is untouched."""
        peek = np.random.RandomState()
        peek.set_state(self._random.get_state())
        return int(peek.randint(self._x.shape[0]))

    def step(self) -> tuple[StepDetails, Checkpoints]:
        """One iteration, with every number of its chain rule; the kernel takes the step
        (its weights equal the details' new weights) and records a checkpoint if due."""
        k = self.next_row()
        details = step_details(self.iteration, int(self.train_rows[k]), self._x[k], self._y[k],
                               self._w, self._b[0], self.config.alpha)
        return details, self.advance(1)

    # -- handing the run over ----------------------------------------------------------
    def snapshot(self) -> RunState:
        """This run's state now, as an immutable copy (call it between chunks)."""
        kind, key, position, has_gauss, gauss = self._random.get_state()
        return RunState(
            config=self.config, iteration=self.iteration, weights=_frozen(self._w),
            bias=float(self._b[0]), initial_weights=_frozen(self.initial_weights),
            initial_bias=self.initial_bias, first_prediction=self.initial_first_prediction,
            random_state=(kind, _frozen(key), int(position), int(has_gauss), float(gauss)),
            stop_reason=self.stop_reason, scaling=self.scaling,
        )

    @classmethod
    def resume(cls, dataset: Dataset, state: RunState) -> Training:
        """A run that continues exactly from ``state``, on the data set it started with."""
        training = cls(dataset, state.config, state.scaling)
        if training._w.shape != state.weights.shape:
            raise DataError("the run's weights do not fit the data's columns")
        training._random.set_state(state.random_state)
        training._w[:] = state.weights
        training._b[0] = state.bias
        training.initial_weights = state.initial_weights.copy()
        training.initial_bias = state.initial_bias
        training.initial_first_prediction = state.first_prediction
        training.iteration = state.iteration
        training.stop_reason = state.stop_reason
        return training

    def _train(self, indices, start, out_iter, out_train, out_test, out_params, step_cost,
               check_cost) -> tuple[int, int, int]:
        """One call of the kernel, checkpoints and all; its time is split between steps
        and checkpoints in proportion to their estimated costs."""
        started = time.perf_counter()
        done, written, status = kernel.train_chunk(
            kernel.primitives(), self._x, self._y, self._test_x, self._test_y, self._w, self._b,
            float(self.config.alpha), indices, start, self.config.every,
            out_iter, out_train, out_test, out_params, False,
        )
        spent = time.perf_counter() - started
        steps, checks = done * step_cost, written * check_cost
        share = checks / (steps + checks) if steps + checks > 0 else 0.0
        self.checkpoint_seconds += spent * share
        self.step_seconds += spent - spent * share
        return done, written, status

    def _train_pausing(self, errors, indices, start, out_iter, out_train, out_test, out_params
                       ) -> tuple[int, int, int]:
        """The kernel's steps, pausing at each checkpoint while ``errors`` sums the rows."""
        prims, alpha, every = kernel.primitives(), float(self.config.alpha), self.config.every
        done = written = 0
        while True:
            started = time.perf_counter()
            steps, _, status = kernel.train_chunk(
                prims, self._x, self._y, self._test_x, self._test_y, self._w, self._b, alpha,
                indices[done:], start + done, every, out_iter[written:], out_train[written:],
                out_test[written:], out_params[written:], True,
            )
            stepped = time.perf_counter()
            self.step_seconds += stepped - started
            done += steps
            if status != kernel.CHECKPOINT_DUE:
                return done, written, status
            bias = float(self._b[0])
            train_error = errors.squared_error(self._x, self._y, self._w, bias)
            test_error = errors.squared_error(self._test_x, self._test_y, self._w, bias)
            self.checkpoint_seconds += time.perf_counter() - stepped
            if not (math.isfinite(train_error) and math.isfinite(test_error)):
                return done, written, kernel.NONFINITE_ERROR
            out_iter[written] = start + done - 1
            out_train[written] = train_error
            out_test[written] = test_error
            out_params[written, :-1] = self._w
            out_params[written, -1] = bias
            written += 1
            if done == indices.shape[0]:
                return done, written, kernel.OK

    # -- saving and restoring ----------------------------------------------------------
    def state(self) -> dict:
        """Everything needed to continue this run exactly, as plain JSON-able values
        (the data set itself is not included: see :meth:`restore`): :func:`state_json` of
        :meth:`snapshot`, without the first prediction, which the data gives again."""
        saved = state_json(self.snapshot())
        del saved["first_prediction"]
        return saved

    @classmethod
    def restore(cls, dataset: Dataset, state: dict) -> Training:
        """The run that :meth:`state` described, on the data set it was started with.

        Every value is checked; anything that does not fit raises :class:`DataError`
        (a damaged file), never another exception.
        """
        try:
            config = state["config"]
            if not isinstance(config, dict):
                raise ValueError("the run's parameters are not a table of values")
            config = TrainConfig(**config)
            scaling = None
            saved = state.get("scaling")
            if config.standardize and saved is not None:
                if not isinstance(saved, dict):
                    raise ValueError("the scaling is not a table of values")
                scaling = Scaling.from_lists(saved.get("mean"), saved.get("scale"),
                                             saved.get("constant", []), dataset.n_features)
            training = cls(dataset, config, scaling)
            weights = _finite_floats(state["weights"], "weights")
            if weights.shape != training._w.shape:
                raise DataError("the saved weights do not fit the data's columns")
            initial = _finite_floats(state["initial_weights"], "initial weights")
            if initial.shape != training._w.shape:
                raise ValueError("the initial weights do not fit the data's columns")
            bias = _finite_floats([state["bias"]], "bias")[0]
            initial_bias = _finite_floats([state["initial_bias"]], "initial bias")[0]
            iteration = state["iteration"]
            if (not isinstance(iteration, int) or isinstance(iteration, bool)
                    or not 0 <= iteration <= MAX_TOTAL_ITERATIONS):
                raise ValueError(f"the iteration count is not a whole number from 0 to "
                                 f"{MAX_TOTAL_ITERATIONS:,}")
            stop_reason = state["stop_reason"]
            if stop_reason is not None and not isinstance(stop_reason, str):
                raise ValueError("the stop reason is not text")
            training._random.set_state(_random_state(state["random_state"]))
        except DataError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            raise DataError(f"the saved training run is damaged ({exc})") from None
        training._w[:] = weights
        training._b[0] = bias
        training.initial_weights = initial
        training.initial_bias = float(initial_bias)
        training.iteration = iteration
        training.stop_reason = stop_reason
        return training

    def advance(self, iterations: int | None = None, chunk: int | None = None) -> Checkpoints:
        """Run to the end (see :meth:`run`) and return all the checkpoints at once."""
        return Checkpoints.concatenate(list(self.run(iterations, chunk)), self.has_test)
