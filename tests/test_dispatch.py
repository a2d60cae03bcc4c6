"""One machine checks the others: the kernel against the note's loop under other CPU paths.

NumPy picks its ``exp`` routine by CPU features at import, and OpenBLAS its ``ddot`` by CPU
type; both can be switched per process (``NPY_DISABLE_CPU_FEATURES``, ``OPENBLAS_CORETYPE``),
which gives the last digits an AVX2 or an older machine would give.  Each path runs
``tests/exactness.py`` in a fresh process: the kernel must equal the note's loop there bit
for bit, or use its plain code and say so (then only the first steps are compared).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

try:
    from numpy._core._multiarray_umath import __cpu_dispatch__
except ImportError:  # NumPy 1.x
    from numpy.core._multiarray_umath import __cpu_dispatch__

_AVX512 = [f for f in __cpu_dispatch__ if f.startswith("AVX512") or f == "X86_V4"]
_AVX2_FMA = [f for f in __cpu_dispatch__ if f in ("X86_V3", "AVX2", "FMA3", "AVX", "F16C")]

PATHS = {
    "as this machine runs": {},
    "NumPy without AVX-512": {"NPY_DISABLE_CPU_FEATURES": " ".join(_AVX512)},
    "NumPy without AVX-512, AVX2 or FMA": {"NPY_DISABLE_CPU_FEATURES": " ".join(_AVX512 + _AVX2_FMA)},
    "OpenBLAS Haswell (AVX2)": {"OPENBLAS_CORETYPE": "Haswell"},
    "OpenBLAS Sandybridge (AVX)": {"OPENBLAS_CORETYPE": "Sandybridge"},
    "OpenBLAS Prescott (SSE3)": {"OPENBLAS_CORETYPE": "Prescott"},
    "AVX2 machine (NumPy and OpenBLAS)": {"NPY_DISABLE_CPU_FEATURES": " ".join(_AVX512),
                                          "OPENBLAS_CORETYPE": "Haswell"},
    "the kernel's plain code": {"NEURON_LAB_PLAIN_KERNEL": "1"},
}
_CACHE: dict[str, dict] = {}


def run_under(name: str) -> dict:
    if name not in _CACHE:
        env = {k: v for k, v in os.environ.items()
               if k not in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "NEURON_LAB_PLAIN_KERNEL")}
        env.update(PATHS[name])
        out = subprocess.run([sys.executable, "-m", "tests.exactness"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        _CACHE[name] = json.loads(out.stdout)
    return _CACHE[name]


@pytest.mark.parametrize("name", list(PATHS))
def test_kernel_equals_the_note_loop_under_each_dispatch_path(name):
    if "NPY_DISABLE_CPU_FEATURES" in PATHS[name] and not PATHS[name]["NPY_DISABLE_CPU_FEATURES"]:
        pytest.skip("NumPy dispatches no such features on this machine")
    result = run_under(name)
    machine = result["machine"]
    disabled = PATHS[name].get("NPY_DISABLE_CPU_FEATURES", "").split()
    assert not set(disabled) & set(machine["numpy_features"]), machine  # the switch took
    if name == "the kernel's plain code":
        assert not machine["exact_routines"] and "plain" in machine["kernel_uses"]
    for case, outcome in result["cases"].items():
        if machine["exact_routines"]:
            assert outcome["identical"], f"{case}: {machine['kernel_uses']} left the note's path"
        else:
            # The kernel says it is not exact here; the first steps still agree closely.
            assert outcome["first_steps"] <= 1e-12, (case, machine["kernel_uses"], outcome)


def test_the_paths_really_differ_in_their_last_digits():
    """Not a vacuous check: on a machine with AVX-512 the paths give different final digits
    (NumPy's own), and the kernel matched each.  Elsewhere there may be just one answer."""
    answers = {json.dumps([c["weights"] for c in run_under(name)["cases"].values()])
               for name in PATHS if name != "the kernel's plain code"
               and not ("NPY_DISABLE_CPU_FEATURES" in PATHS[name]
                        and not PATHS[name]["NPY_DISABLE_CPU_FEATURES"])}
    if not _AVX512 or not _cpu_has_avx512():
        pytest.skip(f"no AVX-512 here; {len(answers)} distinct answer(s) across the paths")
    assert len(answers) >= 2


def _cpu_has_avx512() -> bool:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        from numpy.core._multiarray_umath import __cpu_features__
    return bool(__cpu_features__.get("AVX512F"))


def test_oracle_is_plain_numpy():
    """The oracle uses NumPy alone: nothing of the program's, so it cannot share a mistake."""
    source = (ROOT / "tests" / "note_oracle.py").read_text()
    assert "from model" not in source and "import model" not in source
