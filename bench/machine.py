"""One line naming the machine a benchmark ran on: CPU model, cores, NumPy's dispatch."""
from __future__ import annotations

import os
import platform


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine() -> str:
    import numpy as np

    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
        dispatch = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f)) or "baseline"
    except ImportError:
        dispatch = "?"
    return (f"machine: {cpu_model()}, {os.cpu_count()} cores; NumPy {np.__version__} "
            f"dispatch {dispatch}; Python {platform.python_version()}")
