# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The default policy engine, the real OPA in-process (README: "Why the OPA engine installs apart").
OPA_BINDINGS := opa-golib-python-bindings==0.4.4

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# The wheel declares Python >= 3.14 but runs on 3.11: pip must be told to ignore that
	@# declaration, which it can only be for a package installed on its own, at an exact version.
	$(BIN)/python -m pip install --quiet --ignore-requires-python $(OPA_BINDINGS)
	touch $@

demo: $(STAMP)
	$(BIN)/fairdun demo

test: $(STAMP)
	@# axe-core for the browser suite's accessibility checks (test-only; without npm those tests skip, or fail with CI=true)
	@if [ ! -d tests/e2e/browser/node_modules/axe-core ] && command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/e2e/browser --no-audit --no-fund; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quality gates of .ci/run: ruff (lint, import order) and mypy (types) over every package.
lint: $(STAMP)
	$(BIN)/ruff check service decisions explain ledger retention reports tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance build *.egg-info
