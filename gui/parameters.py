"""The training parameters, the run buttons and a line about the trained neuron."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from model import TrainConfig
from model.training import MAX_ITERATIONS, MAX_SEED, MAX_TEST_FRACTION

from .spin_boxes import CheckedDoubleSpinBox, CheckedSpinBox, SeedSpinBox

#: Paces of the speed control, in iterations per second; 0 is as fast as the machine goes.
SPEEDS = [
    ("Slow motion — a step every 2 s, every number shown", 0.5),
    ("Slow motion — a step a second, every number shown", 1),
    ("Slow motion — 5 steps a second, every number shown", 5),
    ("Slow — 1,000 iterations/s", 1_000),
    ("Watch — 3,300 iterations/s", 3_300),
    ("Fast — 100,000 iterations/s", 100_000),
    ("Max — as fast as possible", 0),
]
# The note's 10,000 iterations draw over about three seconds.
DEFAULT_SPEED = next(i for i, (_, pace) in enumerate(SPEEDS) if pace == 3_300)
MAX_SPEED = next(i for i, (_, pace) in enumerate(SPEEDS) if pace == 0)


def speed_index(pace: float) -> int:
    """The speed box's entry for ``pace`` iterations per second (0: Max)."""
    return next(i for i, (_, p) in enumerate(SPEEDS) if p == pace)


class ParametersBox(QGroupBox):
    """Learning rate, iterations, seed, checkpoint interval, held-out share, speed; Train,
    Stop, Continue, Reset; each labelled, with a one-sentence tooltip."""

    CONTINUE_TIP = ("Train the current neuron for as many iterations again, continuing the "
                    "same random stream, on the table as it is now")
    #: the person changed a parameter (not emitted by :meth:`set_config`)
    changed = Signal()
    #: a sentence for the person: a typed value was out of range and what was set instead
    clamped = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__("Training", parent)
        defaults = TrainConfig()
        self.alpha_spin = CheckedDoubleSpinBox("The learning rate", objectName="alphaSpin")
        self.alpha_spin.setDecimals(4)
        self.alpha_spin.setRange(0.0001, 10.0)
        self.alpha_spin.setSingleStep(0.01)
        self.alpha_spin.setValue(defaults.alpha)
        self.alpha_spin.setToolTip("How big a step the neuron takes against the gradient each iteration.")
        self.iterations_spin = CheckedSpinBox("The number of iterations", objectName="iterationsSpin")
        self.iterations_spin.setRange(1, MAX_ITERATIONS)
        self.iterations_spin.setGroupSeparatorShown(True)
        self.iterations_spin.setSingleStep(1000)
        self.iterations_spin.setValue(defaults.iterations)
        self.iterations_spin.setToolTip(
            "How many training steps to take; each step learns from one random row.")
        self.seed_spin = SeedSpinBox(objectName="seedSpin")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(defaults.seed)
        self.seed_spin.setToolTip("Fixes the random starting weights and the order of rows: "
                                  "the same seed gives the same run.")
        self.every_spin = CheckedSpinBox("The checkpoint interval", objectName="everySpin")
        self.every_spin.setRange(1, MAX_ITERATIONS)
        self.every_spin.setGroupSeparatorShown(True)
        self.every_spin.setValue(defaults.every)
        self.every_spin.setToolTip("Measure the error over all rows once every this many iterations.")
        self.test_fraction_spin = CheckedDoubleSpinBox("The held-out share", objectName="testFractionSpin")
        self.test_fraction_spin.setRange(0.0, MAX_TEST_FRACTION)
        self.test_fraction_spin.setDecimals(2)
        self.test_fraction_spin.setSingleStep(0.05)
        self.test_fraction_spin.setValue(defaults.test_fraction)
        self.test_fraction_spin.setToolTip(
            "About this share of rows is held out of training, to see how the neuron does on "
            "data it never learned from. Each row is decided on its own (from the seed), so "
            "adding or deleting a row never changes which other rows are held out.")
        self.standardize_check = QCheckBox("Standardise features", objectName="standardizeCheck")
        self.standardize_check.setChecked(defaults.standardize)
        self.standardize_check.setToolTip(
            "Train on each feature minus its mean, divided by its standard deviation (both "
            "from the training rows), so that inputs in the hundreds do not saturate the "
            "sigmoid. Predictions, the table and the boundary stay in your data's units. "
            "Off: the neuron sees your numbers as they are, as in the note. A column with the "
            "same value in every row is only centred.")
        self.speed_combo = QComboBox(objectName="speedCombo")
        for label, pace in SPEEDS:
            self.speed_combo.addItem(label, pace)
        self.speed_combo.setCurrentIndex(DEFAULT_SPEED)
        # As narrow as a short entry, so that the panel can shrink in a small window.
        self.speed_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.speed_combo.setMinimumContentsLength(14)
        self.speed_combo.setToolTip("How fast to train: one step at a time with every number in "
                                    "the step panel, slow enough to watch, or as fast as possible.")

        form = QFormLayout()
        form.addRow("&Learning rate:", self.alpha_spin)
        form.addRow("&Iterations:", self.iterations_spin)
        form.addRow("&Seed:", self.seed_spin)
        form.addRow("Checkpoint ever&y:", self.every_spin)
        form.addRow("Held-out sha&re:", self.test_fraction_spin)
        form.addRow("", self.standardize_check)
        form.addRow("S&peed:", self.speed_combo)

        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setToolTip(
            "Start a fresh run from the seed, on the table as it is now (Ctrl+Return)")
        self.train_button.setDefault(True)
        self.stop_button = QPushButton("Stop", objectName="stopButton")
        self.stop_button.setToolTip("Stop the run (Esc)")
        self.continue_button = QPushButton("Continue", objectName="continueButton")
        self.continue_button.setToolTip(self.CONTINUE_TIP)
        self.reset_button = QPushButton("Reset", objectName="resetButton")
        self.reset_button.setToolTip("Forget the trained neuron and clear the plot")
        buttons = QHBoxLayout()
        for button in (self.train_button, self.stop_button, self.continue_button, self.reset_button):
            buttons.addWidget(button)
        params_layout = QVBoxLayout(self)
        params_layout.addLayout(form)
        params_layout.addLayout(buttons)
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        # Room for both lines (weights; accuracy) from the start, so nothing is cut off.
        self.model_label.setMinimumHeight(2 * self.model_label.fontMetrics().lineSpacing() + 4)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        params_layout.addWidget(self.model_label)
        # Why the last run could not learn, and the remedy a click away: held until the
        # next run, not only a status message that the next one replaces.
        self.warning_label = QLabel(objectName="runWarning", visible=False, wordWrap=True)
        self.warning_label.setStyleSheet("color: #8a4b00;")
        self.warning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.warning_label.linkActivated.connect(self._remedy)
        params_layout.addWidget(self.warning_label)
        self._setting = False
        for spin in self._spins():
            spin.valueChanged.connect(self._edited)
            if hasattr(spin, "clamped"):
                spin.setToolTip(f"{spin.toolTip()} {spin.range_tip()}")
                spin.clamped.connect(self.clamped)
        self.standardize_check.toggled.connect(self._edited)

    def show_warnings(self, warnings: list[str]) -> None:
        """The last run's warnings (none: hidden), with a link that ticks Standardise
        features when that is the remedy and it is not ticked yet."""
        if not warnings:
            self.warning_label.clear()
            self.warning_label.setVisible(False)
            return
        import html  # here, not at the top: 2-3 ms of the window's start-up otherwise

        text = "<br>".join("⚠ " + html.escape(w) for w in warnings)
        if (not self.standardize_check.isChecked()
                and any("Standardise features" in w for w in warnings)):
            text += ('<br><a href="standardize">Tick Standardise features</a>, '
                     "then press Train.")
        self.warning_label.setText(text)
        self.warning_label.setVisible(True)

    def _remedy(self, link: str) -> None:
        if link == "standardize":
            self.standardize_check.setChecked(True)

    def _spins(self):
        return (self.alpha_spin, self.iterations_spin, self.seed_spin, self.every_spin,
                self.test_fraction_spin)

    def _edited(self) -> None:
        if not self._setting:
            self.changed.emit()

    def config(self) -> TrainConfig:
        """The parameters as they are set now."""
        return TrainConfig(
            alpha=self.alpha_spin.value(),
            iterations=self.iterations_spin.value(),
            seed=self.seed_spin.value(),
            every=self.every_spin.value(),
            test_fraction=self.test_fraction_spin.value(),
            standardize=self.standardize_check.isChecked(),
        )

    def set_config(self, config: TrainConfig) -> None:
        """Show ``config`` (without announcing it as the person's change)."""
        self._setting = True
        try:
            for spin, value in zip(self._spins(), (config.alpha, config.iterations, config.seed,
                                                   config.every, config.test_fraction)):
                # Only a box whose value differs: setting it again would rewrite the text a
                # person is typing ("0.2" becomes "0.2000" after one keystroke).
                if spin.value() != value:
                    spin.setValue(value)
            if self.standardize_check.isChecked() != config.standardize:
                self.standardize_check.setChecked(config.standardize)
        finally:
            self._setting = False

    def cannot_show(self, config: TrainConfig) -> str | None:
        """Why ``config`` cannot be set in these boxes exactly (None when it can): a value
        out of a box's range, or with more decimals than it shows, is never changed silently."""
        for name, spin, value in zip(_KEYS, self._spins(), (config.alpha, config.iterations,
                                                           config.seed, config.every,
                                                           config.test_fraction)):
            low, high = spin.minimum(), spin.maximum()
            decimals = spin.decimals() if hasattr(spin, "decimals") else 0
            if not low <= value <= high or round(value, decimals) != value:
                words = name.replace("_", " ").replace("alpha", "learning rate")
                return (f"its {words} {value!r} cannot be set here (from {low:g} to {high:,g}"
                        + (f", {decimals} decimals)" if decimals else ", whole numbers)"))
        return None

    def restore_note_settings(self) -> None:
        """The note's parameters and the watching pace, as on a first start: the note's
        table then gives the note's numbers again."""
        self.set_config(TrainConfig())
        self.speed_combo.setCurrentIndex(DEFAULT_SPEED)
        self.changed.emit()

    def pace(self) -> float:
        """Iterations per second chosen in the speed box (0: as fast as possible)."""
        return float(self.speed_combo.currentData())

    # -- remembered between starts ------------------------------------------------------
    def restore(self, stored: QSettings) -> None:
        """The parameters and the speed last used (a damaged value keeps the default)."""
        kinds = (float, int, int, int, float)
        for (key, kind), spin in zip(zip(_KEYS, kinds), self._spins()):
            value = stored.value(f"parameters/{key}")
            if value is not None:
                try:
                    spin.setValue(kind(value))
                except (TypeError, ValueError):
                    pass  # a hand-edited settings file: keep the default
        try:
            pace = float(stored.value("parameters/pace"))
        except (TypeError, ValueError):
            return  # never saved, or hand-edited: keep the default
        index = self.speed_combo.findData(pace)
        if index >= 0:
            self.speed_combo.setCurrentIndex(index)

    def save(self, stored: QSettings) -> None:
        for key, spin in zip(_KEYS, self._spins()):
            stored.setValue(f"parameters/{key}", spin.value())
        stored.setValue("parameters/pace", self.pace())


_KEYS = ("alpha", "iterations", "seed", "every", "test_fraction")
