"""Weight space: the error as a function of two of the neuron's parameters, and going back.

:func:`error_grid` is the error over the training rows on a grid of two parameters (any two
of the weights and the bias; the others held at given values), sampled at the centres of
the grid's cells: the landscape gradient descent walks on.  :func:`gradient` is that
error's gradient at one point.  :func:`branch_state` is a run's state re-created at one of
its checkpoints (its parameters there, its random stream replayed to that iteration), so
that training on from it equals a fresh run that never stopped.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from . import kernel, row_errors
from .neuron import sigmoid
from .sampling import even_indices
from .training import RunState, TrainConfig, _frozen, _start

#: The grid's cells are computed this many rows at a time (bounded memory on big tables).
_ROWS_AT_ONCE = 256
#: A landscape sums at most this many rows (an even sample of a bigger table, and it says so).
MAX_ROWS = 10_000
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


def _linear_parts(x: np.ndarray, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``base``, ``xa`` and ``xb`` with ``z = base + a * xa + b * xb`` for every row, where
    ``a`` and ``b`` are the values across and up."""
    params = np.asarray(grid.params, dtype=np.float64)
    rows = np.column_stack([x, np.ones(x.shape[0])])  # z = [x, 1] . params
    if grid.directions is None:
        held = params.copy()
        held[[grid.across, grid.up]] = 0.0
        return rows @ held, rows[:, grid.across].copy(), rows[:, grid.up].copy()
    return rows @ params, rows @ grid.directions[0], rows @ grid.directions[1]


def error_grid(x: np.ndarray, y: np.ndarray, grid: Grid, threads: int | None = None,
               precise: bool = False) -> np.ndarray:
    """The summed squared error over rows ``x``, ``y`` at each cell centre of ``grid``, as an
    array indexed ``[across, up]``, computed on ``threads`` threads (by default as many as
    the work is worth, up to the cores).

    ``exp(-z)`` at a cell is a product of two numbers from tables of exponentials (one
    for each row and value across, one for each row and value up), so a cell costs a
    multiplication and a division per row.  Rows whose factors fit in single precision
    (exponents within ±40, so that no product overflows) and whose target is 0 or 1 are
    summed in single precision by blocks of 32 rows, then in double: each value is within
    a few parts in a million of the double-precision sum (measured: a few in a hundred
    million), see :data:`_SINGLE`; ``precise`` makes it double precision throughout, about
    three times slower.  That is far finer than a colour or a contour can show; the
    numbers the program prints never come from here.  Rows whose factors would not fit
    even in double precision (exponents past ±300: a table of huge numbers, or a grid
    far out) are computed directly with NumPy, as are grids with fewer than two cells
    across or up."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    a_values, b_values = grid.centres()
    total = np.zeros((a_values.size, b_values.size))
    if x.shape[0] == 0:
        return total
    base, xa, xb = _linear_parts(x, grid)
    left = np.ones(x.shape[0], dtype=bool)
    if a_values.size > 1 and b_values.size > 1:
        with np.errstate(all="ignore"):
            tables = _exponent_tables(base, xa, xb, a_values, b_values)
        binary = (y == 0.0) | (y == 1.0)
        for dtype, limit in _TIERS[1:] if precise else _TIERS:
            fits = left & (tables[4] <= limit)
            if dtype is np.float32:
                fits &= binary  # see _SINGLE
            rows = np.flatnonzero(fits)
            for chunk in range(0, rows.size, _TABLE_ROWS):
                picked = rows[chunk:chunk + _TABLE_ROWS]
                _add_tables(total, dtype, [t[picked] for t in tables[:4]], y[picked], threads)
            left[rows] = False
    rows = np.flatnonzero(left)
    for start in range(0, rows.size, _ROWS_AT_ONCE):
        picked = rows[start:start + _ROWS_AT_ONCE]
        with np.errstate(over="ignore", invalid="ignore"):
            z = (base[picked][None, None, :] + a_values[:, None, None] * xa[picked][None, None, :]
                 + b_values[None, :, None] * xb[picked][None, None, :])
            total += np.square(sigmoid(z) - y[picked][None, None, :]).sum(axis=2)
    return total


#: The precisions a landscape's tables are made in, first to last, each with the largest
#: exponent its factors may have: the product of two stays finite and normal.
_TIERS = ((np.float32, 40.0), (np.float64, 300.0))
#: _SINGLE: why single precision is used only for targets 0 and 1.  A row's term is
#: ``t**2`` with ``t = (c - y u) / (1 + u)``; an error of ``r`` in ``u`` (a few roundings)
#: changes ``t`` by ``r u (y + t) / (1 + u)``.  With ``y`` 0 or 1 that is at most ``r |t|``:
#: every term keeps its relative precision however small it is, and so does their sum.
#: With another target, ``t`` can be near 0 while that change is not, and the picture
#: near a perfect fit (on a log scale) would show rounding; such rows use double precision.
#: Rows of tables made at once (bounded memory on big tables).
_TABLE_ROWS = 8_192
#: Below this many cells × rows, a landscape is computed on the calling thread alone.
_PARALLEL_WORK = 2_000_000


def _exponent_tables(base, xa, xb, a_values, b_values):
    """Per row: the exponents of its first factors across and their step, the same up, and
    the largest magnitude any of them reaches.  ``exp(-z) = exp(ea + j * da) * exp(eb + k *
    db)`` at cell ``(j, k)``; the two halves are shifted so their ranges have the same
    centre (``z`` is their sum, so either may carry any part of it)."""
    na, nb = a_values.size, b_values.size
    step_a = (a_values[-1] - a_values[0]) / (na - 1)
    step_b = (b_values[-1] - b_values[0]) / (nb - 1)
    ea, da = -(base + a_values[0] * xa), -(step_a * xa)
    eb, db = -(b_values[0] * xb), -(step_b * xb)
    centre_a, half_a = ea + da * (na - 1) / 2, np.abs(da) * (na - 1) / 2
    centre_b, half_b = eb + db * (nb - 1) / 2, np.abs(db) * (nb - 1) / 2
    shift = (centre_a - centre_b) / 2
    reach = np.abs(centre_a + centre_b) / 2 + np.maximum(half_a, half_b)
    reach[~np.isfinite(reach)] = np.inf  # NaN (an infinite parameter) never fits
    return ea - shift, da, eb + shift, db, reach


def _add_tables(total, dtype, parts, y, threads) -> None:
    """Add to ``total`` the landscape of the rows whose exponents are ``parts``."""
    ea, da, eb, db = parts
    na, nb = total.shape
    p, q = np.empty((ea.size, na), dtype=dtype), np.empty((ea.size, nb), dtype=dtype)
    kernel.exp_table(ea, da, p)
    kernel.exp_table(eb, db, q)
    y_t, c_t, one = y.astype(dtype), (1.0 - y).astype(dtype), dtype(1.0)
    block = kernel.LANDSCAPE_CELLS
    if threads is None:
        threads = row_errors.cores() if na * nb * y.size >= _PARALLEL_WORK else 1
    threads = max(1, min(int(threads), -(-na // block)))
    bounds = [k * na // threads // block * block for k in range(threads)] + [na]

    failures: list[BaseException] = []

    def part(k: int) -> None:
        try:
            kernel.add_landscape(p, q, y_t, c_t, one, bounds[k], bounds[k + 1], total,
                                 np.empty((block, nb), dtype=dtype), np.empty((block, nb)))
        except BaseException as error:  # noqa: BLE001 - raised again on the calling thread
            failures.append(error)
    # Threads of this call's own, ended before it returns (they take a tenth of a
    # millisecond to start, against the milliseconds of their share; they inherit the
    # calling thread's priority).
    helpers = [threading.Thread(target=part, args=(k,), name=f"landscape-{k}", daemon=True)
               for k in range(1, threads)]
    for helper in helpers:
        helper.start()
    part(0)
    for helper in helpers:
        helper.join()
    if failures:
        raise failures[0]


def sample_rows(rows: np.ndarray) -> tuple[np.ndarray, bool]:
    """At most :data:`MAX_ROWS` of the row indices ``rows``, evenly spread, and whether it
    is a sample (chosen before any row is copied: a big table is never copied whole)."""
    n = rows.shape[0]
    if n <= MAX_ROWS:
        return rows, False
    return rows[even_indices(n, MAX_ROWS)], True


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
