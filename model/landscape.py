"""Weight space: the error as a function of two of the neuron's parameters, and going back.

:func:`error_grid` is the error over the training rows on a grid of two parameters (any two
of the weights and the bias; the others held at given values), sampled at the centres of
the grid's cells: the landscape gradient descent walks on.  :func:`gradient` is that
error's gradient at one point.  :func:`branch_state` is a run's state re-created at one of
its checkpoints (its parameters there, its random stream replayed to that iteration), so
that training on from it equals a fresh run that never stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .neuron import sigmoid
from .training import RunState, TrainConfig, _frozen, _start

#: The grid's cells are computed this many rows at a time (bounded memory on big tables).
_ROWS_AT_ONCE = 256
#: A landscape sums at most this many rows (an even sample of a bigger table, and it says so).
MAX_ROWS = 5_000
#: Random draws replayed at a time when a run's stream is re-created at a checkpoint.
_REPLAY = 1 << 20


def parameter_names(n_features: int) -> list[str]:
    """``w1`` … ``wd`` then ``b``: the axes a landscape can span."""
    return [f"w{i + 1}" for i in range(n_features)] + ["b"]


@dataclass(frozen=True)
class Grid:
    """Which two parameters span the landscape (indices into weights-then-bias) and their
    ranges, and the values of all parameters (the two spanned ones are ignored)."""

    across: int
    up: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    params: np.ndarray
    resolution: int = 64
    #: a plane of its own instead of two parameters' axes: the parameters at (u, v) are
    #: ``params + u * directions[0] + v * directions[1]`` (``across``/``up`` are then unused)
    directions: np.ndarray | None = None

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The parameter values at the centres of the cells, across and up."""
        n = self.resolution
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (x0 + (np.arange(n) + 0.5) * (x1 - x0) / n,
                y0 + (np.arange(n) + 0.5) * (y1 - y0) / n)


def error_grid(x: np.ndarray, y: np.ndarray, grid: Grid) -> np.ndarray:
    """The summed squared error over rows ``x``, ``y`` at each cell centre of ``grid``, as an
    array indexed ``[across, up]``.  Vectorised over the cells, a block of rows at a time."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    params = np.asarray(grid.params, dtype=np.float64).copy()
    a_values, b_values = grid.centres()
    # x with a column of ones for the bias: z = [x, 1] . params
    total = np.zeros((a_values.size, b_values.size))
    for start in range(0, x.shape[0], _ROWS_AT_ONCE):
        rows = np.column_stack([x[start:start + _ROWS_AT_ONCE],
                                np.ones(min(_ROWS_AT_ONCE, x.shape[0] - start))])
        if grid.directions is None:
            held = params.copy()
            held[[grid.across, grid.up]] = 0.0
            base = rows @ held  # the part of z from the parameters held still
            xa, xb = rows[:, grid.across], rows[:, grid.up]
        else:
            base = rows @ params
            xa, xb = rows @ grid.directions[0], rows @ grid.directions[1]
        with np.errstate(over="ignore", invalid="ignore"):
            z = (base[None, None, :] + a_values[:, None, None] * xa[None, None, :]
                 + b_values[None, :, None] * xb[None, None, :])
            p = sigmoid(z)
            total += np.square(p - y[start:start + _ROWS_AT_ONCE][None, None, :]).sum(axis=2)
    return total


def sample_rows(rows: np.ndarray) -> tuple[np.ndarray, bool]:
    """At most :data:`MAX_ROWS` of the row indices ``rows``, evenly spread, and whether it
    is a sample (chosen before any row is copied: a big table is never copied whole)."""
    n = rows.shape[0]
    if n <= MAX_ROWS:
        return rows, False
    return rows[np.linspace(0, n - 1, MAX_ROWS).round().astype(np.int64)], True


def gradient(x: np.ndarray, y: np.ndarray, params: np.ndarray) -> np.ndarray:
    """The gradient of the summed squared error over rows ``x``, ``y`` by each weight and
    the bias, at ``params`` (weights then bias)."""
    x = np.asarray(x, dtype=np.float64)
    w, b = params[:-1], params[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        p = sigmoid(x @ w + b)
        g = 2.0 * (p - y) * p * (1.0 - p)
    return np.append(g @ x, g.sum())


def chosen_start(state: RunState, params: np.ndarray) -> RunState:
    """A fresh run's state (``state``, at iteration 0) starting from parameters a person chose
    instead of the seed's: its random stream is the seed's, so only the start differs, and
    its initial weights and bias record the choice."""
    weights = _frozen(np.asarray(params[:-1], dtype=np.float64))
    return replace(state, weights=weights, bias=float(params[-1]), initial_weights=weights,
                   initial_bias=float(params[-1]))


def branch_state(state: RunState, n_train: int, iteration: int, params: np.ndarray,
                 config: TrainConfig | None = None) -> RunState:
    """The state of the run ``state`` right after checkpoint ``iteration`` (whose parameters
    were ``params``): its random stream is re-created by replaying the draws of its first
    ``iteration + 1`` steps, so that training on equals a run that never stopped.
    ``config`` may change the learning rate (and the iterations asked for); the seed, the
    checkpoint interval, the held-out share and the scaling stay the run's, as its past
    depends on them."""
    c = state.config
    config = config or c
    config = TrainConfig(alpha=config.alpha, iterations=config.iterations, seed=c.seed,
                         every=c.every, test_fraction=c.test_fraction,
                         standardize=c.standardize, legacy_split=c.legacy_split)
    random, _, _ = _start(c.seed, state.weights.shape[0])
    left = iteration + 1
    while left > 0:
        take = min(left, _REPLAY)
        random.randint(n_train, size=take)
        left -= take
    kind, key, position, has_gauss, gauss = random.get_state()
    return RunState(
        config=config, iteration=iteration + 1, weights=_frozen(np.asarray(params[:-1])),
        bias=float(params[-1]), initial_weights=state.initial_weights,
        initial_bias=state.initial_bias, first_prediction=state.first_prediction,
        random_state=(kind, _frozen(key), int(position), int(has_gauss), float(gauss)),
        stop_reason=None, scaling=state.scaling,
    )


def principal_plane(params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plane of a path's two principal directions: its mean, the two directions (rows,
    unit length) and the share of the path's variance each explains."""
    centre = params.mean(axis=0)
    _, s, vt = np.linalg.svd(params - centre, full_matrices=False)
    variance = s ** 2
    share = variance / variance.sum() if variance.sum() > 0 else np.zeros_like(variance)
    directions = vt[:2]
    if directions.shape[0] < 2:
        directions = np.vstack([directions, np.zeros_like(directions[0])])
        share = np.append(share, 0.0)
    return centre, directions, share[:2]
