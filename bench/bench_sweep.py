"""A sweep on every core: 8 runs of 3,000,000 iterations each on the note's table.

Prints the wall time of the sweep trained ``--jobs`` at a time (default: one per core) and
the sum of the runs' own training times, measured in the same sweep; their ratio is the
speed-up from training runs in parallel (goal: at least 1.7x on 2 cores).  Also the same
sweep on one thread, as the reference, and checks that both give the same weights.
Then the same sweep in the window (offscreen): the longest and the 99th-percentile gap
between the ticks of a 10 ms timer on the GUI thread while it trains (goal: p99 at most
50 ms).

    python bench/bench_sweep.py [--runs 8] [--iterations 3000000] [--jobs J] [--no-gui]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from main import configure_process  # noqa: E402

configure_process()  # as the program does, before NumPy loads

import numpy as np  # noqa: E402

from machine import describe  # noqa: E402
from model import TrainConfig, note_table  # noqa: E402
from model.sweep import default_jobs, run_sweep, sweep_configs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=3_000_000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--no-gui", action="store_true", help="skip the window's part")
    args = parser.parse_args()
    print(describe())
    rates = [0.01, 0.03, 0.1, 0.3]
    seeds = list(range(1, -(-args.runs // len(rates)) + 1))
    configs = sweep_configs(TrainConfig(iterations=args.iterations), rates, seeds)[:args.runs]
    table = note_table()
    run_sweep(table, configs[:1], jobs=1)  # the kernel loaded and warm

    started = time.perf_counter()
    one = run_sweep(table, configs, jobs=1)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    many = run_sweep(table, configs, jobs=args.jobs)
    wall = time.perf_counter() - started
    own = sum(r.seconds for r in many)
    same = all(np.array_equal(a.training.weights, b.training.weights)
               and a.training.bias == b.training.bias for a, b in zip(one, many))
    print(f"sweep of {len(configs)} runs x {args.iterations:,} iterations")
    print(f"  one thread:          {serial:7.2f} s")
    print(f"  {args.jobs} threads:           {wall:7.2f} s wall, the runs' own times sum to "
          f"{own:.2f} s")
    print(f"  speed-up: {own / wall:.2f}x the runs' own times, {serial / wall:.2f}x one "
          f"thread (goal: at least 1.7x on 2 cores)")
    print(f"  every run the same as on one thread, bit for bit: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)
    if not args.no_gui:
        gui_sweep(rates, seeds, args.iterations, args.jobs, len(configs))


def gui_sweep(rates, seeds, iterations: int, jobs: int, runs: int) -> None:
    import tempfile

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui import settings

    app = QApplication.instance() or QApplication([])
    settings.use_folder(tempfile.mkdtemp())  # not the person's own settings
    from gui.main_window import MainWindow

    window = MainWindow()
    window.resize(1200, 760)
    window.show()
    app.processEvents()
    window.iterations_spin.setValue(iterations)
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    timer.start()
    started = time.perf_counter()
    # The same runs as above: the first learning rates with every seed, cut to ``runs``.
    grid = [(a, s) for a in rates for s in seeds][:runs]
    alphas = sorted({a for a, _ in grid}, key=rates.index)
    window.start_sweep(alphas, seeds if len(grid) == len(alphas) * len(seeds) else seeds[:1],
                       jobs)
    loop.exec()
    wall = time.perf_counter() - started
    timer.stop()
    gaps = np.diff(ticks)
    print(f"in the window: {len(window.document.runs)} runs in {wall:.2f} s; GUI thread gaps "
          f"p99 {np.percentile(gaps, 99) * 1000:.1f} ms, longest {gaps.max() * 1000:.1f} ms "
          "(goal: p99 at most 50 ms)")
    window.file_actions.confirm_discard = lambda: True  # a script: nothing to keep
    window.close()


if __name__ == "__main__":
    main()
