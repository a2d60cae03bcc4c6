"""Files: CSV import and export, sessions, exports, the clipboard, settings, unsaved edits."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from tests.gui_helpers import train
from gui.main_window import MAX_SPEED, MainWindow
from model import DataError, Dataset, Training, TrainConfig, note_table, parse_csv_text, read_csv
from model.session import Session, load_session, parse_session, save_session, session_json






def answer(monkeypatch, w, open_path=None, save_path=None, target=None):
    if open_path is not None:
        monkeypatch.setattr(w.file_actions, "ask_open_path", lambda *a: str(open_path))
    if save_path is not None:
        monkeypatch.setattr(w.file_actions, "ask_save_path", lambda *a: str(save_path))
    if target is not None:
        monkeypatch.setattr(w.file_actions, "ask_target", lambda names: target)


# -- CSV variants ------------------------------------------------------------------------

VARIANTS = {
    "comma with header": "a,b,y\n1.5,2,0\n-3,4e-3,1\n",
    "semicolon, no header": "1.5;2;0\n-3;4e-3;1\n",
    "tab": "a\tb\ty\n1.5\t2\t0\n-3\t4e-3\t1\n",
    "BOM and CRLF": "\ufeffa,b,y\r\n1.5,2,0\r\n-3,4e-3,1\r\n",
    "quoted fields": '"a","b","y"\n"1.5","2","0"\n"-3","4e-3","1"\n',
    "blank lines and comments": "# made by hand\na,b,y\n\n1.5,2,0\n# a note\n-3,4e-3,1\n\n",
}


@pytest.mark.parametrize("name", VARIANTS)
def test_every_csv_variant_reads_and_round_trips(name, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(VARIANTS[name].encode("utf-8"))
    data = read_csv(path)
    assert data.features.tolist() == [[1.5, 2.0], [-3.0, 0.004]]
    assert data.target.tolist() == [0.0, 1.0]
    out = tmp_path / "out.csv"
    from model import write_csv

    write_csv(out, data)
    again = read_csv(out)
    assert again.features.tolist() == data.features.tolist()
    assert again.column_names == data.column_names


def test_the_target_can_be_another_column():
    text = "score,passed,hours\n0.5,1,10\n0.25,0,3\n"
    data = parse_csv_text(text, target="passed")
    assert data.feature_names == ("score", "hours") and data.target_name == "passed"
    assert data.features.tolist() == [[0.5, 10.0], [0.25, 3.0]]
    # The last column would not do as a target (hours > 1): the message names its line.
    with pytest.raises(DataError) as caught:
        parse_csv_text(text)
    assert (caught.value.line, caught.value.column) == (2, 3)


def test_broken_lines_are_named_even_deep_in_a_big_file(tmp_path):
    rows = [f"{i},{i % 7},{i % 2}" for i in range(20_000)]
    rows[12_345] = "12345,oops,1"
    path = tmp_path / "big.csv"
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        read_csv(path)
    assert str(caught.value) == "big.csv, line 12347, column 2: 'oops' ('b') is not a number"


# -- opening data in the window ----------------------------------------------------------------

def test_open_data_with_a_chosen_target(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "study.csv"
    path.write_text("hours,passed,age\n1,0,20\n5,1,30\n")
    asked = []
    monkeypatch.setattr(window.file_actions, "ask_target",
                        lambda names: asked.append(names) or names.index("passed"))
    answer(monkeypatch, window, open_path=path)
    window.file_actions.open_data()
    assert asked == [["hours", "passed", "age"]]
    assert window.table_model.names == ["hours", "age", "passed"]
    assert "study.csv" in window.windowTitle()
    window.data_panel.undo_action.trigger()  # opening is an edit like any other
    assert window.table_model.names == ["x1", "x2", "y"]


@pytest.mark.parametrize("content, words", [
    ("a,b,y\n1,2,0\n3,x,1\n", "line 3, column 2"),
    ("a,b,y\n1,2,0\n3,4\n", "line 3"),
    ("", "no rows"),
])
def test_a_broken_file_leaves_the_open_data_untouched(qtbot, window, tmp_path, monkeypatch,
                                                      content, words):
    path = tmp_path / "broken.csv"
    path.write_text(content)
    before = window.table_model.values.copy()
    answer(monkeypatch, window, open_path=path)
    window.file_actions.open_data()
    assert window.table_model.values.tolist() == before.tolist()
    assert words in window.statusBar().currentMessage()
    assert "not changed" in window.statusBar().currentMessage()


def test_a_file_that_vanished_gives_a_message(qtbot, window, tmp_path, monkeypatch):
    answer(monkeypatch, window, open_path=tmp_path / "gone.csv")
    window.file_actions.open_data()
    assert "no such file" in window.statusBar().currentMessage()
    assert window.table_model.rowCount() == 8


def test_dropping_a_csv_file_opens_it(qtbot, window, tmp_path):
    path = tmp_path / "dropped.csv"
    path.write_text("u,v\n1,0\n2,1\n3,1\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.table_model.names == ["u", "v"] and window.table_model.rowCount() == 3


# -- sessions --------------------------------------------------------------------------------------

def test_session_round_trip_is_exact_and_continuing_equals_never_closing(tmp_path):
    rs = np.random.RandomState(4)
    data = Dataset.from_arrays(rs.randn(30, 3), rs.randint(0, 2, 30), ["a", "b", "c"], "t")
    training = Training(data, TrainConfig(alpha=0.37, iterations=3000, seed=11, every=7,
                                          test_fraction=0.2))
    history = training.advance()
    path = tmp_path / "s.neuronlab"
    save_session(path, Session(data, training.config, training, history))
    again = load_session(path)
    assert again.dataset.features.tolist() == data.features.tolist()
    assert again.config == training.config
    assert again.history.train_error.tolist() == history.train_error.tolist()
    assert again.history.test_error.tolist() == history.test_error.tolist()
    assert again.training.weights.tolist() == training.weights.tolist()
    more_a, more_b = training.advance(2000), again.training.advance(2000)
    assert more_a.train_error.tolist() == more_b.train_error.tolist()
    assert training.weights.tolist() == again.training.weights.tolist()


def test_session_keeps_the_runs_own_data_when_the_table_changed_since():
    training = Training(note_table(), TrainConfig(iterations=500))
    training.advance()
    edited = Dataset.from_arrays(note_table().features[:5], note_table().target[:5])
    again = parse_session(session_json(Session(edited, training.config, training, None)))
    assert again.dataset.n_rows == 5 and again.training.dataset.n_rows == 8
    assert again.training.advance(100).train_error.tolist() == training.advance(100).train_error.tolist()


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(version=99), "newer Neuron Lab"),
    (lambda d: d.update(format="something else"), "not a Neuron Lab session"),
    (lambda d: d["data"].update(rows=[[1, 2]]), "damaged"),
    (lambda d: d["run"]["state"].update(weights=[1.0]), "do not fit"),
    (lambda d: d["run"]["state"].pop("random_state"), "damaged"),
    (lambda d: d["parameters"].update(alpha=-1), "learning rate"),
])
def test_damaged_or_newer_sessions_are_refused_clearly(change, words):
    training = Training(note_table(), TrainConfig(iterations=200))
    document = json.loads(session_json(Session(note_table(), training.config, training,
                                               training.advance())))
    change(document)
    with pytest.raises(DataError, match=words):
        parse_session(json.dumps(document))
    with pytest.raises(DataError, match="not a session file"):
        parse_session(session_json(Session(note_table(), TrainConfig()))[:-20])


def test_an_interrupted_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.neuronlab"
    save_session(path, Session(note_table(), TrainConfig()))
    old = path.read_text()
    import model.csvio as csvio

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csvio.os, "fsync", disk_full)
    training = Training(note_table(), TrainConfig(iterations=100))
    with pytest.raises(DataError, match="No space left"):
        save_session(path, Session(note_table(), TrainConfig(), training, training.advance()))
    assert path.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["s.neuronlab"]  # no temporary file left


def test_window_saves_and_reopens_a_session(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "lesson.neuronlab"
    first = MainWindow()
    qtbot.addWidget(first)
    first.speed_combo.setCurrentIndex(MAX_SPEED)
    first.iterations_spin.setValue(3000)
    first.test_fraction_spin.setValue(0.25)
    assert first.table_model.setData(first.table_model.index(0, 0), "2.5")
    train(qtbot, first)
    assert first.isWindowModified()
    answer(monkeypatch, first, save_path=path)
    assert first.file_actions.save_session()
    assert not first.isWindowModified() and "lesson.neuronlab" in first.windowTitle()
    points = first.error_plot.points("test")
    first.iterations_spin.setValue(2000)
    train(qtbot, first, first.continue_button)
    expected = first.error_plot.points("train")[1]
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    second.speed_combo.setCurrentIndex(MAX_SPEED)
    answer(monkeypatch, second, open_path=path)
    second.file_actions.open_session()
    assert second.table_model.values[0, 0] == 2.5
    assert second.test_fraction_spin.value() == 0.25
    assert second.error_plot.points("test")[1].tolist() == points[1].tolist()
    second.iterations_spin.setValue(2000)
    train(qtbot, second, second.continue_button)
    assert second.error_plot.points("train")[1].tolist() == expected.tolist()
    second.close()


def test_saving_where_it_cannot_be_written_says_so_and_loses_nothing(qtbot, window, tmp_path,
                                                                     monkeypatch):
    import model.csvio as csvio

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    assert window.table_model.setData(window.table_model.index(0, 0), "7")
    monkeypatch.setattr(csvio, "open", refuse, raising=False)  # a read-only folder
    answer(monkeypatch, window, save_path=tmp_path / "s.neuronlab")
    assert not window.file_actions.save_session()
    message = window.statusBar().currentMessage()
    assert "Cannot save the session" in message and "Permission denied" in message
    assert window.isWindowModified() and window.table_model.values[0, 0] == 7.0
    assert not (tmp_path / "s.neuronlab").exists()


# -- exports ------------------------------------------------------------------------------------------

def test_exported_script_prints_the_apps_checkpoints(qtbot, window, tmp_path, monkeypatch):
    window.iterations_spin.setValue(2500)
    window.test_fraction_spin.setValue(0.25)
    train(qtbot, window)
    path = tmp_path / "run.py"
    answer(monkeypatch, window, save_path=path)
    assert window.file_actions.export_script()
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         check=True, timeout=120).stdout.splitlines()
    rows = [line.split() for line in out if not line.startswith("#")]
    history = window.document.run.history  # the model's record, not the plot's picture
    assert [int(r[0]) for r in rows] == history.iteration.tolist()
    assert [float(r[1]) for r in rows] == history.train_error.tolist()
    assert [float(r[2]) for r in rows] == history.test_error.tolist()


def test_error_history_and_plots_export(qtbot, window, tmp_path, monkeypatch):
    train(qtbot, window)
    history = tmp_path / "errors.csv"
    answer(monkeypatch, window, save_path=history)
    assert window.file_actions.export_history()
    lines = history.read_text().splitlines()
    assert lines[0] == "iteration,train_error" and len(lines) == 101
    assert float(lines[-1].split(",")[1]) == window.error_plot.points()[1][-1]
    for name in ("error.png", "boundary.svg"):
        answer(monkeypatch, window, save_path=tmp_path / name)
        plot = window.error_plot if name.startswith("error") else window.boundary_plot
        assert window.file_actions.export_plot(plot)
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "boundary.svg").read_text().lstrip().startswith("<?xml")


# -- clipboard -------------------------------------------------------------------------------------------

def test_copy_selected_cells_as_tab_separated_text(qtbot, window):
    window.table.selectRow(1)
    window.data_panel.copy_action.trigger()
    assert QApplication.clipboard().text().split("\t")[:3] == ["2", "1", "1"]


def test_paste_a_block_from_a_spreadsheet_adds_rows_and_undoes_in_one_step(qtbot, window):
    model = window.table_model
    window.table.setCurrentIndex(window.table.model().index(7, 0))
    QApplication.clipboard().setText("9\t8\t1\r\n7\t6\t0\r\n5\t4\t1\r\n")
    window.data_panel.paste_action.trigger()
    assert model.rowCount() == 10
    assert model.values[7:].tolist() == [[9, 8, 1], [7, 6, 0], [5, 4, 1]]
    window.data_panel.undo_action.trigger()
    assert model.values.tolist() == np.column_stack([note_table().features,
                                                     note_table().target]).tolist()


@pytest.mark.parametrize("text, words", [
    ("1\tabc\n", "is not a number"),
    ("1\t2\t5\n", "between 0 and 1"),
    ("1\t2\t0\t4\n", "4 columns wide"),
])
def test_a_bad_paste_changes_nothing(qtbot, window, text, words):
    before = window.table_model.values.copy()
    window.table.setCurrentIndex(window.table.model().index(0, 0))
    QApplication.clipboard().setText(text)
    window.data_panel.paste_action.trigger()
    assert window.table_model.values.tolist() == before.tolist()
    assert words in window.statusBar().currentMessage()


# -- settings and unsaved edits ---------------------------------------------------------------------------

def test_settings_persist_across_two_window_instances(qtbot, tmp_path, monkeypatch):
    first = MainWindow()
    qtbot.addWidget(first)
    first.alpha_spin.setValue(0.25)
    first.iterations_spin.setValue(12_345)
    first.seed_spin.setValue(4_000_000_000)
    first.speed_combo.setCurrentIndex(0)
    path = tmp_path / "recent.csv"
    path.write_text("a,y\n1,0\n")
    answer(monkeypatch, first, open_path=path)
    first.file_actions.open_data()
    first.resize(700, 500)  # within the offscreen screen (800 x 600)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.alpha_spin.value() == 0.25 and second.iterations_spin.value() == 12_345
    assert second.seed_spin.value() == 4_000_000_000 and second.speed_combo.currentIndex() == 0
    assert (second.size().width(), second.size().height()) == (700, 500)
    assert [a.statusTip() for a in second.file_actions.recent_menu.actions()] == [str(path)]
    second.close()


def test_closing_with_unsaved_edits_asks_first(qtbot, monkeypatch):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    asked = []
    monkeypatch.setattr(w.file_actions, "confirm_discard", lambda: asked.append(1) or False)
    w.close()  # nothing edited: no question
    assert asked == [] and not w.isVisible()
    w.show()
    assert w.table_model.setData(w.table_model.index(0, 0), "5")
    assert w.windowTitle().startswith("The note's table") and w.isWindowModified()
    assert not w.close()  # the person chose Cancel
    assert asked == [1] and w.isVisible() and w.table_model.values[0, 0] == 5.0
    monkeypatch.setattr(w.file_actions, "confirm_discard", lambda: True)
    assert w.close()


def test_open_file_asks_nothing_and_takes_the_last_column_as_the_target(qtbot, window,
                                                                       tmp_path, monkeypatch):
    """The contract's ``open_file`` opens without a dialog: a modal question would wait
    for an answer no script can give."""
    from PySide6.QtWidgets import QInputDialog

    def asked(*args, **kwargs):
        raise AssertionError("open_file showed a dialog")
    monkeypatch.setattr(QInputDialog, "getItem", asked)
    path = tmp_path / "three.csv"
    path.write_text("a,b,label\n0,2,0\n1,4,1\n")
    assert window.open_file(str(path))
    assert window.document.names == ["a", "b", "label"] and window.document.n_features == 2
    # File › Open still asks (its choice offered first is the same last column).
    chosen = []
    monkeypatch.setattr(window.file_actions, "ask_target",
                        lambda names: chosen.append(names) or 0)
    assert window.file_actions.open_path(str(path))
    assert chosen == [["a", "b", "label"]] and window.document.names == ["b", "label", "a"]
