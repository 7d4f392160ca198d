# SkillBridge: `make run` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint typecheck install demo clean chromium messages screenshots

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
test: install chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (tests/browser), installed where we are root; elsewhere
# those tests skip (and fail under SKILLBRIDGE_REQUIRE_SERVICES=1). Playwright downloads nothing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium is not installed (apt-get install chromium): browser tests will skip"

# Re-extract and compile the two English catalogues (needs gettext); commit the .po and .mo files.
# The web pages' (backend/web/locale) is extracted inside backend/web; the domain messages'
# (backend/locale: services, validators, importer, API errors) from the root, without backend/web.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=docs --ignore=static --ignore=staticfiles --ignore=backend/web
messages: install
	cd backend/web && ../../$(PY) ../../manage.py makemessages -l en --no-location && ../../$(PY) ../../manage.py compilemessages -l en
	$(PY) manage.py makemessages -l en --no-location $(MESSAGES_IGNORE)
	cd backend && ../$(PY) ../manage.py compilemessages -l en --ignore=web

# docs/screenshots/*.png at 360x780 and 1280x800 (a CJK font makes the Chinese legible).
screenshots: install chromium
	@fc-list :lang=zh 2>/dev/null | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; } || true
	$(PY) -m pytest tests/browser/screenshots.py tests/browser/screenshots_worker.py tests/browser/screenshots_provider.py tests/browser/screenshots_staff.py -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py makemigrations --check --dry-run

typecheck: install
	$(VENV)/bin/mypy backend training $(dir $(wildcard search/__init__.py matching/__init__.py))

clean:
	rm -rf $(VENV) var staticfiles
