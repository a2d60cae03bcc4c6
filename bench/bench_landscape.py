"""The error landscape's cost: a grid of the error over two parameters, off the GUI thread.

Times :func:`model.landscape.error_grid` (blocks of rows, vectorised over the grid's cells)
against the plainest NumPy evaluation (every cell and row in one array) in the same run, for
the issue's 200 × 200 grid over a 10,000-row table (goal: at most 100 ms on 2 cores) and for
what the window draws (64 × 64 over at most 5,000 rows), and checks the two agree.

    python bench/bench_landscape.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def timed(function, *args, repeats: int = 3) -> tuple[float, np.ndarray]:
    best, result = np.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    print(describe())
    rng = np.random.default_rng(0)
    for rows, resolution in ((10_000, 200), (5_000, 64), (8, 64)):
        x = rng.normal(size=(rows, 2))
        y = (x[:, 0] + x[:, 1] > 0).astype(float)
        grid = Grid(0, 1, (-3.0, 3.0), (-3.0, 3.0), np.array([0.5, -0.5, 0.1]), resolution)
        ours, values = timed(error_grid, x, y, grid)
        reference, expected = timed(plain, x, y, grid)
        same = np.allclose(values, expected, rtol=1e-10)
        goal = " (goal: at most 100 ms)" if resolution == 200 else ""
        print(f"{resolution} x {resolution} cells over {rows:,} rows: {ours * 1000:8.1f} ms, "
              f"plain NumPy {reference * 1000:8.1f} ms = {ours / reference:4.2f} x{goal}; "
              f"agree: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
