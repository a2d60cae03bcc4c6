"""Setting up on a fresh desktop: missing Qt system libraries are named with one command."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _checker():
    spec = importlib.util.spec_from_file_location("check_qt_libs", ROOT / "tools" / "check_qt_libs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LDD = """\
\tlinux-vdso.so.1 (0x00007ffd5a1f2000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f)
\tlibxcb-keysyms.so.1 => not found
\tlibQt6Gui.so.6 => /opt/PySide6/Qt/lib/libQt6Gui.so.6 (0x00007f)
"""


def test_the_missing_libraries_are_read_from_ldd():
    check = _checker()
    assert check.missing_libraries(LDD) == ["libxcb-cursor.so.0", "libxcb-icccm.so.4",
                                            "libxcb-keysyms.so.1"]


def test_one_apt_command_installs_them_all():
    check = _checker()
    command = check.install_command(["libxcb-cursor.so.0", "libxcb-icccm.so.4",
                                     "libxcb-keysyms.so.1", "libglib-2.0.so.0",
                                     "libgthread-2.0.so.0", "libunknown.so.3"])
    assert command == ("sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
                       "libglib2.0-0 libunknown.so.3")


def test_the_check_prints_the_command_and_fails_when_something_is_missing(monkeypatch, capsys):
    check = _checker()
    monkeypatch.setattr(check, "check", lambda: ["libxcb-cursor.so.0"])
    assert check.main() == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in err
    assert "sudo apt-get install libxcb-cursor0" in err


def test_the_check_passes_quietly_where_it_does_not_apply():
    """Offscreen (as here) the X11 plugin is not used: nothing to say, status 0."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_qt_libs.py")],
                          capture_output=True, text=True, env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0 and done.stderr == ""


def test_make_run_checks_before_it_starts_the_window():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run.index("check_qt_libs.py") < run.index("main.py")
    readme = (ROOT / "README.md").read_text()
    assert "libxcb-cursor0" in readme and "libxcb-icccm4" in readme and "libxcb-keysyms1" in readme


def test_the_examples_folder_is_a_package_of_its_own():
    """Otherwise setuptools warns at length about 'resources.examples' on every install."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "resources.examples" in config["packages"]
    assert config["package-data"]["resources.examples"] == ["*.csv"]
