"""A run that cannot learn says so, and Standardise features is the remedy a click away."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import Dataset, Training, TrainConfig, note_table, predict, sigmoid
from model.diagnosis import end_of_run, run_warnings, warnings_with
from model.session import Session, parse_session, session_json
from tests.gui_helpers import train
from tests.note_oracle import NoteNeuron
from tests.test_cli import headless


def height_weight(n: int = 200) -> Dataset:
    """Heights near 165 cm and weights near 66 kg: every prediction saturates at once."""
    rs = np.random.RandomState(0)
    height, weight = rs.normal(165, 10, n), rs.normal(66, 12, n)
    target = (weight / (height / 100) ** 2 > 24).astype(float)
    return Dataset.from_arrays(np.column_stack([height, weight]), target,
                               ["height", "weight"], "overweight")


def write_csv(path, data: Dataset) -> None:
    rows = (",".join(repr(v) for v in [*f, t])
            for f, t in zip(data.features.tolist(), data.target.tolist()))
    path.write_text("height,weight,overweight\n" + "\n".join(rows) + "\n")


# -- the model: detection -------------------------------------------------------------------

def test_saturated_inputs_are_detected_explained_and_the_remedy_named():
    data = height_weight()
    training = Training(data, TrainConfig())
    history = training.advance()
    assert np.all(history.train_error == history.train_error[0])  # nothing was learned
    warnings = run_warnings(data, training.snapshot(), training.train_rows,
                            history.train_error, history.iteration)
    text = " ".join(warnings)
    assert "saturated" in text and "σ'(z)" in text and "exactly 0" in text
    assert "Standardise features" in text and "'height'" in text
    assert "stopped changing" in text and "first checkpoint" in text


def test_a_huge_learning_rate_on_the_notes_table_is_named_as_the_cause():
    training = Training(note_table(), TrainConfig(alpha=10.0))
    history = training.advance()
    text = " ".join(run_warnings(note_table(), training.snapshot(), training.train_rows,
                                 history.train_error, history.iteration))
    assert "saturated" in text and "learning rate 10" in text and "stopped changing" in text


@pytest.mark.parametrize("config", [TrainConfig(), TrainConfig(iterations=100_000),
                                    TrainConfig(standardize=True)])
def test_runs_that_learn_have_nothing_to_warn_about(config):
    from resources import EXAMPLES

    for data in [note_table()] + [__import__("model").read_csv(e.path) for e in EXAMPLES]:
        training = Training(data, config)
        history = training.advance()
        assert run_warnings(data, training.snapshot(), training.train_rows,
                            history.train_error, history.iteration) == []


# -- the model: standardising ----------------------------------------------------------------

def test_standardised_training_is_the_notes_loop_on_the_training_rows_standardised():
    data = height_weight(60)
    config = TrainConfig(standardize=True, test_fraction=0.25, iterations=3000, seed=7)
    training = Training(data, config)
    history = training.advance()
    x_train = data.features[training.train_rows]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    neuron = NoteNeuron(2, config.alpha, config.seed)
    scaled = (data.features - mean) / std
    at, train_error, test_error = neuron.train(
        scaled[training.train_rows], data.target[training.train_rows], 3000,
        test_rows=scaled[training.test_rows], test_targets=data.target[training.test_rows])
    assert history.iteration.tolist() == at
    assert history.train_error.tolist() == train_error
    assert history.test_error.tolist() == test_error
    assert training.weights.tolist() == neuron.weights.tolist()
    # Predictions are asked in the data's own units.
    expected = sigmoid(scaled @ neuron.weights + neuron.bias)
    assert training.predict(data.features).tolist() == expected.tolist()
    # ... and the folded neuron (for the boundary) answers the same, to rounding.
    w, b = training.scaling.fold(training.weights, training.bias)
    np.testing.assert_allclose(predict(data.features, w, b), expected, rtol=1e-9, atol=1e-12)


def test_a_constant_column_is_only_centred_and_that_is_said():
    data = Dataset.from_arrays(np.column_stack([np.arange(10.0) * 50, np.full(10, 7.0)]),
                               (np.arange(10) >= 5).astype(float))
    training = Training(data, TrainConfig(standardize=True, iterations=500))
    assert training.scaling.scale[1] == 1.0 and training.scaling.mean[1] == 7.0
    assert np.all(training._x[:, 1] == 0.0)
    history = training.advance()
    text = " ".join(run_warnings(data, training.snapshot(), training.train_rows,
                                 history.train_error, history.iteration))
    assert "'x2'" in text and "only centred" in text


def test_standardising_is_off_by_default_and_the_note_is_untouched():
    assert TrainConfig().standardize is False
    assert Training(note_table(), TrainConfig()).scaling is None


def test_sessions_record_standardising_and_continue_exactly():
    data = height_weight(40)
    training = Training(data, TrainConfig(standardize=True, iterations=700, test_fraction=0.2))
    history = training.advance()
    text = session_json(Session(data, training.config, training, history))
    saved = json.loads(text)
    assert saved["parameters"]["standardize"] is True
    assert saved["run"]["state"]["config"]["standardize"] is True
    assert saved["run"]["state"]["scaling"]["mean"] == training.scaling.mean.tolist()
    again = parse_session(text)
    assert again.training.scaling.scale.tolist() == training.scaling.scale.tolist()
    assert again.training.advance(900).train_error.tolist() == training.advance(900).train_error.tolist()


def test_old_sessions_open_without_standardising():
    saved = json.loads(session_json(Session(note_table(), TrainConfig())))
    saved["version"] = 1
    del saved["parameters"]["standardize"]
    assert parse_session(json.dumps(saved)).config.standardize is False


# -- headless ---------------------------------------------------------------------------------

def test_headless_json_warns_and_standardize_fixes_it(tmp_path):
    path = tmp_path / "hw.csv"
    write_csv(path, height_weight())
    plain = json.loads(headless("--data", str(path), "--json").stdout)
    assert plain["config"]["standardize"] is False and "scaling" not in plain["data"]
    assert any("saturated" in w and "--standardize" in w for w in plain["warnings"])
    out = headless("--data", str(path), "--json", "--standardize")
    assert out.returncode == 0, out.stderr
    fixed = json.loads(out.stdout)
    assert fixed["config"]["standardize"] is True and fixed["warnings"] == []
    x = height_weight().features
    assert fixed["data"]["scaling"]["mean"] == x.mean(axis=0).tolist()
    assert fixed["data"]["scaling"]["scale"] == x.std(axis=0).tolist()
    assert fixed["final"]["train_accuracy"] > 0.9
    summary = headless("--data", str(path)).stdout
    assert "Warning: The neuron is saturated" in summary


@given(scale=st.sampled_from([0.01, 1.0, 17.0, 40.0, 1e3]), alpha=st.sampled_from([0.1, 10.0]),
       held_out=st.sampled_from([0.0, 0.3]), standardize=st.booleans(),
       seed=st.integers(0, 2 ** 32 - 1))
def test_the_workers_one_pass_at_a_runs_end_says_what_the_separate_passes_say(
        scale, alpha, held_out, standardize, seed):
    """end_of_run measures the accuracy and the saturation from one set of outputs, for
    the window to take at a run's end instead of a pass of its own over every row."""
    rs = np.random.default_rng(seed)
    x = rs.normal(size=(120, 2)) * scale
    y = (rs.random(120) < 0.5).astype(float)
    data = Dataset.from_arrays(x, y, ["a", "b"], "y")
    training = Training(data, TrainConfig(alpha=alpha, iterations=300, every=50, seed=seed,
                                          test_fraction=held_out, standardize=standardize))
    history = training.advance()
    accuracies, saturated = end_of_run(training)
    assert accuracies == training.accuracy()
    state = training.snapshot()
    assert (warnings_with(saturated, data, state, history.train_error, history.iteration)
            == run_warnings(data, state, training.train_rows, history.train_error,
                            history.iteration))


# -- the window ---------------------------------------------------------------------------------

def test_the_window_takes_a_runs_saturation_from_the_worker(qtbot, window, monkeypatch):
    """At a run's end (Stop waiting on it) the window does not go over every row again
    for the warnings: the worker worked the saturation out with the accuracy."""
    import model.document

    passes = []
    real = model.document.run_warnings
    monkeypatch.setattr(model.document, "run_warnings",
                        lambda data, state, *rest: passes.append(state.iteration)
                        or real(data, state, *rest))
    window.table_model.set_dataset(height_weight())
    train(qtbot, window)
    assert "saturated" in window.parameters.warning_label.text()
    assert "stopped learning" in window.statusBar().currentMessage()
    assert [iteration for iteration in passes if iteration > 0] == []


def test_window_explains_saturation_and_the_checkbox_fixes_it(qtbot, window):
    data = height_weight()
    window.table_model.set_dataset(data)
    check = window.parameters.standardize_check
    assert check.isVisible() and not check.isChecked() and "mean" in check.toolTip()
    train(qtbot, window)
    warning = window.parameters.warning_label
    assert warning.isVisible() and "saturated" in warning.text()
    assert "stopped learning" in window.statusBar().currentMessage()
    # The remedy, one click away (the link in the warning ticks the same box).
    warning.linkActivated.emit("standardize")
    assert check.isChecked() and window.document.config.standardize
    train(qtbot, window)
    assert not warning.isVisible()
    run = window.document.run
    assert run.state.config.standardize and run.accuracy()[0] > 0.9
    # The table's ŷ is the prediction for the rows as shown, in their own units.
    x_train = data.features[run.train_rows]
    scaled = (data.features - x_train.mean(axis=0)) / x_train.std(axis=0)
    expected = sigmoid(scaled @ run.state.weights + run.state.bias)
    assert window.table_model.predictions()[0].tolist() == expected.tolist()
    panel = window.predict_panel
    row = panel.features()[None, :]
    assert panel.prediction() == float(sigmoid(((row - x_train.mean(axis=0)) / x_train.std(axis=0))
                                              @ run.state.weights + run.state.bias)[0])
    # Unticking goes back to the numbers as they are.
    check.setChecked(False)
    assert window.document.config.standardize is False


@given(scale=st.sampled_from([0.01, 1.0, 5.0, 17.0, 18.5, 40.0, 1e3]),
       seed=st.integers(0, 2 ** 32 - 1))
def test_the_saturation_warning_counts_every_stuck_row_as_the_plain_formula_does(scale, seed):
    """run_warnings works the sigmoid out only where |z| > 17; the rows it calls stuck are
    those the plain formula over every row calls stuck."""
    rs = np.random.default_rng(seed)
    x = rs.normal(size=(300, 2)) * scale
    y = (rs.random(300) < 0.5).astype(float)
    data = Dataset.from_arrays(x, y, ["a", "b"], "y")
    state = Training(data, TrainConfig(iterations=1)).snapshot()
    state = replace(state, weights=rs.normal(size=2), bias=float(rs.normal()) * scale,
                    iteration=1)
    p = predict(x, state.weights, state.bias)
    stuck = int(((p * (1 - p) < 1e-8) & (np.abs(p - y) >= 0.5)).sum())
    warnings = run_warnings(data, state, np.arange(300))
    said = [w for w in warnings if w.startswith("The neuron is saturated")]
    assert bool(said) == (stuck >= 30)
    if said:
        assert f"{stuck:,} of the 300" in said[0] or (stuck == 300 and "every one" in said[0])
