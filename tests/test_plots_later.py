"""The window as ``python main.py`` opens it: ``MainWindow(plots_later=True)`` is shown with
its table, controls and menus, and its plots are built on the turn after that first paint
(gui/main_window.py).  Nothing a person sees or does may tell the two apart, except that
the window comes sooner."""
from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Qt

from gui import main_window
from gui.first_paint import AfterFirstPaint
from gui.main_window import MainWindow
from tests.conftest import ROOT


def later_window(qtbot) -> MainWindow:
    window = MainWindow(plots_later=True)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    return window


def test_the_window_is_painted_before_pyqtgraph_is_imported_and_has_its_plots_after(tmp_path):
    """A fresh interpreter, as main.py starts: importing pyqtgraph and building the plots
    took as long as the rest of the window; the window waits for neither."""
    code = (
        "import sys\n"
        "from gui.app import AfterFirstPaint\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui import settings\n"
        f"settings.use_folder({str(tmp_path)!r})\n"
        "from gui.main_window import MainWindow\n"
        "window = MainWindow(plots_later=True)\n"
        "seen = []\n"
        "AfterFirstPaint(window, lambda: seen.append('pyqtgraph' in sys.modules))\n"
        "def completed():\n"
        "    from PySide6.QtWidgets import QWidget\n"
        "    names = ('errorPlot', 'boundaryPlot', 'sigmoidPlot', 'landscapePlot', 'runsTable',\n"
        "             'stepPanel', 'stepButton')\n"
        "    found = [n for n in names if window.findChild(QWidget, n) is not None]\n"
        "    print(seen, 'pyqtgraph' in sys.modules, found == list(names))\n"
        "    app.quit()\n"
        "window.completed.connect(completed)\n"
        "window.show()\n"
        "app.exec()\n"
        "window.shutdown()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[False] True True"


def test_the_left_half_does_not_move_or_change_when_the_plots_come(qtbot):
    """What the first paint shows of the table, the parameters and Ask the neuron is what
    the whole window shows: the plots take the place kept for them."""
    window = later_window(qtbot)
    first: list = []

    def left_half():
        return (window.main_splitter.sizes()[0], window.table.geometry(),
                window.predict_panel.geometry(), len(window.predict_panel._spins),
                [b.isEnabled() for b in (window.train_button, window.stop_button,
                                         window.continue_button, window.reset_button)])

    AfterFirstPaint(window, lambda: first.append((left_half(), hasattr(window, "error_plot"))))
    window.show()
    qtbot.waitUntil(window.is_complete)
    (shown, had_plots), = first
    assert not had_plots  # painted before the plots were built
    assert shown[3] == 2 and shown[4] == [True, False, False, False]
    assert left_half() == shown
    assert window.main_splitter.widget(1) is window.plot_splitter
    assert window.plot_splitter.width() > 400


class _HeldTimer:
    """Stands in for QTimer in gui.main_window: the zero-delay calls wait in ``held`` until
    the test runs them (so that input can come between the first paint and the plots)."""

    def __init__(self) -> None:
        self.held: list = []

    def singleShot(self, ms, callback) -> None:  # noqa: N802 (Qt's name)
        self.held.append(callback)


def test_input_before_the_plots_are_built_builds_them_first_and_is_then_handled(qtbot,
                                                                                monkeypatch):
    timer = _HeldTimer()
    monkeypatch.setattr(main_window, "QTimer", timer)
    window = later_window(qtbot)
    window.show()
    qtbot.waitUntil(lambda: len(timer.held) == 1)  # painted: the plots' build is queued
    assert not hasattr(window, "error_plot")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # any key, any click
    assert hasattr(window, "error_plot") and window.main_splitter.widget(1) is window.plot_splitter
    window.iterations_spin.setValue(300)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        qtbot.mouseClick(window.train_button, Qt.MouseButton.LeftButton)
    # The press built the plots, and the run was drawn on them from its start.
    history = window.document.run.history
    x, y = window.error_plot.points()
    assert len(history) >= 3
    assert list(x) == list(history.iteration) and list(y) == list(history.train_error)
    for callback in list(timer.held):  # the queued build (done), then the window complete
        callback()
    assert window.is_complete()


def test_what_is_asked_of_a_window_before_its_plots_are_built_builds_them_first(qtbot):
    window = later_window(qtbot)  # not shown: nothing has built its plots
    window.iterations_spin.setValue(300)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train()
    x, _ = window.error_plot.points()
    assert list(x) == list(window.document.run.history.iteration)


def test_the_kernel_loads_once_the_plots_are_built_not_while_they_are(qtbot):
    """Loading numba on the worker takes turns with the window's thread: it waits until the
    whole window is on the screen."""
    window = later_window(qtbot)
    events: list[str] = []
    window.runs._warm_up_timer.timeout.connect(lambda: events.append("kernel asked for"))
    window.completed.connect(lambda: events.append("complete"))
    window.show()
    qtbot.waitUntil(lambda: "kernel asked for" in events, timeout=5_000)
    assert events == ["complete", "kernel asked for"]


def test_a_window_closed_before_its_plots_are_built_keeps_where_their_splitters_were(qtbot):
    from gui import settings

    stored = settings.open_settings()
    whole = MainWindow()
    qtbot.addWidget(whole)
    whole.plot_splitter.setSizes([150, 650])
    whole.close()
    kept = stored.value("window/plots")
    window = later_window(qtbot)  # never shown: its plots never built
    window.close()
    assert not hasattr(window, "plot_splitter")
    assert settings.open_settings().value("window/plots") == kept


def test_the_splitters_are_remembered_by_the_window_main_py_opens(qtbot):
    whole = MainWindow()
    qtbot.addWidget(whole)
    whole.resize(1280, 800)
    whole.show()
    whole.main_splitter.setSizes([420, 856])
    whole.plot_splitter.setSizes([200, 600])
    whole.picture_splitter.setSizes([500, 356])
    sizes = [s.sizes() for s in (whole.main_splitter, whole.plot_splitter, whole.picture_splitter)]
    whole.close()
    again = later_window(qtbot)
    again.show()
    qtbot.waitUntil(again.is_complete)
    assert [s.sizes() for s in (again.main_splitter, again.plot_splitter,
                                again.picture_splitter)] == sizes
