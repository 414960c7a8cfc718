# The two commands a newcomer needs: `make run` and `make test` (README.md).

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST_ARGS ?=

.PHONY: run test install lint frontend code bench

## Install everything, migrate, seed the demo council, start the web server, worker and beat.
run: install
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py seed_demo
	scripts/run-laptop

## Run the whole test suite (unit, PostgreSQL-only where DATABASE_URL points at PostgreSQL,
## and browser tests in headless Chromium). Fails when no test ran; -rs lists why each skipped
## test was skipped (no Chromium, no PostgreSQL).
test: install
	@[ -d node_modules/axe-core ] || npm ci --ignore-scripts --no-audit --no-fund
	$(UV) run pytest -n 2 -rs $(PYTEST_ARGS)

## Python packages from the lock file (uv installs it in seconds).
install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen

## The static checks CI runs before the tests: ruff, mypy, the import-linter contracts and no
## model change without its migration.
lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .
	$(UV) run lint-imports
	$(UV) run python manage.py makemigrations --check --dry-run

## Rebuild the committed GOV.UK Frontend assets under static/ (needs Node).
frontend:
	scripts/build-frontend

## The current two-step code for the demo logins that need one (comms, hr, admin).
code:
	@$(UV) run python manage.py demo_code

## Benchmarks of the register and the staff import, with numbers (bench/register.py).
bench: install
	$(UV) run python bench/register.py
