"""The window stays responsive during a run: the training thread gives way to it."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from tests.gui_helpers import train


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread of its own nice value is Linux's")
def test_the_training_thread_runs_at_a_lower_priority_than_the_window(qtbot, window):
    from gui import worker

    train(qtbot, window)  # the worker has started (and loaded the kernel)
    tid = window.runs._worker.native_id
    assert tid is not None and tid != threading.get_native_id()
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert os.getpriority(os.PRIO_PROCESS, tid) == min(19, ours + worker.NICENESS)


def test_the_window_objects_leave_the_collectors_sight_only_when_no_run_is_watched(
        qtbot, window, monkeypatch):
    """Full garbage collections walked every object of the window (20-60 ms on the GUI
    thread, the longest pauses of a long run): once the kernel is loaded and no run goes
    on, the objects alive are collected once and frozen, never in the middle of a run."""
    import gc

    from gui import run_controller

    calls: list[str] = []
    monkeypatch.setattr(run_controller, "_settled", False)
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    runs = window.runs
    window.iterations_spin.setValue(2_000_000)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train_button.click()
        assert runs.running
        runs._kernel_ready()  # the worker says the kernel is loaded, mid-run
        assert calls == []
    assert calls == ["collect", "freeze"]
    runs._kernel_ready()  # once per process
    assert calls == ["collect", "freeze"]
    monkeypatch.setattr(run_controller, "_settled", False)
    runs._kernel_ready()  # when idle: at once
    assert calls == ["collect", "freeze"] * 2


def test_the_current_curve_is_thin_while_it_trains_and_bold_after(qtbot, window):
    """A line wider than a pixel costs several times as much to paint, 30 times a second."""
    train(qtbot, window)  # a kept run, so that the current one is told apart
    curve = window.error_plot.train_curve
    widths = []
    window.runs.running_changed.connect(
        lambda running: widths.append((running, curve.opts["pen"].widthF())))
    window.iterations_spin.setValue(3_000_000)
    window.document.run_progressed.connect(
        lambda _: widths.append(("during", curve.opts["pen"].widthF())))
    train(qtbot, window)
    during = {w for when, w in widths if when == "during"}
    assert during == {1.0}
    assert curve.opts["pen"].widthF() == 2.5


def test_during_a_run_the_pictures_are_drawn_one_per_turn_and_all_end_on_the_last_model(
        qtbot, window):
    from PySide6.QtCore import QTimer

    # A timer of 0 ms fires once per turn of the event loop: it counts the turns.
    turns = [0]
    counter = QTimer(interval=0)
    counter.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    drawn: list[tuple[str, float, int]] = []
    for view in window.run_views.neuron_views:
        original = view.set_neuron

        def spy(*args, _name=type(view).__name__, _original=original):
            drawn.append((_name, float(args[1]), turns[0]))
            return _original(*args)
        view.set_neuron = spy
    window.iterations_spin.setValue(50_000_000)
    names = [type(v).__name__ for v in window.run_views.neuron_views]
    counter.start()
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.train_button.click()
        qtbot.waitUntil(lambda: len(drawn) >= 2 * len(names), timeout=20_000)
        window.stop_button.click()
    counter.stop()
    # The run's start draws them all at once; then, mid-run, each turn drew one view, in
    # order, each with the same model.
    first = drawn[len(names):2 * len(names)]
    assert [n for n, _, _ in first] == names and len({b for _, b, _ in first}) == 1
    assert all(a[2] < b[2] for a, b in zip(first, first[1:]))
    # At the end every view shows the run's last model, and no stage is left to draw an
    # older one over it.
    bias = window.document.run.state.bias
    assert [b for _, b, _ in drawn[-len(names):]] == [bias] * len(names)
    assert window.boundary_plot._bias == bias
    assert not window.run_views._stage_timer.isActive() and not window.run_views._stages


def test_a_big_tables_accuracy_is_measured_at_the_runs_end_not_on_every_redraw(
        qtbot, window, monkeypatch):
    from gui import views

    monkeypatch.setattr(views, "LIVE_ACCURACY_ROWS", 4)  # the note's 8 rows count as big
    label = window.parameters.model_label
    during: list[str] = []
    window.document.run_progressed.connect(lambda _: during.append(label.text()))
    from model.document import Run

    measured = []
    original = Run.accuracy

    def counted(run, *args):
        measured.append(args)
        return original(run, *args)
    monkeypatch.setattr(Run, "accuracy", counted)
    window.iterations_spin.setValue(3_000_000)
    train(qtbot, window)
    assert any("measured when the run ends" in t for t in during)
    # At the end: the worker's own measure, shown without another pass on this thread;
    # the only pass here was the starting model's, as the run began.
    run = window.document.run
    assert f"Accuracy on training rows: {run.accuracy()[0]:.0%}" in label.text()
    assert sum(args != () for args in measured) <= 1
