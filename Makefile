# SkillBridge: `make run` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint typecheck install demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Migrate the SQLite database, load reference + demo data once, print the demo logins, serve.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py setup_demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py runserver $(HOST)

# The whole suite. Service-backed tests run when DATABASE_URL / CELERY_BROKER_URL point at them.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py makemigrations --check --dry-run

typecheck: install
	$(VENV)/bin/mypy backend training $(dir $(wildcard search/__init__.py matching/__init__.py))

clean:
	rm -rf $(VENV) var staticfiles
