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

# Until the MCP server lands this starts what exists: the migrated store and its status.
run: $(STAMP)
	$(BIN)/growth db upgrade
	$(BIN)/growth status
	@echo "growth: the MCP server (growth serve) is not built yet; use the growth CLI meanwhile."

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/actions.py

clean:
	rm -rf $(VENV) .growth .pytest_cache
