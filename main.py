"""Neuron Lab: watch a single neuron learn.

``python main.py`` opens the window; ``python main.py --headless [...]`` trains without one
(``--help`` lists the options).
"""
from __future__ import annotations

import gc
import os
import sys


def configure_process() -> None:
    """What must be settled before NumPy is first imported: call it first.

    OpenBLAS, NumPy's BLAS, keeps each of its helper threads spinning for 2**28 cycles
    (about a tenth of a second) after every call it shares out, and once when NumPy loads,
    instead of letting them sleep.  On a 2-core machine (figures: the 2-core Intel Xeon
    development machine) a spinning thread takes the core
    that the window's thread or the training's wants: during a million-row run in the
    window it spun for 2.4 s of CPU time, and the worst of ten Stops took 92-142 ms
    against 50-98 ms without the spinning; at start-up it spins beside the window being
    built.  ``OPENBLAS_THREAD_TIMEOUT=4``
    (2**4 cycles, OpenBLAS's least) lets them sleep at once; a call that shares work out
    wakes them as before, and no result changes.  A value the person set is kept."""
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")


def _bundle_cache_folder() -> str:
    """Where a bundle keeps numba's compiled kernel: the person's own cache folder."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser(r"~\AppData\Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "neuron-lab", "numba")


def _set_up_bundle() -> None:
    """In the bundle (PyInstaller sets ``sys.frozen``) the program's folder may be read-only
    and is shared by its users: numba's cache of the compiled kernel goes to the person's
    cache folder instead, in a subfolder named by the kernel's source so that a newer
    bundle installed in the same place never loads an older kernel (numba's own check
    looks only at the executable, and the kernel's source is a file beside it)."""
    sys.dont_write_bytecode = True  # no __pycache__ inside the bundle's folder
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    import hashlib

    source = os.path.join(getattr(sys, "_MEIPASS", ""), "model", "compiled.py")
    try:
        with open(source, "rb") as f:
            tag = hashlib.sha256(f.read()).hexdigest()[:16]
    except OSError:
        tag = "unknown"
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(_bundle_cache_folder(), tag)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    configure_process()
    if getattr(sys, "frozen", False):
        _set_up_bundle()
    if "--headless" in args:
        try:
            from cli import run_headless  # NumPy and numba: a second or so, Ctrl+C included

            return run_headless([a for a in args if a != "--headless"])
        except KeyboardInterrupt:  # while importing: run_headless handles its own
            sys.stderr.write("neuron-lab --headless: interrupted\n")
            return 130
    gc.disable()  # until the window is painted: gui.app.run_gui says why
    from gui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
