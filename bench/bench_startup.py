"""Start-up time: launch to window shown, against a bare Qt window, in one run (offscreen).

Each is a fresh process; the time runs from just before the process starts to the moment
the window has been shown and the event loop has painted it.  Goal: the Neuron Lab window
within 0.8 s of a bare QApplication with an empty QMainWindow.

    python bench/bench_startup.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

NEURON_LAB = """
import sys
sys.path.insert(0, %r)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.main_window import MainWindow
window = MainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), window.close(), app.quit()))
app.exec()
""" % str(ROOT)


def time_launch(code: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline()
    shown = time.perf_counter() - started
    process.wait()
    if line.strip() != "shown":
        raise SystemExit("the window did not come up")
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    time_launch(NEURON_LAB)  # the first start may compile the kernel: not what is measured
    bare, ours = [], []
    for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
        bare.append(time_launch(BARE))
        ours.append(time_launch(NEURON_LAB))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare QMainWindow : {b:.3f} s (median of {args.repeat})")
    print(f"Neuron Lab window: {o:.3f} s (median of {args.repeat})")
    print(f"difference       : {o - b:+.3f} s (goal: within 0.8 s); ratio {o / b:.2f} x")


if __name__ == "__main__":
    main()
