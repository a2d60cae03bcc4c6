"""A long file is read a block at a time: where the blocks are cut changes nothing, and a
bad cell deep in the file is named without holding every line at once."""
from __future__ import annotations

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import model.csvio as csvio
from model import DataError, read_csv
from model.csvio import parse_table
from tests import reliability
from tests.test_fuzz import near_valid_csv


# -- the careful pass reads a block at a time ---------------------------------------------------

def test_a_bad_cell_on_the_last_line_of_a_long_file_is_named(tmp_path):
    rows = [f"{i % 97},{i % 7},{i % 2}" for i in range(200_000)]
    rows[-1] = "5,oops,1"
    path = tmp_path / "long.csv"
    path.write_text("# made by a script\na,b,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        read_csv(path)
    assert str(caught.value) == "long.csv, line 200002, column 2: 'oops' ('b') is not a number"


GOOD = {
    "comments and blank lines": "# top\na,b,y\n\n1.5,2,0\n# mid\n\n-3,4e-3,1\n  \n7,8,1\n",
    "quoted": '"a","b","y"\n"1.5","2","0"\n"-3","4e-3","1"\n"7","8","1"\n',
    "CRLF and BOM": "\ufeffa;b;y\r\n1.5;2;0\r\n-3;4e-3;1\r\n7;8;1",
    "no header, underscores": "1_5,2,0\n-3,4e-3,1\n7,8,1\n",
}


@pytest.mark.parametrize("name", GOOD)
@pytest.mark.parametrize("block", [1, 7, 16, 1 << 16])
def test_block_boundaries_change_nothing(monkeypatch, name, block):
    monkeypatch.setattr(csvio, "_BLOCK", block)
    table = parse_table(GOOD[name])
    assert table.values[:, -1].tolist() == [0.0, 1.0, 1.0]
    assert table.values.shape == (3, 3)


@given(near_valid_csv(), st.integers(1, 64))
def test_reading_a_block_at_a_time_equals_reading_all_at_once(raw, block):
    # Quotes and '#' are left out: NumPy's parser reads a comment after the numbers, or a
    # line break inside quotes, which the line-by-line pass refuses (so either outcome is
    # right, and the two may differ); everything else must come out the same.
    raw = raw.replace(b"#", b"").replace(b'"', b"")
    note(repr(raw[:300]))

    def outcome():
        try:
            table = csvio.parse_table_bytes(raw, source="fuzz.csv")
        except DataError as exc:
            return str(exc)
        return table.names, table.values.tolist()

    whole = outcome()
    saved = csvio._BLOCK
    csvio._BLOCK = block
    try:
        blocks = outcome()
    finally:
        csvio._BLOCK = saved
    assert blocks == whole
    reliability.count("csv inputs read a few bytes at a time, same as all at once")
