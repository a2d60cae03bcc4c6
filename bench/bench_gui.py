"""How the window holds up during Max-speed runs (offscreen).

For runs of 10 million and 100 million iterations on the note's table, prints the longest
and the 99th-percentile gap between the ticks of a 10 ms timer on the GUI thread (goals, on
a 2-core machine: p99 at most 25 ms, the longest at most 50 ms), the wall time of the run
against the kernel's own time for the same run measured in this process (goal: within 1.5
times), and the number of points drawn.
``--profile`` also prints where the GUI thread's time went during each run (cProfile);
``--landscape`` trains with the Weight space tab showing (the landscape redrawn as the run
goes, on a thread of its own; goal: p99 at most 50 ms).
``--rows N`` trains instead on a table of N rows and two features (opened from a CSV file as
File › Open does), with a checkpoint every 10,000 iterations, for about five seconds, then
starts it again and presses Stop at ten moments (goals at a million rows: GUI p99 at most
50 ms, Stop answered within 100 ms), then edits ten cells of the table one at a time and
prints how long the GUI thread was busy after each (aim: at most 50 ms).

    python bench/bench_gui.py [--iterations 10000000 100000000] [--landscape] [--profile]
    python bench/bench_gui.py --rows 1000000
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from main import configure_process  # noqa: E402

configure_process()  # as the program does, before NumPy loads

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MAX_SPEED, MainWindow  # noqa: E402
from model import Training, TrainConfig, kernel, note_table  # noqa: E402

from machine import describe  # noqa: E402


@contextmanager
def ticking() -> Iterator[list[float]]:
    """A 10 ms timer on the GUI thread meanwhile; yields the list of its ticks' times."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        yield ticks
    finally:
        timer.stop()


def gui_run(window: MainWindow, iterations: int,
            profile: cProfile.Profile | None = None) -> tuple[float, np.ndarray, int, int]:
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    window.iterations_spin.setValue(iterations)
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    with ticking() as ticks:
        if profile is not None:
            profile.enable()  # this thread only: the GUI thread
        started = time.perf_counter()
        window.train_button.click()
        loop.exec()
        wall = time.perf_counter() - started
        if profile is not None:
            profile.disable()
    window.training_finished.disconnect(loop.quit)
    stored = window.error_plot.points()[0].size
    shown = window.error_plot.train_curve.getData()[0]
    return wall, np.diff(ticks), stored, 0 if shown is None else len(shown)


def big_table(window: MainWindow, rows: int, folder: str) -> None:
    """Open a table of ``rows`` rows and two features, as File › Open does."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(rows, 2))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.5, size=rows) > 0).astype(float)
    path = os.path.join(folder, "big.csv")
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.6g", header="x1,x2,y",
               comments="")
    if not window.open_file(path):
        raise SystemExit(f"could not open {path}")


def big_runs(app: QApplication, window: MainWindow, rows: int) -> None:
    """A run on the big table: the GUI thread's gaps, then Stop pressed at ten moments."""
    window.every_spin.setValue(10_000)
    window.iterations_spin.setValue(100_000_000)  # stopped long before its end
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    with ticking() as ticks:
        window.train_button.click()
        QTimer.singleShot(5000, window.stop_button.click)
        loop.exec()
    gaps = np.diff(ticks)
    print(f"{rows:>12,} rows, 5 s of a Max run (checkpoint every 10,000): GUI thread gaps p99 "
          f"{np.percentile(gaps, 99) * 1000:6.1f} ms, longest {gaps.max() * 1000:6.1f} ms "
          "(goal p99 <= 50 ms)")
    answers, settled = [], []
    announced: list[float] = []
    note = lambda: announced.append(time.perf_counter())  # noqa: E731
    window.training_finished.connect(note)
    rng = np.random.default_rng(2)
    for _ in range(10):
        window.train_button.click()
        deadline = time.perf_counter() + rng.uniform(0.3, 1.0)
        while time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        pressed = time.perf_counter()
        window.stop_button.click()
        loop.exec()  # until training_finished, and the events already queued then
        answers.append(announced[-1] - pressed)
        settled.append(time.perf_counter() - pressed)
    answers, settled = np.array(answers) * 1000, np.array(settled) * 1000
    print(f"{'':>25} Stop pressed 0.3-1 s into a run, 10 times: training_finished after "
          f"median {np.median(answers):.0f} ms, worst {answers.max():.0f} ms (goal <= 100 ms); "
          f"with the paints queued by then, median {np.median(settled):.0f} ms, "
          f"worst {settled.max():.0f} ms")
    window.training_finished.disconnect(note)
    window.training_finished.disconnect(loop.quit)


def big_edits(app: QApplication, window: MainWindow, rows: int) -> None:
    """Cells of the big table edited one at a time, as a person types them: how long the
    GUI thread is busy after each (every view shows the edit before it is free again)."""
    model = window.table_model
    rng = np.random.default_rng(3)
    busy = []
    for _ in range(10):
        index = model.index(int(rng.integers(rows)), int(rng.integers(2)))
        with ticking() as ticks:
            started = time.perf_counter()
            model.setData(index, float(np.round(rng.normal(), 3)))
            while time.perf_counter() < started + 0.3:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        busy.append(np.diff([started, *ticks]).max())
    busy = np.array(busy) * 1000
    print(f"{'':>25} a cell edited, 10 times: the GUI thread's longest gap after an edit "
          f"median {np.median(busy):.0f} ms, worst {busy.max():.0f} ms (aim <= 50 ms)")


def kernel_run(iterations: int) -> float:
    training = Training(note_table(), TrainConfig(iterations=iterations))
    started = time.perf_counter()
    training.advance()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--landscape", action="store_true",
                        help="train with the Weight space tab showing (goal: p99 at most 50 ms)")
    parser.add_argument("--rows", type=int,
                        help="train on a table of this many rows instead (goals at a million: "
                        "p99 at most 50 ms, Stop within 100 ms)")
    parser.add_argument("--profile", action="store_true",
                        help="print the GUI thread's busiest functions for each run")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    app = QApplication.instance() or QApplication([])
    import tempfile

    from gui import settings

    settings.use_folder(tempfile.mkdtemp())  # not the person's own settings
    kernel.warm_up()
    window = MainWindow()
    window.resize(1200, 720)
    window.show()
    if args.landscape:
        window.plot_tabs.setCurrentWidget(window.landscape_panel)
        print("with the error landscape showing (its goal: p99 gap at most 50 ms)")
    # As a person's first run would: after the window has finished starting (the kernel
    # loaded on the worker, the window's objects put out of the collector's way).
    deadline = time.perf_counter() + 10
    while gc.get_freeze_count() == 0 and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    app.processEvents()
    if args.rows:
        big_table(window, args.rows, tempfile.mkdtemp())
        big_runs(app, window, args.rows)
        big_edits(app, window, args.rows)
        args.iterations = []
    for n in args.iterations:
        profile = cProfile.Profile() if args.profile else None
        wall, gaps, stored, shown = gui_run(window, n, profile)
        reference = kernel_run(n)
        print(f"{n:>12,} iterations: GUI thread gaps p99 {np.percentile(gaps, 99) * 1000:6.1f} ms, "
              f"longest {gaps.max() * 1000:6.1f} ms (goal p99 <= 25 ms, longest <= 50 ms)")
        print(f"{'':>25} wall {wall:6.2f} s vs kernel {reference:6.2f} s = {wall / reference:4.2f} x "
              f"(goal <= 1.5 x); {stored:,} checkpoints plotted, {shown:,} points drawn")
        if profile is not None:
            pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    window.file_actions.confirm_discard = lambda: True  # a script: nothing to keep
    window.close()


if __name__ == "__main__":
    main()
