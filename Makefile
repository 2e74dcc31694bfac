# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test test-sqlite test-postgres lint format bench load clean

$(STAMP): pyproject.toml requirements.lock
	bash scripts/ensure_system_deps.sh
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 introuvable ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	sh scripts/local_settings.sh
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Application : http://$(HOST):$(PORT)/ (et un processus de travail pour les tâches)"
	bash scripts/run.sh $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: install
	bash scripts/ensure_chromium.sh
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	bash scripts/ensure_chromium.sh
	bash scripts/with_postgres.sh $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var/test-media

bench: install
	bash scripts/with_postgres.sh bash scripts/bench.sh

load: install
	bash scripts/with_postgres.sh bash scripts/load.sh
