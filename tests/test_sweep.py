"""Sweeps: lists of learning rates and seeds, trained in parallel, each run what it is alone."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import DataError, Training, TrainConfig, note_table
from model.sweep import parse_alphas, parse_seeds, run_sweep, sweep_configs

ROOT = Path(__file__).resolve().parent.parent


def headless(*args: str) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--headless", "--json", *args],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_lists_and_ranges_are_read_in_the_order_given():
    assert parse_alphas("0.3, 0.01,1") == [0.3, 0.01, 1.0]
    assert parse_seeds("7,1-3, 42") == [7, 1, 2, 3, 42]
    rates = parse_alphas("0.001:1:4")
    assert rates[0] == pytest.approx(0.001) and rates[-1] == pytest.approx(1.0)
    assert np.allclose(np.diff(np.log10(rates)), 1.0)


@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20))
def test_any_list_of_seeds_reads_back(seeds):
    assert parse_seeds(",".join(map(str, seeds))) == seeds


@pytest.mark.parametrize("text", ["", "a", "1,,2", "-1", "3-1", "1-2-3", f"{2**32}", "1.5"])
def test_bad_seed_lists_are_refused(text):
    with pytest.raises(DataError):
        parse_seeds(text)


@pytest.mark.parametrize("text", ["", "x", "0", "-0.1", "inf", "nan", "1:2", "1:2:x", "0:1:3"])
def test_bad_learning_rate_lists_are_refused(text):
    with pytest.raises(DataError):
        parse_alphas(text)


def test_the_sweeps_runs_are_learning_rate_then_seed():
    configs = sweep_configs(TrainConfig(), [0.5, 0.1], [3, 1, 2])
    assert [(c.alpha, c.seed) for c in configs] == [
        (0.5, 3), (0.5, 1), (0.5, 2), (0.1, 3), (0.1, 1), (0.1, 2)]


def test_a_parallel_sweep_equals_its_runs_one_by_one():
    configs = sweep_configs(TrainConfig(iterations=3000, test_fraction=0.25),
                            [0.05, 0.5, 2.0], [1, 2, 3])
    results = run_sweep(note_table(), configs, jobs=2)
    for config, result in zip(configs, results):
        alone = Training(note_table(), config)
        checkpoints = alone.advance()
        assert np.array_equal(result.training.weights, alone.weights)
        assert result.training.bias == alone.bias and not result.stopped
        again = Training(note_table(), config)
        assert np.array_equal(again.advance().train_error, checkpoints.train_error)


def test_stop_ends_every_run_of_a_sweep():
    stop = threading.Event()
    configs = sweep_configs(TrainConfig(iterations=100_000_000, every=1_000_000), [0.1, 0.2],
                            [1, 2, 3])

    def on_chunk(index, training, part):
        if training.iteration > 10_000:
            stop.set()

    results = run_sweep(note_table(), configs, jobs=2, stop=stop, on_chunk=on_chunk)
    assert all(r.stopped for r in results)
    assert all(r.training.iteration < 100_000_000 for r in results)
    assert not [t for t in threading.enumerate() if t.name.startswith("sweep")]


def test_the_headless_sweep_prints_each_run_as_the_single_run_prints_it():
    sweep = headless("--alpha", "0.1,1", "--seed", "42,7", "--iterations", "2000",
                     "--test-fraction", "0.25", "--jobs", "2")
    assert [(r["config"]["alpha"], r["config"]["seed"]) for r in sweep["runs"]] == [
        (0.1, 42), (0.1, 7), (1.0, 42), (1.0, 7)]
    assert sweep["timing"]["wall_seconds"] > 0
    for run in sweep["runs"]:
        alone = headless("--alpha", str(run["config"]["alpha"]), "--seed",
                         str(run["config"]["seed"]), "--iterations", "2000",
                         "--test-fraction", "0.25")
        for key in ("config", "data", "initial", "checkpoints", "final", "warnings"):
            assert run[key] == alone[key], key


def test_the_notes_run_is_still_a_single_object():
    result = headless()
    assert "runs" not in result and len(result["checkpoints"]["iteration"]) == 100
