"""The reference note's neuron written out plainly: the specification of the fast kernel.

One sigmoid neuron: ``prediction = sigmoid(x . w + b)``; the error of one example is
``(prediction - target) ** 2``; each step picks one training row at random and moves the
weights and the bias a little against the gradient of that error.
"""
from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray | float) -> np.ndarray | float:
    """``1 / (1 + exp(-z))``; for very negative ``z`` the exponential overflows to
    infinity and the result is exactly 0, which is the right limit, so the warning is
    silenced rather than the value changed."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def predict(features: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """The output of a neuron with ``weights`` and ``bias`` for each row of ``features``.

    Huge inputs can overflow the dot product to inf (or inf - inf = NaN); the sigmoid then
    saturates, or the NaN is the caller's to report, so no warning is raised.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return sigmoid(np.asarray(features, dtype=np.float64) @ weights + bias)


class Neuron:
    """A single sigmoid neuron trained by per-example gradient descent.

    Parameters
    ----------
    n_features
        Number of inputs (the note has two).
    alpha
        Learning rate: the share of the gradient taken at each step.
    random_state
        Where the starting weights, and later the training rows, are drawn from.
    """

    def __init__(self, n_features: int, alpha: float, random_state: np.random.RandomState):
        self.random_state = random_state
        # One draw per weight, then one for the bias: the note's order.
        self.weights = np.array([random_state.randn() for _ in range(n_features)])
        self.bias = random_state.randn()
        self.alpha = alpha

    def predict(self, x: np.ndarray) -> np.ndarray | float:
        """The neuron's output for one row ``x`` (or one output per row of a matrix)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return sigmoid(np.dot(x, self.weights) + self.bias)

    def gradients(self, x: np.ndarray, target: float) -> tuple[float, np.ndarray]:
        """The derivatives of ``(prediction - target)**2`` by the bias and by the weights."""
        prediction = self.predict(x)
        d_error_d_prediction = 2 * (prediction - target)
        d_prediction_d_z = prediction * (1 - prediction)  # the sigmoid's derivative
        d_error_d_z = d_error_d_prediction * d_prediction_d_z
        # z = x . w + b, so dz/db = 1 and dz/dw = x.
        return d_error_d_z, d_error_d_z * x

    def update(self, d_bias: float, d_weights: np.ndarray) -> None:
        """One step of gradient descent."""
        self.bias = self.bias - d_bias * self.alpha
        self.weights = self.weights - d_weights * self.alpha

    def error(self, features: np.ndarray, target: np.ndarray) -> float:
        """Sum of squared errors over the rows, added up one row at a time."""
        total = 0.0
        for x, t in zip(features, target):
            # np.square, as the note: ``** 2`` on a NumPy float goes through pow(), which
            # on some CPUs is a unit in the last place away from the product.
            total = total + np.square(self.predict(x) - t)
        return total

    def train(
        self,
        features: np.ndarray,
        target: np.ndarray,
        iterations: int,
        every: int = 100,
        test_features: np.ndarray | None = None,
        test_target: np.ndarray | None = None,
        start: int = 0,
    ) -> tuple[list[int], list[float], list[float]]:
        """Train for ``iterations`` steps numbered from ``start``.

        Returns the checkpoint iterations, the training error and the held-out error
        (empty when no rows are held out), recorded after the update of every step
        whose number is a multiple of ``every``.
        """
        at, train_error, test_error = [], [], []
        for i in range(start, start + iterations):
            k = self.random_state.randint(len(features))
            self.update(*self.gradients(features[k], target[k]))
            if i % every == 0:
                at.append(i)
                train_error.append(float(self.error(features, target)))
                if test_features is not None and len(test_features):
                    test_error.append(float(self.error(test_features, test_target)))
        return at, train_error, test_error
