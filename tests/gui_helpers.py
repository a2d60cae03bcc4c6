"""What the window tests share: a patient timeout and a Train click that waits for the end."""
from __future__ import annotations

TIMEOUT = 20_000  # ms; generous, since the machines here are shared


def train(qtbot, window, button=None) -> None:
    """Click Train (or ``button``) and wait for ``training_finished``."""
    with qtbot.waitSignal(window.training_finished, timeout=TIMEOUT):
        (button or window.train_button).click()
