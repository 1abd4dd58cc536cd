# meetingsvc: `make run` starts the app with demo data; `make test` runs the whole suite on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_PASSWORD ?= demo-2026
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: install translations migrate demo run test test-sqlite test-postgres chromium js-deps bench wrk lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/python -c "from meetingsvc.core.i18n import compile_catalogs; compile_catalogs()"

migrate: translations
	$(FLASK) db upgrade

demo: migrate
	MEETINGSVC_DEMO_PASSWORD='$(DEMO_PASSWORD)' $(FLASK) demo load --if-empty

run: demo
	@echo
	@echo "  meetingsvc at http://$(HOST):$(PORT)"
	@echo "  demo logins: admin, secretary, technician, leader, viewer  /  password: $(DEMO_PASSWORD)"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests; installed when missing and we are root.
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	elif [ "$$CI" = true ]; then echo "chromium missing and cannot be installed (CI=true)"; exit 1; \
	else echo "!!!! chromium missing: browser tests will be SKIPPED !!!!"; fi

# ical.js (Thunderbird's parser) and its runner for the feed conformance tests.
js-deps:
	@if [ -f tests/js/package.json ]; then \
		if [ -f tests/js/package-lock.json ]; then npm ci --prefix tests/js --no-audit --no-fund --silent; \
		else npm install --prefix tests/js --no-audit --no-fund --silent; fi; fi

test-sqlite: translations chromium js-deps
	@echo "==================== test run: SQLite ===================="
	MEETINGSVC_TEST_BACKEND=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: translations chromium js-deps
	@echo "==================== test run: PostgreSQL ===================="
	MEETINGSVC_TEST_BACKEND=postgres MEETINGSVC_TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)' $(BIN)/pytest $(PYTEST_ARGS)

test: test-sqlite test-postgres

bench: translations wrk
	$(BIN)/python -m benchmarks

# wrk drives the feeds benchmark's load (its Python fallback is client-bound); installed when missing and root.
wrk:
	@if command -v wrk >/dev/null; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's wrk for the feeds benchmark"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
		echo "wrk could not be installed: the feeds benchmark uses its Python load generator"; \
	else echo "wrk missing: the feeds benchmark uses its Python load generator"; fi

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
