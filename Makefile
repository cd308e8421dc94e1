# Two commands: `make run` serves the demo portal; `make test` runs the whole suite.
# Both install what they need on a fresh clone (a .venv with Python 3.11 and pyproject's deps).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever pyproject.toml changes (new or re-pinned dependency).
STAMP := $(VENV)/.installed-stamp
VAR_DIR ?= var

.PHONY: run test e2e lint format bench install migrate demo clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "make: $(VENV) has Python $$($(BIN)/python -V 2>&1); the portal needs 3.11." >&2; \
		echo "      Remove $(VENV) and run again with PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# SQLite under $(VAR_DIR)/ unless DATABASE_URL says otherwise.
migrate: install
	@mkdir -p $(VAR_DIR)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# An empty CELERY_BROKER_URL runs tasks eagerly in the web process: no Redis needed.
run: demo
	CELERY_BROKER_URL= $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole non-browser suite on both cores. Worker-marked tests skip without a broker.
test: install
	$(BIN)/pytest -n auto -m "not e2e"

# Browser tests in headless Debian chromium (/usr/bin/chromium, fonts-noto-cjk).
e2e: install
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks, never part of CI's pass/fail; figures go to bench/RESULTS.md. All of them by
# default (long: national-scale data), or one: make bench BENCH=bench/bench_cases.py BENCH_ARGS=--small
BENCH ?= $(wildcard bench/bench_*.py)
bench: install
	@[ -n "$(strip $(BENCH))" ] || { echo "make bench: no benchmarks in bench/ yet"; exit 0; }; \
	for script in $(BENCH); do \
		echo "== $$script $(BENCH_ARGS)"; $(BIN)/python "$$script" $(BENCH_ARGS) || exit 1; \
	done

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
