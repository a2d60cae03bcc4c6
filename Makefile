# `make run` opens the window, `make test` runs the tests; each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench headless screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

headless: $(STAMP)
	$(PY) main.py --headless

bench: $(STAMP)
	$(PY) bench/bench_kernel.py
	$(PY) bench/bench_gui.py
	$(PY) bench/bench_startup.py

screenshot: $(STAMP)
	$(PY) tools/screenshot.py docs

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
