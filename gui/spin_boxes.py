"""A spin box for seeds up to 2**32 - 1, beyond the range of QSpinBox's 32-bit int."""
from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox


class SeedSpinBox(QDoubleSpinBox):
    """Whole numbers from 0 to 4,294,967,295; :meth:`value` returns an ``int``."""

    def __init__(self, parent=None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.setDecimals(0)
        self.setSingleStep(1)

    def value(self) -> int:  # type: ignore[override]
        return int(round(super().value()))
