# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(STAMP)
	$(BIN)/fairdun demo

test: $(STAMP)
	@# axe-core for the browser suite's accessibility checks (test-only; without npm those tests skip, or fail with CI=true)
	@if [ ! -d tests/e2e/browser/node_modules/axe-core ] && command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/e2e/browser --no-audit --no-fund; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance build *.egg-info
