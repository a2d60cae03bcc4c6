"""Data sets and CSV files: good data is read, bad data is refused with a useful message."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from model import DataError, Dataset, parse_csv_text, read_csv, to_csv_text


def test_header_is_detected_and_names_taken_from_it():
    data = parse_csv_text("height,weight,label\n1,2,0\n3,4,1\n")
    assert data.feature_names == ("height", "weight") and data.target_name == "label"
    assert data.features.tolist() == [[1, 2], [3, 4]] and data.target.tolist() == [0, 1]


def test_without_a_header_names_are_made_up():
    data = parse_csv_text("1,2,0\n3,4,1\n")
    assert data.feature_names == ("x1", "x2") and data.target_name == "y"
    assert data.n_rows == 2


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separator_found_on_its_own(sep):
    text = sep.join(["a", "b", "t"]) + "\n" + sep.join(["1.5", "-2", "1"]) + "\n"
    assert parse_csv_text(text).features.tolist() == [[1.5, -2.0]]


def test_bom_crlf_blank_lines_and_comments_are_accepted():
    data = parse_csv_text("\ufeff# a comment\r\nx,y\r\n\r\n1,0\r\n# another\r\n2,1\r\n")
    assert data.features.tolist() == [[1.0], [2.0]] and data.target.tolist() == [0, 1]


def test_csv_round_trip_is_exact():
    rs = np.random.RandomState(1)
    data = Dataset.from_arrays(rs.randn(20, 3), rs.rand(20), ["a", "b", "c"], "t")
    again = parse_csv_text(to_csv_text(data))
    assert again.features.tolist() == data.features.tolist()
    assert again.target.tolist() == data.target.tolist()
    assert again.column_names == data.column_names


def test_a_dataset_cannot_be_changed_behind_a_runs_back():
    data = parse_csv_text("1,2,0\n")
    with pytest.raises(ValueError):
        data.features[0, 0] = 5.0


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("", None, None, "no rows"),
        ("# only a comment\n\n", None, None, "no rows"),
        ("a,b,y\n", 1, None, "no rows of numbers"),
        ("a,b,y\n1,2,0\n3,oops,1\n", 3, 2, "'oops' ('b') is not a number"),
        ("1,2,0\n3,,1\n", 2, 2, "is not a number"),
        ("a,b,y\n1,nan,0\n", 2, 2, "finite number"),
        ("a,b,y\n1,inf,0\n", 2, 2, "finite number"),
        ("a,b,y\n1,2,1.5\n", 2, 3, "outside [0, 1]"),
        ("a,b,y\n1,2,-0.1\n", 2, 3, "outside [0, 1]"),
        ("a,b,y\n1,2,0\n1,2\n", 3, None, "has 2 cells, but the header has 3"),
        ("1,2,0\n1,2,0,4\n", 2, None, "has 4 cells, but the first row has 3"),
        ("y\n1\n", 1, None, "only one column"),
    ],
)
def test_bad_csv_gives_one_message_with_line_and_column(text, line, column, words):
    with pytest.raises(DataError) as caught:
        parse_csv_text(text, source="data.csv")
    error = caught.value
    assert words in error.message
    assert (error.line, error.column) == (line, column)
    assert str(error).startswith("data.csv")
    if line is not None:
        assert f"line {line}" in str(error)


@pytest.mark.parametrize(
    "features, target, words",
    [
        (np.empty((0, 2)), [], "no rows"),
        ([[1.0, np.nan]], [0], "row 1, column 'x2': NaN"),
        ([[1.0, 2.0], [np.inf, 2.0]], [0, 1], "row 2, column 'x1': infinity"),
        ([[1.0]], [2.0], "row 1, target 'y': 2.0 is outside [0, 1]"),
        ([[1.0]], [np.nan], "NaN is outside [0, 1]"),
        ([[1.0], [2.0]], [0], "2 rows of features but 1 target"),
        ([["a"]], [0], "numbers only"),
    ],
)
def test_bad_arrays_give_the_projects_error(features, target, words):
    with pytest.raises(DataError, match=None) as caught:
        Dataset.from_arrays(features, target)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"target": [0.0, np.nan]}, "row 2, target 'y': NaN is outside [0, 1]"),
        ({"target": [0.0, 1.5]}, "row 2, target 'y': 1.5 is outside [0, 1]"),
        ({"features": [[1.0, 2.0], [np.inf, 2.0]]}, "row 2, column 'a': infinity"),
        ({"features": [[1.0], [2.0]]}, "2 feature names were given for 1 columns"),
    ],
)
def test_replacing_a_field_checks_the_values_like_building_one(change, words):
    data = Dataset.from_arrays([[1.0, 2.0], [3.0, 4.0]], [0.0, 1.0], ["a", "b"])
    with pytest.raises(DataError) as caught:
        dataclasses.replace(data, **change)
    assert words in str(caught.value)


def test_every_way_of_building_one_gives_private_read_only_arrays():
    x, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.0, 1.0])
    built = Dataset(x, y)
    replaced = dataclasses.replace(built, features=x)
    x[0, 0] = 99.0
    for data in (built, replaced, Dataset.from_arrays(x, y)):
        assert not data.features.flags.writeable and not data.target.flags.writeable
        assert data.features.dtype == np.float64 and data.features.flags.c_contiguous
    assert built.features[0, 0] == replaced.features[0, 0] == 1.0
    assert built.feature_names == ("x1", "x2")


def test_reading_files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,y\n1,0\n2,1\n")
    assert read_csv(good).n_rows == 2
    with pytest.raises(DataError, match="no such file"):
        read_csv(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="folder"):
        read_csv(tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"a,y\n1,0\n\xe9,1\n")
    with pytest.raises(DataError) as caught:
        read_csv(latin)
    assert caught.value.line == 3 and "UTF-8" in str(caught.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,y\n1,0\n2,x\n")
    with pytest.raises(DataError) as caught:
        read_csv(bad)
    assert str(caught.value) == "bad.csv, line 3, column 2: 'x' ('y') is not a number"
