"""NumPy's own ``exp`` and ``dot`` for the compiled kernel, so that it matches NumPy bit for bit.

The note's code computes ``np.exp`` and ``np.dot``.  On a CPU with AVX-512 NumPy's ``exp``
is a vectorised routine that differs from the C library's in the last bit for about one
argument in twenty, and ``np.dot`` is OpenBLAS's ``ddot``, which fuses multiply and add.
A kernel that used the C library (as numba does) would drift from the note by a unit in
the last place within a few dozen steps.  So the kernel calls the very same machine code
NumPy calls: the ``exp`` ufunc's float64 inner loop and the ``cblas_ddot`` of the BLAS
that NumPy ships.  Their addresses are found here, each is checked against NumPy on
sample arguments, and the kernel receives them as plain integers (which keeps it
cacheable on disk).  Where either cannot be found, or fails the check, the kernel uses
its own plain code instead, which agrees with NumPy to a few units in the last place.
"""
from __future__ import annotations

import ctypes
import glob
import os
from functools import lru_cache

import numpy as np

# Layout of the start of NumPy's PyUFuncObject (numpy/ufuncobject.h), stable across
# NumPy 1.x and 2.x: PyObject_HEAD; int nin, nout, nargs, identity;
# functions; data; int ntypes, reserved1; name; types.
_PTR = ctypes.sizeof(ctypes.c_void_p)
_HEAD = 2 * _PTR
_OFF_NARGS = _HEAD + 8
_OFF_FUNCTIONS = _HEAD + 16
_OFF_DATA = _OFF_FUNCTIONS + _PTR
_OFF_NTYPES = _OFF_DATA + _PTR
_OFF_NAME = _OFF_NTYPES + 8
_OFF_TYPES = _OFF_NAME + _PTR

#: Set to a non-empty value, the kernel uses its plain code even where NumPy's routines are
#: found: how the tests check the fallback that other platforms get.
PLAIN_SWITCH = "NEURON_LAB_PLAIN_KERNEL"

_DDOT = ctypes.CFUNCTYPE(
    ctypes.c_double, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64
)


def _ufunc_double_loop(ufunc: np.ufunc) -> tuple[int, int]:
    """Address of the float64 -> float64 inner loop of ``ufunc`` and its data pointer."""
    base = id(ufunc)
    name = ctypes.c_char_p(ctypes.c_void_p.from_address(base + _OFF_NAME).value).value
    if name != ufunc.__name__.encode():
        return 0, 0
    nargs = ctypes.c_int.from_address(base + _OFF_NARGS).value
    ntypes = ctypes.c_int.from_address(base + _OFF_NTYPES).value
    if nargs != ufunc.nargs or ntypes != ufunc.ntypes:
        return 0, 0
    codes = ctypes.string_at(ctypes.c_void_p.from_address(base + _OFF_TYPES).value, ntypes * nargs)
    functions = ctypes.c_void_p.from_address(base + _OFF_FUNCTIONS).value
    data = ctypes.c_void_p.from_address(base + _OFF_DATA).value
    double = np.dtype(np.float64).num
    for i in range(ntypes):
        if all(c == double for c in codes[i * nargs : (i + 1) * nargs]):
            loop = ctypes.c_void_p.from_address(functions + i * _PTR).value or 0
            extra = (ctypes.c_void_p.from_address(data + i * _PTR).value or 0) if data else 0
            return loop, extra
    return 0, 0


def _numpy_ddot() -> int:
    """Address of ``cblas_ddot`` in the OpenBLAS that NumPy's wheels bundle (ILP64)."""
    folder = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "libscipy_openblas64_*"))):
        try:
            lib = ctypes.CDLL(path)
            return ctypes.cast(lib.scipy_cblas_ddot64_, ctypes.c_void_p).value or 0
        except (OSError, AttributeError):
            continue
    return 0


def _exp_loop_agrees(loop: int, extra: int, sample: np.ndarray) -> bool:
    out = np.empty_like(sample)
    args = (ctypes.c_void_p * 2)(sample.ctypes.data, out.ctypes.data)
    dims = (ctypes.c_ssize_t * 1)(sample.shape[0])
    steps = (ctypes.c_ssize_t * 2)(8, 8)
    fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(loop)
    fn(args, dims, steps, extra or None)
    with np.errstate(over="ignore", under="ignore"):
        expected = np.exp(sample)
    return bool(np.array_equal(out, expected, equal_nan=True))


def _ddot_agrees(ddot: int, rs: np.random.RandomState) -> bool:
    fn = _DDOT(ddot)
    for d in (1, 2, 3, 5, 8, 17, 40):
        for _ in range(20):
            x, w = rs.randn(d), rs.randn(d)
            if fn(d, x.ctypes.data, 1, w.ctypes.data, 1) != np.dot(x, w):
                return False
    return True


@lru_cache(maxsize=1)
def addresses() -> np.ndarray:
    """``[exp loop, its data, ddot]`` as int64 addresses; 0 where not available.

    Each one found is first checked against NumPy itself on sample arguments.
    """
    if os.environ.get(PLAIN_SWITCH):
        return np.zeros(3, dtype=np.int64)
    rs = np.random.RandomState(20260101)
    sample = np.concatenate([rs.randn(4096) * 8, [0.0, -0.0, 1e-300, 710.0, -746.0, -1e308]])
    loop, extra, ddot = 0, 0, 0
    try:
        loop, extra = _ufunc_double_loop(np.exp)
        if loop and not _exp_loop_agrees(loop, extra, sample):
            loop, extra = 0, 0
    except (ValueError, OSError):
        loop, extra = 0, 0
    try:
        ddot = _numpy_ddot()
        if ddot and not _ddot_agrees(ddot, rs):
            ddot = 0
    except (ValueError, OSError):
        ddot = 0
    return np.array([loop, extra, ddot], dtype=np.int64)


def exact() -> bool:
    """True when the kernel calls both of NumPy's routines, so its numbers are NumPy's own."""
    loop, _, ddot = addresses()
    return bool(loop and ddot)


def describe() -> str:
    """One line saying which of NumPy's routines the kernel uses."""
    loop, _, ddot = addresses()
    if os.environ.get(PLAIN_SWITCH):
        return f"the kernel's plain exp and dot product (asked for by {PLAIN_SWITCH})"
    parts = [
        "NumPy's exp" if loop else "the C library's exp",
        "NumPy's BLAS ddot" if ddot else "a plain dot product",
    ]
    return " and ".join(parts)
