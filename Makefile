# The one place the project's commands live; README.md quotes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development and checks run with debug on; production sets its own environment.
DEV := DJANGO_DEBUG=1
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
# Two workers: one per core of the machines we run on (pytest-xdist).
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run serve test pytest test-postgres lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Debian packages the tests need: gettext compiles the translations; chromium and CJK
# fonts run the browser tests (Playwright cannot download its own browser here).
DEBIAN_PACKAGES := gettext chromium fonts-noto-cjk
system-deps:
	@missing=""; for pkg in $(DEBIAN_PACKAGES); do \
		dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

messages: install system-deps
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=$(VENV) -v0

run: messages
	$(DEV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py rebuild_search_index
	@echo ""
	@echo "Study Tours is running at http://$(HOST):$(PORT)/ (staff sign in at http://$(HOST):$(PORT)/accounts/login/)"
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint messages
	$(DEV) $(BIN)/python manage.py check --fail-level WARNING
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The test suite alone (CI runs it again on PostgreSQL).
pytest: messages
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: messages
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Production-like: gunicorn, DEBUG off, static files collected (needs DJANGO_SECRET_KEY).
serve: messages
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=0 $(BIN)/gunicorn --config gunicorn.conf.py

# Speed targets live here, never in tests: each script bench/<name>.py prints its figures and
# writes bench/<name>.json, and bench/_collect.py gathers them into bench/results.json.
# web.py drives gunicorn with wrk (loopback only, bounded in time).
BENCHMARKS := bench/web.py bench/faults.py bench/import_roster.py bench/photo_pipeline.py bench/search.py \
	bench/trip_admin.py bench/cache_edits.py bench/writeups.py
bench: messages
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	@status=0; for script in $(BENCHMARKS); do echo "== $$script"; $(DEV) $(BIN)/python $$script || status=1; done; \
	$(BIN)/python bench/_collect.py; exit $$status

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache *.egg-info
	find . -name "*.mo" -not -path "./$(VENV)/*" -delete
