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

# The console's browser tests drive Debian's Chromium through Playwright (no browser download): installed
# here from Debian's packages when it is missing (root, or sudo without a password).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	$$( [ "$$(id -u)" = 0 ] || echo sudo -n ) apt-get install -y --no-install-recommends chromium \
	  || { $$( [ "$$(id -u)" = 0 ] || echo sudo -n ) apt-get update -q && \
	       $$( [ "$$(id -u)" = 0 ] || echo sudo -n ) apt-get install -y --no-install-recommends chromium; }

# The database lives in your data folder (~/.local/share/growth-engine on Linux), the one every
# `growth` uses from any folder. The demo store is built on first run (a few seconds' work); after
# that the data is yours. `growth serve --http` prints what to do next before it serves.
run: $(STAMP)
	$(BIN)/growth db upgrade
	$(BIN)/growth demo --if-missing
	$(BIN)/growth serve --http --demo-store

# The suite runs as two pytest processes side by side, one per core: the long end-to-end files (browser, crash
# loops, corpora, detection power, the demo store, the installed wheel, the stdio server) in one, everything else in the other; each prints its own
# summary (the side's after the main one), and the run fails if either does.
SIDE := tests/web tests/test_durable_crash.py tests/test_durable_cycle_workers.py tests/corpus \
	tests/test_crash_safety.py tests/test_detection_power.py tests/server/test_demo.py tests/test_package.py \
	tests/test_first_run.py tests/test_cli_output.py tests/graphs/test_restart.py tests/server/test_stdio.py
define side_by_side
	@rm -f .pytest-side.log; \
	$(BIN)/python -m pytest -q -p no:cacheprovider $(1) $(SIDE) > .pytest-side.log 2>&1 & side=$$!; \
	$(BIN)/python -m pytest -q $(1) $(foreach f,$(SIDE),--ignore=$(f)); main=$$?; \
	wait $$side; side=$$?; \
	echo; echo "== beside it: $(SIDE) =="; cat .pytest-side.log; \
	exit $$(( main != 0 || side != 0 ))
endef

# SQLite and PostgreSQL: PostgreSQL must answer on 127.0.0.1:5432 (.ci/run starts it), or the run
# stops at once saying so. The summary names the engines that ran.
test: $(STAMP) $(ADAPTERS)/.installed $(CHROMIUM)
	$(call side_by_side,)

# SQLite alone, chosen on purpose (no PostgreSQL here); the summary says PostgreSQL did not run.
test-sqlite: $(STAMP) $(ADAPTERS)/.installed $(CHROMIUM)
	$(call side_by_side,--sqlite-only)

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
	$(BIN)/python bench/console.py
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) $(ADAPTERS) .growth .pytest_cache
