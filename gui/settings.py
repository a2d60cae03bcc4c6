"""What the program remembers between starts, in one QSettings (an INI file per user)."""
from __future__ import annotations

from PySide6.QtCore import QSettings

MAX_RECENT = 8


def open_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Neuron Lab", "neuron-lab")


def recent_files() -> list[str]:
    value = open_settings().value("recent_files", [])
    if isinstance(value, str):  # QSettings hands back a single item as a string
        value = [value]
    return [str(v) for v in value or []]


def remember_file(path: str) -> list[str]:
    """Put ``path`` first in the recent files; return the new list."""
    files = [path] + [f for f in recent_files() if f != path]
    open_settings().setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def forget_file(path: str) -> list[str]:
    files = [f for f in recent_files() if f != path]
    open_settings().setValue("recent_files", files)
    return files


def use_folder(folder: str) -> None:
    """Keep settings in ``folder`` instead of the user's (scripts, benchmarks and tests
    should neither read nor change a person's settings)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
