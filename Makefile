# Set-up on a fresh machine needs only Python 3.11 or newer: `make run` or `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal

.PHONY: run test test-browser test-reliability install install-dev translations clean

# The resident site's Spanish catalog: the .po is kept in git, its compiled .mo is built here.
CATALOG := portal/translations/es/LC_MESSAGES/messages
BABEL_KEYWORDS := _l lazy_gettext InvalidInput:1 Wording:1

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.installed-browser: requirements-browser.txt $(VENV)/.installed-dev $(CATALOG).mo
	$(BIN)/python -m pip install --quiet -r requirements-browser.txt
	touch $@

$(CATALOG).mo: $(CATALOG).po | $(VENV)/.installed
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@ --locale es

install: $(VENV)/.installed $(CATALOG).mo

install-dev: $(VENV)/.installed-dev $(CATALOG).mo

# After changing wording on the resident site: gather its strings, then translate what is new in the .po.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords "$(BABEL_KEYWORDS)" --add-location file \
		--sort-output --omit-header --output-file portal/translations/messages.pot .
	$(BIN)/pybabel update --input-file portal/translations/messages.pot --output-dir portal/translations \
		--domain messages --no-fuzzy-matching --ignore-obsolete

run: install
	$(FLASK) init-secrets
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) incidents demo
	@echo "Serving the public site on http://127.0.0.1:$(PORT)/ and the back office on http://127.0.0.1:$(PORT)/staff/"
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:application

# One pytest worker per core: every test has its own database (a SQLite file or a PostgreSQL schema),
# instance folder and rate-limit prefix, so they run side by side.
test: install-dev
	$(BIN)/python -m pytest -n auto

# Real headless Chromium from Debian (installed here if missing); slower, so not part of `make test`.
test-browser: $(VENV)/.installed-browser
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -m browser tests/browser

# Real gunicorn processes on loopback, on SQLite and on PostgreSQL: load, SIGKILL, outages, hostile
# input at scale, and the README's nginx example in front. Bounded in time; needs root (it mounts
# small tmpfs folders) and PostgreSQL and Redis as .ci/run starts them; installs Debian's nginx if missing.
test-reliability: install-dev
	@command -v nginx >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light)
	$(BIN)/python -m pytest -m reliability tests/reliability

clean:
	rm -rf $(VENV) .pytest_cache
