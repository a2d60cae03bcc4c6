"""The window as ``python main.py`` opens it: ``MainWindow(plots_later=True)`` is shown with
its table, controls and menus, and its plots are built on the turn after that first paint
(gui/main_window.py).  Nothing a person sees or does may tell the two apart, except that
the window comes sooner."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox

from gui import first_paint, main_window
from gui.first_paint import AfterFirstPaint
from gui.main_window import MainWindow
from model import Dataset


def later_window(qtbot) -> MainWindow:
    window = MainWindow(plots_later=True)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    return window


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
    """Stands in for QTimer in gui.main_window and gui.first_paint: the zero-delay calls
    wait in ``held`` until the test runs them (so that input can come between the first
    paint and the plots)."""

    def __init__(self) -> None:
        self.held: list = []

    def singleShot(self, ms, callback) -> None:  # noqa: N802 (Qt's name)
        self.held.append(callback)


@pytest.mark.parametrize("how", ["key", "mouse"])
def test_input_before_the_plots_are_built_builds_them_first_and_is_then_handled(qtbot,
                                                                                monkeypatch, how):
    timer = _HeldTimer()
    monkeypatch.setattr(main_window, "QTimer", timer)
    monkeypatch.setattr(first_paint, "QTimer", timer)
    window = later_window(qtbot)
    window.show()
    qtbot.waitUntil(lambda: len(timer.held) == 1)  # painted: the plots' build is queued
    assert not hasattr(window, "error_plot")
    if how == "key":
        window.table.setFocus()
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    else:
        qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton)
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


def test_a_run_asked_of_a_window_before_its_plots_are_built_is_drawn_on_them(qtbot):
    window = later_window(qtbot)  # not shown: nothing has built its plots
    window.iterations_spin.setValue(300)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train()
    x, _ = window.error_plot.points()
    assert list(x) == list(window.document.run.history.iteration)


#: The window's methods that need its plots, each with what to call it with.
ASKED = {
    "train": (), "step": (), "continue_training": (), "stop": (), "reset": (),
    "start_sweep": ([0.1], [1]), "rewind_to": (None,), "start_from": (np.zeros(3),),
    "open_file": ("no such file.csv",), "save_session_to": ("{folder}/s.neuronlab",),
    "load_example": (None,), "add_point": (1.0, 1.0, 1.0),
}


@pytest.mark.parametrize("name", sorted(ASKED))
def test_each_method_that_needs_the_plots_builds_them_first(qtbot, tmp_path, name):
    from resources import EXAMPLES

    window = later_window(qtbot)
    args = [EXAMPLES[0] if a is None and name == "load_example" else
            a.format(folder=tmp_path) if isinstance(a, str) else a for a in ASKED[name]]
    getattr(window, name)(*args)
    assert hasattr(window, "error_plot") and window.main_splitter.widget(1) is window.plot_splitter
    if window.is_running():
        with qtbot.waitSignal(window.training_finished, timeout=20_000):
            window.stop()


def test_the_kernel_loads_once_the_whole_window_is_painted_not_before(qtbot, monkeypatch):
    """Loading numba on the worker takes turns with the window's thread: it waits until the
    plots are built and painted too."""
    from gui.run_controller import RunController

    asked: list[tuple[bool, bool]] = []
    real = RunController.window_shown
    window = None

    def window_shown(runs):
        asked.append((hasattr(window, "error_plot"), window.is_complete()))
        real(runs)

    monkeypatch.setattr(RunController, "window_shown", window_shown)
    window = later_window(qtbot)
    window.show()
    qtbot.waitUntil(lambda: len(asked) > 0, timeout=10_000)
    assert asked[0] == (True, True)


def test_a_window_made_whole_before_its_first_paint_is_complete_only_after_it(qtbot):
    """Shown is not painted: plots built between show() and the first paint (something asked
    of the window) are complete once that paint has been."""
    window = later_window(qtbot)
    order: list[str] = []

    class Painted(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and "painted" not in order:
                order.append("painted")
            return False

    painted = Painted(window)
    window.installEventFilter(painted)
    window.completed.connect(lambda: order.append("complete"))
    window.show()
    window.build_plots()  # as a method that needs them would, before any paint
    qtbot.waitUntil(window.is_complete)
    assert order == ["painted", "complete"]


def test_a_window_closed_at_once_does_not_build_its_plots_after(qtbot, monkeypatch):
    """Closed before the queued build: the build would only keep the program from ending."""
    timer = _HeldTimer()
    monkeypatch.setattr(main_window, "QTimer", timer)
    monkeypatch.setattr(first_paint, "QTimer", timer)
    window = later_window(qtbot)
    window.show()
    qtbot.waitUntil(lambda: len(timer.held) == 1)
    window.close()
    for callback in timer.held:
        callback()
    assert not hasattr(window, "error_plot")


def three_features() -> Dataset:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(12, 3))
    return Dataset.from_arrays(features, (features.sum(axis=1) > 0).astype(float),
                               ["a", "b", "c"], "t")


def test_plots_built_after_a_table_and_a_session_were_opened_show_them_as_a_whole_window_does(
        qtbot, tmp_path):
    """Through what no input or method of the window's goes (so nothing built the plots
    first): the views made later start from the document as it is."""
    whole = MainWindow()
    qtbot.addWidget(whole)
    whole.speed_combo.setCurrentIndex(whole.speed_combo.count() - 1)
    whole.iterations_spin.setValue(400)
    for alpha in (0.1, 0.5):
        whole.alpha_spin.setValue(alpha)
        with qtbot.waitSignal(whole.training_finished, timeout=20_000):
            whole.train()
    session = str(tmp_path / "two runs.neuronlab")
    assert whole.save_session_to(session)

    def shown(window):
        window.build_plots()
        qtbot.waitUntil(lambda: not window.run_curves._timer.isActive())
        qtbot.waitUntil(lambda: not window.step_views._timer.isActive())
        return (sorted(window.run_curves.items), window.runs_panel.model.rowCount(),
                window.runs_panel.model._current, window.runs_panel.selected_numbers(),
                window.rewind_cursor.line.isVisible(), window.rewind_cursor.line.value(),
                len(window.step_panel.guess_boxes))

    seen = []
    for window in (whole, later_window(qtbot)):
        window.table_model.set_dataset(three_features(), text="Three", file_name="three")
        assert window.file_actions.open_path(session, ask=False)
        window.document.rewind_to(2)
        seen.append(shown(window))
    assert seen[0] == seen[1]
    assert len(seen[1][0]) == 1 and seen[1][1] == 2 and seen[1][4]  # a curve, two runs, rewound


def test_plots_built_after_a_wider_table_came_ask_a_guess_for_each_of_its_weights(qtbot):
    window = later_window(qtbot)
    window.table_model.set_dataset(three_features(), text="Three", file_name="three")
    window.build_plots()
    assert len(window.step_panel.guess_boxes) == 4  # three weights and the bias


def focus_stops(window) -> list[str]:
    """The widgets Tab stops at, in order, from the learning rate."""
    names, widget = [], window.alpha_spin
    for _ in range(500):
        widget = widget.nextInFocusChain()
        if widget is window.alpha_spin:
            return names
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible()
                and widget.isEnabled() and not isinstance(widget.parent(), QAbstractSpinBox)):
            names.append(widget.objectName() or type(widget).__name__)
    raise AssertionError("the focus chain does not come back")


def test_tab_goes_through_the_controls_ask_the_neuron_the_table_then_the_plots(qtbot, tmp_path):
    """In the order they are on the screen, for both kinds of window, and again after a
    table of other columns gave Ask the neuron new inputs."""
    orders = []
    for window in (MainWindow(), later_window(qtbot)):
        qtbot.addWidget(window)
        window.show()
        window.build_plots()
        qtbot.waitExposed(window)
        orders.append(focus_stops(window))
        window.table_model.set_dataset(three_features(), text="Three", file_name="three")
        qtbot.waitUntil(lambda w=window: len(w.predict_panel._spins) == 3
                        and all(spin.isVisible() for spin in w.predict_panel._spins))
        stops = focus_stops(window)
        assert stops.count("askInput") == 3
        assert stops.index("trainButton") < stops.index("askInput") < stops.index("dataTable")
        assert stops.index("dataTable") < stops.index("plotTabs")
    assert orders[0] == orders[1]
    assert orders[0].count("askInput") == 2


def test_the_plots_side_takes_its_share_when_the_window_grows_and_shrinks(qtbot):
    """A splitter keeps a side's stretch in its widget: the plots put in the place kept for
    them take its share of every change of the window's width, as the whole window's do."""
    sizes = []
    for window in (MainWindow(), later_window(qtbot)):
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(window.is_complete)
        seen = [window.main_splitter.sizes()]
        for width in (1900, 1000):
            window.resize(width, 800)
            qtbot.waitUntil(lambda w=window, x=width: w.width() == x)
            qtbot.waitUntil(lambda w=window, x=width: sum(w.main_splitter.sizes()) > x - 20)
            seen.append(window.main_splitter.sizes())
        sizes.append(seen)
    assert sizes[0] == sizes[1]
    (left, plots), (wide_left, wide_plots) = sizes[1][0], sizes[1][1]
    assert wide_plots - plots > wide_left - left > 0  # the plots take the larger share


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
