"""One owner per piece of state: the document, its history, snapshots from the worker,
sessions saved mid-run, bulk edits and sorting over arrays."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from model import Dataset, Training, TrainConfig, note_table
from model.document import Document, Run
from model.history import History
from model.session import load_session
from tests.gui_helpers import TIMEOUT, train


# -- the model side, without Qt ---------------------------------------------------------------

def test_history_grows_in_order_and_hands_out_copies():
    training = Training(note_table(), TrainConfig(iterations=5000, every=10))
    history = History(with_test=False)
    parts = list(training.run(chunk=333))
    for part in parts:
        history.extend(part)
    whole = Training(note_table(), TrainConfig(iterations=5000, every=10)).advance()
    assert history.iteration.tolist() == whole.iteration.tolist()
    assert history.train_error.tolist() == whole.train_error.tolist()
    copy = history.checkpoints()
    copy.train_error[0] = -1.0
    assert history.train_error[0] != -1.0
    with pytest.raises(ValueError):
        history.train_error[0] = 0.0  # views are read-only
    with pytest.raises(ValueError, match="in order"):
        history.extend(parts[0])


def test_a_snapshot_continues_exactly_and_never_changes():
    training = Training(note_table(), TrainConfig(iterations=10_000, every=100))
    training.advance(3000)
    state = training.snapshot()
    weights = state.weights.copy()
    training.advance(2000)  # the original goes on; the snapshot stays as it was
    assert state.weights.tolist() == weights.tolist() and state.iteration == 3000
    with pytest.raises(ValueError):
        state.weights[0] = 1.0
    resumed = Training.resume(note_table(), state)
    rest = resumed.advance(2000)
    assert resumed.weights.tolist() == training.weights.tolist()
    expected = Training(note_table(), TrainConfig(iterations=5000, every=100)).advance()
    assert rest.train_error.tolist() == expected.train_error[30:].tolist()


def test_document_announces_each_edit_once_and_undoes_a_block():
    doc = Document(note_table())
    seen = []
    doc.table_changed.connect(lambda change: seen.append(change.kind))
    old = doc.write_rows([6, 7], 0, np.arange(30.0).reshape(10, 3) / 30)
    assert doc.n_rows == 16 and seen == ["insert", "cells"]
    doc.unwrite_rows([6, 7], 0, old, added=8)
    assert doc.values.tolist() == Document(note_table()).values.tolist()
    removed = doc.remove_rows([0, 1, 5])
    doc.restore_rows([0, 1, 5], removed)
    assert doc.values.tolist() == Document(note_table()).values.tolist()


def test_session_of_a_document_holds_its_run_consistently():
    doc = Document(note_table())
    training = Training(note_table(), TrainConfig(iterations=2000))
    doc.set_run(Run(note_table(), training.snapshot(), History(False)))
    for part in training.run(chunk=700):
        doc.record_progress(part, training.snapshot())
    session = doc.session()
    assert session.training.iteration == 2000 and len(session.history) == 20
    assert session.training.weights.tolist() == training.weights.tolist()


# -- the window ------------------------------------------------------------------------------------

def test_sessions_saved_at_moments_of_a_max_run_continue_like_the_run(qtbot, window, tmp_path):
    """Saving reads the document, which changes only between the worker's chunks: each
    session saved mid-run is a clean run of its length, and continues like one."""
    window.iterations_spin.setValue(100_000_000)
    window.train_button.click()
    paths = []
    for k, size in enumerate((50, 2_000, 9_000)):
        qtbot.waitUntil(lambda s=size: len(window.document.run.history) > s, timeout=TIMEOUT)
        paths.append(tmp_path / f"mid{k}.neuronlab")
        assert window.save_session_to(paths[-1])
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        window.stop_button.click()
    for path in paths:
        session = load_session(path)
        saved = session.training
        n = saved.iteration
        assert 0 < n < 100_000_000 and len(session.history) == (n - 1) // 100 + 1
        clean = Training(note_table(), TrainConfig(iterations=n))
        expected = clean.advance()
        assert session.history.train_error.tolist() == expected.train_error.tolist()
        assert saved.weights.tolist() == clean.weights.tolist() and saved.bias == clean.bias
        more = saved.advance(1000)
        assert more.train_error.tolist() == clean.advance(1000).train_error.tolist()


def test_a_paste_is_one_edit_one_redraw_and_one_undo(qtbot, window, monkeypatch):
    rows = 1000
    text = "\n".join(f"{i}\t{-i}\t{i % 2}" for i in range(rows))
    redraws = []
    original = window.boundary_panel.set_data
    monkeypatch.setattr(window.boundary_panel, "set_data",
                        lambda *a: (redraws.append(1), original(*a)))
    window.table.setCurrentIndex(window.table_model.index(8 - 1, 0))
    QApplication.clipboard().setText(text)
    window.data_panel.paste_action.trigger()
    qtbot.waitUntil(lambda: len(redraws) >= 1)
    QApplication.processEvents()
    assert len(redraws) == 1 and window.table_model.rowCount() == 7 + rows
    assert window.undo_stack.count() == 1
    window.data_panel.undo_action.trigger()
    qtbot.waitUntil(lambda: len(redraws) >= 2)
    assert window.table_model.rowCount() == 8
    assert window.table_model.values.tolist() == Document(note_table()).values.tolist()


def test_sorting_by_a_column_is_a_view_order_and_edits_go_to_the_right_row(qtbot, window,
                                                                          qtmodeltester):
    model = window.table_model
    rs = np.random.RandomState(1)
    model.set_dataset(Dataset.from_arrays(rs.randn(300, 2), (rs.rand(300) > 0.5).astype(float)))
    train(qtbot, window)
    window.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    shown = [float(model.data(model.index(r, 3)).lstrip("✗ ")) for r in range(300)]
    assert shown == sorted(shown, reverse=True)
    top = model.data_row(0)
    assert model.headerData(0, Qt.Orientation.Vertical).split()[0] == str(top + 1)
    assert model.setData(model.index(0, 0), "42")
    assert model.values[top, 0] == 42.0  # the data row shown there, not row 1
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    firsts = [float(model.data(model.index(r, 0))) for r in range(300)]
    assert firsts == sorted(firsts)
    qtmodeltester.check(model, force_py=True)


def test_the_gui_reads_only_snapshots_of_a_run(qtbot, window):
    """What the window shows comes from RunState snapshots, never from a live Training."""
    train(qtbot, window)
    run = window.document.run
    assert not hasattr(window, "_training")
    assert not run.state.weights.flags.writeable
    weights, bias = run.state.weights, run.state.bias
    clean = Training(note_table(), TrainConfig())
    clean.advance()
    assert weights.tolist() == clean.weights.tolist() and bias == clean.bias


# -- hostile input: pastes, duplicate names ----------------------------------------------------

def test_paste_into_a_computed_column_is_refused_with_a_message(qtbot, window):
    before = window.table_model.values.copy()
    window.table.setCurrentIndex(window.table_model.index(0, 3))  # the ŷ column
    QApplication.clipboard().setText("1\t2\n")
    window.data_panel.paste_action.trigger()
    assert window.table_model.values.tolist() == before.tolist()
    assert "computed" in window.statusBar().currentMessage()


def test_paste_into_a_sorted_view_writes_the_rows_shown_there(qtbot, window):
    model = window.table_model
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # x1: 5.5 first, 1 last
    shown = [model.data_row(r) for r in range(2)]
    window.table.setCurrentIndex(model.index(0, 0))
    QApplication.clipboard().setText("100\t101\n200\t201\n")
    window.data_panel.paste_action.trigger()
    qtbot.waitUntil(lambda: window.table_model.values[:, 0].max() == 200)
    values = model.values
    assert values[shown[0], :2].tolist() == [100, 101] and values[shown[1], :2].tolist() == [200, 201]
    changed = np.flatnonzero(np.any(values != Document(note_table()).values, axis=1))
    assert sorted(changed.tolist()) == sorted(shown)
    window.data_panel.undo_action.trigger()
    assert model.values.tolist() == Document(note_table()).values.tolist()


def test_a_duplicate_column_name_picks_the_column_chosen():
    from gui.file_actions import target_labels

    labels = target_labels(["y", "x", "y"])
    assert labels == ["y (column 1)", "x", "y (column 3)"]
    assert labels.index(labels[-1]) == 2  # the default (the last column) is the last column


def test_history_memory_is_bounded_by_thinning_evenly():
    """Past its limit the history keeps every second checkpoint, then every fourth...: the
    kept points stay evenly spread and the first is always kept."""
    from model import Checkpoints

    history = History(with_test=True, max_kept=1000)
    for start in range(0, 10_000, 700):
        at = np.arange(start, min(start + 700, 10_000))
        history.extend(Checkpoints(at, at * 2.0, at * 3.0))
    assert history.recorded == 10_000 and len(history) <= 1000
    kept = history.iteration
    assert kept[0] == 0 and np.all(np.diff(kept) == history.stride)
    assert history.stride == 16 and len(kept) == 625
    assert history.train_error.tolist() == (kept * 2.0).tolist()
    assert history.test_error.tolist() == (kept * 3.0).tolist()


def test_the_window_s_starting_state_is_the_runs_own():
    """The window makes a run's first state without copying the table; it must be the very
    state a Training starts from (weights, bias, random stream, first prediction)."""
    from model.training import initial_state

    rs = np.random.RandomState(5)
    data = Dataset.from_arrays(rs.randn(40, 3), (rs.rand(40) > 0.5) * 1.0)
    for config in (TrainConfig(), TrainConfig(seed=7, test_fraction=0.3)):
        start, training = initial_state(data, config), Training(data, config)
        made = training.snapshot()
        assert start.weights.tolist() == made.weights.tolist() and start.bias == made.bias
        assert start.first_prediction == made.first_prediction
        assert start.random_state[1].tolist() == made.random_state[1].tolist()
        assert start.random_state[2:] == made.random_state[2:]
