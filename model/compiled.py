"""The compiled training loop: the same steps as :class:`model.neuron.Neuron`, fast.

Importing this module imports numba and llvmlite (about half a second), so nothing imports
it directly: :mod:`model.kernel` loads it on first use, on whichever thread asks first (the
window's worker thread, as the window opens).

numba compiles :func:`train_chunk` to machine code on first use and keeps the result on
disk (``cache=True``), so only the very first start of the program pays for the compile;
``nogil=True`` lets a worker thread run it while the GUI thread stays free.

``exp`` and the dot product go through NumPy's own routines (see
:mod:`model.numpy_primitives`) so that every number equals what the note's NumPy code
computes, to the last bit.  A short row's dot product is done inline instead of calling
the BLAS, but only where the BLAS's ``ddot`` was found, on thousands of rows picked to
tell the ways apart, to add the products in that very order (:func:`dot_form`).
"""
from __future__ import annotations

import math
import threading

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from . import numpy_primitives
from .kernel import (  # defined once
    CHECKPOINT_DUE,
    LANDSCAPE_CELLS,
    NONFINITE_ERROR,
    NONFINITE_STEP,
    OK,
)

# Slots of the ``prims`` array handed to the kernel: NumPy's routines
# (:func:`model.numpy_primitives.addresses`), then how ``ddot`` adds short rows.
_EXP_LOOP, _EXP_DATA, _DDOT, _EXP_CONTEXT, _DOT_FORM, _DOT_FORM_MAX = 0, 1, 2, 3, 4, 5

# How ddot adds up a short row, when it is one of these: ``s = 0.0`` then, column after
# column, ``s = s + x_j * w_j`` (UNFUSED) or ``s = fma(x_j, w_j, s)`` (FUSED).
_CALL, _UNFUSED, _FUSED = 0, 1, 2

#: Rows with at most this many features are the ones whose dot product may be done
#: inline (OpenBLAS's x86 kernels add fewer than 16 numbers one at a time).
INLINE_DOT_MAX = 8


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


@intrinsic
def _fma(typingctx, a, b, c):
    """``a * b + c`` rounded once (IEEE fused multiply-add), as an FMA instruction does."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, values):
        return builder.fma(*values)

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
def _dot_form_for(prims, d):
    """How :func:`_neg_z_into` computes a row of ``d`` numbers: ``_CALL`` (ddot, or the plain
    loop without it) or the inline form ddot was found to use.  Read once per call of the
    loops, not per row: read per row, it cost several times the dot product itself."""
    if prims[_DDOT] != 0 and d <= prims[_DOT_FORM_MAX]:
        return prims[_DOT_FORM]
    return _CALL


@njit(nogil=True, cache=True)
def _neg_z_into(prims, form, x, lo, n, w, b, neg_z):
    """``neg_z[r] = -(np.dot(x[lo + r], w) + b)`` for ``r < n``; ``form`` from
    :func:`_dot_form_for`.

    A block of rows at a time: a call per row (with arrays for arguments) would cost more
    than the dot product.  And a call into the BLAS costs several times the few
    multiplications of a short row, so where ddot is known to add them in one of the two
    plain orders they are done here."""
    d = w.shape[0]
    if form == _FUSED:
        for r in range(n):
            z = 0.0
            for j in range(d):
                z = _fma(x[lo + r, j], w[j], z)
            neg_z[r] = -(z + b)
    elif form == _UNFUSED or prims[_DDOT] == 0:
        for r in range(n):
            z = 0.0
            for j in range(d):
                z = z + x[lo + r, j] * w[j]
            neg_z[r] = -(z + b)
    else:
        ddot, xp, wp = prims[_DDOT], x.ctypes.data, w.ctypes.data
        for r in range(n):
            neg_z[r] = -(_call_ddot(ddot, d, xp + (lo + r) * d * 8, wp) + b)


# _NO_CHECKS: the sums compile with NumPy's error model, in which ``1.0 / (1.0 + e)`` is a
# plain division rather than one that first checks for zero (so it is done several rows at
# a time): ``e`` is an ``exp``, so ``1.0 + e`` is at least 1 (or NaN), never zero, and the
# numbers are the same.

#: Rows whose terms are computed at a time: their scratch stays in the core's own cache,
#: where a pass over arrays as long as the table would be held up by memory.
BLOCK_ROWS = 1024


# Inlined: a call boundary would cost the small tables' checkpoints a few hundred ns.
@njit(nogil=True, cache=True, inline="always")
def _add_squared_errors(prims, x, y, w, b, lo, hi, total, neg_z, e, loop_args, loop_dims, loop_steps):
    """``total`` plus the squared errors of rows ``lo`` to ``hi``, added one row at a time
    (``neg_z`` and ``e``: scratch of ``min(hi - lo, BLOCK_ROWS)`` rows or more)."""
    form = _dot_form_for(prims, w.shape[0])
    for start in range(lo, hi, BLOCK_ROWS):
        n = min(BLOCK_ROWS, hi - start)
        _neg_z_into(prims, form, x, start, n, w, b, neg_z)
        _exp_into(prims, neg_z, e, n, loop_args, loop_dims, loop_steps)
        for r in range(n):
            diff = 1.0 / (1.0 + e[r]) - y[start + r]
            total = total + diff * diff
    return total


@njit(nogil=True, cache=True, error_model="numpy")  # see _NO_CHECKS
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
    form = _dot_form_for(prims, w.shape[0])
    _neg_z_into(prims, form, x, lo, n, w, b, neg_z)
    _exp_into(prims, neg_z, out, n, loop_args, loop_dims, loop_steps)
    for r in range(n):
        diff = 1.0 / (1.0 + out[r]) - y[lo + r]
        out[r] = diff * diff


@njit(nogil=True, cache=True, error_model="numpy")  # see _NO_CHECKS
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


@njit(nogil=True, cache=True, error_model="numpy")  # see _NO_CHECKS
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
    form = _dot_form_for(prims, d)
    for s in range(indices.shape[0]):
        k = indices[s]
        # The row's dot product as _neg_z_into does it, written out: a call per step
        # would cost a fifth of the step.
        z = 0.0
        if form == _FUSED:
            for j in range(d):
                z = _fma(x[k, j], w[j], z)
        elif form == _UNFUSED or prims[_DDOT] == 0:
            for j in range(d):
                z = z + x[k, j] * w[j]
        else:
            z = _call_ddot(prims[_DDOT], d, x.ctypes.data + k * d * 8, w.ctypes.data)
        neg_z[0] = -(z + bias)
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


# -- the error landscape (model/landscape.py) ----------------------------------------------
# A landscape is the error summed over rows at every cell of a grid of two parameters:
# ``z = base + a * xa + b * xb``, with ``a`` taking the grid's values across and ``b`` up.
# ``exp(-z)`` is then a product ``p * q`` of a factor for the row and column and one for
# the row and the cell's row of the grid, so a grid of n x n cells over m rows needs only
# 2 n m exponentials (:func:`exp_table`) and, per cell and row, a multiplication and a
# division (:func:`add_landscape`).  Neither is a training number: the picture's
# precision is the tables' (see :func:`model.landscape.error_grid`).

#: Rows whose terms are summed in the tables' own precision before they are added to the
#: double-precision totals (in single precision, 32 terms lose at most 32 roundings).
LANDSCAPE_ROWS = 32


@njit(nogil=True, cache=True)
def exp_table(start, step, out):
    """``out[i, j] = exp(start[i] + j * step[i])``, by repeated multiplication in double
    precision (a few hundred roundings: far below single precision's one) and stored in
    ``out``'s own type.  The caller keeps every exponent in range, so no power overflows."""
    for i in range(out.shape[0]):
        v = math.exp(start[i])
        r = math.exp(step[i])
        for j in range(out.shape[1]):
            out[i, j] = v
            v *= r


# fastmath: the sums below may be reassociated and divided by a reciprocal (several cells
# at a time); every number in them is finite and positive by construction (see exp_table).
@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def add_landscape(p, q, y, c, one, lo, hi, out, part, acc):
    """``out[j, k] +=`` the sum over rows ``i`` of ``((c[i] - y[i] * u) / (1 + u))**2``
    with ``u = p[i, j] * q[i, k]``, for ``lo <= j < hi`` and every ``k``.

    That term is ``(1 / (1 + u) - y)**2`` with ``c = 1 - y`` (the squared error of a row
    where ``u = exp(-z)``), written so that it keeps its digits when the neuron is nearly
    right (``1 / (1 + u)`` rounds to 1 there, and its difference from 1 is lost).
    ``part`` and ``acc`` are scratch of ``LANDSCAPE_CELLS`` rows of ``q.shape[1]``, in
    the tables' type and in double precision."""
    n = p.shape[0]
    width = q.shape[1]
    for j0 in range(lo, hi, LANDSCAPE_CELLS):
        cells = min(LANDSCAPE_CELLS, hi - j0)
        acc[:cells] = 0.0
        for i0 in range(0, n, LANDSCAPE_ROWS):
            part[:cells] = 0.0
            for i in range(i0, min(i0 + LANDSCAPE_ROWS, n)):
                yi = y[i]
                ci = c[i]
                qi = q[i]
                for jj in range(cells):
                    pij = p[i, j0 + jj]
                    row = part[jj]
                    for k in range(width):
                        u = pij * qi[k]
                        t = (ci - yi * u) / (one + u)
                        row[k] += t * t
            for jj in range(cells):
                for k in range(width):
                    acc[jj, k] += part[jj, k]
        for jj in range(cells):
            for k in range(width):
                out[j0 + jj, k] += acc[jj, k]


@njit(nogil=True, cache=True)
def _dot_form_agrees(ddot, form, x, w):
    """True if ddot at address ``ddot`` gives, for every row of ``x`` and ``w`` (float64,
    C-contiguous, as many columns), the inline sum of that ``form``, bit for bit.

    Zeros are compared without their sign: a dot product only ever reaches
    ``exp(-(z + b))``, where ``+0`` and ``-0`` give the same ``1``."""
    d = x.shape[1]
    got = np.empty(1)
    for r in range(x.shape[0]):
        want = -(_call_ddot(ddot, d, x.ctypes.data + r * d * 8, w.ctypes.data + r * d * 8) + 0.0)
        _neg_z_into(_NO_BLAS, form, x, r, 1, w[r], 0.0, got)
        if not (got[0] == want or (got[0] != got[0] and want != want)):
            return False
    return True


_NO_BLAS = np.zeros(_DOT_FORM_MAX + 1, dtype=np.int64)


def _dot_samples(d: int, rs: np.random.RandomState, n: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Rows on which the ways of adding ``d`` products disagree often: scales far apart,
    sums that nearly cancel (where fusing shows in every bit), and non-finite numbers."""
    x = rs.randn(n, d) * 2.0 ** rs.randint(-40, 40, (n, d))
    w = rs.randn(n, d) * 2.0 ** rs.randint(-40, 40, (n, d))
    if d > 1:
        near = slice(0, n // 2)
        partial = (x[near, :-1] * w[near, :-1]).sum(axis=1)
        x[near, -1] = -partial / w[near, -1] * (1 + rs.randn(n // 2) * 1e-12)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1e308, -1e308, 1e-300])
    x[-64:] = rs.choice(special, (64, d))
    w[-32:] = rs.choice(special, (32, d))
    return np.ascontiguousarray(x), np.ascontiguousarray(w)


def dot_form(ddot: int) -> tuple[int, int]:
    """How ddot at address ``ddot`` adds short rows: ``(form, largest d)``, where every row of
    1 to ``largest d`` numbers gave the inline sum of that form, bit for bit, on thousands of
    samples; ``(_CALL, 0)`` when neither form matches (ddot is then always called)."""
    if ddot == 0:
        return _CALL, 0
    rs = np.random.RandomState(20260102)
    samples = [_dot_samples(d, rs) for d in range(1, INLINE_DOT_MAX + 1)]
    best = (_CALL, 0)
    with np.errstate(all="ignore"):
        for form in (_FUSED, _UNFUSED):
            largest = 0
            for x, w in samples:
                if not _dot_form_agrees(ddot, form, x, w):
                    break
                largest = x.shape[1]
            if largest > best[1]:
                best = (form, largest)
    return best


_lock = threading.Lock()
_prims: tuple[np.ndarray, np.ndarray] | None = None  # NumPy's addresses, and with the form


def primitives() -> np.ndarray:
    """The addresses the kernel calls and how ddot adds short rows (found and checked once
    per process)."""
    global _prims
    base = numpy_primitives.addresses()
    with _lock:
        if _prims is None or _prims[0] is not base:
            form, largest = dot_form(int(base[_DDOT]))
            _prims = (base, np.concatenate([base, np.array([form, largest], dtype=np.int64)]))
        return _prims[1]


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
