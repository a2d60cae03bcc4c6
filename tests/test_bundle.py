"""The stand-alone bundle (make bundle) is the same program: checked by make bundle-test.

Skipped unless NEURON_LAB_BUNDLE names the bundle's folder (make bundle-test sets it to
dist/neuron-lab), so that make test neither needs a bundle nor waits for one.  Each check
runs the bundle as a person would, in a fresh process, with its own cache folder.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from model import __version__
from tests.conftest import ROOT
from tests.smoke import check_smoke_test, notes_run

pytestmark = pytest.mark.bundle

FOLDER = os.environ.get("NEURON_LAB_BUNDLE")
if not FOLDER:
    pytest.skip("no bundle to check: make bundle-test builds one and sets NEURON_LAB_BUNDLE",
                allow_module_level=True)
BUNDLE = Path(FOLDER).resolve()
TIMEOUT = 300  # the first run compiles the kernel


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    """One cache folder for the module's runs: the first compiles the kernel, the others load it."""
    return tmp_path_factory.mktemp("cache")


def run(program: Path, *args: str, cache_home: Path, home: Path | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "NUMBA_", "VIRTUAL_ENV"))}
    env.update(XDG_CACHE_HOME=str(cache_home), QT_QPA_PLATFORM="offscreen")
    if home is not None:
        env["HOME"] = str(home)
        env.pop("XDG_DATA_HOME", None)
    return subprocess.run([str(program), *args], capture_output=True, text=True, env=env,
                          cwd=cwd or cache_home, timeout=TIMEOUT)


def check_headless(out: subprocess.CompletedProcess, folder: Path) -> dict:
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    want = notes_run()
    assert got["initial"]["first_prediction"] == want["first_prediction"]
    assert got["checkpoints"]["iteration"] == want["iteration"]
    assert got["checkpoints"]["train_error"] == want["train_error"]
    assert got["final"]["weights"] == want["weights"] and got["final"]["bias"] == want["bias"]
    # NumPy's own exp and the BLAS ddot, found inside the bundle, not on the machine.
    routines = got["kernel_routines"]
    assert routines["exact"], routines["description"]
    assert Path(routines["dot"]["library"]).resolve().is_relative_to(folder), routines["dot"]
    return got


def test_the_bundle_holds_the_program_and_its_files():
    assert os.access(BUNDLE / "neuron-lab", os.X_OK)
    resources = BUNDLE / "_internal" / "resources"
    assert (resources / "neuron-lab.svg").read_bytes() == (ROOT / "resources/neuron-lab.svg").read_bytes()
    assert sorted(p.name for p in (resources / "examples").glob("*.csv")) == sorted(
        p.name for p in (ROOT / "resources/examples").glob("*.csv"))
    for unused in ("PySide6/Qt/qml", "PySide6/Qt/translations", "PySide6/QtQml.abi3.so",
                   "PySide6/QtNetwork.abi3.so", "PySide6/Qt/lib/libQt6Quick.so.6",
                   "numba/tests", "pyqtgraph/examples", "pyqtgraph/opengl", "tests"):
        assert not (BUNDLE / "_internal" / unused).exists(), unused
    dangling = [p for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling


def test_headless_run_is_the_notes_loop_bit_for_bit(cache_home):
    check_headless(run(BUNDLE / "neuron-lab", "--headless", "--json", cache_home=cache_home), BUNDLE)
    # The compiled kernel was cached in the person's cache folder, not in the bundle.
    assert list((cache_home / "neuron-lab" / "numba").rglob("*.nbi"))
    assert not list(BUNDLE.rglob("*.nbi")) and not list(BUNDLE.rglob("__pycache__"))


def test_headless_output_equals_the_venvs_apart_from_timing(cache_home):
    args = ["--headless", "--json", "--test-fraction", "0.25", "--iterations", "3000",
            "--data", str(ROOT / "resources/examples/overlap.csv")]
    bundled = run(BUNDLE / "neuron-lab", *args, cache_home=cache_home)
    source = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                            text=True, timeout=TIMEOUT, check=True)
    a, b = json.loads(bundled.stdout), json.loads(source.stdout)
    for record in (a, b):
        del record["timing"]
        # The same BLAS library file, one in the bundle and one in the .venv.
        record["kernel_routines"]["dot"]["library"] = Path(record["kernel_routines"]["dot"]["library"]).name
    assert a == b


def test_window_shows_trains_and_quits(cache_home):
    check_smoke_test(run(BUNDLE / "neuron-lab", "--smoke-test", cache_home=cache_home))


def test_tarball_unpacked_elsewhere_runs_and_installs(tmp_path, cache_home):
    """Unpacked outside the repository and started from the launcher install.sh made."""
    [tarball] = BUNDLE.parent.glob(f"neuron-lab-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        assert {m.name.split("/")[0] for m in archive.getmembers()} == {"neuron-lab"}
        archive.extractall(tmp_path / "unpacked", filter="tar")
    unpacked = tmp_path / "unpacked" / "neuron-lab"
    check_headless(run(unpacked / "neuron-lab", "--headless", "--json", cache_home=cache_home,
                       cwd=tmp_path), unpacked)

    home = tmp_path / "home"
    home.mkdir()
    subprocess.run([str(unpacked / "install.sh")], check=True, capture_output=True, timeout=120,
                   env={"PATH": os.environ["PATH"], "HOME": str(home)})
    shutil.rmtree(tmp_path / "unpacked")  # the installed copy stands on its own
    share = home / ".local/share"
    launcher = share / "applications/neuron-lab.desktop"
    assert (share / "icons/hicolor/scalable/apps/neuron-lab.svg").exists()
    exec_line = next(line for line in launcher.read_text().splitlines() if line.startswith("Exec="))
    program = Path(exec_line[len("Exec="):].rsplit(" ", 1)[0].strip('"'))
    assert program == share / "neuron-lab" / "neuron-lab"
    validate = shutil.which("desktop-file-validate")
    if validate is not None:
        out = subprocess.run([validate, str(launcher)], capture_output=True, text=True)
        assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr
    check_smoke_test(run(program, "--smoke-test", cache_home=cache_home, home=home, cwd=home))

    subprocess.run([str(program.parent / "install.sh"), "--uninstall"], check=True,
                   capture_output=True, timeout=60, env={"PATH": os.environ["PATH"], "HOME": str(home)})
    assert not launcher.exists() and not program.exists()
