"""Spin boxes: seeds up to 2**32 - 1, and boxes that say so when they change what was typed."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


class SeedSpinBox(QDoubleSpinBox):
    """Whole numbers from 0 to 4,294,967,295; :meth:`value` returns an ``int``."""

    def __init__(self, parent=None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.setDecimals(0)
        self.setSingleStep(1)

    def value(self) -> int:  # type: ignore[override]
        return int(round(super().value()))


class _SaysWhenClamped:
    """Qt's spin boxes drop the keystroke that takes a number out of range: typing 1000
    into a box that ends at 10 silently gives 10.  These let the number be typed, and when
    it is entered, set the nearest allowed value and say so (``clamped``), with the range;
    the tooltip gives the range as well."""

    what = "This value"

    def _typed_number(self, text: str) -> float | None:
        text = text.strip()
        if self.prefix() and text.startswith(self.prefix()):
            text = text[len(self.prefix()):]
        if self.suffix() and text.endswith(self.suffix()):
            text = text[:-len(self.suffix())]
        text = text.replace(self.locale().groupSeparator(), "").replace(",", "").strip()
        try:
            return float(text)
        except ValueError:
            return None

    def validate(self, text: str, pos: int):
        state, text, pos = super().validate(text, pos)
        if state == QValidator.State.Invalid and self._typed_number(text) is not None:
            state = QValidator.State.Intermediate  # a number, out of range: fixed on Enter
        return state, text, pos

    def fixup(self, text: str) -> str:
        number = self._typed_number(text)
        low, high = self.minimum(), self.maximum()
        if number is not None and not low <= number <= high:
            allowed = min(max(number, low), high)
            self.clamped.emit(f"{self.what} goes from {_plain(low)} to {_plain(high)}: "
                              f"{_plain(number)} was set to {_plain(allowed)}.")
            return self.textFromValue(allowed)
        return super().fixup(text)

    def range_tip(self) -> str:
        return f"From {_plain(self.minimum())} to {_plain(self.maximum())}."


def _plain(number: float) -> str:
    """1000, 0.0001, 100,000,000: as a person writes them."""
    return f"{number:,.10g}"


class CheckedDoubleSpinBox(_SaysWhenClamped, QDoubleSpinBox):
    """A QDoubleSpinBox that says when a typed number was out of its range."""

    #: a sentence: the range, what was typed and what was set
    clamped = Signal(str)

    def __init__(self, what: str, parent=None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.what = what


class CheckedSpinBox(_SaysWhenClamped, QSpinBox):
    """A QSpinBox that says when a typed number was out of its range."""

    clamped = Signal(str)

    def __init__(self, what: str, parent=None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.what = what
