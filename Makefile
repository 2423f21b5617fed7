# The two commands of the README. Both set up .venv idempotently first:
# the stamp is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# An independent MCP client for the tests (langchain-mcp-adapters needs the 1.x SDK: its own venv).
ADAPTERS := .venv-adapters
$(ADAPTERS)/.installed: requirements/adapters.txt
	$(PYTHON) -m venv $(ADAPTERS)
	$(ADAPTERS)/bin/python -m pip install --quiet -r requirements/adapters.txt
	touch $(ADAPTERS)/.installed

# The demo store is built on first run (a few seconds' work); after that the data is yours.
run: $(STAMP)
	$(BIN)/growth db upgrade
	$(BIN)/growth demo --if-missing
	$(BIN)/growth serve --http

test: $(STAMP) $(ADAPTERS)/.installed
	$(BIN)/python -m pytest -q

# DuckDB is the telemetry benchmark's baseline only, not a dependency of the engine.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet duckdb
	$(BIN)/python bench/actions.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/telemetry.py
	$(BIN)/python bench/pii.py

clean:
	rm -rf $(VENV) $(ADAPTERS) .growth .pytest_cache
