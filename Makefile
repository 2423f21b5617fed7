# The two commands of the README. Both set up .venv idempotently first:
# the stamp is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite bench clean

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

# The database lives in your data folder (~/.local/share/growth-engine on Linux), the one every
# `growth` uses from any folder. The demo store is built on first run (a few seconds' work); after
# that the data is yours. `growth serve --http` prints what to do next before it serves.
run: $(STAMP)
	$(BIN)/growth db upgrade
	$(BIN)/growth demo --if-missing
	$(BIN)/growth serve --http --demo-store

# SQLite and PostgreSQL: PostgreSQL must answer on 127.0.0.1:5432 (.ci/run starts it), or the run
# stops at once saying so. The summary names the engines that ran.
test: $(STAMP) $(ADAPTERS)/.installed
	$(BIN)/python -m pytest -q

# SQLite alone, chosen on purpose (no PostgreSQL here); the summary says PostgreSQL did not run.
test-sqlite: $(STAMP) $(ADAPTERS)/.installed
	$(BIN)/python -m pytest -q --sqlite-only

# DuckDB is the telemetry benchmark's baseline only, not a dependency of the engine.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet duckdb
	$(BIN)/python bench/actions.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/telemetry.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/killswitch.py
	$(BIN)/python bench/power.py
	$(BIN)/python bench/pii.py
	$(BIN)/python bench/cycle.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/mcp.py

clean:
	rm -rf $(VENV) $(ADAPTERS) .growth .pytest_cache
