"""Faults: a full disk, a read-only folder, a file that vanishes, a save killed half-way;
a message each time, and nothing already open is lost."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import model.csvio as csvio
import model.files as files
from model import Training, TrainConfig, note_table, read_csv
from model.csvio import write_csv, write_text_atomically
from model.session import Session, save_session
from tests.gui_helpers import train
from tests import reliability


@pytest.fixture
def trained(qtbot, window):
    """A window with a trained neuron and an unsaved edit: work that must not be lost."""
    train(qtbot, window)
    assert window.table_model.setData(window.table_model.index(0, 0), "7.5")
    return window


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def read_only(*args, **kwargs):
    raise PermissionError(errno.EACCES, "Permission denied")


FAULTS = {"full disk": ("fsync", full_disk), "read-only folder": ("open", read_only)}
SAVES = {
    "session": lambda w: w.file_actions.save_session(),
    "data as CSV": lambda w: w.file_actions.save_data_as(),
    "error history": lambda w: w.file_actions.export_history(),
    "run as script": lambda w: w.file_actions.export_script(),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("save", SAVES)
def test_a_failed_save_says_so_and_loses_nothing(trained, tmp_path, monkeypatch, fault, save):
    window = trained
    target = tmp_path / "out.file"
    target.write_text("the old contents")
    monkeypatch.setattr(window.file_actions, "ask_save_path", lambda *a: str(target))
    name, replacement = FAULTS[fault]
    if name == "open":
        monkeypatch.setattr(csvio, "open", replacement, raising=False)
    else:
        monkeypatch.setattr(csvio.os, name, replacement)
    table = window.table_model.values.copy()
    weights = window.document.run.state.weights
    assert SAVES[save](window) is False
    reliability.count("faults injected")
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot") and ("No space" in message or "Permission" in message)
    assert target.read_text() == "the old contents"  # the old file is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.file"]  # no temporary left
    assert window.table_model.values.tolist() == table.tolist()
    assert window.document.run.state.weights.tolist() == weights.tolist()
    assert window.isWindowModified()  # still unsaved: nothing pretends otherwise
    reliability.count("faults survived with no data lost")


@pytest.mark.parametrize("opener", ["open_data", "open_session"])
def test_a_file_that_vanishes_between_choosing_and_reading(trained, tmp_path, monkeypatch, opener):
    window = trained
    path = tmp_path / "here-then-gone.csv"
    path.write_text("a,y\n1,0\n")

    def choose(*args):
        path.unlink()  # gone by the time it is read
        return str(path)

    monkeypatch.setattr(window.file_actions, "ask_open_path", choose)
    table = window.table_model.values.copy()
    getattr(window.file_actions, opener)()
    reliability.count("faults injected")
    assert "no such file" in window.statusBar().currentMessage()
    assert window.table_model.values.tolist() == table.tolist()
    reliability.count("faults survived with no data lost")


def test_an_unreadable_file_gives_a_message(trained, tmp_path, monkeypatch):
    window = trained
    path = tmp_path / "secret.csv"
    path.write_text("a,y\n1,0\n")
    monkeypatch.setattr(files, "open", read_only, raising=False)  # where every file is read
    monkeypatch.setattr(window.file_actions, "ask_open_path", lambda *a: str(path))
    table = window.table_model.values.copy()
    window.file_actions.open_data()
    reliability.count("faults injected")
    assert "Permission denied" in window.statusBar().currentMessage()
    assert np.array_equal(window.table_model.values, table)
    reliability.count("faults survived with no data lost")


# -- temporary files left by a killed save ------------------------------------------------------

def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX only")
@pytest.mark.parametrize("save", ["csv", "session"])
def test_a_save_removes_the_temporary_a_killed_save_left(tmp_path, save):
    target = tmp_path / "out.file"
    orphan = tmp_path / f".out.file.{dead_pid()}.tmp"
    orphan.write_text("half a file")
    alive = tmp_path / f".out.file.{os.getppid()}.tmp"  # a save under way in another process
    alive.write_text("being written")
    other = tmp_path / f".other.file.{dead_pid()}.tmp"  # another file's: not this save's business
    other.write_text("not ours")
    if save == "csv":
        write_csv(target, note_table())
    else:
        training = Training(note_table(), TrainConfig(iterations=100))
        save_session(target, Session(note_table(), training.config, training, training.advance()))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, alive.name, other.name])
    reliability.count("orphan temporary files removed")


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX only")
def test_a_killed_save_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    target = tmp_path / "data.csv"
    code = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "import model.csvio as csvio\n"
        "csvio.os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
        f"csvio.write_text_atomically({str(target)!r}, 'a,y\\n1,0\\n')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], timeout=120)
    assert run.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".data.csv.") and left[0].endswith(".tmp")
    write_text_atomically(target, "a,y\n1,0\n")
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]
    assert np.array_equal(read_csv(target).target, [0.0])
    reliability.count("orphan temporary files removed")
