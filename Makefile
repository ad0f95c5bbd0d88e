# The README's two commands: `make run` (set up and start the portal with demo data) and
# `make test` (install what tests need and run the whole suite).
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint format messages up check-deploy audit clean bench

$(PY):
	@PYTHON=$$(sh .ci/find-python) && echo "Using $$PYTHON" && "$$PYTHON" -m venv $(VENV)

# Development installs the test tools too (requirements-dev.lock includes requirements.lock).
$(VENV)/.installed: $(PY) requirements.lock requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: setup
	@echo "\nThe portal runs at http://$(HOST):$(PORT)/ (Ctrl+C stops it)."
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) manage.py compile_translations
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=tests --ignore=var
	$(PY) manage.py compile_translations

# The production stack on this machine: PostgreSQL + Redis + the Procfile (web, worker, beat).
up: $(VENV)/.installed
	DEBUG=false $(PY) manage.py collectstatic --noinput
	DEBUG=false $(PY) manage.py compile_translations
	DEBUG=false $(PY) manage.py migrate --noinput
	# The Procfile names gunicorn and celery: they are the virtual environment's.
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEBUG=false $(VENV)/bin/honcho start

# Benchmarks against floors measured in the same run (README: Benchmarks); needs wrk.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (echo "wrk is missing: apt-get install wrk" && exit 1)
	$(PY) bench/run.py

check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=portal.example.org \
	DATABASE_URL=$${DATABASE_URL:-postgres://root@127.0.0.1:5432/csa_portal} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
	EMAIL_HOST=$${EMAIL_HOST:-smtp.example.org} \
	$(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned dependencies (PyPI's advisory data). --strict fails when a
# package could not be checked, so a machine without access to the advisory service fails
# loudly instead of passing vacuously: that is why CI (which has no such access) does not run it.
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	  --vulnerability-service $${AUDIT_SERVICE:-pypi} -r requirements.lock -r requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles var
