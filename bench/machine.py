"""The machine a benchmark runs on, printed beside its figures: they mean little without it."""
from __future__ import annotations

import os
import platform
import subprocess
import sys


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True,
                                  text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine() or "unknown CPU"


def physical_cores() -> int | None:
    """Cores (not hardware threads), where the system says; None where it does not."""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return None
    cores, physical = set(), "0"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            physical = value.strip()
        elif key == "core id":
            cores.add((physical, value.strip()))
    return len(cores) or None


def simd() -> str:
    """The widest vector instructions NumPy uses here (its results and speed depend on it)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    for name, label in (("AVX512_SKX", "AVX-512"), ("AVX2", "AVX2"), ("AVX", "AVX"),
                        ("ASIMD", "NEON")):
        if features.get(name):
            return label
    return "SSE2 or less"


def describe() -> str:
    logical = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    cores = physical_cores()
    count = f"{cores} cores, {logical} logical CPUs" if cores else f"{logical} logical CPUs"
    if usable != logical:
        count += f" ({usable} usable by this process)"
    text = f"{cpu_model()}, {count}, {simd()}; {platform.system()}, Python {platform.python_version()}"
    if hasattr(os, "getloadavg"):
        text += f"; load average {os.getloadavg()[0]:.2f} at the start"
    return text


if __name__ == "__main__":
    print(describe())
