# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres lint check-migrations clean bench

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --reset-passwords
	$(PY) manage.py runserver 127.0.0.1:8000

test: install check-migrations test-sqlite test-postgres

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# National-scale benchmark (not part of `make test`): 10k, 100k and 1M enterprises on PostgreSQL,
# results into docs/benchmarks.md.
bench: install
	scripts/with-postgres.sh $(PY) bench/scale.py --write $(BENCH_ARGS)
