"""Files that are not what they seem: devices, named pipes, folders, huge or sparse files,
binary files.  Each is a message at once, before anything much is read; nothing hangs and
nothing fills the memory.  And a long file is read a block at a time."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import model.csvio as csvio
import model.files as files
from model import DataError, read_csv, read_table
from model.csvio import parse_table
from model.files import MAX_CSV_BYTES, MAX_SESSION_BYTES
from model.session import load_session
from tests import reliability
from tests.test_fuzz import near_valid_csv

READERS = {"data file": read_csv, "session": load_session}
LIMITS = {"data file": MAX_CSV_BYTES, "session": MAX_SESSION_BYTES}


def refused(reader, path, *words: str) -> DataError:
    """``reader(path)`` raises the project's error, containing ``words``; run on a thread so
    that a reader that blocks fails the test instead of hanging it."""
    outcome: list[BaseException | None] = []

    def read():
        try:
            reader(path)
        except BaseException as exc:  # noqa: B036 (handed back to the test)
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(60)  # a safety net only: the reader answers at once
    if thread.is_alive() and stat_is_fifo(path):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # unblock it: a writer that leaves
        thread.join()
        pytest.fail(f"reading {path} blocked")
    error = outcome[0]
    assert isinstance(error, DataError), error
    for word in words:
        assert word in str(error)
    reliability.count("special or huge files refused, not read")
    return error


def stat_is_fifo(path) -> bool:
    import stat

    return stat.S_ISFIFO(os.stat(path).st_mode)


@pytest.fixture
def bytes_read():
    """How many bytes this process read with read() calls in a block (Linux's /proc)."""
    io_file = Path(f"/proc/{os.getpid()}/io")
    if not io_file.exists():
        pytest.skip("needs /proc/<pid>/io to count the bytes read")

    def rchar() -> int:
        return int(next(line for line in io_file.read_text().splitlines()
                        if line.startswith("rchar:")).split()[1])

    start = rchar()
    return lambda: rchar() - start


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, kind):
    pipe = tmp_path / ("data.csv" if kind == "data file" else "run.neuronlab")
    os.mkfifo(pipe)
    refused(READERS[kind], pipe, "named pipe", "only regular files")


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_that_never_ends_is_refused_before_reading(kind, bytes_read):
    refused(READERS[kind], "/dev/zero", "is a device", "only regular files")
    assert bytes_read() < 1 << 20


@pytest.mark.parametrize("kind", READERS)
def test_a_folder_is_refused(tmp_path, kind):
    refused(READERS[kind], tmp_path, "is a folder")


@pytest.mark.parametrize("kind", READERS)
def test_a_file_over_the_limit_is_refused_by_its_size_before_reading(tmp_path, kind, bytes_read):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as out:
        out.truncate(2 << 30)  # sparse: 2 GiB that take no room and no time to make
    error = refused(READERS[kind], huge, "2 GiB", "larger than the")
    assert f"{files.describe_size(LIMITS[kind])} Neuron Lab reads as a {kind}" in str(error)
    assert bytes_read() < 1 << 20


@pytest.mark.parametrize("kind", READERS)
def test_a_binary_file_under_the_limit_is_refused_from_its_first_block(tmp_path, kind, bytes_read):
    sparse = tmp_path / "zeros.csv"
    with open(sparse, "wb") as out:
        out.write(b"a,b,y\n1,2,0\n")
        out.truncate(LIMITS[kind] - 1)  # the rest NUL bytes, as a sparse file
    error = refused(READERS[kind], sparse, "NUL byte")
    assert error.line == 3
    assert bytes_read() < 1 << 20  # the first block, not the whole file


def test_text_that_is_not_utf8_is_refused_from_its_first_block(tmp_path, bytes_read):
    latin = tmp_path / "latin.csv"
    with open(latin, "wb") as out:
        out.write("caf\u00e9,y\n1,0\n".encode("latin-1"))
        out.write(b"1,0\n" * 300_000)  # more than a block, all of it never read
    error = refused(read_csv, latin, "not UTF-8")
    assert error.line == 1
    assert bytes_read() < 1 << 20


def test_a_character_cut_by_the_first_block_is_not_mistaken_for_bad_text(tmp_path):
    path = tmp_path / "accents.csv"
    header = "x" * (files.FIRST_BLOCK - 1) + "\u00e9"  # its two bytes straddle the block's end
    path.write_text(f"{header},y\n1,0\n2,1\n", encoding="utf-8")
    assert read_table(path).names == [header, "y"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_file_that_says_it_is_empty_but_is_not_is_read_to_its_end(tmp_path):
    """Files in /proc say their size is 0; what they hold is still read (and checked)."""
    with pytest.raises(DataError) as caught:
        read_csv("/proc/self/status")
    assert caught.value.line is not None  # parsed, and refused for what it holds


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
    reliability.count("csv inputs read by blocks, same as whole")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("name", ["dropped.csv", "recent.neuronlab"])
def test_the_window_refuses_a_named_pipe_from_recent_files_or_a_drop(window, tmp_path, name):
    pipe = tmp_path / name
    os.mkfifo(pipe)
    table = window.table_model.values.copy()
    assert window.file_actions.open_path(str(pipe)) is False  # what recent files and drops call
    assert "named pipe" in window.statusBar().currentMessage()
    assert np.array_equal(window.table_model.values, table)
    reliability.count("special or huge files refused, not read")
