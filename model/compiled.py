"""The compiled training loop: the same steps as :class:`model.neuron.Neuron`, fast.

Importing this module imports numba and llvmlite (about half a second), so nothing imports
it directly: :mod:`model.kernel` loads it on first use, on whichever thread asks first (the
window's worker thread, as the window opens).

numba compiles :func:`train_chunk` to machine code on first use and keeps the result on
disk (``cache=True``), so only the very first start of the program pays for the compile;
``nogil=True`` lets a worker thread run it while the GUI thread stays free.

``exp`` and the dot product go through NumPy's own routines (see
:mod:`model.numpy_primitives`) so that every number equals what the note's NumPy code
computes, to the last bit.
"""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from . import numpy_primitives
from .kernel import CHECKPOINT_DUE, NONFINITE_ERROR, NONFINITE_STEP, OK  # defined once

# Slots of the ``prims`` array handed to the kernel.
_EXP_LOOP, _EXP_DATA, _DDOT, _EXP_CONTEXT = 0, 1, 2, 3


@intrinsic
def _call_ufunc_loop(typingctx, loop, context, args, dims, steps, auxdata):
    """Call a NumPy strided loop ``int loop(PyArrayMethod_Context *context, char *const *args,
    const npy_intp *dims, const npy_intp *steps, NpyAuxData *auxdata)``; returns its status."""
    sig = types.int32(types.intp, types.intp, types.intp, types.intp, types.intp, types.intp)

    def codegen(context_, builder, signature, values):
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.IntType(32), [i8p, i8p, i8p, i8p, i8p])
        fn = builder.inttoptr(values[0], fnty.as_pointer())
        return builder.call(fn, [builder.inttoptr(v, i8p) for v in values[1:]])

    return sig, codegen


@intrinsic
def _call_ddot(typingctx, fn, n, x, y):
    """Call ``cblas_ddot(n, x, 1, y, 1)`` (64-bit integers) at address ``fn``."""
    sig = types.float64(types.intp, types.intp, types.intp, types.intp)

    def codegen(context, builder, signature, values):
        i64, dbl = ir.IntType(64), ir.DoubleType()
        dp = dbl.as_pointer()
        fnty = ir.FunctionType(dbl, [i64, dp, i64, dp, i64])
        f = builder.inttoptr(values[0], fnty.as_pointer())
        one = ir.Constant(i64, 1)
        return builder.call(
            f, [values[1], builder.inttoptr(values[2], dp), one, builder.inttoptr(values[3], dp), one]
        )

    return sig, codegen


@njit(nogil=True, cache=True)
def _exp_into(prims, src, dst, n, loop_args, loop_dims, loop_steps):
    """``dst[:n] = exp(src[:n])`` with NumPy's strided loop (or math.exp without it)."""
    if prims[_EXP_LOOP] != 0:
        loop_args[0] = src.ctypes.data
        loop_args[1] = dst.ctypes.data
        loop_dims[0] = n
        # The status is not read: a float64 exp loop cannot fail (overflow is a value).
        _call_ufunc_loop(
            prims[_EXP_LOOP], prims[_EXP_CONTEXT], loop_args.ctypes.data, loop_dims.ctypes.data,
            loop_steps.ctypes.data, prims[_EXP_DATA],
        )
    else:
        for r in range(n):
            dst[r] = math.exp(src[r])


@njit(nogil=True, cache=True)
def _dot_row(prims, x, row, w):
    """``np.dot(x[row], w)``."""
    d = w.shape[0]
    if prims[_DDOT] != 0:
        return _call_ddot(prims[_DDOT], d, x.ctypes.data + row * d * 8, w.ctypes.data)
    z = 0.0
    for j in range(d):
        z += x[row, j] * w[j]
    return z


#: Rows whose terms are computed at a time: their scratch stays in the core's own cache,
#: where a pass over arrays as long as the table would be held up by memory.
BLOCK_ROWS = 1024


# Inlined: a call boundary would cost the small tables' checkpoints a few hundred ns.
@njit(nogil=True, cache=True, inline="always")
def _add_squared_errors(prims, x, y, w, b, lo, hi, total, neg_z, e, loop_args, loop_dims, loop_steps):
    """``total`` plus the squared errors of rows ``lo`` to ``hi``, added one row at a time
    (``neg_z`` and ``e``: scratch of ``min(hi - lo, BLOCK_ROWS)`` rows or more)."""
    for start in range(lo, hi, BLOCK_ROWS):
        n = min(BLOCK_ROWS, hi - start)
        for r in range(n):
            neg_z[r] = -(_dot_row(prims, x, start + r, w) + b)
        _exp_into(prims, neg_z, e, n, loop_args, loop_dims, loop_steps)
        for r in range(n):
            diff = 1.0 / (1.0 + e[r]) - y[start + r]
            total = total + diff * diff
    return total


@njit(nogil=True, cache=True)
def _squared_error(prims, x, y, w, b, neg_z, e, loop_args, loop_dims, loop_steps):
    """Sum over the rows of ``(sigmoid(x . w + b) - y)**2``, added one row at a time."""
    return _add_squared_errors(
        prims, x, y, w, b, 0, x.shape[0], 0.0, neg_z, e, loop_args, loop_dims, loop_steps
    )


# The same sum split in two, for large tables (model/row_errors.py): each row's term
# depends on that row alone, so blocks of rows are done on several threads
# (:func:`row_terms`), and only the sum, whose order the note fixes, is left to one
# (:func:`add_squared_errors` for its own rows, :func:`add_in_order` for the others').
@njit(nogil=True, cache=True, inline="always")
def _block_terms(prims, x, y, w, b, lo, hi, neg_z, out, loop_args, loop_dims, loop_steps):
    """``out[r - lo]`` = the squared error of row ``r``, for ``lo <= r < hi``: the very
    terms :func:`_add_squared_errors` adds."""
    n = hi - lo
    for r in range(n):
        neg_z[r] = -(_dot_row(prims, x, lo + r, w) + b)
    _exp_into(prims, neg_z, out, n, loop_args, loop_dims, loop_steps)
    for r in range(n):
        diff = 1.0 / (1.0 + out[r]) - y[lo + r]
        out[r] = diff * diff


@njit(nogil=True, cache=True)
def row_terms(prims, x, y, w, b, lo, hi, terms):
    """``terms[r]`` = the squared error of row ``r``, for ``lo <= r < hi``."""
    loop_args = np.empty(2, dtype=np.intp)
    loop_dims = np.empty(1, dtype=np.intp)
    loop_steps = np.full(2, 8, dtype=np.intp)
    neg_z = np.empty(BLOCK_ROWS)
    for start in range(lo, hi, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, hi)
        _block_terms(prims, x, y, w, b, start, stop, neg_z, terms[start:stop],
                     loop_args, loop_dims, loop_steps)


@njit(nogil=True, cache=True)
def add_in_order(total, terms, lo, hi):
    """``total + terms[lo] + terms[lo + 1] + ...``, one addition at a time, left to right."""
    for r in range(lo, hi):
        total = total + terms[r]
    return total


@njit(nogil=True, cache=True)
def add_squared_errors(prims, x, y, w, b, lo, hi, total):
    """``total`` plus the squared errors of rows ``lo`` to ``hi``, in row order."""
    loop_args = np.empty(2, dtype=np.intp)
    loop_dims = np.empty(1, dtype=np.intp)
    loop_steps = np.full(2, 8, dtype=np.intp)
    neg_z, e = np.empty(BLOCK_ROWS), np.empty(BLOCK_ROWS)
    return _add_squared_errors(
        prims, x, y, w, b, lo, hi, total, neg_z, e, loop_args, loop_dims, loop_steps
    )


@njit(nogil=True, cache=True)
def train_chunk(
    prims, x, y, test_x, test_y, w, b, alpha, indices, start, every, out_iter, out_train, out_test,
    out_params, pause_at_checkpoints=False,
):
    """Run one step per entry of ``indices``, numbered from ``start``.

    ``w`` (the weights) and ``b`` (a one-element array holding the bias) are updated in
    place.  After each step whose number is a multiple of ``every`` the summed squared
    errors of the training and the held-out rows are written to the next slots of
    ``out_iter``, ``out_train`` and ``out_test``, and the weights then the bias right after
    that step's update to the next row of ``out_params`` (``d + 1`` columns).

    Returns ``(steps_done, checkpoints_written, status)``.  A step that would make a
    parameter non-finite is not applied; a checkpoint whose error is not finite is not
    written; either ends the chunk with its status code.

    With ``pause_at_checkpoints`` the chunk ends right after a checkpoint's step, with
    status ``CHECKPOINT_DUE`` and nothing written: the caller computes that checkpoint's
    errors (over a large table, on every core: :mod:`model.row_errors`) and calls again
    with the rest of ``indices``.
    """
    d = w.shape[0]
    new_w = np.empty(d)
    loop_args = np.empty(2, dtype=np.intp)
    loop_dims = np.empty(1, dtype=np.intp)
    loop_steps = np.full(2, 8, dtype=np.intp)
    rows = 1 if pause_at_checkpoints else min(max(x.shape[0], test_x.shape[0], 1), BLOCK_ROWS)
    neg_z = np.empty(rows)
    e = np.empty(rows)
    n_out = 0
    bias = b[0]
    for s in range(indices.shape[0]):
        k = indices[s]
        neg_z[0] = -(_dot_row(prims, x, k, w) + bias)
        _exp_into(prims, neg_z, e, 1, loop_args, loop_dims, loop_steps)
        p = 1.0 / (1.0 + e[0])
        # The chain rule: dE/dp = 2 (p - y), dp/dz = p (1 - p), dz/db = 1, dz/dw = x.
        g = (2.0 * (p - y[k])) * (p * (1.0 - p))
        new_b = bias - g * alpha
        finite = math.isfinite(new_b)
        for j in range(d):
            new_w[j] = w[j] - (g * x[k, j]) * alpha
            finite = finite and math.isfinite(new_w[j])
        if not finite:
            b[0] = bias
            return s, n_out, NONFINITE_STEP
        bias = new_b
        for j in range(d):
            w[j] = new_w[j]
        i = start + s
        if i % every == 0:
            if pause_at_checkpoints:
                b[0] = bias
                return s + 1, n_out, CHECKPOINT_DUE
            train_error = _squared_error(prims, x, y, w, bias, neg_z, e, loop_args, loop_dims, loop_steps)
            test_error = _squared_error(
                prims, test_x, test_y, w, bias, neg_z, e, loop_args, loop_dims, loop_steps
            )
            if not (math.isfinite(train_error) and math.isfinite(test_error)):
                b[0] = bias
                return s + 1, n_out, NONFINITE_ERROR
            out_iter[n_out] = i
            out_train[n_out] = train_error
            out_test[n_out] = test_error
            for j in range(d):
                out_params[n_out, j] = w[j]
            out_params[n_out, d] = bias
            n_out += 1
    b[0] = bias
    return indices.shape[0], n_out, OK


def primitives() -> np.ndarray:
    """The addresses the kernel calls (found and checked once per process)."""
    return numpy_primitives.addresses()


def warm_up() -> None:
    """Compile (or load from the disk cache) the kernel with the types training uses,
    and the functions that sum large tables' errors on every core."""
    # The same array types (writable, C-contiguous float64; int64 indices) as a real
    # run, so that this and the run share one compiled specialisation.
    x, y = np.zeros((2, 1)), np.zeros(2)
    test_x, test_y = np.zeros((0, 1)), np.zeros(0)
    out_iter, out_train, out_test = np.empty(1, dtype=np.int64), np.empty(1), np.empty(1)
    out_params = np.empty((1, 2))
    indices = np.zeros(1, dtype=np.int64)
    for pause in (False, True):
        train_chunk(
            primitives(), x, y, test_x, test_y, np.zeros(1), np.zeros(1), 0.1, indices, 0, 1,
            out_iter, out_train, out_test, out_params, pause,
        )
    terms = np.empty(2)
    row_terms(primitives(), x, y, np.zeros(1), 0.0, 0, 2, terms)
    add_in_order(add_squared_errors(primitives(), x, y, np.zeros(1), 0.0, 0, 1, 0.0), terms, 1, 2)
