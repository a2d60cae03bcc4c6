"""Events: how the model announces changes without knowing who listens (no Qt here)."""
from __future__ import annotations

from typing import Callable


class Event:
    """A list of callbacks, called in the order they were connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        self._callbacks.append(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)
