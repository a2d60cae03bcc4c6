"""NumPy's own ``exp`` and ``dot`` for the compiled kernel, so that it matches NumPy bit for bit.

The note's code computes ``np.exp`` and ``np.dot``.  On a CPU with AVX-512 NumPy's ``exp``
is a vectorised routine that differs from the C library's in the last bit for about one
argument in twenty, and ``np.dot`` is the BLAS ``ddot``, which may fuse multiply and add.
A kernel that used the C library (as numba does) would drift from the note by a unit in
the last place within a few dozen steps.  So the kernel calls the very same machine code
NumPy calls:

- ``exp``: the float64 strided loop that NumPy itself hands out through its loop-access
  API (``ufunc._resolve_dtypes_and_context`` and ``ufunc._get_strided_loop``, which return
  a capsule whose name carries the layout's version), never by reading NumPy's structs;
- ``dot``: ``cblas_ddot`` of the BLAS library NumPy loaded, which ``threadpoolctl`` finds,
  used only where its integers are known to be 64 bits wide (the kernel passes 64-bit
  lengths and strides).

Each routine found is checked against NumPy on sample arguments before the kernel gets
its address (a plain integer, which keeps the kernel cacheable on disk).  Where one cannot
be found, or fails the check, the kernel uses its own plain code instead, which agrees
with NumPy to a few units in the last place, and :func:`describe` says why.
"""
from __future__ import annotations

import ctypes
import itertools
import os
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Set to a non-empty value, the kernel uses its plain code even where NumPy's routines are
#: found: how the tests check the fallback that other platforms get.
PLAIN_SWITCH = "NEURON_LAB_PLAIN_KERNEL"

# The capsule NumPy (1.24 and later) hands out; its name changes with its layout, and
# PyCapsule_GetPointer refuses a capsule of another name, so a NumPy whose layout moved
# is refused here instead of being misread.
_CALL_INFO = b"numpy_1.24_ufunc_call_info"


class _CallInfo(ctypes.Structure):
    # The layout documented in ufunc._get_strided_loop's docstring for that capsule name.
    _fields_ = [
        ("strided_loop", ctypes.c_void_p),
        ("context", ctypes.c_void_p),
        ("auxdata", ctypes.c_void_p),
        ("requires_pyapi", ctypes.c_ubyte),
        ("no_floatingpoint_errors", ctypes.c_ubyte),
    ]


# Our own prototype, so that the shared ctypes.pythonapi entry is left as others set it.
_capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi)
)

# int loop(PyArrayMethod_Context *, char *const *data, const npy_intp *dimensions,
#          const npy_intp *strides, NpyAuxData *)
_STRIDED_LOOP = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
)
# double cblas_ddot(int64 n, const double *x, int64 incx, const double *y, int64 incy)
_DDOT = ctypes.CFUNCTYPE(
    ctypes.c_double, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64
)


class Unavailable(Exception):
    """One of NumPy's routines cannot be used by the kernel; the message says why."""


@dataclass(frozen=True)
class ExpLoop:
    """NumPy's float64 ``exp`` strided loop and what it must be called with."""

    loop: int
    context: int
    auxdata: int
    owner: Any  # the capsule, which owns context and auxdata: kept alive with this object


@dataclass(frozen=True)
class Ddot:
    """``cblas_ddot`` with 64-bit integers, in the BLAS library NumPy calls."""

    address: int
    symbol: str
    library: str  # the library's file


@dataclass(frozen=True)
class Found:
    """What the kernel uses, found once per process."""

    plain_requested: bool
    exp: ExpLoop | None
    exp_reason: str | None  # why NumPy's exp is not used, when it is not
    ddot: Ddot | None
    ddot_reason: str | None
    addresses: np.ndarray  # what the kernel receives: see addresses()


# ---- exp ---------------------------------------------------------------------------


def numpy_exp_loop() -> ExpLoop:
    """NumPy's float64 ``exp`` loop, through NumPy's loop-access API; :class:`Unavailable`
    if this NumPy does not hand one out in a form the kernel can call."""
    f64 = np.dtype(np.float64)
    try:
        resolve = np.exp._resolve_dtypes_and_context
        get_loop = np.exp._get_strided_loop
    except AttributeError:
        raise Unavailable(f"NumPy {np.__version__} does not hand out its loops") from None
    try:
        dtypes, capsule = resolve((f64, f64))
        if tuple(dtypes) != (f64, f64):
            raise Unavailable(f"NumPy resolved float64 exp to {dtypes}")
        get_loop(capsule)
        address = _capsule_pointer(capsule, _CALL_INFO)
    except (TypeError, ValueError) as exc:
        # A capsule of another name (another layout) is a ValueError here.
        raise Unavailable(f"NumPy {np.__version__} refused ({exc})") from None
    info = _CallInfo.from_address(address)
    if not info.strided_loop:
        raise Unavailable("NumPy gave no loop")
    if info.requires_pyapi:
        raise Unavailable("its loop needs the Python interpreter, and the kernel runs without it")
    return ExpLoop(info.strided_loop, info.context or 0, info.auxdata or 0, capsule)


def _run_exp_loop(found: ExpLoop, src: np.ndarray) -> np.ndarray:
    out = np.empty_like(src)
    data = (ctypes.c_void_p * 2)(src.ctypes.data, out.ctypes.data)
    dims = (ctypes.c_ssize_t * 1)(src.shape[0])
    strides = (ctypes.c_ssize_t * 2)(8, 8)  # what the kernel passes: contiguous float64
    status = _STRIDED_LOOP(found.loop)(found.context, data, dims, strides, found.auxdata)
    if status != 0:
        raise Unavailable(f"its loop reported failure ({status})")
    return out


def check_exp_loop(found: ExpLoop, sample: np.ndarray) -> None:
    """Raise :class:`Unavailable` unless ``found`` gives ``np.exp``'s bits on ``sample``,
    both over the whole array and one number at a time (as the kernel calls it and as the
    note's code calls ``np.exp``, on one number)."""
    with np.errstate(all="ignore"):
        whole = np.exp(sample)
        singles = [np.exp(np.float64(v)) for v in sample[:512]]
    got = _run_exp_loop(found, sample)
    if not np.array_equal(got, whole, equal_nan=True):
        i = int(np.flatnonzero(got.view(np.int64) != whole.view(np.int64))[0])
        raise Unavailable(f"its loop gave {got[i]!r} for exp({sample[i]!r}), NumPy {whole[i]!r}")
    for v, want in zip(sample[:512], singles):
        one = _run_exp_loop(found, np.array([v]))[0]
        if one != want and not (np.isnan(one) and np.isnan(want)):
            raise Unavailable(f"its loop gave {one!r} for exp({v!r}) alone, NumPy {want!r}")


# ---- ddot --------------------------------------------------------------------------


def _inside_numpy(path: str) -> bool:
    """True for a library that NumPy's own package ships (numpy.libs, numpy/.dylibs, ...)."""
    package = os.path.realpath(os.path.dirname(np.__file__))
    own = (package + os.sep, package + ".libs" + os.sep)
    return os.path.realpath(path).startswith(own)


def numpy_blas() -> dict:
    """threadpoolctl's description of the BLAS library NumPy calls; :class:`Unavailable`
    if there is none it knows, or several and it is unclear which is NumPy's."""
    try:
        import threadpoolctl
    except ImportError:
        raise Unavailable("threadpoolctl, which finds NumPy's BLAS, is not installed") from None
    with warnings.catch_warnings():
        # Its warnings are about thread pools (two OpenMP runtimes, ...), not about which
        # libraries are loaded.
        warnings.simplefilter("ignore")
        blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        raise Unavailable("threadpoolctl found no BLAS library it knows in this process")
    candidates = [i for i in blas if _inside_numpy(i["filepath"])] or blas
    files = sorted({os.path.realpath(i["filepath"]) for i in candidates})
    if len(files) > 1:
        names = ", ".join(os.path.basename(f) for f in files)
        raise Unavailable(f"several BLAS libraries are loaded ({names}) and which one NumPy calls is unclear")
    return candidates[0]


def _openblas_ddot_symbol(lib: ctypes.CDLL) -> str:
    # NumPy >= 2 wheels: scipy_ prefix and 64_ suffix; NumPy 1.26 wheels: 64_ suffix;
    # distributions: neither.  The build's configuration says whether its integers are
    # 64 bits wide, whatever the names.
    for prefix, suffix in itertools.product(("scipy_", ""), ("64_", "_64", "")):
        config = getattr(lib, f"{prefix}openblas_get_config{suffix}", None)
        if config is not None:
            break
    else:
        raise Unavailable("this OpenBLAS has no openblas_get_config, so its integer width is unknown")
    config.restype, config.argtypes = ctypes.c_char_p, []
    if b"USE64BITINT" not in (config() or b"").split():
        raise Unavailable("this OpenBLAS takes 32-bit integers, and the kernel passes 64-bit ones")
    return f"{prefix}cblas_ddot{suffix}"


def numpy_ddot() -> Ddot:
    """``cblas_ddot`` with 64-bit integers in the BLAS NumPy calls; :class:`Unavailable`
    where there is none, or its integer width is not known to be 64 bits."""
    blas = numpy_blas()
    path, api = blas["filepath"], blas.get("internal_api")
    if api not in ("openblas", "mkl"):
        raise Unavailable(f"{api} is not known here to take 64-bit integers in cblas_ddot")
    try:
        lib = ctypes.CDLL(path)  # already loaded by NumPy: this only gets its handle
    except OSError as exc:
        raise Unavailable(f"{os.path.basename(path)} could not be opened ({exc})") from None
    if api == "openblas":
        symbol = _openblas_ddot_symbol(lib)
    elif api == "mkl":
        # MKL's cblas_ddot takes 32-bit integers unless told otherwise by the environment;
        # its explicit 64-bit entry point has its own name.
        symbol = "cblas_ddot_64"
    function = getattr(lib, symbol, None)
    if function is None:
        raise Unavailable(f"{os.path.basename(path)} has no {symbol}")
    return Ddot(ctypes.cast(function, ctypes.c_void_p).value or 0, symbol, path)


def check_ddot(found: Ddot, rs: np.random.RandomState) -> None:
    """Raise :class:`Unavailable` unless ``found`` gives ``np.dot``'s bits on samples."""
    fn = _DDOT(found.address)
    for d in (1, 2, 3, 5, 8, 17, 40):
        for _ in range(20):
            x, w = rs.randn(d), rs.randn(d)
            got, want = fn(d, x.ctypes.data, 1, w.ctypes.data, 1), np.dot(x, w)
            if got != want:
                raise Unavailable(f"{found.symbol} gave {got!r} where np.dot gives {want!r} ({d} numbers)")


# ---- what the kernel uses ----------------------------------------------------------


def _find() -> Found:
    if os.environ.get(PLAIN_SWITCH):
        return Found(True, None, f"asked for by {PLAIN_SWITCH}", None, f"asked for by {PLAIN_SWITCH}",
                     np.zeros(4, dtype=np.int64))
    rs = np.random.RandomState(20260101)
    sample = np.concatenate([[0.0, -0.0, 1e-300, 710.0, -746.0, -1e308, 1.0, -1.0],
                             rs.randn(4096) * 8])
    exp = ddot = None
    exp_reason = ddot_reason = None
    try:
        exp = numpy_exp_loop()
        check_exp_loop(exp, sample)
    except (Unavailable, OSError) as exc:
        exp, exp_reason = None, str(exc)
    try:
        ddot = numpy_ddot()
        check_ddot(ddot, rs)
    except (Unavailable, OSError) as exc:
        ddot, ddot_reason = None, str(exc)
    # The kernel's slots (model/kernel.py): exp loop, its auxdata, ddot, the loop's context.
    addresses = np.array([
        exp.loop if exp else 0,
        exp.auxdata if exp else 0,
        ddot.address if ddot else 0,
        exp.context if exp else 0,
    ], dtype=np.int64)
    return Found(False, exp, exp_reason, ddot, ddot_reason, addresses)


_lock = threading.Lock()
_found: Found | None = None


def found() -> Found:
    """What the kernel uses, found and checked once per process (from any thread)."""
    global _found
    with _lock:
        if _found is None:
            _found = _find()
        return _found


def addresses() -> np.ndarray:
    """``[exp loop, its auxdata, ddot, the loop's context]`` as int64 addresses; 0 where
    not available.  Each routine was first checked against NumPy on sample arguments."""
    return found().addresses


def exact() -> bool:
    """True when the kernel calls both of NumPy's routines, so its numbers are NumPy's own."""
    f = found()
    return f.exp is not None and f.ddot is not None


def describe() -> str:
    """One line saying which routines the kernel uses and, for any of NumPy's it does not,
    why not."""
    f = found()
    if f.plain_requested:
        return f"the kernel's plain exp and dot product (asked for by {PLAIN_SWITCH})"
    exp = ("NumPy's own exp loop" if f.exp else
           f"the C library's exp (NumPy's loop could not be used: {f.exp_reason})")
    dot = (f"NumPy's BLAS ddot ({f.ddot.symbol} in {os.path.basename(f.ddot.library)})" if f.ddot else
           f"a plain dot product (NumPy's BLAS ddot could not be used: {f.ddot_reason})")
    return f"{exp} and {dot}"


def primitives_report() -> dict[str, Any]:
    """The same as :func:`describe`, as plain JSON-able values for scripts."""
    f = found()
    return {
        "description": describe(),
        "exact": exact(),
        "plain_requested": f.plain_requested,
        "exp": {"routine": "numpy" if f.exp else "c library", "why_not_numpy": f.exp_reason},
        "dot": {
            "routine": "blas" if f.ddot else "plain",
            "symbol": f.ddot.symbol if f.ddot else None,
            "library": f.ddot.library if f.ddot else None,
            "why_not_blas": f.ddot_reason,
        },
    }
