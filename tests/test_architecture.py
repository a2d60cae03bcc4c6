"""model/ is the core: it never imports Qt, pyqtgraph or the GUI, and needs numba only to train."""
from __future__ import annotations

import ast
import os
import subprocess
import sys


from tests.conftest import ROOT

FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "superqt", "gui")


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_module_under_model_imports_qt_or_the_gui():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "model").rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not offenders, offenders


def test_importing_and_running_the_model_loads_no_qt():
    """Nor does the headless command around it."""
    code = (
        "import sys, cli, model, model.kernel\n"
        "model.Training(model.note_table(), model.TrainConfig()).advance()\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)


# Refuses numba and llvmlite as if they were not installed.
_WITHOUT_NUMBA = """
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("numba", "llvmlite"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
"""


def test_the_model_imports_and_reads_data_without_numba():
    """Data sets, files and the readable neuron need NumPy alone; only training needs the
    compiled kernel, so a machine without numba can still open and check data."""
    code = _WITHOUT_NUMBA + (
        "import model\n"
        "model.Dataset, model.Neuron\n"
        "assert model.note_table().n_rows == 8\n"
        "bad = [m for m in sys.modules if m.partition('.')[0] in ('numba', 'llvmlite')]\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr.strip().splitlines()[-1]


def test_the_numba_blocker_really_blocks():
    """The test above means something: with the blocker, numba cannot be imported."""
    code = _WITHOUT_NUMBA + "import numba\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0 and "No module named 'numba'" in out.stderr


def test_numba_is_imported_on_the_worker_thread_never_on_the_gui_thread(tmp_path):
    """numba takes about half a second to import: the window must not wait for it.
    ``import model`` leaves it out; the window's worker thread loads it once the window is
    built (importing it alongside the GUI thread's work slowed that work down)."""
    code = (
        "import sys, threading\n"
        "seen = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('numba', 'llvmlite'):\n"
        "            seen.append((name, threading.current_thread().name))\n"
        "sys.meta_path.insert(0, Watch())\n"
        "import model, cli\n"
        "assert not seen, seen[:3]\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui import settings\n"
        f"settings.use_folder({str(tmp_path)!r})\n"
        "from gui.main_window import MainWindow\n"
        "assert not seen, seen[:3]\n"
        "window = MainWindow()\n"
        "window.show()\n"
        "assert not seen, seen[:3]  # not while the window is built\n"
        "from PySide6.QtCore import QEventLoop, QTimer\n"
        "loop = QEventLoop()\n"
        "window.runs._worker.ready.connect(loop.quit)\n"
        "QTimer.singleShot(60_000, loop.quit)\n"
        "loop.exec()\n"
        "window.close()\n"
        "assert seen, 'the worker did not load the kernel'\n"
        "on_gui = [name for name, thread in seen if thread == 'MainThread']\n"
        "assert not on_gui, on_gui[:3]\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120, env=env)


#: Modules the window needs only once a person does something (saves a session, keeps a run,
#: trains on many rows, reads a warning or a worked step): importing them before the window
#: is painted added to every start (gui/pyqtgraph_parts.py has pyqtgraph's).
NOT_BEFORE_THE_WINDOW = ("hashlib", "json", "html", "concurrent.futures", "numba",
                         "pyqtgraph.parametertree", "pyqtgraph.multiprocess.processes")


def test_the_window_is_built_and_painted_without_the_modules_it_needs_only_later(tmp_path):
    """As main.py opens it: the plots, and pyqtgraph with them, come once it is painted
    (gui/main_window.py); then they are all there."""
    later = NOT_BEFORE_THE_WINDOW + ("pyqtgraph",)
    plots = ("errorPlot", "boundaryPlot", "sigmoidPlot", "landscapePlot", "runsTable",
             "stepPanel", "stepButton")
    code = (
        "import sys\n"
        "from gui.app import AfterFirstPaint\n"  # as main.py starts the window
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        "app = QApplication([])\n"
        "from gui import settings\n"
        f"settings.use_folder({str(tmp_path)!r})\n"
        "from gui.main_window import MainWindow\n"
        "window = MainWindow(plots_later=True)\n"
        f"AfterFirstPaint(window, lambda: print(sorted(set({later!r}) & set(sys.modules))))\n"
        "def completed():\n"
        f"    print('pyqtgraph' in sys.modules, [n for n in {plots!r}\n"
        "                                        if window.findChild(QWidget, n) is None])\n"
        "    app.quit()\n"
        "window.completed.connect(completed)\n"
        "window.show()\n"
        "app.exec()\n"
        "window.shutdown()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-2:] == ["[]", "True []"]
