"""Start-up time: launch to window shown, against a bare Qt window, in one run (offscreen).

Each is a fresh process; the time runs from just before the process starts to the moment
the window is on the screen: the turn of the event loop after its first paint.  Neuron Lab
is started as a person starts it, ``python main.py`` (with the hidden ``--smoke-test``
flag, which prints a line at that moment and leaves the person's settings alone).  Goal:
the Neuron Lab window within 0.5 s of a bare QApplication with an empty QMainWindow.  Also
timed: a bare window after importing NumPy and pyqtgraph as they come (the program imports
pyqtgraph through lighter mirrors of Qt's modules, gui/qt_mirrors.py), and the moment
Neuron Lab's plots are drawn too (its window is shown with its table, controls and menus,
and the plots are built on the next turn: gui/main_window.py).

Bytecode is cached as on a person's machine (PYTHONDONTWRITEBYTECODE is removed from the
children's environment; the first, unmeasured launch writes the caches).

With ``--bundle dist/neuron-lab`` it times the bundle against the source instead, each
started as a person starts it (``neuron-lab`` and ``python main.py``, both with
``--smoke-test``), to the moment that line arrives.  Goal: the bundle's window within 1.2 x the source's.

With ``--instructions`` it counts, with valgrind's callgrind, the instructions each of the
three runs (all its threads) until its window is painted (and Neuron Lab's until its plots
are drawn too), the process ended at that moment,
with Python's hash seed fixed.  The count is the same on every run of the same machine and
software, where the time can drift by a third from one minute to the next on a shared
machine: it shows what a change saved without noise.  It takes about a minute a launch.

    python bench/bench_startup.py [--repeat 5] [--bundle dist/neuron-lab] [--instructions]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent

#: Prints "shown" on the turn of the event loop after the window's first paint, the moment
#: it is on the screen (gui.app.AfterFirstPaint, written out so that the bare window imports
#: nothing of ours).
FIRST_PAINT = """
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
        return False

first_paint = FirstPaint()
window.installEventFilter(first_paint)
"""

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
""" + FIRST_PAINT + """
window.show()
app.exec()
"""

LIBRARIES = """
import numpy, pyqtgraph
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
""" + FIRST_PAINT + """
window.show()
app.exec()
"""

#: Neuron Lab started as a person starts it, with its settings at their first-launch defaults.
NEURON_LAB = [sys.executable, str(ROOT / "main.py"), "--smoke-test"]


def time_launch(code: str | list[str]) -> float:
    """Seconds from starting ``code`` (Python source, or a command) to its first line."""
    return time_lines(code)[0]


def time_lines(code: str | list[str], lines: int = 1) -> list[float]:
    """Seconds from starting ``code`` to each of its first ``lines`` lines (Neuron Lab's
    second: its plots drawn too)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a person's machine keeps compiled bytecode
    command = [sys.executable, "-c", code] if isinstance(code, str) else code
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    times, text = [], []
    for _ in range(lines):
        text.append(process.stdout.readline().strip())
        times.append(time.perf_counter() - started)
    process.communicate()
    if text[0] not in ("shown", '{"smoke_test": "shown", "shown": true}'):
        raise SystemExit(f"the window did not come up: {' '.join(command)}")
    if lines > 1 and not text[1].startswith('{"smoke_test": "complete"'):
        raise SystemExit(f"the window's plots were not drawn: {' '.join(command)}")
    return times


#: Runs Python source, or main.py as ``python main.py --smoke-test`` runs it, and ends the
#: process the moment it prints a line with the word given (``shown``: the window painted;
#: ``complete``: its plots too), so that an instruction count stops there and leaves out
#: training and the interpreter's exit alike.
UNTIL_SHOWN = """
import os, runpy, sys
class LineEnds:
    def write(self, text):
        sys.__stdout__.write(text)
        sys.__stdout__.flush()
        if until in text:
            os._exit(0)
        return len(text)
    def flush(self):
        sys.__stdout__.flush()
sys.stdout = LineEnds()
kind, what, until = sys.argv[1], sys.argv[2], sys.argv[3]
if kind == "code":
    sys.argv = ["-c"]
    exec(compile(what, "<launch>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = [what, "--smoke-test"]
    sys.path[0] = os.path.dirname(what)
    runpy.run_path(what, run_name="__main__")
"""


def count_instructions(kind: str, what: str, until: str = "shown") -> int:
    """Instructions until the line of ``what`` (``code``: Python source; ``main``: the path
    of main.py) that has the word ``until``, counted by callgrind."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        env["TMPDIR"] = folder  # the smoke test's settings folder: the run ends before it can go
        env["PYTHONHASHSEED"] = "0"  # a random one moves the count by a few million
        command = ["valgrind", "--tool=callgrind",
                   f"--callgrind-out-file={os.path.join(folder, 'callgrind.out')}",
                   sys.executable, "-c", UNTIL_SHOWN, kind, what, until]
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if until not in out.stdout or found is None:
        raise SystemExit(f"the window did not come up under valgrind: {out.stderr[-500:]}")
    return int(found.group(1))


def compare_instructions() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    targets = [("code", BARE), ("code", LIBRARIES), ("main", str(ROOT / "main.py"))]
    for target in targets[1:]:  # bytecode caches written, the kernel compiled: not counted
        time_launch(NEURON_LAB if target[0] == "main" else target[1])
    bare, libraries, ours = (count_instructions(*target) for target in targets)
    whole = count_instructions(*targets[2], until="complete")
    print("instructions until the window is painted (valgrind callgrind, all threads):")
    print(f"bare QMainWindow          : {bare / 1e6:,.0f} million")
    print(f"  after NumPy + pyqtgraph : {libraries / 1e6:,.0f} million "
          f"({(libraries - bare) / 1e6:+,.0f} million)")
    print(f"Neuron Lab window         : {ours / 1e6:,.0f} million "
          f"({(ours - bare) / 1e6:+,.0f} million); ratio {ours / bare:.2f} x")
    print(f"  and its plots drawn     : {whole / 1e6:,.0f} million "
          f"({(whole - bare) / 1e6:+,.0f} million)")


def compare_bundle(folder: Path, repeat: int) -> None:
    bundle = [str(folder.resolve() / "neuron-lab"), "--smoke-test"]
    source = NEURON_LAB
    for command in (bundle, source):  # the kernel's caches, bytecode: not measured
        time_launch(command)
    bundled, ours = [], []
    for _ in range(repeat):
        bundled.append(time_launch(bundle))
        ours.append(time_launch(source))
    b, o = statistics.median(bundled), statistics.median(ours)
    print(f"window shown, source (python main.py): {o:.3f} s (median of {repeat}; "
          f"{min(ours):.3f} to {max(ours):.3f})")
    print(f"window shown, bundle ({folder.name}/neuron-lab): {b:.3f} s "
          f"({min(bundled):.3f} to {max(bundled):.3f}); ratio {b / o:.2f} x (goal: within 1.2 x)")
    if hasattr(os, "getloadavg"):
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bundle", type=Path, help="also time this bundle's folder against the source")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind instead of timing")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    if args.instructions:
        compare_instructions()
        return
    if args.bundle:
        compare_bundle(args.bundle, args.repeat)
        return
    # The first start may compile the kernel and writes the bytecode caches: not measured.
    for code in (NEURON_LAB, LIBRARIES):
        time_launch(code)
    bare, libraries, ours, whole = [], [], [], []
    for _ in range(args.repeat):  # interleaved, so that machine noise hits all alike
        bare.append(time_launch(BARE))
        libraries.append(time_launch(LIBRARIES))
        shown, complete = time_lines(NEURON_LAB, 2)
        ours.append(shown)
        whole.append(complete)
    b, lib, o, w = (statistics.median(t) for t in (bare, libraries, ours, whole))
    print(f"bare QMainWindow          : {b:.3f} s (median of {args.repeat})")
    print(f"  after NumPy + pyqtgraph : {lib:.3f} s ({lib - b:+.3f} s)")
    print(f"Neuron Lab window         : {o:.3f} s")
    print(f"  and its plots drawn     : {w:.3f} s ({w - b:+.3f} s; {w - lib:+.3f} s after "
          "NumPy + pyqtgraph's bare window)")
    print(f"difference                : {o - b:+.3f} s (goal: within 0.5 s); ratio {o / b:.2f} x")


if __name__ == "__main__":
    main()
