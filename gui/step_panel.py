"""The step panel: one iteration of learning with every number of the note's derivation.

It shows the document's latest step (:attr:`model.document.Document.step`): the drawn row,
the forward pass, the chain rule's factors and products, and the update, typeset by
:mod:`model.worked_step`.  With "Guess first" on, it asks beforehand which way each weight
and the bias will move, and after the step puts the answer beside each guess and keeps a
score.  "Copy" puts the step on the clipboard as Markdown with every digit; "Export worked
step…" writes it as Markdown or HTML.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from model.csvio import write_text_atomically
from model.step import StepDetails
from model.worked_step import to_html, to_markdown

_EMPTY = ("<p>Press <b>Step</b> (F10) to take one step of learning and see every number of "
          "it: the row drawn, the prediction, the chain rule and the update.</p>"
          "<p>Before any run (or after Reset) the first step starts a fresh model from the "
          "seed; after a run, Step goes on with it.</p>")
_GUESSES = ("?", "up", "down")


class StepPanel(QWidget):
    """The latest step, written out; its buttons ask the window for steps."""

    #: the person asked for one step (False) or for the steps to the next checkpoint (True)
    step_requested = Signal(bool)
    #: a message for the status bar, and whether it is an error
    message = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("stepPanel")
        self.step_button = QPushButton("Step", objectName="stepButton")
        self.step_button.setToolTip("Take one iteration and show every number of it (F10)")
        self.checkpoint_button = QPushButton("To next checkpoint", objectName="stepCheckpointButton")
        self.checkpoint_button.setToolTip(
            "Take the iterations up to the next checkpoint; show the last one (Shift+F10)")
        self.guess_check = QCheckBox("&Guess first", objectName="guessCheck")
        self.guess_check.setToolTip("Before each step, guess whether each weight and the bias "
                                    "will go up or down; the step then shows who was right")
        self.digits_check = QCheckBox("All &digits", objectName="allDigitsCheck")
        self.digits_check.setToolTip("Show every digit of each number instead of four")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy this step, every digit, as Markdown")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Write this step to a file, as Markdown (.md) or HTML "
                                      "(.html), for a lesson or a handout")
        buttons = QHBoxLayout()
        for widget in (self.step_button, self.checkpoint_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        options = QHBoxLayout()
        for widget in (self.guess_check, self.digits_check):
            options.addWidget(widget)
        options.addStretch(1)
        for widget in (self.copy_button, self.export_button):
            options.addWidget(widget)

        # Guesses: one box per parameter, filled in when the parameters are known.
        self.guess_row = QWidget()
        self._guess_layout = QGridLayout(self.guess_row)
        self._guess_layout.setContentsMargins(0, 0, 0, 0)
        self.guess_boxes: list[QComboBox] = []
        self.score_label = QLabel()
        self.guess_row.setVisible(False)

        self.text = QLabel(_EMPTY, objectName="stepText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(buttons)
        layout.addLayout(options)
        layout.addWidget(self.guess_row)
        layout.addWidget(scroll, 1)

        self._step: StepDetails | None = None
        self._names: list[str] = []
        self._scaled = False
        self._score = [0, 0]  # right, asked
        self._verdicts: list[str] = []
        self.step_button.clicked.connect(lambda: self.request_step(False))
        self.checkpoint_button.clicked.connect(lambda: self.request_step(True))
        self.guess_check.toggled.connect(self._guessing_toggled)
        self.digits_check.toggled.connect(self._redraw)
        self.copy_button.clicked.connect(self.copy)
        self.export_button.clicked.connect(self._export_clicked)
        self._set_parameters(2)

    # -- what is shown ---------------------------------------------------------------
    @property
    def step(self) -> StepDetails | None:
        return self._step

    def show_step(self, step: StepDetails | None, names: list[str], scaled: bool = False) -> None:
        """Show ``step`` (None: no step taken yet on this run), its inputs named ``names``;
        ``scaled`` when the run trains on standardised features (the inputs shown are then
        the standardised ones, which the panel says)."""
        new = step is not None and step is not self._step
        self._step, self._names, self._scaled = step, list(names), scaled
        if new and self.guess_check.isChecked():
            self._judge(step)
        self._redraw()

    def set_parameter_count(self, n_features: int) -> None:
        """The table has ``n_features`` inputs: one guess box per weight, and the bias."""
        if len(self.guess_boxes) != n_features + 1:
            self._set_parameters(n_features)

    def html(self) -> str:
        """What the panel shows, as HTML (the empty-state text before any step)."""
        return self.text.text()

    def markdown(self) -> str | None:
        return None if self._step is None else to_markdown(self._step, self._names)

    @Slot()
    def _redraw(self) -> None:
        step = self._step
        if step is None:
            self.copy_button.setEnabled(False)
            self.export_button.setEnabled(False)
            self.text.setText(_EMPTY)
            self.text.setToolTip("")
            return
        digits = None if self.digits_check.isChecked() else 4
        body = to_html(step, self._names, digits)
        if self._scaled:
            body = ("<p><i>This run trains on standardised features: each x below is the "
                    "table's value minus its column's mean, divided by its standard deviation "
                    "(both over the training rows).</i></p>" + body)
        if self._verdicts:
            body += "<p>" + " · ".join(self._verdicts) + "</p>"
        self.copy_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.text.setText(body)
        self.text.setToolTip("Every digit: tick “All digits”, or Copy the step"
                             if digits is not None else "")

    @Slot()
    def copy(self) -> None:
        text = self.markdown()
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self.message.emit("Copied the step, every digit, as Markdown.", False)

    def export_to(self, path: str) -> bool:
        """Write the step to ``path``: HTML when it ends in .htm or .html, else Markdown
        (every digit either way)."""
        step = self._step
        if step is None:
            return False
        if path.lower().endswith((".html", ".htm")):
            text = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>A worked step"
                    "</title></head><body>" + to_html(step, self._names, None) + "</body></html>\n")
        else:
            text = to_markdown(step, self._names)
        try:
            write_text_atomically(path, text)
        except OSError as exc:
            self.message.emit(f"Cannot write {path}: {exc.strerror or exc}", True)
            return False
        self.message.emit(f"Wrote the worked step to {path}.", False)
        return True

    @Slot()
    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export worked step", "worked-step.md",
            "Markdown (*.md);;HTML (*.html);;All files (*)")
        if path:
            self.export_to(path)

    # -- asking for steps --------------------------------------------------------------
    def request_step(self, to_checkpoint: bool) -> None:
        self.step_requested.emit(to_checkpoint)

    # -- guess first -------------------------------------------------------------------
    def _set_parameters(self, n_features: int) -> None:
        while self._guess_layout.count():
            widget = self._guess_layout.takeAt(0).widget()
            if widget is not None and widget is not self.score_label:
                widget.deleteLater()
        self.guess_boxes = []
        labels = [f"w{i + 1}" for i in range(n_features)] + ["b"]
        for i, label in enumerate(labels):
            box = QComboBox(objectName=f"guess_{label}")
            box.addItems(_GUESSES)
            box.setToolTip(f"Will {label} go up or down in the next step?")
            text = QLabel(f"{label}:")
            text.setBuddy(box)
            self._guess_layout.addWidget(text, i // 4, 2 * (i % 4))
            self._guess_layout.addWidget(box, i // 4, 2 * (i % 4) + 1)
            self.guess_boxes.append(box)
        self._guess_layout.addWidget(self.score_label, (len(labels) - 1) // 4 + 1, 0, 1, 8)

    @Slot(bool)
    def _guessing_toggled(self, on: bool) -> None:
        self.guess_row.setVisible(on)
        self._score = [0, 0]
        self._verdicts = []
        self._show_score()
        self._redraw()

    def set_guesses(self, guesses: list[str]) -> None:
        """Set the guesses ("up", "down" or "?") for the weights then the bias."""
        for box, guess in zip(self.guess_boxes, guesses):
            box.setCurrentIndex(_GUESSES.index(guess))

    @property
    def score(self) -> tuple[int, int]:
        """Guesses right, and guesses made, since Guess first was ticked."""
        return self._score[0], self._score[1]

    def _judge(self, step: StepDetails) -> None:
        moves = list(step.weights - step.weights_before) + [step.bias - step.bias_before]
        labels = [f"w{i + 1}" for i in range(len(step.weights))] + ["b"]
        self._verdicts = []
        for label, box, move in zip(labels, self.guess_boxes, moves):
            guess = box.currentText()
            actual = "up" if move > 0 else "down" if move < 0 else "unchanged"
            if guess == "?":
                continue
            self._score[1] += 1
            right = guess == actual
            self._score[0] += right
            self._verdicts.append(f"{label}: you said {guess}, it went {actual} "
                                  + ("✓" if right else "✗"))
            box.setCurrentIndex(0)
        if not self._verdicts:
            self._verdicts = ["No guesses this time: pick up or down for each before Step."]
        self._show_score()

    def _show_score(self) -> None:
        right, asked = self._score
        self.score_label.setText(f"Score: {right} of {asked} guesses right" if asked
                                 else "Guess which way each will move, then press Step.")

