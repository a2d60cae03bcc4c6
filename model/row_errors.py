"""A checkpoint's error over many rows, on every core, bit for bit the sequential sum.

The error is ``sum over rows of (sigmoid(x_r . w + b) - y_r)**2``, added one row at a
time in row order, as the note's loop adds it.  Each row's term depends on that row
alone, so the terms are computed in blocks on several threads (each row's
``-(x_r . w + b)`` as NumPy's ``ddot`` computes it, then NumPy's ``exp`` loop over the
block, then ``diff * diff``, exactly as :func:`model.kernel._squared_error` does); only the sum
has an order, and it is done on the calling thread, block after block in row order, so
the total is the very number a single loop gives.

The helpers are plain Python threads running nogil compiled code, rather than numba's
``parallel=True``: the threading layer numba picks differs between machines (its
``workqueue`` layer aborts the process when two threads launch parallel code at once,
GNU OpenMP does not survive a ``fork``), and the calling thread here computes the first
block and then sums while the helpers finish theirs, which a ``prange`` cannot express.
A :class:`RowErrors` owns its threads and closes them when its run ends.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import kernel

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: Tables with fewer rows than this have their error summed by the kernel itself, on
#: one thread: below it, handing blocks to other threads costs about what it saves
#: (on 2 cores, 16,384 rows took longer on both than on one; 32,768 took 0.8 of the time:
#: ``bench/bench_scale.py`` prints where it pays on the machine it runs on).
#: Tests lower it, or raise it out of reach.
PARALLEL_MIN_ROWS = 32_768

#: No block smaller than this is handed to a thread of its own.
MIN_BLOCK_ROWS = 8_192


@lru_cache(maxsize=1)
def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def threads_for(rows: int) -> int:
    """How many threads a checkpoint over ``rows`` rows is worth (1: the kernel's own loop)."""
    if rows < PARALLEL_MIN_ROWS:
        return 1
    return max(1, min(cores(), rows // MIN_BLOCK_ROWS))


class RowErrors:
    """Computes checkpoint errors over large tables for one run, on ``threads`` threads.

    The calling thread is one of them: it sums the first block as it computes it, then
    adds the helpers' blocks in order.  The helpers are started on the first pass that
    needs them and stopped by :meth:`close` (or on leaving a ``with`` block).  The array
    the helpers write their terms into is kept between passes, so that a pass does not
    pay for fresh memory pages each time.
    """

    def __init__(self, threads: int | None = None):
        self.threads = cores() if threads is None else max(1, int(threads))
        self._pool: ThreadPoolExecutor | None = None
        self._terms = np.empty(0)

    def __enter__(self) -> RowErrors:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the helper threads (a later pass starts them again)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def squared_error(self, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
                      parts: int | None = None) -> float:
        """The summed squared error of the rows of ``x`` (C-contiguous float64) against ``y``.

        ``parts`` blocks (by default as many as :func:`threads_for` finds worthwhile, at
        most :attr:`threads`) are computed at once; the result does not depend on it.
        """
        n = x.shape[0]
        if n == 0:
            return 0.0
        if parts is None:
            parts = min(self.threads, threads_for(n))
        parts = max(1, min(int(parts), n))
        prims = kernel.primitives()
        bounds = [k * n // parts for k in range(parts + 1)]
        pending: list[Future] = []
        if parts > 1:
            # Imported here, not at the top: 2 ms of the window's start-up otherwise.
            from concurrent.futures import ThreadPoolExecutor, wait

            if self._terms.shape[0] < n:
                self._terms = np.empty(n)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=max(1, self.threads - 1),
                                                thread_name_prefix="row-errors")
            pending = [
                self._pool.submit(kernel.row_terms, prims, x, y, w, b, bounds[k], bounds[k + 1],
                                  self._terms)
                for k in range(1, parts)
            ]
        try:
            # The first block's terms are added as they come; the others' once their
            # thread has them, block after block.
            total = kernel.add_squared_errors(prims, x, y, w, b, bounds[0], bounds[1], 0.0)
            for k, job in enumerate(pending, start=1):
                job.result()
                total = kernel.add_in_order(total, self._terms, bounds[k], bounds[k + 1])
        finally:
            if pending:  # never return while a helper still writes into the scratch
                wait(pending)
        return float(total)
