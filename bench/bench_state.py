"""Edits in bulk, sorting, and sessions saved mid-run (offscreen).

- Paste 10,000 rows x 3 into the table, and undo it (goal: each at most 1 s), against
  NumPy reading the same text (``numpy.loadtxt``) in this run.
- Sort a 1,000,000-row table by the prediction column (goal: at most 1 s), against one
  ``numpy.argsort`` of a million numbers in this run.
- 100 sessions saved at random moments of a Max-speed run: each must be a clean run of its
  length (history, weights, bias bit for bit) and continue exactly like the uninterrupted
  run; the count that does is printed.

    python bench/bench_state.py [--sessions 100]
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from main import configure_process  # noqa: E402

configure_process()  # as the program does, before NumPy loads

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from machine import describe  # noqa: E402
from gui import settings  # noqa: E402
from gui.main_window import MAX_SPEED, MainWindow  # noqa: E402
from model import Dataset, Training, TrainConfig, note_table  # noqa: E402
from model.session import load_session  # noqa: E402


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def wait_for_end(window: MainWindow) -> None:
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    loop.exec()
    window.training_finished.disconnect(loop.quit)


def paste_and_undo(window: MainWindow) -> None:
    rs = np.random.RandomState(0)
    block = np.column_stack([rs.randn(10_000, 2), rs.randint(0, 2, 10_000)])
    text = "\n".join("\t".join(repr(float(v)) for v in row) for row in block)
    started = time.perf_counter()
    np.loadtxt(io.StringIO(text), delimiter="\t")
    reference = time.perf_counter() - started
    window.table.setCurrentIndex(window.table_model.index(window.table_model.rowCount() - 1, 0))
    QApplication.clipboard().setText(text)
    started = time.perf_counter()
    window.data_panel.paste_action.trigger()
    settle()
    paste = time.perf_counter() - started
    assert window.table_model.rowCount() == 7 + 10_000, window.table_model.rowCount()
    started = time.perf_counter()
    window.data_panel.undo_action.trigger()
    settle()
    undo = time.perf_counter() - started
    assert window.table_model.rowCount() == 8
    print(f"paste 10,000 x 3: {paste:.3f} s, undo {undo:.3f} s (goal <= 1 s each); "
          f"numpy.loadtxt of the same text {reference:.3f} s: paste = {paste / reference:.1f} x")


def sort_a_million(window: MainWindow) -> None:
    rs = np.random.RandomState(1)
    n = 1_000_000
    window.table_model.set_dataset(Dataset.from_arrays(rs.randn(n, 2), (rs.rand(n) > 0.5) * 1.0))
    settle()
    window.iterations_spin.setValue(1000)
    window.train_button.click()
    wait_for_end(window)
    keys = rs.randn(n)
    started = time.perf_counter()
    np.argsort(keys, kind="stable")
    reference = time.perf_counter() - started
    started = time.perf_counter()
    window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    settle()
    took = time.perf_counter() - started
    model = window.table_model
    first, last = (float(model.data(model.index(r, 3)).lstrip("✗ ")) for r in (0, n - 1))
    assert first <= last
    print(f"sort 1,000,000 rows by the prediction: {took:.3f} s (goal <= 1 s); "
          f"one numpy.argsort of 1,000,000 numbers {reference:.3f} s: {took / reference:.1f} x")


def sessions_mid_run(window: MainWindow, count: int, folder: Path) -> None:
    window.table_model.set_dataset(note_table())
    window.every_spin.setValue(1000)
    window.iterations_spin.setValue(100_000_000)
    settle()
    rs = np.random.RandomState(2)
    paths: list[Path] = []

    def save() -> None:
        if not window.is_running():
            return
        if len(paths) == count:
            window.stop()
            return
        paths.append(folder / f"s{len(paths)}.neuronlab")
        assert window.save_session_to(paths[-1])
        QTimer.singleShot(int(rs.randint(1, 10)), save)

    window.train_button.click()
    QTimer.singleShot(5, save)
    wait_for_end(window)
    sessions = sorted((load_session(p) for p in paths), key=lambda s: s.training.iteration)
    clean = Training(note_table(), TrainConfig(iterations=100_000_000, every=1000))
    history = [clean.advance(0)]
    good = 0
    for session in sessions:
        saved = session.training
        history.append(clean.advance(saved.iteration - clean.iteration))
        errors = np.concatenate([h.train_error for h in history])
        same = (saved.weights.tolist() == clean.weights.tolist() and saved.bias == clean.bias
                and session.history.train_error.tolist() == errors.tolist())
        ahead = Training.resume(note_table(), clean.snapshot())
        same = same and saved.advance(5000).train_error.tolist() == \
            ahead.advance(5000).train_error.tolist()
        good += same
    spread = [s.training.iteration for s in sessions]
    print(f"{len(sessions)} sessions saved at random moments of a Max run "
          f"(iterations {min(spread):,} to {max(spread):,}): {good} continue bit for bit "
          f"as the uninterrupted run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as folder:
        settings.use_folder(folder)
        app = QApplication.instance() or QApplication([])
        window = MainWindow()
        window.file_actions.confirm_discard = lambda: True
        window.resize(1200, 800)
        window.show()
        window.speed_combo.setCurrentIndex(MAX_SPEED)
        settle()
        paste_and_undo(window)
        sort_a_million(window)
        sessions_mid_run(window, args.sessions, Path(folder))
        window.close()
        app.processEvents()


if __name__ == "__main__":
    main()
