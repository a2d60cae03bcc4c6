"""Ask the neuron: type feature values, read its output and the class it gives."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QWidget

from model import predict


#: At most this many features get an input box; the rest are held at their mean (a form of
#: thousands of boxes takes Qt seconds to lay out and nobody types into them).
MAX_INPUTS = 20


class PredictPanel(QGroupBox):
    """One spin box per feature and the current neuron's answer, updated as you type."""

    def __init__(self, parent=None) -> None:
        super().__init__("Ask the neuron", parent)
        self.setObjectName("predictPanel")
        self.setToolTip("Type values for the features and read what the current neuron predicts.")
        self._form = QFormLayout(self)
        self._spins: list[QDoubleSpinBox] = []
        self.answer = QLabel()
        self.answer.setObjectName("predictAnswer")
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self._scaling = None
        self._held = np.empty(0)

    def set_features(self, names: list[str], values: np.ndarray) -> None:
        """Rebuild the inputs for these feature names, starting at ``values``."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self._spins = []
        self._held = np.asarray(values, dtype=np.float64)[MAX_INPUTS:]
        before = self._tab_stop_before()
        for name, value in zip(names[:MAX_INPUTS], values[:MAX_INPUTS]):
            spin = QDoubleSpinBox()
            spin.setRange(-1e9, 1e9)
            spin.setDecimals(4)
            spin.setValue(float(value))
            spin.setToolTip(f"A value for the feature {name}")
            spin.setObjectName("askInput")
            spin.valueChanged.connect(self._update)
            self._form.addRow(f"{name}:", spin)
            # Tab reaches the inputs where they are, after the panel's place: new widgets
            # would otherwise come last (after the table, or after the plots).
            if before is not None:
                QWidget.setTabOrder(self._spins[-1] if self._spins else before, spin)
            self._spins.append(spin)
        if len(names) > MAX_INPUTS:
            note = QLabel(f"The first {MAX_INPUTS} of {len(names):,} features; the others "
                          "are held at their mean.")
            note.setWordWrap(True)
            self._form.addRow(note)
        self.answer = QLabel()
        self.answer.setObjectName("predictAnswer")
        self._form.addRow(self.answer)
        self._update()

    def _tab_stop_before(self) -> QWidget | None:
        """The last widget Tab stops at before this panel (None: none before it)."""
        widget = self.previousInFocusChain()
        while widget is not self:
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not self.isAncestorOf(widget):
                return widget
            widget = widget.previousInFocusChain()
        return None

    def set_neuron(self, weights: np.ndarray | None, bias: float = 0.0, scaling=None) -> None:
        """The neuron to ask; ``scaling`` (a :class:`model.scaling.Scaling`) when it was
        trained on standardised features: the typed values, in the data's units, are
        standardised before they reach it."""
        self._weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self._bias = float(bias)
        self._scaling = scaling
        self._update()

    def features(self) -> np.ndarray:
        """The input asked about: the boxes' values, then the held features' means."""
        return np.concatenate([[spin.value() for spin in self._spins], self._held])

    def prediction(self) -> float | None:
        if self._weights is None or len(self._weights) != len(self._spins) + len(self._held):
            return None
        x = self.features()[None, :]
        if self._scaling is not None:
            x = self._scaling.apply(x)
        return float(predict(x, self._weights, self._bias)[0])

    @Slot()
    def _update(self) -> None:
        p = self.prediction()
        if p is None:
            self.answer.setText("ŷ = — (train the neuron first)")
        elif np.isnan(p):
            self.answer.setText("ŷ = NaN (these values overflow)")
        else:
            self.answer.setText(f"ŷ = {p:.4f} → class {1 if p >= 0.5 else 0}")
