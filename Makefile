# `make run` opens the window, `make test` runs the tests; each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench reliability headless screenshot install-desktop clean

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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
