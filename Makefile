# Tourstack: the two commands are `make demo` and `make test`; each installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: install demo test test-unit bench bench-load ui serve docs clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install        ## seed realistic data and materialise the whole platform (embedded)
	$(BIN)/tourstack demo

test: install        ## the whole suite: unit, integration (PostgreSQL, Redis), end-to-end
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-unit: install
	$(BIN)/python -m pytest -n 2 tests/unit $(PYTEST_ARGS)

bench: install       ## pipeline benchmark; results in bench/results/, recorded in docs/benchmarks.md
	$(BIN)/python -m bench.pipeline

bench-load: install  ## the API load test in the production topology (needs nginx, pgbouncer, postgresql)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python -m bench.load

ui: install
	$(BIN)/tourstack ui

serve: install
	$(BIN)/tourstack serve

docs: install
	$(BIN)/tourstack docs

clean:
	rm -rf var dbt_project/target dbt_project/logs
