# The README's commands. `make run` is development mode (DEBUG on, SQLite, no Redis).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist). Three on this 2-core machine: a third of the suite's time is tests
# waiting on Celery workers, leases, kills, servers and Chromium, which a third process fills (see
# the README's "The suite's time"). TEST_WORKERS=0 runs it all in this one process.
TEST_WORKERS ?= 3

.PHONY: run test lint bench fuzz compose-smoke clean

# The venv's own pip, not upgraded: the requirements must install with a stock pip (as the Dockerfile's).
$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_seed --if-empty
	DEBUG=1 $(PY) manage.py load_originals
	@echo ""
	@echo "  Site:  http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/"
	@echo "  No account exists yet. Create your admin login with:"
	@echo "      DEBUG=1 $(PY) manage.py createsuperuser"
	@echo ""
	DEBUG=1 $(PY) -m tracker.devserver --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

fuzz: $(VENV)/.installed
	$(PY) bench/fuzz.py $(FUZZ_ARGS)

# The real Dockerfile and docker-compose.yml, up and checked end to end (needs root: it may install
# docker.io and start an engine); see the README's "Compose smoke test".
compose-smoke:
	bash scripts/compose_smoke.sh

clean:
	rm -rf var .pytest_cache .ruff_cache
