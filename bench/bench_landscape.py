"""The error landscape's cost: a grid of the error over two parameters, off the GUI thread.

Times :func:`model.landscape.error_grid` (tables of exponentials, then a compiled sum on
every core) against the plainest NumPy evaluation (``1 / (1 + exp(-z))`` for every cell and
row) in the same run, for the issue's 200 × 200 grid over a 10,000-row table (goal: at most
100 ms on 2 cores) and for what the window draws (128 × 128 over at most 10,000 rows, and
the note's 8 rows), in its usual precision and with ``precise=True``, and prints how far
each is from NumPy's values (the usual one promises a few parts in a million).

    python bench/bench_landscape.py
"""
from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from main import configure_process  # noqa: E402

configure_process()  # as the program does, before NumPy loads

import numpy as np  # noqa: E402

from machine import describe  # noqa: E402
from model.landscape import Grid, error_grid  # noqa: E402


def plain(x: np.ndarray, y: np.ndarray, grid: Grid) -> np.ndarray:
    """Every cell against every row at once (as much memory as cells × rows)."""
    a, b = grid.centres()
    params = np.array(grid.params, dtype=np.float64)
    total = np.zeros((a.size, b.size))
    for i, value in enumerate(a):  # one row of cells at a time, to fit in memory
        p = np.repeat(params[None, :], b.size, axis=0)
        p[:, grid.across], p[:, grid.up] = value, b
        z = x @ p[:, :-1].T + p[:, -1]
        total[i] = np.square(1 / (1 + np.exp(-z)) - y[:, None]).sum(axis=0)
    return total


def timed(function, *args, repeats: int = 5) -> tuple[float, np.ndarray]:
    function(*args)  # numba's import and the compiled code's loading are not the grid's cost
    best, result = np.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    print(describe())
    rng = np.random.default_rng(0)
    for rows, resolution in ((10_000, 200), (10_000, 128), (8, 128)):
        x = rng.normal(size=(rows, 2))
        y = (x[:, 0] + x[:, 1] > 0).astype(float)
        grid = Grid(0, 1, (-3.0, 3.0), (-3.0, 3.0), np.array([0.5, -0.5, 0.1]), resolution)
        reference, expected = timed(plain, x, y, grid)
        goal = " (goal: at most 100 ms)" if resolution == 200 else ""
        print(f"{resolution} x {resolution} cells over {rows:,} rows: plain NumPy "
              f"{reference * 1000:.1f} ms")
        for precise in (False, True):
            ours, values = timed(partial(error_grid, x, y, grid, precise=precise))
            apart = float(np.max(np.abs(values - expected) / expected))
            print(f"  {'precise' if precise else 'usual  '}  {ours * 1000:7.1f} ms = "
                  f"{ours / reference:5.3f} x NumPy{goal if not precise else ''}; "
                  f"largest relative difference {apart:.1e}")


if __name__ == "__main__":
    main()
