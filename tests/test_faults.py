"""Faults: a full disk, a read-only folder, a file that vanishes; a message each time,
and nothing already open is lost."""
from __future__ import annotations

import errno

import numpy as np
import pytest

import model.csvio as csvio
import model.files as files
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
