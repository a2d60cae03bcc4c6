"""Opening a million-row, three-column CSV: Neuron Lab's reader against numpy.loadtxt.

Both read the same file in this one run (best of a few tries each, interleaved); the
goal is at most 2 times loadtxt.  Then the window's table is given the data and the time
until its first rows are painted is measured (offscreen).

    python bench/bench_csv.py [--rows 1000000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from model import read_csv  # noqa: E402


def write_file(path: Path, rows: int) -> None:
    rs = np.random.RandomState(0)
    x = rs.randn(rows, 2).round(6)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    with open(path, "w") as out:
        out.write("x1,x2,y\n")
        out.writelines(f"{a!r},{b!r},{t}\n" for (a, b), t in zip(x.tolist(), y.tolist()))


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        write_file(path, args.rows)
        ours_t = theirs_t = float("inf")
        for _ in range(args.repeat):
            t, data = best(lambda: read_csv(path), 1)
            ours_t = min(ours_t, t)
            t, values = best(lambda: np.loadtxt(path, delimiter=",", skiprows=1), 1)
            theirs_t = min(theirs_t, t)
        assert data.features.tolist()[:3] == values[:3, :2].tolist()
        size = path.stat().st_size / 1e6
        print(f"file             : {args.rows:,} rows x 3 columns, {size:.1f} MB")
        print(f"numpy.loadtxt    : {theirs_t:.3f} s")
        print(f"Neuron Lab reader: {ours_t:.3f} s = {ours_t / theirs_t:.2f} x loadtxt (goal <= 2 x)")

        from PySide6.QtWidgets import QApplication

        from gui.main_window import MainWindow
        from gui import settings

        settings.use_folder(tempfile.mkdtemp())  # not the person's own settings

        app = QApplication.instance() or QApplication([])
        window = MainWindow()
        window.show()
        app.processEvents()
        started = time.perf_counter()
        window.table_model.set_dataset(data)
        window.table.viewport().repaint()
        shown = time.perf_counter() - started
        first = window.table.model().data(window.table.model().index(0, 0))
        print(f"table shows its first rows {shown * 1000:.0f} ms after getting the data "
              f"(first cell {first})")
        window.file_actions.confirm_discard = lambda: True  # a script: nothing to keep
    window.close()


if __name__ == "__main__":
    main()
