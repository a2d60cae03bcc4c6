"""Damaged and extreme sessions: refused whole with one message, or opened and continued."""
from __future__ import annotations

import json

import pytest

from model import DataError, Training, TrainConfig, note_table
from model.session import Session, parse_session, save_session, session_json
from tests import reliability
from tests.gui_helpers import train


def base() -> dict:
    training = Training(note_table(), TrainConfig(iterations=300))
    history = training.advance()
    return json.loads(session_json(Session(note_table(), training.config, training, history)))


def changed(path: list, value) -> str:
    document = base()
    place = document
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    return json.dumps(document)


DAMAGED = {
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "a learning rate of 10**400": changed(["parameters", "alpha"], 10**400),
    "a cell of 10**400": changed(["data", "rows", 0, 0], 10**400),
    "no columns": changed(["data"], {"columns": [], "rows": [[]]}),
    "an integer of 5,000 digits": json.dumps(base()).replace('"seed": 42', '"seed": ' + "9" * 5000),
    "a checkpoint interval of 2**40": changed(["parameters", "every"], 2**40),
    "an iteration count of 2**70": changed(["run", "state", "iteration"], 2**70),
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_session_is_one_clear_refusal(name):
    with pytest.raises(DataError) as caught:
        parse_session(DAMAGED[name], source="bad.neuronlab")
    assert "bad.neuronlab" in str(caught.value) and "\n" not in str(caught.value)
    reliability.count("damaged sessions refused whole")


@pytest.mark.parametrize("key, value", [("alpha", 1e-5), ("test_fraction", 0.125),
                                        ("every", 300_000_000), ("alpha", 0.12345)])
def test_parameters_the_window_cannot_show_exactly_are_refused_and_nothing_changes(
        qtbot, window, tmp_path, key, value):
    path = tmp_path / "odd.neuronlab"
    path.write_text(changed(["parameters", key], value))
    window.table_model.insert_row()  # an edit, to see that nothing is replaced
    before = window.table_model.values.copy()
    config = window.document.config
    assert not window.open_file(str(path))
    assert window.table_model.values.tolist() == before.tolist()
    assert window.document.config == config and window.document.run is None
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot open the session") and "Nothing was changed" in message
    assert "cannot be set here" in message or "must be between" in message
    reliability.count("sessions with parameters a window cannot hold, refused")


def test_a_run_far_past_two_to_the_31_continues_and_counts_right(qtbot, window, tmp_path):
    training = Training(note_table(), TrainConfig(iterations=1000))
    state = training.state()
    state["iteration"] = 2**33
    training = Training.restore(note_table(), state)
    path = tmp_path / "long.neuronlab"
    save_session(path, Session(note_table(), TrainConfig(iterations=1000), training,
                               training.advance(0)))
    assert window.open_file(str(path))
    train(qtbot, window, window.continue_button)
    run = window.document.run
    assert run.state.iteration == 2**33 + 1000
    last = int(run.history.iteration[-1])
    assert 2**33 < last < 2**33 + 1000 and last % 100 == 0 and len(run.history) == 10
    assert f"{2**33 + 1000:,}" in window.status_label.text()
    assert "Finished" in window.statusBar().currentMessage()
    assert window.progress.value() == 1000
    reliability.count("runs continued past 2**31 iterations")


def test_a_wide_table_gets_a_bounded_ask_panel_that_still_predicts(qtbot, window):
    """Thousands of columns: the ask panel has a box for the first few features and holds
    the others at their mean, so opening the table does not lay out thousands of boxes."""
    import numpy as np

    from gui.predict_panel import MAX_INPUTS
    from model import Dataset

    rs = np.random.RandomState(0)
    data = Dataset.from_arrays(rs.randn(30, 2000), (rs.rand(30) > 0.5) * 1.0)
    window.table_model.set_dataset(data)
    window.iterations_spin.setValue(200)
    train(qtbot, window)
    panel = window.predict_panel
    from PySide6.QtWidgets import QDoubleSpinBox

    assert len(panel.findChildren(QDoubleSpinBox)) == MAX_INPUTS
    asked = panel.features()
    assert asked.shape == (2000,)
    assert np.allclose(asked[MAX_INPUTS:], data.features.mean(axis=0)[MAX_INPUTS:])
    state = window.document.run.state
    assert panel.prediction() == float(state.predict(asked[None, :])[0])
    reliability.count("tables of 2,000 columns opened and trained")


def test_the_undo_history_stays_within_its_memory_budget_and_edits_stay_unsaved(qtbot, window):
    import numpy as np

    from model import Dataset

    history = window.undo_stack
    history.budget = 2 * 2**20  # 2 MB, so that a test-sized table goes past it
    rs = np.random.RandomState(0)
    big = Dataset.from_arrays(rs.randn(100_000, 2), (rs.rand(100_000) > 0.5) * 1.0)
    window.table_model.set_dataset(big)  # keeps the old table and the new: 2.4 MB
    assert history.count() == 0 and history.held_bytes() == 0
    assert window.has_unsaved_edits() and window.isWindowModified()
    assert "undo history was cleared" in window.statusBar().currentMessage()
    assert window.table_model.rowCount() == 100_000  # the edit itself stays
    window.table_model.insert_row()
    assert history.count() == 1 and history.held_bytes() < history.budget
    reliability.count("undo histories trimmed to their memory budget")
