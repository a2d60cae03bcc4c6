"""Make the README's screenshots: the window after real training runs, grabbed offscreen.

    python tools/screenshot.py [FOLDER]      (default: docs/)

Writes screenshot.png (the note's table), small-window.png (the same at 900 x 600),
weights.png (its error landscape, rewound), step.png (one more step, with its numbers),
runs.png (a sweep of 25 runs drawn as bands), xor.png (a single neuron failing on XOR),
xor-fixed.png (the same after one cluster was Ctrl+clicked away: now it is separable) and
first-paint.png (the window at its first paint, before its plots come).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def train(app, window, start=None) -> None:
    loop = QEventLoop()
    window.training_finished.connect(loop.quit)
    (start or window.train_button.click)()
    loop.exec()
    window.training_finished.disconnect(loop.quit)
    app.processEvents()


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    from gui.main_window import MAX_SPEED, MainWindow
    import tempfile

    from gui import settings

    settings.use_folder(tempfile.mkdtemp())  # not the person's own settings
    from resources import EXAMPLES

    window = MainWindow()
    window.resize(1400, 820)
    window.show()
    window.speed_combo.setCurrentIndex(MAX_SPEED)
    train(app, window)
    window.grab().save(str(folder / "screenshot.png"))
    # The same in a small window: titles shortened, the legend's words too, nothing cut off.
    window.resize(900, 600)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(folder / "small-window.png"))
    window.resize(1400, 820)
    for _ in range(5):
        app.processEvents()
    # The error landscape, rewound to iteration 3,000 of that run.
    window.rewind_to(3000)
    window.plot_tabs.setCurrentWidget(window.landscape_panel)
    window.landscape_panel.refresh()
    window.landscape_panel.wait()
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(folder / "weights.png"))
    window.rewind_to(None)
    # One more step after the run, shown with all its numbers.
    train(app, window, window.step)
    window.grab().save(str(folder / "step.png"))
    window.plot_tabs.setCurrentIndex(0)

    # A sweep of five learning rates by five seeds on the note's table, drawn as bands.
    window.iterations_spin.setValue(5_000)
    train(app, window, lambda: window.start_sweep([0.01, 0.03, 0.1, 0.3, 1.0], [1, 2, 3, 4, 5]))
    window.runs_panel.bands_check.setChecked(True)
    app.processEvents()
    window.grab().save(str(folder / "runs.png"))
    window.runs_panel.bands_check.setChecked(False)
    window.runs_panel.clear(ask=False)
    window.iterations_spin.setValue(10_000)

    window.load_example(next(e for e in EXAMPLES if e.file == "xor.csv"))
    window.iterations_spin.setValue(50_000)
    train(app, window)
    window.grab().save(str(folder / "xor.png"))

    model = window.table_model
    corner = [r for r, (x, y, t) in enumerate(model.values) if x < 0 < y and t == 1.0]
    for row in sorted(corner, reverse=True):
        window.delete_row(row)  # what Ctrl+click on each point does
    train(app, window)
    window.grab().save(str(folder / "xor-fixed.png"))
    window.file_actions.confirm_discard = lambda: True  # a script: nothing to keep
    window.close()

    # The window as python main.py first paints it: the plots come on the next turn.
    from PySide6.QtCore import QEventLoop

    from gui.first_paint import AfterFirstPaint

    settings.use_folder(tempfile.mkdtemp())  # a first start's settings
    first = MainWindow(plots_later=True)
    first.resize(1400, 820)
    loop = QEventLoop()
    AfterFirstPaint(first, lambda: (first.grab().save(str(folder / "first-paint.png")),
                                    loop.quit()))
    first.show()
    loop.exec()
    first.close()
    names = ("screenshot.png", "small-window.png", "weights.png", "step.png", "runs.png",
             "xor.png", "xor-fixed.png", "first-paint.png")
    print("\n".join(str(folder / n) for n in names))


if __name__ == "__main__":
    main()
