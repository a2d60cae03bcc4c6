"""The oracle: the reference note's training loop, step by step, in plain NumPy.

Every exactness test compares the program with this, computed in the same process on the
same machine, and never with digits written down on another machine: NumPy's own ``exp``
and ``dot`` give different last bits on different CPU families (an AVX-512 ``exp``
against an AVX2 one; a BLAS ``ddot`` that fuses multiply and add against one that does
not), and "exact" means equal to what the note's code gives *here*.

It follows the note's arithmetic operation by operation: ``np.dot`` of one row with the
weights, plus the bias; ``1 / (1 + np.exp(-z))``; the derivative of the sigmoid computed
again from ``z``; ``2 * (p - y)`` times that; the bias and the weights each moved by the
gradient times the learning rate; and the error of a checkpoint added up one row at a time
from zero with ``np.square``.  What the project adds is kept apart from the note's steps:
a generator of its own instead of NumPy's global one (the same numbers as
``np.random.seed(seed)``), any number of inputs, the checkpoint interval, and the error
over held-out rows when some are given.
"""
from __future__ import annotations

import numpy as np


class NoteNeuron:
    """The note's neuron: a weight per input and a bias, drawn in the note's order."""

    def __init__(self, n_inputs: int, alpha: float, seed: int):
        self.random = np.random.RandomState(seed)
        self.weights = np.array([self.random.randn() for _ in range(n_inputs)])
        self.bias = self.random.randn()
        self.alpha = alpha

    @staticmethod
    def _sigmoid(z):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-z))

    def _sigmoid_slope(self, z):
        return self._sigmoid(z) * (1 - self._sigmoid(z))

    def predict(self, row: np.ndarray):
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.dot(row, self.weights) + self.bias
        return self._sigmoid(z)

    def _gradients(self, row: np.ndarray, target: float):
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.dot(row, self.weights) + self.bias
            prediction = self._sigmoid(z)
            d_error_d_prediction = 2 * (prediction - target)
            d_prediction_d_z = self._sigmoid_slope(z)
            d_z_d_bias = 1
            d_z_d_weights = (0 * self.weights) + (1 * row)
            d_error_d_bias = d_error_d_prediction * d_prediction_d_z * d_z_d_bias
            d_error_d_weights = d_error_d_prediction * d_prediction_d_z * d_z_d_weights
        return d_error_d_bias, d_error_d_weights

    def _update(self, d_error_d_bias, d_error_d_weights) -> None:
        self.bias = self.bias - (d_error_d_bias * self.alpha)
        self.weights = self.weights - (d_error_d_weights * self.alpha)

    def total_error(self, rows: np.ndarray, targets: np.ndarray):
        total = 0
        for index in range(len(rows)):
            prediction = self.predict(rows[index])
            total = total + np.square(prediction - targets[index])
        return total

    def train(self, rows, targets, iterations, every=100, test_rows=None, test_targets=None):
        """The note's loop; returns the checkpoints' iterations, training and held-out errors."""
        at, train_error, test_error = [], [], []
        for iteration in range(iterations):
            k = self.random.randint(len(rows))
            self._update(*self._gradients(rows[k], targets[k]))
            if iteration % every == 0:
                at.append(iteration)
                train_error.append(float(self.total_error(rows, targets)))
                if test_rows is not None and len(test_rows):
                    test_error.append(float(self.total_error(test_rows, test_targets)))
        return at, train_error, test_error


def note_run(features, target, alpha, iterations, seed, every=100, test_features=None,
             test_target=None) -> dict:
    """One run of the note's loop, as plain Python numbers."""
    neuron = NoteNeuron(np.asarray(features).shape[1], alpha, seed)
    first_prediction = float(neuron.predict(np.asarray(features, dtype=np.float64)[0]))
    at, train_error, test_error = neuron.train(
        np.asarray(features, dtype=np.float64), np.asarray(target, dtype=np.float64),
        iterations, every,
        None if test_features is None else np.asarray(test_features, dtype=np.float64),
        None if test_target is None else np.asarray(test_target, dtype=np.float64),
    )
    return {
        "first_prediction": first_prediction,
        "iteration": at,
        "train_error": train_error,
        "test_error": test_error or None,
        "weights": neuron.weights.tolist(),
        "bias": float(neuron.bias),
    }
