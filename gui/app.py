"""Starting the window: ``python main.py``.

``--smoke-test`` (not in ``--help``; for checking a build, e.g. the bundle's) opens the
window with the person's settings left alone, prints a JSON line once it is painted on the
screen and another once its plots are too (what bench/bench_startup.py times), trains the
note's table at Max speed, prints a third line (the checkpoints drawn, the final weights and
bias) and quits: a build that
passes shows the window, trains on its worker thread and closes cleanly.
"""
from __future__ import annotations

import gc
import sys

# NumPy before Qt: once PySide6 is loaded, it looks at the source of every module imported
# after it for the word "PySide6" (its ``__feature__`` switch).  Through inspect.getsource,
# NumPy's 107 modules took 24 ms more that way (a 2-core Intel Xeon); feature_scan below
# makes each look a file read, and NumPy's modules still need none.
import numpy  # noqa: F401
from PySide6.QtWidgets import QApplication

from . import feature_scan

feature_scan.install()  # before the window's modules are imported: see gui/feature_scan.py

from .first_paint import AfterFirstPaint  # noqa: E402 (after the line above)

SMOKE_TEST = "--smoke-test"


def run_gui(argv: list[str]) -> int:
    """Opens the window and runs it until it closes.

    The garbage collector is off until the window is painted (``main`` turns it off before
    importing this).  Start-up makes some 110,000 objects that live as long as the program,
    and as they are made Python's collector walked them about 160 times, 50 ms in all (a
    2-core Intel Xeon), to
    find a few hundred it could free.  Once the window is on the screen they are frozen
    (``gc.freeze``: out of the collector's sight, as gui.run_controller does again once the
    kernel is loaded) and collecting starts; the few hundred stay, a few dozen kilobytes."""
    gc.disable()
    try:
        window = _open_window(argv)
    except BaseException:
        gc.enable()
        raise
    connect_collecting(window)
    return QApplication.instance().exec()


def connect_collecting(window) -> None:
    """The collector back on once the whole window is on the screen."""
    window.completed.connect(_start_collecting)


def _start_collecting() -> None:
    gc.freeze()
    gc.enable()


def _open_window(argv: list[str]):
    smoke = SMOKE_TEST in argv
    argv = [a for a in argv if a != SMOKE_TEST]
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Neuron Lab")
    app.setOrganizationName("Neuron Lab")
    app.setDesktopFileName("neuron-lab")
    from PySide6.QtGui import QIcon

    from resources import ICON

    app.setWindowIcon(QIcon(str(ICON)))
    if smoke:
        import tempfile

        from . import settings

        folder = tempfile.TemporaryDirectory(prefix="neuron-lab-smoke-")
        settings.use_folder(folder.name)  # the defaults, and nothing saved for the person

    from .main_window import MainWindow

    # Shown first with its table, controls and menus; the plots on the next turn (see
    # MainWindow): the window is on the screen in half the time.
    window = MainWindow(plots_later=True)
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    if smoke:
        _smoke_test(app, window)
    return window


def _smoke_test(app: QApplication, window) -> None:
    from .main_window import MAX_SPEED

    def finished() -> None:
        import json

        x, y = window.error_plot.points()
        state = window.document.run.state
        print(json.dumps({
            "smoke_test": "trained", "shown": window.isVisible(),
            "checkpoints": {"iteration": [int(i) for i in x], "train_error": y.tolist()},
            "weights": state.weights.tolist(), "bias": float(state.bias),
        }), flush=True)
        window.close()

    def shown() -> None:
        # The moment bench/bench_startup.py times: nothing before it that a person's start
        # does not do (so the line is written out, not through json).
        visible = "true" if window.isVisible() else "false"
        print(f'{{"smoke_test": "shown", "shown": {visible}}}', flush=True)

    def completed() -> None:
        # The plots are drawn too (the benchmark's second moment): train.
        print(f'{{"smoke_test": "complete", "plots": {len(_plots(window))}}}', flush=True)
        window.speed_combo.setCurrentIndex(MAX_SPEED)
        window.train_button.click()

    window.training_finished.connect(finished)
    window.completed.connect(completed)
    AfterFirstPaint(window, shown)


def _plots(window) -> list:
    """The window's plots that are on the screen."""
    import pyqtgraph as pg

    return [plot for plot in window.findChildren(pg.PlotWidget) if plot.isVisible()]
