# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint services-test migrate demo messages worker prod-check clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Local development runs with DEBUG on; production sets its variables instead (.env.example).
.env:
	printf 'DJANGO_DEBUG=true\n' > .env

migrate: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_framework ita/framework/*.yaml
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_cycle
	$(PY) manage.py seed_demo_current_year

run: demo
	@echo "ITA-SPDCA is at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: $(VENV)/.installed lint
	$(PY) -m pytest

# Rebuild the translation catalogues after changing user-visible strings (needs GNU gettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale th --locale en --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

worker: $(VENV)/.installed .env
	$(VENV)/bin/celery -A config worker --loglevel INFO

# The production path as CI proves it (.ci/production): a fresh virtualenv from requirements.txt
# alone, production settings, PostgreSQL, gunicorn and a Celery worker on Redis rendering every
# report. Needs PostgreSQL and Redis running locally; uses the database ita_spdca_prod and Redis /3.
prod-check:
	bash .ci/production

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
