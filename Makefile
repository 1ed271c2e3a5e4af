# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run migrate test lint format bench bench-load bench-control clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Web server, local realtime engine and call supervisor together; Ctrl-C stops all three.
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runrealtime --host 127.0.0.1 --port 8765 & engine=$$!; \
	$(BIN)/python manage.py runsupervisor & supervisor=$$!; \
	trap 'kill $$engine $$supervisor 2>/dev/null; wait $$engine $$supervisor 2>/dev/null' INT TERM EXIT; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python .ci/import_cycles.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media staticfiles

# Minting benchmark: gunicorn (4 workers) on PostgreSQL + Redis against the local engine; prints
# req/s and p50/p95/p99 at concurrency 1, 8, 32 and the server overhead. Needs both services.
bench: install
	$(BIN)/python bench/mint.py

# Load benchmark: 100, 300 and 1,000 simulated interviews (the room's supervised-call traffic)
# against gunicorn, the call supervisor and a fake upstream on PostgreSQL + Redis; prints
# p50/p95/p99 per endpoint, errors, req/s and the web's CPU per request. Needs both services.
bench-load: install
	$(BIN)/python bench/load.py

# The same traffic in-process (no sockets, no gunicorn): the CPU and queries per request of each
# endpoint, to measure a change to the hot path before bench-load. Needs both services.
bench-control: install
	$(BIN)/python bench/control_inprocess.py
