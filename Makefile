# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres lint lint-imports check-migrations clean messages compilemessages bench e2e-deps screenshots bandit load

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --reset-passwords
	$(PY) manage.py runserver 127.0.0.1:8000

test: install e2e-deps compilemessages check-migrations lint-imports bandit test-sqlite test-postgres

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings

# The one-way imports between the apps and between the packages of reports/ (pyproject.toml's
# [tool.importlinter], docs/architecture.md).
lint-imports: install
	$(VENV)/bin/lint-imports

# Security lint of the app's code; skips are explained in pyproject.toml's [tool.bandit].
bandit: install
	$(VENV)/bin/bandit -q -r config zones enterprises membership reports -c pyproject.toml

test-sqlite: install compilemessages
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install compilemessages
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

# Translations. `make messages` refreshes locale/vi/LC_MESSAGES/django.po from the sources
# (new msgids arrive empty or fuzzy: translate them, tests/config/test_i18n.py fails until you do) and
# compiles it. `run` and `test` only compile: they never rewrite the catalog, so a stale one fails the
# tests instead of being silently refreshed. The .mo files are built, never committed (.gitignore).
MESSAGES_IGNORE := -i '.venv/*' -i 'staticfiles/*' -i 'tests/*' -i 'bench/*' -i 'docs/*' -i 'test-artifacts/*' -i 'build/*'

messages: install
	$(PY) manage.py makemessages -l vi --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l vi $(MESSAGES_IGNORE)

compilemessages: install
	$(PY) manage.py compilemessages -l vi $(MESSAGES_IGNORE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# National-scale benchmark (not part of `make test`): 10k, 100k and 1M enterprises on PostgreSQL,
# results into docs/benchmarks.md.
bench: install
	scripts/with-postgres.sh $(PY) bench/scale.py --write $(BENCH_ARGS)

# Browser end-to-end tests (tests/e2e, run by `make test`): Chromium from the system's
# packages, axe-core from the npm registry into .e2e/ (git-ignored). Without them those tests skip.
# `make screenshots` runs the page tests and copies their screenshots to docs/screenshots/ (README).
AXE := .e2e/node_modules/axe-core/axe.min.js

e2e-deps: $(AXE)
	scripts/system-deps.sh --browser

$(AXE):
	npm install --prefix .e2e --no-save --no-audit --no-fund --loglevel=error axe-core@4

screenshots: install e2e-deps compilemessages
	env -u DATABASE_URL $(PY) -m pytest -q tests/e2e/test_pages.py
	mkdir -p docs/screenshots
	cp test-artifacts/screenshots/*.png docs/screenshots/

# Load test (not part of `make test`): 50 users browse dashboards and tables for a minute
# against gunicorn + a throw-away PostgreSQL, on loopback; results in docs/benchmarks.md ("Load").
load: install compilemessages
	scripts/load/run.sh $(LOAD_ARGS)
