"""The headless command: its output, and one clear line with status 2 for every mistake."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def headless(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--headless", *args],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def test_summary_without_json_is_short_and_readable():
    out = headless()
    assert out.returncode == 0, out.stderr
    assert "8 rows" in out.stdout and "0.873298" in out.stdout and "100 checkpoints" in out.stdout
    assert len(out.stdout.splitlines()) < 12


def test_json_with_data_file_and_held_out_rows(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a;b;label\n" + "".join(f"{i};{i % 3};{i % 2}\n" for i in range(20)))
    out = headless("--data", str(data), "--test-fraction", "0.25", "--iterations", "1000",
                   "--every", "50", "--seed", "9", "--alpha", "0.05", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["data"]["train_rows"] == 15 and result["data"]["test_rows"] == 5
    assert result["data"]["features"] == ["a", "b"] and result["data"]["target"] == "label"
    assert result["checkpoints"]["iteration"] == list(range(0, 1000, 50))
    assert len(result["checkpoints"]["test_error"]) == 20
    assert result["config"] == {"data": str(data), "alpha": 0.05, "iterations": 1000, "seed": 9,
                                "every": 50, "test_fraction": 0.25, "standardize": False}
    assert 0.0 <= result["final"]["test_accuracy"] <= 1.0


def test_json_has_every_key_of_the_contract_and_says_which_routines_ran():
    from model import numpy_primitives

    out = headless("--iterations", "200", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"config", "data", "initial", "checkpoints", "final", "timing"} <= result.keys()
    assert {"rows", "features", "target", "train_rows", "test_rows"} <= result["data"].keys()
    assert {"weights", "bias", "first_prediction"} <= result["initial"].keys()
    assert {"iteration", "train_error", "test_error"} <= result["checkpoints"].keys()
    assert {"weights", "bias", "train_accuracy", "test_accuracy"} <= result["final"].keys()
    assert result["timing"]["train_seconds"] >= 0
    # The same process settings give the same description as here.
    assert result["kernel"] == numpy_primitives.describe()
    assert result["kernel_routines"]["description"] == result["kernel"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--alpha", "fast"], "'fast' is not a number"),
        (["--alpha", "0.1,,1"], "empty item"),
        (["--alpha", "0.001:1"], "log range"),
        (["--seed", "5-1"], "backwards"),
        (["--seed", "1-3", "--jobs", "0"], "--jobs"),
        (["--alpha", "0.001:1:1000", "--seed", "1-2"], "more than the 1,000"),
        (["--seed", "1,2", "--trace", "2"], "one learning rate and one seed"),
        (["--alpha", "-1"], "learning rate"),
        (["--alpha", "nan"], "learning rate"),
        (["--iterations", "0"], "iterations"),
        (["--iterations", "1.5"], "invalid int value"),
        (["--seed", "-3"], "seed"),
        (["--seed", str(2**32)], "seed"),
        (["--every", "0"], "checkpoint interval"),
        (["--test-fraction", "1"], "test fraction"),
        (["--data", "no-such-file.csv"], "no such file"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, words):
    out = headless(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert words in out.stderr and "Traceback" not in out.stderr


def test_bad_data_file_names_the_line_and_column(tmp_path):
    data = tmp_path / "broken.csv"
    data.write_text("a,b,y\n1,2,0\n3,4,7\n")
    out = headless("--data", str(data))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "neuron-lab --headless: error: broken.csv, line 3, column 3: "
        "the target '7' ('y') is outside [0, 1]: targets must lie between 0 and 1"
    ]
