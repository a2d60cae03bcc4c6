"""One step of learning with every number of the chain rule, as the note derives it.

The note's whole lesson is one step: the prediction for one row, its error, the error's
derivative by the prediction, the sigmoid's derivative, the chain rule's product for each
weight and the bias, and the update.  :func:`step_details` computes all of these with the
note's arithmetic, operation by operation, so that the new weights it reports are exactly
the ones the compiled kernel gives for the same step (a test holds them equal).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neuron import sigmoid


@dataclass(frozen=True)
class StepDetails:
    """Every number of one step.  ``row`` is the drawn row's index in the run's table
    (0-based; a person reads ``row + 1``); arrays are read-only copies."""

    iteration: int
    row: int
    inputs: np.ndarray
    target: float
    alpha: float
    weights_before: np.ndarray
    bias_before: float
    z: float
    prediction: float
    error: float
    d_error_d_prediction: float
    d_prediction_d_z: float
    d_error_d_z: float
    gradient_weights: np.ndarray
    gradient_bias: float
    weights: np.ndarray
    bias: float

    @property
    def weight_changes(self) -> np.ndarray:
        """The sign of each weight's move: +1 up, -1 down, 0 unchanged."""
        return np.sign(self.weights - self.weights_before)

    @property
    def bias_change(self) -> float:
        return float(np.sign(self.bias - self.bias_before))

    def as_json(self) -> dict:
        """The step as plain JSON values (the headless ``--trace`` line); the row is
        numbered from 1, as in the table."""
        return {
            "iteration": self.iteration,
            "row": self.row + 1,
            "inputs": self.inputs.tolist(),
            "target": self.target,
            "alpha": self.alpha,
            "weights_before": self.weights_before.tolist(),
            "bias_before": self.bias_before,
            "z": self.z,
            "prediction": self.prediction,
            "error": self.error,
            "dE_dp": self.d_error_d_prediction,
            "dp_dz": self.d_prediction_d_z,
            "dE_dz": self.d_error_d_z,
            "gradient_weights": self.gradient_weights.tolist(),
            "gradient_bias": self.gradient_bias,
            "weights": self.weights.tolist(),
            "bias": self.bias,
        }


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def step_details(iteration: int, row: int, inputs: np.ndarray, target: float,
                 weights: np.ndarray, bias: float, alpha: float) -> StepDetails:
    """One step of the note's gradient descent on one row, every intermediate kept.

    The operations are the note's, in its order: ``z = np.dot(x, w) + b``;
    ``p = 1/(1 + exp(-z))``; ``dE/dp = 2(p - y)``; ``dp/dz = sigma(z)(1 - sigma(z))``;
    ``dz/db = 1`` and ``dz/dw = x``; the gradients ``dE/dp * dp/dz * dz/d.``; and
    ``b - dE/db * alpha``, ``w - dE/dw * alpha``.
    """
    x = np.asarray(inputs, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    b = np.float64(bias)
    y = np.float64(target)
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.dot(x, w) + b
        p = sigmoid(z)
        d_error_d_prediction = 2 * (p - y)
        d_prediction_d_z = sigmoid(z) * (1 - sigmoid(z))
        d_z_d_weights = (0 * w) + (1 * x)
        gradient_bias = d_error_d_prediction * d_prediction_d_z * 1
        gradient_weights = d_error_d_prediction * d_prediction_d_z * d_z_d_weights
        new_bias = b - (gradient_bias * alpha)
        new_weights = w - (gradient_weights * alpha)
        error = np.square(p - y)
    return StepDetails(
        iteration=int(iteration), row=int(row), inputs=_frozen(x), target=float(y),
        alpha=float(alpha), weights_before=_frozen(w), bias_before=float(b), z=float(z),
        prediction=float(p), error=float(error),
        d_error_d_prediction=float(d_error_d_prediction),
        d_prediction_d_z=float(d_prediction_d_z),
        d_error_d_z=float(d_error_d_prediction * d_prediction_d_z),
        gradient_weights=_frozen(gradient_weights), gradient_bias=float(gradient_bias),
        weights=_frozen(new_weights), bias=float(new_bias),
    )


def sigmoid_points(features: np.ndarray, weights: np.ndarray, bias: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Every row's ``z = x . w + b`` and ``sigmoid(z)``, for the sigmoid view."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.asarray(features, dtype=np.float64) @ np.asarray(weights, dtype=np.float64) + bias
    return z, sigmoid(z)
