# Hireboard: `make run` for the whole product with demo data, `make test` for the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: venv run test lint format bench migrate seed clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --size small

run: seed
	@echo ""
	@echo "Hireboard is starting on http://127.0.0.1:8000/ (Ctrl+C stops everything)."
	DJANGO_DEBUG=1 $(BIN)/honcho -f Procfile.dev start

# Tests that start real Celery workers (marked `services`) run one file per process:
# a worker leaves Celery state behind in the process that ran it.
test: venv
	@set -e; \
	$(BIN)/python -m pytest -m "not services" $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here."; fi; exit $$rc; }; \
	for file in $$(grep -rl "mark.services" tests --include='test_*.py' | sort); do \
	  echo "== $$file (in its own process)"; \
	  $(BIN)/python -m pytest $$file $(PYTEST_ARGS); \
	done

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(BIN)/python tests/bench/run_all.py

clean:
	rm -rf var/celery var/hireboard.sqlite3*
