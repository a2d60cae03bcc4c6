"""What the program remembers between starts, in one QSettings (an INI file per user)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

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


def start_folder() -> str:
    """Where a file dialog opens: the folder last used, else Documents, else home."""
    last = open_settings().value("last_folder")
    if last and Path(str(last)).is_dir():
        return str(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return documents
    return str(Path.home())


def remember_folder(path: str) -> None:
    """The folder of ``path`` (a file chosen in a dialog) is where the next dialog opens."""
    folder = Path(path).parent
    if folder.is_dir():
        open_settings().setValue("last_folder", str(folder))


def use_folder(folder: str) -> None:
    """Keep settings in ``folder`` instead of the user's (scripts, benchmarks and tests
    should neither read nor change a person's settings)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
