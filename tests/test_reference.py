"""The reference numbers of the design notes, to the last digit."""
from __future__ import annotations

import json
import subprocess
import sys

from model import Training, TrainConfig, note_table
from tests.conftest import ROOT

FIRST_PREDICTION = 0.8732975096761088
FIRST_CHECKPOINT = 3.0675177766240234
LAST_CHECKPOINT = 1.9038661901637803
FINAL_WEIGHTS = [0.12828861534112035, 0.4660309162638892]
FINAL_BIAS = -0.947696525666605


def test_note_table_is_the_default_data():
    data = note_table()
    assert data.feature_names == ("x1", "x2")
    assert data.features.tolist()[:2] == [[3.0, 1.5], [2.0, 1.0]]
    assert data.target.tolist() == [0, 1, 0, 1, 0, 1, 1, 0]


def test_training_reproduces_the_reference_numbers_exactly():
    training = Training(note_table(), TrainConfig(alpha=0.1, iterations=10_000, seed=42))
    assert training.first_prediction() == FIRST_PREDICTION
    checkpoints = training.advance()
    assert len(checkpoints) == 100
    assert checkpoints.iteration[0] == 0 and checkpoints.iteration[-1] == 9900
    assert checkpoints.train_error[0] == FIRST_CHECKPOINT
    assert checkpoints.train_error[-1] == LAST_CHECKPOINT
    assert training.weights.tolist() == FINAL_WEIGHTS
    assert training.bias == FINAL_BIAS
    assert checkpoints.test_error is None


def test_headless_json_prints_the_reference_numbers():
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--headless", "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    result = json.loads(out.stdout)
    assert result["initial"]["first_prediction"] == FIRST_PREDICTION
    assert len(result["checkpoints"]["iteration"]) == 100
    assert result["checkpoints"]["train_error"][0] == FIRST_CHECKPOINT
    assert result["checkpoints"]["train_error"][-1] == LAST_CHECKPOINT
    assert result["checkpoints"]["test_error"] is None
    assert result["final"]["weights"] == FINAL_WEIGHTS
    assert result["final"]["bias"] == FINAL_BIAS
    assert result["data"] == {
        "rows": 8, "features": ["x1", "x2"], "target": "y", "train_rows": 8, "test_rows": 0,
    }
    assert result["config"]["seed"] == 42 and result["config"]["iterations"] == 10_000
    assert 0 < result["timing"]["train_seconds"] < 5
    assert out.stderr == ""
