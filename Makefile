# `make run` opens the window, `make test` runs the tests; each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench reliability headless screenshot install-desktop bundle bundle-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@$(PY) tools/check_qt_libs.py
	$(PY) main.py

test: $(STAMP)
	$(PY) -m ruff check --quiet .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

headless: $(STAMP)
	$(PY) main.py --headless

bench: $(STAMP)
	$(PY) bench/bench_state.py
	$(PY) bench/bench_kernel.py
	$(PY) bench/bench_gui.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_csv.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_sweep.py
	$(PY) bench/bench_landscape.py

# What the fuzzing, fault, numerics and soak tests tried and what held; LONG=1 for more.
reliability: $(STAMP)
	$(PY) bench/reliability.py $(if $(LONG),--long,)

screenshot: $(STAMP)
	$(PY) tools/screenshot.py docs

# Puts Neuron Lab in the desktop's application menu (for this user), started with a double-click.
APPS := $(HOME)/.local/share/applications
ICONS := $(HOME)/.local/share/icons/hicolor/scalable/apps
install-desktop: $(STAMP)
	mkdir -p $(APPS) $(ICONS)
	cp resources/neuron-lab.svg $(ICONS)/neuron-lab.svg
	sed "s|^Exec=neuron-lab|Exec=$(abspath $(VENV))/bin/neuron-lab|" resources/neuron-lab.desktop > $(APPS)/neuron-lab.desktop
	-update-desktop-database $(APPS) 2>/dev/null
	@echo "Neuron Lab is in your application menu: $(APPS)/neuron-lab.desktop"

# A folder that runs without Python (PyInstaller; for the platform it is built on) and its
# tarball: dist/neuron-lab/neuron-lab and dist/neuron-lab-VERSION-linux-x86_64.tar.gz.
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' model/__init__.py)
BUNDLE_TOOLS := $(VENV)/.bundle-tools
BUNDLE := dist/neuron-lab/neuron-lab
BUNDLE_SOURCES := main.py cli.py $(wildcard model/*.py gui/*.py resources/*.* resources/examples/*.csv packaging/*)

$(BUNDLE_TOOLS): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bundle]'
	touch $(BUNDLE_TOOLS)

$(BUNDLE): $(BUNDLE_TOOLS) $(BUNDLE_SOURCES) pyproject.toml
	rm -rf dist/neuron-lab
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/neuron-lab.spec
	packaging/tarball.sh $(VERSION)

bundle: $(BUNDLE)

# Builds the bundle if anything changed, then checks it (tests marked "bundle").
bundle-test: $(BUNDLE)
	NEURON_LAB_BUNDLE=$(abspath dist/neuron-lab) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m bundle

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist
	find . -name __pycache__ -prune -exec rm -rf {} +
