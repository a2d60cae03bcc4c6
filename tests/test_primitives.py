"""Finding NumPy's routines: every way it can fail ends in the plain code, with the reason said."""
from __future__ import annotations

import ctypes
import json
import math
import os
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from model import numpy_primitives as prims


@pytest.fixture
def fresh(monkeypatch):
    """Search again in this test (the process's own result is put back afterwards, so the
    addresses the kernel holds stay alive)."""
    monkeypatch.delenv(prims.PLAIN_SWITCH, raising=False)
    monkeypatch.setattr(prims, "_found", None)
    return monkeypatch


def test_numpys_exp_loop_is_handed_out_by_numpy_and_checks_out():
    loop = prims.numpy_exp_loop()
    assert loop.loop and loop.owner is not None
    prims.check_exp_loop(loop, np.linspace(-800, 800, 3001))


def test_a_capsule_of_another_layout_is_refused_not_misread(fresh):
    fresh.setattr(prims, "_CALL_INFO", b"numpy_9.99_ufunc_call_info")
    with pytest.raises(prims.Unavailable, match="refused"):
        prims.numpy_exp_loop()
    assert "the C library's exp (NumPy's loop could not be used: NumPy" in prims.describe()
    assert not prims.exact() and prims.addresses()[0] == 0


def test_a_numpy_without_the_loop_api_falls_back_and_says_so(fresh):
    old_numpy = SimpleNamespace(dtype=np.dtype, float64=np.float64, exp=math.exp, __version__="1.23.5")
    fresh.setattr(prims, "np", old_numpy)
    with pytest.raises(prims.Unavailable, match="does not hand out its loops"):
        prims.numpy_exp_loop()


def test_an_exp_loop_that_differs_from_numpy_is_not_used():
    @prims._STRIDED_LOOP
    def off_by_one_ulp(context, data, dims, strides, auxdata):
        n = ctypes.cast(dims, ctypes.POINTER(ctypes.c_ssize_t))[0]
        src, dst = ctypes.cast(data, ctypes.POINTER(ctypes.c_void_p))[0:2]
        x = np.ctypeslib.as_array(ctypes.cast(src, ctypes.POINTER(ctypes.c_double)), (n,))
        out = np.ctypeslib.as_array(ctypes.cast(dst, ctypes.POINTER(ctypes.c_double)), (n,))
        with np.errstate(all="ignore"):
            out[:] = np.nextafter(np.exp(x), np.inf)
        return 0

    loop = prims.ExpLoop(ctypes.cast(off_by_one_ulp, ctypes.c_void_p).value, 0, 0, off_by_one_ulp)
    with pytest.raises(prims.Unavailable, match="its loop gave"):
        prims.check_exp_loop(loop, np.array([0.5, 1.5]))


def test_a_ddot_that_differs_from_numpy_is_not_used():
    @prims._DDOT
    def fused_differently(n, x, incx, y, incy):
        a = np.ctypeslib.as_array(ctypes.cast(x, ctypes.POINTER(ctypes.c_double)), (n,))
        b = np.ctypeslib.as_array(ctypes.cast(y, ctypes.POINTER(ctypes.c_double)), (n,))
        return float(np.nextafter(np.dot(a, b), np.inf))

    ddot = prims.Ddot(ctypes.cast(fused_differently, ctypes.c_void_p).value, "cblas_ddot", "libfake.so")
    with pytest.raises(prims.Unavailable, match="where np.dot gives"):
        prims.check_ddot(ddot, np.random.RandomState(0))


def test_numpys_own_blas_is_found_here():
    if not any(prims._inside_numpy(i["filepath"]) for i in _blas_info()):
        pytest.skip("NumPy here uses a BLAS it does not ship")
    ddot = prims.numpy_ddot()
    assert prims._inside_numpy(ddot.library) and "ddot" in ddot.symbol
    prims.check_ddot(ddot, np.random.RandomState(1))


def test_without_threadpoolctl_the_dot_product_is_plain_and_says_why(fresh):
    fresh.setitem(sys.modules, "threadpoolctl", None)
    assert "a plain dot product (NumPy's BLAS ddot could not be used: threadpoolctl" in prims.describe()
    assert prims.primitives_report()["dot"]["routine"] == "plain"


def test_two_foreign_blas_libraries_are_not_guessed_between(fresh):
    import threadpoolctl

    libs = [{"user_api": "blas", "internal_api": "openblas", "filepath": f"/opt/{n}/libopenblas.so"}
            for n in ("a", "b")]
    fresh.setattr(threadpoolctl, "threadpool_info", lambda: libs)
    with pytest.raises(prims.Unavailable, match="several BLAS libraries"):
        prims.numpy_blas()


def test_a_blas_of_unknown_integer_width_is_not_called(fresh):
    import threadpoolctl

    lib = {"user_api": "blas", "internal_api": "blis", "filepath": sys.executable}
    fresh.setattr(threadpoolctl, "threadpool_info", lambda: [lib])
    with pytest.raises(prims.Unavailable, match="blis is not known here to take 64-bit integers"):
        prims.numpy_ddot()


@pytest.mark.parametrize("config, symbol", [
    (b"OpenBLAS 0.3.27  USE64BITINT DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64", "cblas_ddot"),
    (b"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64", None),
])
def test_openblas_is_called_only_with_64_bit_integers(config, symbol):
    class Function:
        def __call__(self):
            return config

    lib = SimpleNamespace(openblas_get_config=Function())
    if symbol is None:
        with pytest.raises(prims.Unavailable, match="32-bit integers"):
            prims._openblas_ddot_symbol(lib)
    else:
        assert prims._openblas_ddot_symbol(lib) == symbol


def test_the_plain_switch_is_reported(fresh):
    fresh.setenv(prims.PLAIN_SWITCH, "1")
    assert "plain" in prims.describe() and prims.PLAIN_SWITCH in prims.describe()
    assert prims.addresses().tolist() == [0, 0, 0, 0] and not prims.exact()


def test_the_report_is_plain_json_and_agrees_with_the_description():
    report = prims.primitives_report()
    assert json.loads(json.dumps(report)) == report
    assert report["description"] == prims.describe() and report["exact"] == prims.exact()
    if not os.environ.get(prims.PLAIN_SWITCH):
        assert (report["exp"]["why_not_numpy"] is None) == (report["exp"]["routine"] == "numpy")


def _blas_info():
    import threadpoolctl

    return [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
