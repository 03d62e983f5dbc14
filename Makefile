# Set-up and everyday targets.  `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Find a Python >= 3.12 on our own, the oldest first (constraints.txt was resolved on 3.12):
# PATH first, then pyenv's versions (here `python3` is 3.11 and pyenv's shim refuses
# `python3.12` unless that version is selected).
PYTHON ?= $(shell for c in python3.12 python3.13 python3.14 python3 \
             $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V); do \
             if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
             then command -v $$c; break; fi; done)

.PHONY: install run run-1939 test test-slow lint format bench docs clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "error: no Python >= 3.12 found (set PYTHON=/path/to/python3.12)"; exit 1; fi

$(STAMP): pyproject.toml constraints.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The default study: the whole era, the 1926 census to the 1959 census (window 1927_1959; JAX,
# in the coordinates of the window's shipped preconditioner: docs/sampling.md). `make
# run-1939`: the faster 1927-1939 study.
run: $(STAMP)
	$(VENV)/bin/stalin-mortality run --window 1927_1959 --out results/default --force

run-1939: $(STAMP)
	$(VENV)/bin/stalin-mortality run --window 1927_1939 --out results/1927_1939 --force

test: $(STAMP)
	$(PY) -m pytest -q

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests models benchmarks
	$(VENV)/bin/ruff format --check src tests models benchmarks
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests models benchmarks
	$(VENV)/bin/ruff format src tests models benchmarks

# The documentation site: warnings are errors; the tutorial notebook is executed (about two
# quick fits). Output in docs/_build/html.
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,docs]'
	@touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(PY) -m sphinx -W --keep-going -b html -q docs docs/_build/html

# Both windows from an empty compile cache, one after the other; exits non-zero if either misses
# its target (benchmarks/bench.py), after running both.
bench: $(STAMP)
	@status=0; \
	$(PY) benchmarks/bench.py --cold || status=1; \
	$(PY) benchmarks/bench.py --cold --window 1927_1959 || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache .mypy_cache build src/*.egg-info docs/_build docs/generated docs/jupyter_execute
