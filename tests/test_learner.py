"""What a learner sees: results always belong to the table shown; Continue says what it does;
the title tells the truth about unsaved edits."""
from __future__ import annotations

from model import Training, TrainConfig, note_table
from resources import EXAMPLES
from tests.gui_helpers import train


def example(title_word: str):
    return next(e for e in EXAMPLES if title_word.lower() in e.title.lower())


def test_loading_other_data_puts_the_old_run_away(qtbot, window):
    train(qtbot, window)
    assert window.continue_button.isEnabled()
    window.load_example(example("XOR"))
    qtbot.waitUntil(lambda: not window.continue_button.isEnabled())
    assert window.document.run is None
    assert window.error_plot.points()[0].size == 0 and window.model_label.text() == ""
    assert window.boundary_plot.output.std() == 0  # no neuron drawn over the new data
    assert "press Train" in window.continue_button.toolTip()


def test_continue_after_an_edit_trains_on_the_table_as_it_is_now_and_says_so(qtbot, window):
    train(qtbot, window)
    before = window.document.run.state
    window.table_model.setData(window.table_model.index(0, 0), "3.25")
    window.iterations_spin.setValue(500)
    train(qtbot, window, window.continue_button)
    assert "Continuing on the table as it is now" in window.statusBar().currentMessage() or \
        "Finished" in window.statusBar().currentMessage()
    edited = window.document.dataset()
    expected = Training.resume(edited, before)
    expected.advance(500)
    state = window.document.run.state
    assert state.weights.tolist() == expected.weights.tolist() and state.bias == expected.bias
    assert window.document.run.dataset.features[0, 0] == 3.25


def test_continue_after_a_run_on_an_unchanged_table_is_one_longer_run(qtbot, window):
    window.iterations_spin.setValue(3000)
    train(qtbot, window)
    train(qtbot, window, window.continue_button)
    clean = Training(note_table(), TrainConfig(iterations=6000))
    clean.advance()
    assert window.document.run.state.weights.tolist() == clean.weights.tolist()


def test_opening_a_file_or_an_example_is_not_an_unsaved_edit(qtbot, window, tmp_path,
                                                            monkeypatch):
    monkeypatch.setattr(window.file_actions, "ask_target", lambda names: len(names) - 1)
    path = tmp_path / "good.csv"
    path.write_text("a,b,y\n1,2,0\n3,4,1\n")
    assert window.open_file(str(path))
    assert not window.has_unsaved_edits() and "good.csv" in window.windowTitle()
    window.load_example(example("XOR"))
    assert not window.has_unsaved_edits() and "XOR" in window.windowTitle()
    window.table_model.setData(window.table_model.index(0, 0), "0.5")
    assert window.has_unsaved_edits() and window.isWindowModified()


def test_the_status_says_when_checking_the_error_takes_most_of_the_time(qtbot, window):
    import numpy as np

    from model import Dataset

    rs = np.random.RandomState(0)
    window.table_model.set_dataset(
        Dataset.from_arrays(rs.randn(50_000, 2), (rs.rand(50_000) > 0.5) * 1.0))
    window.every_spin.setValue(1)
    window.iterations_spin.setValue(300)
    train(qtbot, window)
    message = window.statusBar().currentMessage()
    assert message.startswith("Finished 300 iterations.")
    assert "raise Checkpoint every" in message and "50,000 rows" in message


def test_with_rows_held_out_both_curves_are_a_mean_per_row_and_the_axis_says_so(qtbot, window):
    window.test_fraction_spin.setValue(0.25)
    train(qtbot, window)
    run = window.document.run
    n_train, n_test = run.train_rows.size, run.test_rows.size
    assert (n_train, n_test) == (6, 2)
    _, train_curve = window.error_plot.points("train")
    _, test_curve = window.error_plot.points("test")
    assert train_curve.tolist() == (run.history.train_error / n_train).tolist()
    assert test_curve.tolist() == (run.history.test_error / n_test).tolist()
    axis = window.error_plot.getPlotItem().getAxis("left").labelText
    assert "per row" in axis
    window.test_fraction_spin.setValue(0.0)
    train(qtbot, window)
    assert window.error_plot.points()[1].tolist() == window.document.run.history.train_error.tolist()
    assert window.error_plot.getPlotItem().getAxis("left").labelText == \
        "Error, all training rows"


def test_after_stop_the_curve_fills_the_plot_again(qtbot, window):
    window.iterations_spin.setValue(100_000_000)
    window.train_button.click()
    qtbot.waitUntil(lambda: len(window.document.run.history) > 100)
    with qtbot.waitSignal(window.training_finished):
        window.stop_button.click()
    low, high = window.error_plot.getPlotItem().getViewBox().viewRange()[0]
    done = window.document.run.state.iteration
    assert high < 2 * done  # not the 100,000,000 planned


def test_restore_the_notes_settings_gives_the_notes_numbers_again(qtbot, window):
    from gui.parameters import DEFAULT_SPEED

    window.alpha_spin.setValue(2.5)
    window.test_fraction_spin.setValue(0.25)
    window.iterations_spin.setValue(10_000_000)
    window.parameters.restore_note_settings()
    assert window.document.config == TrainConfig()
    assert window.speed_combo.currentIndex() == DEFAULT_SPEED
    window.speed_combo.setCurrentIndex(window.speed_combo.count() - 1)  # Max, for the test
    train(qtbot, window)
    clean = Training(note_table(), TrainConfig())
    clean.advance()
    assert window.document.run.state.weights.tolist() == clean.weights.tolist()


def test_a_long_run_at_a_watching_pace_says_how_long_it_takes(qtbot, window):
    from gui.parameters import DEFAULT_SPEED

    window.speed_combo.setCurrentIndex(DEFAULT_SPEED)
    window.iterations_spin.setValue(10_000_000)
    with qtbot.waitSignal(window.training_finished):
        window.train_button.click()
        message = window.statusBar().currentMessage()
        window.stop_button.click()
    assert "takes about" in message and "minutes" in message and "Max" in message


def test_the_progress_bar_shows_only_while_a_run_goes(qtbot, window):
    assert not window.progress.isVisible()
    window.iterations_spin.setValue(100_000_000)
    window.train_button.click()
    qtbot.waitUntil(window.progress.isVisible)
    with qtbot.waitSignal(window.training_finished):
        window.stop_button.click()
    assert not window.progress.isVisible()


def test_the_splitters_are_remembered(qtbot, window):
    from gui.main_window import MainWindow

    window.main_splitter.setSizes([300, 1100])
    window.plot_splitter.setSizes([200, 600])
    sizes = window.main_splitter.sizes(), window.plot_splitter.sizes()
    size = window.size()
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.resize(size)  # (an offscreen window is not placed by the stored geometry)
    again.show()
    qtbot.waitUntil(lambda: again.main_splitter.sizes()[0] == sizes[0][0])
    assert (again.main_splitter.sizes(), again.plot_splitter.sizes()) == sizes
    again.close()


def test_undoing_an_example_or_an_opened_file_gives_the_old_title_back(qtbot, window, tmp_path,
                                                                      monkeypatch):
    from resources import EXAMPLES
    xor = next(e for e in EXAMPLES if e.file == "xor.csv")
    window.load_example(xor)
    assert xor.title in window.windowTitle()
    window.undo_stack.undo()
    assert "The note's table" in window.windowTitle()
    path = tmp_path / "heights.csv"
    path.write_text("h,w,y\n165,66,1\n170,70,0\n")
    monkeypatch.setattr(window.file_actions, "ask_target", lambda names: len(names) - 1)
    assert window.open_file(str(path))
    assert "heights.csv" in window.windowTitle()
    window.undo_stack.undo()
    assert "The note's table" in window.windowTitle()
