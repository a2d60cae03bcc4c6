"""Held-out rows that stay put: adding or deleting a row never changes another row's status."""
from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import Qt

from model import Dataset, Training, TrainConfig, note_table, split_rows
from model.session import Session, parse_session, session_json
from tests.gui_helpers import train
from tests.test_cli import headless


def _marked(window) -> list[bool]:
    """Which rows the table shows as held out (the ◦ in the row header)."""
    model = window.table_model
    return [model.headerData(r, Qt.Orientation.Vertical).endswith("◦")
            for r in range(model.rowCount())]


def _wait_marked(qtbot, window, expected: list[bool]) -> None:
    def check():
        assert _marked(window) == expected
    qtbot.waitUntil(check)


def test_adding_a_row_keeps_every_other_rows_held_out_status(qtbot, window):
    window.test_fraction_spin.setValue(0.25)
    qtbot.waitUntil(lambda: any(_marked(window)))
    before = _marked(window)
    row = window.table_model.insert_row(np.array([1.0, 2.0, 1.0]), row=3)
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 9)
    qtbot.waitUntil(lambda: len(_marked(window)) == 9)
    after = _marked(window)
    assert after[:row] + after[row + 1:] == before
    window.undo_stack.undo()
    _wait_marked(qtbot, window, before)
    window.undo_stack.redo()
    _wait_marked(qtbot, window, after)  # the row comes back with its own status too


def test_deleting_rows_keeps_the_others_and_undo_brings_theirs_back(qtbot, window):
    window.test_fraction_spin.setValue(0.5)
    qtbot.waitUntil(lambda: any(_marked(window)))
    before = _marked(window)
    window.table_model.remove_rows([0, 5])
    _wait_marked(qtbot, window, [m for i, m in enumerate(before) if i not in (0, 5)])
    window.undo_stack.undo()
    _wait_marked(qtbot, window, before)


def test_the_run_holds_out_the_rows_the_table_marks_after_edits(qtbot, window):
    window.test_fraction_spin.setValue(0.4)
    window.table_model.remove_rows([2])
    window.table_model.insert_row(np.array([0.5, 0.5, 0.0]), row=0)
    qtbot.waitUntil(lambda: len(_marked(window)) == 8)
    train(qtbot, window)
    marked = _marked(window)
    assert window.document.run.test_rows.tolist() == np.flatnonzero(marked).tolist()


def test_no_held_out_rows_is_still_the_note_exactly():
    ids = np.array([7, 3, 100, 4, 5, 6, 1, 0])
    plain = Training(note_table(), TrainConfig())
    keyed = Training(Dataset.from_arrays(note_table().features, note_table().target,
                                         row_ids=ids), TrainConfig())
    assert keyed.advance().train_error.tolist() == plain.advance().train_error.tolist()
    assert keyed.weights.tolist() == plain.weights.tolist()


def test_sessions_keep_row_ids_and_old_sessions_keep_their_held_out_rows():
    data = Dataset.from_arrays(note_table().features, note_table().target,
                               row_ids=[9, 2, 40, 3, 8, 1, 77, 5])
    training = Training(data, TrainConfig(test_fraction=0.5, iterations=300))
    history = training.advance()
    again = parse_session(session_json(Session(data, training.config, training, history)))
    assert again.dataset.row_ids.tolist() == [9, 2, 40, 3, 8, 1, 77, 5]
    assert again.training.test_rows.tolist() == training.test_rows.tolist()

    # A format-1 session (no row ids): it opens, and its run keeps the rows it held out then,
    # so that continuing it is exact.
    old = json.loads(session_json(Session(note_table(), TrainConfig(test_fraction=0.25))))
    old["version"] = 1
    del old["data"]["row_ids"]
    session = parse_session(json.dumps(old))
    assert session.dataset.row_ids.tolist() == list(range(8))
    legacy = Training(note_table(), TrainConfig(test_fraction=0.25, legacy_split=True))
    legacy.advance(200)
    old["run"] = {"data": "table", "state": legacy.state(),
                  "history": {"iteration": [], "train_error": [], "test_error": []}}
    del old["run"]["state"]["config"]["legacy_split"]
    session = parse_session(json.dumps(old))
    rs = np.random.default_rng([42, 0x5E1D])
    expected = np.sort(rs.choice(8, size=2, replace=False))
    assert session.training.test_rows.tolist() == expected.tolist()
    assert session.training.advance(500).train_error.tolist() == legacy.advance(500).train_error.tolist()


def test_headless_held_out_rows_are_deterministic_and_follow_row_order(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    args = ("--data", str(data), "--test-fraction", "0.3", "--iterations", "500", "--json")
    first, second = headless(*args), headless(*args)
    assert first.returncode == 0, first.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["checkpoints"] == b["checkpoints"] and a["final"] == b["final"]
    expected = split_rows(40, 0.3, 42)[1].size
    assert a["data"]["test_rows"] == expected and a["data"]["train_rows"] == 40 - expected
