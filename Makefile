# The one place the project's commands live; README.md quotes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development and checks run with debug on; production sets its own environment.
DEV := DJANGO_DEBUG=1
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run test pytest test-postgres lint format messages bench clean

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
	@echo "Study Tours is running at http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/admin/)"
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
	$(BIN)/pytest

# The test suite alone (CI runs it again on PostgreSQL).
pytest: messages
	$(BIN)/pytest

test-postgres: messages
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

# Speed targets live here, not in timed tests; each script prints a table and writes JSON.
bench: install
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache *.egg-info
	find . -name "*.mo" -not -path "./$(VENV)/*" -delete
