# The two commands of the README: `make run` (embedded demo) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TEMPLATES := templates $(wildcard */templates)

.PHONY: install run test check messages makemessages format bench smoke two-hosts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	$(PY) scripts/compile_messages.py
	@# axe-core for the accessibility tests (skipped without it, outside CI).
	@[ -f node_modules/axe-core/axe.min.js ] || ! command -v npm >/dev/null || npm ci --no-audit --no-fund

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check $(TEMPLATES)
	$(VENV)/bin/djlint --lint $(TEMPLATES)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# The production stack without Docker, driven end to end (scripts/smoke.py says what it needs).
smoke: install
	$(PY) scripts/smoke.py

# The same stack with two gunicorn instances behind nginx (docs/operations.md, "Scale past one
# machine"): sessions, rate limits, uploads and the outbox across both, and the throughput.
# Same environment as smoke; not run by CI.
two-hosts: install
	$(PY) scripts/two_hosts.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint --reformat $(TEMPLATES) || true

# Needs GNU gettext (xgettext): for developers who change strings, not for installing.
makemessages: install
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --no-location
	$(PY) scripts/compile_messages.py

# Deadline-day load against the framework floor (bench/run.py, docs/performance.md): builds its
# own databases (BENCH_DATABASE_URL + _1x/_10x), needs PostgreSQL, Redis and wrk. Not run by CI.
bench: install
	$(PY) bench/run.py
