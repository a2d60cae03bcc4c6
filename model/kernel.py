"""The compiled training loop, loaded on first use.

The loop itself is in :mod:`model.compiled`; importing that module imports numba and
llvmlite, which takes about half a second.  This module is what the rest of the program
imports: it is cheap, and it loads the compiled loop only when a chunk is trained or
:func:`warm_up` is called.  So ``import model`` (and the window's GUI thread) never waits
for numba: the window's worker thread calls :func:`warm_up` as the window opens.
"""
from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

#: Status codes returned by :func:`train_chunk`.
OK = 0
NONFINITE_ERROR = 1  # a checkpoint's error came out NaN or infinite
NONFINITE_STEP = 2  # the update would have made a weight or the bias NaN or infinite
CHECKPOINT_DUE = 3  # (pausing) a checkpoint's step is done; its errors are the caller's to add

#: A landscape's cells are summed this many rows of cells (values across) at a time, each
#: block by one thread: their totals stay in the core's own cache.
LANDSCAPE_CELLS = 16

_compiled: ModuleType | None = None


def _load() -> ModuleType:
    global _compiled
    if _compiled is None:
        _compiled = importlib.import_module(".compiled", __package__)
    return _compiled


def train_chunk(prims, x, y, test_x, test_y, w, b, alpha, indices, start, every,
                out_iter, out_train, out_test, out_params,
                pause_at_checkpoints=False) -> tuple[int, int, int]:
    """One chunk of training: see :func:`model.compiled.train_chunk`."""
    return _load().train_chunk(prims, x, y, test_x, test_y, w, b, alpha, indices, start, every,
                               out_iter, out_train, out_test, out_params, pause_at_checkpoints)


def row_terms(prims, x, y, w, b, lo, hi, terms) -> None:
    """Each row's squared error: see :func:`model.compiled.row_terms`."""
    _load().row_terms(prims, x, y, w, b, lo, hi, terms)


def add_in_order(total, terms, lo, hi) -> float:
    return _load().add_in_order(total, terms, lo, hi)


def add_squared_errors(prims, x, y, w, b, lo, hi, total) -> float:
    return _load().add_squared_errors(prims, x, y, w, b, lo, hi, total)


def exp_table(start, step, out) -> None:
    """A landscape's table of exponentials: see :func:`model.compiled.exp_table`."""
    _load().exp_table(start, step, out)


def add_landscape(p, q, y, c, one, lo, hi, out, part, acc) -> None:
    """A landscape's sums: see :func:`model.compiled.add_landscape`."""
    _load().add_landscape(p, q, y, c, one, lo, hi, out, part, acc)


def primitives() -> np.ndarray:
    """The addresses of NumPy's routines that the kernel calls (found once per process)."""
    return _load().primitives()


def warm_up() -> None:
    """Import numba and compile (or load from the disk cache) the kernel, once."""
    _load().warm_up()


def is_loaded() -> bool:
    """True once the compiled loop has been imported in this process."""
    return _compiled is not None
