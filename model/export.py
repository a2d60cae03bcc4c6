"""Export a run as a standalone Python script that needs only NumPy.

The script holds the run's data, its rows held out, and the parameters; run by itself it
retrains the same neuron the same way (the note's plain loop) and prints the same
checkpoints, one ``iteration train_error [test_error]`` line each, numbers in full.
"""
from __future__ import annotations

from .training import Training

_TEMPLATE = '''"""Neuron Lab run, exported as a script: a single sigmoid neuron trained by plain
per-example gradient descent, exactly as in the app. Needs only NumPy.

Prints one line per checkpoint: iteration, error over the training rows{test_words}.
"""
import numpy as np

COLUMNS = {columns!r}
DATA = np.array({rows!r}, dtype=np.float64)
TRAIN_ROWS = {train_rows!r}
TEST_ROWS = {test_rows!r}
ALPHA = {alpha!r}
ITERATIONS = {iterations!r}
SEED = {seed!r}
EVERY = {every!r}
# Standardised features: each column minus MEAN, divided by SCALE (the training rows' mean
# and standard deviation); None when the run trained on the numbers as they are.
MEAN = {mean!r}
SCALE = {scale!r}


def sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def predict(x, weights, bias):
    with np.errstate(over="ignore", invalid="ignore"):
        return sigmoid(np.dot(x, weights) + bias)


def total_error(features, targets, weights, bias):
    total = 0.0
    for x, y in zip(features, targets):
        total = total + np.square(predict(x, weights, bias) - y)
    return total


def main():
    features = DATA[:, :-1]
    if MEAN is not None:
        features = (features - np.array(MEAN)) / np.array(SCALE)
    x_train, y_train = features[TRAIN_ROWS], DATA[TRAIN_ROWS, -1]
    x_test, y_test = features[TEST_ROWS], DATA[TEST_ROWS, -1]
    random = np.random.RandomState(SEED)
    weights = np.array([random.randn() for _ in range(x_train.shape[1])])
    bias = random.randn()
    for i in range(ITERATIONS):
        k = random.randint(len(x_train))
        p = predict(x_train[k], weights, bias)
        gradient = 2 * (p - y_train[k]) * (p * (1 - p))
        bias = bias - gradient * ALPHA
        weights = weights - (gradient * x_train[k]) * ALPHA
        if i % EVERY == 0:
            line = f"{{i}} {{float(total_error(x_train, y_train, weights, bias))!r}}"
            if len(TEST_ROWS):
                line += f" {{float(total_error(x_test, y_test, weights, bias))!r}}"
            print(line)
    print("# weights", [float(w) for w in weights], "bias", float(bias))


if __name__ == "__main__":
    main()
'''


def run_script(training: Training) -> str:
    """The text of a script that repeats ``training`` for as many iterations as it has done
    (its config's count if it has not started)."""
    data = training.dataset
    rows = [[*f, t] for f, t in zip(data.features.tolist(), data.target.tolist())]
    config = training.config
    return _TEMPLATE.format(
        test_words=", error over the held-out rows" if training.has_test else "",
        columns=list(data.column_names),
        rows=rows,
        train_rows=training.train_rows.tolist(),
        test_rows=training.test_rows.tolist(),
        alpha=config.alpha,
        iterations=training.iteration or config.iterations,
        seed=config.seed,
        every=config.every,
        mean=None if training.scaling is None else training.scaling.mean.tolist(),
        scale=None if training.scaling is None else training.scaling.scale.tolist(),
    )
