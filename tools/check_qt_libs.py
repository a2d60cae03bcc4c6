"""Before the window opens on Linux: are the system libraries Qt's X11 plugin needs there?

    python tools/check_qt_libs.py        (``make run`` runs it first)

Qt's pip wheels bring Qt itself but not the X11 libraries its window plugin loads; on a fresh
desktop some are missing (libxcb-cursor0 above all) and Qt aborts with a long message that
names only one of them.  This asks ``ldd`` which libraries the plugin cannot find and prints
the one ``apt-get`` command that installs them all.  Exit status 1 when some are missing,
0 when all are there or the question does not apply (not Linux, no X11, no ``ldd``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: The shared libraries the X11 plugin may miss, and the Debian/Ubuntu package of each.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``not found``, in the order it lists them."""
    names: list[str] = []
    for line in ldd_output.splitlines():
        if "not found" in line:
            name = line.split("=>")[0].strip()
            if name and name not in names:
                names.append(name)
    return names


def install_command(libraries: list[str]) -> str:
    """The one ``apt-get`` line that installs ``libraries`` (unknown ones by their file name)."""
    packages: list[str] = []
    for library in libraries:
        package = PACKAGES.get(library, library)
        if package not in packages:
            packages.append(package)
    return "sudo apt-get install " + " ".join(packages)


def plugin_files() -> list[Path]:
    """Qt's X11 platform plugin and the library behind it, in the installed PySide6."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    qt = Path(spec.origin).parent / "Qt"
    candidates = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))]
    return [path for path in candidates if path.exists()][:2]


def applies() -> bool:
    """Only Linux with an X11 session (or none chosen) uses the X11 plugin."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return False
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return platform in ("", "xcb") or platform.startswith("xcb")


def check() -> list[str]:
    """The missing libraries ([] when none, or when the check does not apply)."""
    if not applies():
        return []
    missing: list[str] = []
    for path in plugin_files():
        try:
            out = subprocess.run(["ldd", str(path)], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return []  # cannot tell: let Qt say what it says
        missing += [name for name in missing_libraries(out) if name not in missing]
    return missing


def main() -> int:
    missing = check()
    if not missing:
        return 0
    print("Neuron Lab's window needs system libraries that are not installed:\n  "
          + ", ".join(missing)
          + "\nOn Debian or Ubuntu, this installs them all:\n  "
          + install_command(missing), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
