"""Starting like any other desktop application: icon, launcher, entry point, version."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon

from model import __version__, note_table
from resources import DESKTOP_FILE, ICON
from tests.conftest import ROOT
from tests.note_oracle import NoteNeuron
from tests.smoke import check_smoke_test


def test_icon_is_an_svg_that_qt_can_draw(qtbot):
    icon = QIcon(str(ICON))
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()


def test_desktop_file_passes_desktop_file_validate():
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    out = subprocess.run([validate, str(DESKTOP_FILE)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr


def test_desktop_file_starts_the_entry_point():
    entries = dict(line.split("=", 1) for line in DESKTOP_FILE.read_text().splitlines() if "=" in line)
    assert entries["Exec"].split()[0] == "neuron-lab" and entries["Icon"] == "neuron-lab"
    assert 'neuron-lab = "main:main"' in (ROOT / "pyproject.toml").read_text()


def test_installed_entry_point_runs_headless():
    script = Path(sys.executable).parent / "neuron-lab"
    if not script.exists():
        pytest.skip("the package is not installed into this interpreter (run make test)")
    out = subprocess.run([str(script), "--headless", "--json", "--iterations", "100"],
                         capture_output=True, text=True, timeout=120, check=True)
    first = json.loads(out.stdout)["initial"]["first_prediction"]
    assert first == NoteNeuron(2, 0.1, 42).predict(note_table().features[0])


def test_smoke_test_flag_shows_trains_the_notes_table_and_quits(tmp_path):
    """What make bundle-test asks of the bundle, asked of the source: see gui/app.py."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--smoke-test"], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path, env=dict(env, QT_QPA_PLATFORM="offscreen"))
    check_smoke_test(out)


def test_after_first_paint_calls_back_once_the_window_is_painted_not_before(qtbot):
    """What the smoke test's first line, and so bench_startup, waits for (a 0 ms timer
    started at ``show()`` fires before the window is painted)."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from gui.app import AfterFirstPaint

    painted, order = [], []

    class Label(QLabel):
        def paintEvent(self, event):  # noqa: N802 (Qt's name)
            painted.append(True)
            super().paintEvent(event)

    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(Label("a label inside the window"))
    AfterFirstPaint(window, lambda: order.append(("after first paint", bool(painted))))
    window.show()
    qtbot.waitUntil(lambda: len(order) > 0)
    assert order == [("after first paint", True)]
    window.update()
    qtbot.waitUntil(lambda: len(painted) >= 2)
    qtbot.wait(0)
    assert order == [("after first paint", True)]  # once only


def test_the_kernel_starts_loading_only_after_the_window_is_painted(qtbot):
    """Importing numba takes turns with the GUI thread for the interpreter: its countdown
    starts at the first paint, not while the window is still being built and shown."""
    from PySide6.QtCore import QEvent, QObject

    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.runs._warm_up_timer.isActive()  # built, not shown: not yet
    events: list[str] = []

    class Painted(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and not events:
                events.append("painted")
            return False

    spy = Painted(window)
    window.installEventFilter(spy)
    window.runs._warm_up_timer.timeout.connect(lambda: events.append("kernel asked for"))
    window.show()
    qtbot.waitUntil(lambda: window.runs._warm_up_timer.isActive() or len(events) > 1)
    assert events[0] == "painted"
    qtbot.waitUntil(lambda: "kernel asked for" in events, timeout=5_000)
    assert events == ["painted", "kernel asked for"]
    window.runs.window_shown()  # once only
    assert not window.runs._warm_up_timer.isActive()
    window.close()


def test_a_window_not_painted_soon_still_has_its_kernel_loaded_early(qtbot, monkeypatch):
    """Started minimised, say: the countdown starts a few seconds after the window is made."""
    from gui import run_controller
    from gui.main_window import MainWindow

    monkeypatch.setattr(run_controller, "WARM_UP_FALLBACK_MS", 50)
    window = MainWindow()  # never shown
    qtbot.addWidget(window)
    asked: list[bool] = []
    window.runs._warm_up_timer.timeout.connect(lambda: asked.append(True))
    qtbot.waitUntil(lambda: asked == [True], timeout=5_000)
    window.runs.shutdown()
    window.runs.window_shown()  # after shutdown: nothing more
    assert not window.runs._warm_up_timer.isActive()


def test_main_lets_blas_helper_threads_sleep_unless_the_person_chose(monkeypatch):
    """main.configure_process: OpenBLAS's helper threads spin for about 0.1 s after every
    shared call unless told otherwise (bench_gui --rows shows what that costs)."""
    import main

    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    main.configure_process()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "4"
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "12")
    main.configure_process()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "12"


def test_launch_collects_garbage_again_once_the_whole_window_is_painted(qtbot):
    """gui.app.run_gui keeps the collector off while the window is built; once it is painted,
    plots and all, the collector is back on, with what start-up made frozen (out of its
    sight)."""
    import gc

    from gui import app as launch

    gc.disable()
    try:
        window = launch._open_window([])
        qtbot.addWidget(window)
        frozen_before = gc.get_freeze_count()
        launch.connect_collecting(window)
        painted: list[bool] = []
        launch.AfterFirstPaint(window, lambda: painted.append(gc.isenabled()))
        assert not gc.isenabled()
        qtbot.waitUntil(gc.isenabled)
        assert painted == [False]  # the plots were still to come at the first paint
        assert window.is_complete() and gc.get_freeze_count() > frozen_before
        window.close()
    finally:
        gc.enable()
        gc.unfreeze()


def test_make_install_desktop_puts_the_launcher_in_the_menu(tmp_path):
    if not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None:
        pytest.skip("needs make and the project's .venv (run make test)")
    subprocess.run(["make", "-s", "-o", ".venv/.installed", "install-desktop", f"HOME={tmp_path}"],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    launcher = tmp_path / ".local/share/applications/neuron-lab.desktop"
    icon = tmp_path / ".local/share/icons/hicolor/scalable/apps/neuron-lab.svg"
    assert icon.read_bytes() == ICON.read_bytes()
    exec_line = next(line for line in launcher.read_text().splitlines() if line.startswith("Exec="))
    program = Path(exec_line[len("Exec="):].split()[0])
    assert program.is_absolute() and program.exists(), program


def test_about_names_the_version(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gui import menus

    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    menus.show_about(None)
    assert __version__ in shown[0]
