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
from .kernel import NONFINITE_ERROR, NONFINITE_STEP, OK  # the status codes, defined once

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


@njit(nogil=True, cache=True)
def _squared_error(prims, x, y, w, b, neg_z, e, loop_args, loop_dims, loop_steps):
    """Sum over the rows of ``(sigmoid(x . w + b) - y)**2``, added one row at a time."""
    n = x.shape[0]
    for r in range(n):
        neg_z[r] = -(_dot_row(prims, x, r, w) + b)
    _exp_into(prims, neg_z, e, n, loop_args, loop_dims, loop_steps)
    total = 0.0
    for r in range(n):
        diff = 1.0 / (1.0 + e[r]) - y[r]
        total = total + diff * diff
    return total


@njit(nogil=True, cache=True)
def train_chunk(
    prims, x, y, test_x, test_y, w, b, alpha, indices, start, every, out_iter, out_train, out_test
):
    """Run one step per entry of ``indices``, numbered from ``start``.

    ``w`` (the weights) and ``b`` (a one-element array holding the bias) are updated in
    place.  After each step whose number is a multiple of ``every`` the summed squared
    errors of the training and the held-out rows are written to the next slots of
    ``out_iter``, ``out_train`` and ``out_test``.

    Returns ``(steps_done, checkpoints_written, status)``.  A step that would make a
    parameter non-finite is not applied; a checkpoint whose error is not finite is not
    written; either ends the chunk with its status code.
    """
    d = w.shape[0]
    new_w = np.empty(d)
    loop_args = np.empty(2, dtype=np.intp)
    loop_dims = np.empty(1, dtype=np.intp)
    loop_steps = np.full(2, 8, dtype=np.intp)
    rows = max(x.shape[0], test_x.shape[0], 1)
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
            n_out += 1
    b[0] = bias
    return indices.shape[0], n_out, OK


def primitives() -> np.ndarray:
    """The addresses the kernel calls (found and checked once per process)."""
    return numpy_primitives.addresses()


def warm_up() -> None:
    """Compile (or load from the disk cache) the kernel with the types training uses."""
    # The same array types (writable, C-contiguous float64; int64 indices) as a real
    # run, so that this and the run share one compiled specialisation.
    x, y = np.zeros((2, 1)), np.zeros(2)
    test_x, test_y = np.zeros((0, 1)), np.zeros(0)
    out_iter, out_train, out_test = np.empty(1, dtype=np.int64), np.empty(1), np.empty(1)
    indices = np.zeros(1, dtype=np.int64)
    train_chunk(
        primitives(), x, y, test_x, test_y, np.zeros(1), np.zeros(1), 0.1, indices, 0, 1,
        out_iter, out_train, out_test,
    )
