"""A target of two text values (species, yes/no) is read as 0/1 with the mapping shown."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from model import DataError, parse_csv_text, parse_table, read_csv, to_csv_text
from model.session import Session, parse_session, session_json
from model.training import TrainConfig
from tests.test_cli import headless

IRIS = """sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
4.9,3.0,setosa
6.4,3.2,versicolor
"""


def test_two_text_values_become_0_and_1_in_sorted_order():
    data = parse_csv_text(IRIS)
    assert data.target.tolist() == [0.0, 1.0, 0.0, 1.0]
    assert data.target_labels == ("setosa", "versicolor")
    assert data.feature_names == ("sepal_length", "sepal_width")
    # The order of first appearance does not matter: sorted, the second is 1.
    flipped = parse_csv_text("a,answer\n1,yes\n2,no\n3,yes\n")
    assert flipped.target.tolist() == [1.0, 0.0, 1.0] and flipped.target_labels == ("no", "yes")


def test_a_file_without_header_and_with_quotes_and_spaces_reads_the_same():
    data = parse_csv_text('5.1, 3.5, "setosa"\n7.0, 3.2, versicolor\n')
    assert data.n_rows == 2 and data.target.tolist() == [0.0, 1.0]
    assert data.target_labels == ("setosa", "versicolor")


def test_a_big_file_takes_the_fast_path_and_gives_the_same_codes():
    rs = np.random.RandomState(3)
    x = rs.randn(30_000, 2)
    names = np.where(x[:, 0] > 0, "up", "down")
    text = "a,b,way\n" + "".join(f"{p!r},{q!r},{n}\n" for (p, q), n in zip(x.tolist(), names))
    data = parse_csv_text(text)
    assert data.features.tolist() == x.tolist()
    assert data.target.tolist() == (names == "up").astype(float).tolist()


@pytest.mark.parametrize("text, words, line, column", [
    ("a,b,y\n1,red,0\n2,blue,1\n", "a feature must be a number", 2, 2),
    ("a,y\n1,setosa\n2,versicolor\n3,virginica\n", "third text value", 4, 2),
    ("a,y\n1,yes\n2,no\n3,1\n", "not text like the rest", 4, 2),
    ("a,y\n1,0\n2,yes\n", "'yes' ('y') is not a number", 3, 2),
    ("a,b,y\n1,x,yes\n2,z,no\n", "only one column, the target, may hold text", 2, 3),
    ("a,y\n1,yes\n2,yes\n", "one text value only", 2, 2),
])
def test_other_text_is_refused_naming_line_and_column(text, words, line, column):
    with pytest.raises(DataError) as caught:
        parse_csv_text(text)
    assert words in str(caught.value)
    assert caught.value.line == line and caught.value.column == column


def test_a_third_value_deep_in_a_big_file_is_named_with_its_line():
    rows = "".join(f"{i},{'cat' if i % 2 else 'dog'}\n" for i in range(20_000))
    with pytest.raises(DataError) as caught:
        parse_csv_text("n,pet\n" + rows + "5,bird\n")
    assert caught.value.line == 20_002 and "'bird'" in str(caught.value)


def test_the_text_column_can_be_chosen_as_target_and_refused_as_a_feature():
    table = parse_table("kind,a,b\nyes,1,2\nno,3,4\n")
    assert table.dataset("kind").target_labels == ("no", "yes")
    with pytest.raises(DataError, match="a feature must be a number"):
        table.dataset("b")


def test_saving_writes_the_texts_back_and_sessions_keep_the_mapping():
    data = parse_csv_text(IRIS)
    assert parse_csv_text(to_csv_text(data)).target.tolist() == data.target.tolist()
    again = parse_session(session_json(Session(data, TrainConfig())))
    assert again.dataset.target_labels == ("setosa", "versicolor")
    saved = json.loads(session_json(Session(data, TrainConfig())))
    saved["data"]["target_labels"] = ["same", "same"]
    with pytest.raises(DataError):
        parse_session(json.dumps(saved))


def test_headless_reports_the_mapping(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    out = headless("--data", str(path), "--json", "--iterations", "200")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["data"]["target_labels"] == ["setosa", "versicolor"]
    assert result["data"]["target"] == "species"
    summary = headless("--data", str(path)).stdout
    assert "0 = setosa, 1 = versicolor" in summary
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,red,0\n")
    out = headless("--data", str(bad))
    assert out.returncode == 2 and "line 2" in out.stderr and "column 2" in out.stderr


# -- the window ---------------------------------------------------------------------------------

def _header(window) -> str:
    model = window.table_model
    return model.headerData(model.target_column, Qt.Orientation.Horizontal)


def test_window_shows_the_mapping_swaps_it_and_undoes(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    monkeypatch.setattr(window.file_actions, "ask_target", lambda names: len(names) - 1)
    assert window.open_file(str(path))
    assert _header(window) == "species (1 = versicolor)"
    message = window.statusBar().currentMessage()
    assert "0 = setosa, 1 = versicolor" in message
    model = window.table_model
    assert model.values[:, -1].tolist() == [0.0, 1.0, 0.0, 1.0]
    window.data_panel.swap_classes_action.trigger()
    assert _header(window) == "species (1 = setosa)"
    assert model.values[:, -1].tolist() == [1.0, 0.0, 1.0, 0.0]
    window.undo_stack.undo()
    assert _header(window) == "species (1 = versicolor)"
    assert model.values[:, -1].tolist() == [0.0, 1.0, 0.0, 1.0]
    # A class can be typed by its name.
    assert model.setData(model.index(0, model.target_column), "versicolor")
    assert model.values[0, -1] == 1.0
    # The session keeps the mapping.
    window.data_panel.swap_classes_action.trigger()
    session = tmp_path / "s.neuronlab"
    assert window.save_session_to(str(session))
    window.undo_stack.undo()
    assert window.open_file(str(session))
    assert _header(window) == "species (1 = setosa)"


def test_window_refuses_a_text_feature_with_line_and_column(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "colours.csv"
    path.write_text("a,colour,y\n1,red,0\n2,blue,1\n")
    monkeypatch.setattr(window.file_actions, "ask_target", lambda names: len(names) - 1)
    assert not window.open_file(str(path))
    message = window.statusBar().currentMessage()
    assert "line 2" in message and "column 2" in message and "'red'" in message
    assert window.table_model.names == ["x1", "x2", "y"]  # the note's table stays


def test_swapping_a_numeric_target_is_refused_with_a_message(qtbot, window):
    window.data_panel.swap_classes_action.trigger()
    assert "Cannot swap" in window.statusBar().currentMessage()


def test_the_swap_reads_the_same_file_as_read_csv(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    assert read_csv(path).target_labels == ("setosa", "versicolor")
