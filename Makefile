# ledgerbridge: `make test` and `make demo` work on a fresh clone; each does its own set-up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEVENV := $(PY) scripts/devenv.py exec --

.PHONY: install browser test demo airflow up down psql connect migrate decide report data-dictionary ui-check sandbox-xero sandbox-quickbooks lock bench clean

# The venv is rebuilt when the lock changes. No constraints file is downloaded: requirements.txt is the full lock.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# python-quickbooks, the official-client test's own venv (its module name `quickbooks` clashes with our plugin)
QBCLIENT := .venv-qbclient
QBCLIENT_REQS := tests/sandbox/quickbooks/client-requirements.txt
$(QBCLIENT)/.installed: $(QBCLIENT_REQS)
	test -x $(QBCLIENT)/bin/python || $(PYTHON) -m venv $(QBCLIENT)
	$(QBCLIENT)/bin/python -m pip install -q -r $(QBCLIENT_REQS)
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; its own browser download cannot work offline)
browser: $(VENV)/.installed
	$(PY) scripts/browser.py ensure >/dev/null

install: $(VENV)/.installed $(QBCLIENT)/.installed browser

test: install
	$(DEVENV) $(PY) -m pytest $(PYTEST_ARGS)

migrate: install
	$(DEVENV) $(PY) -m ledgerbridge.migrate

demo: install
	$(DEVENV) $(PY) scripts/demo.py

# The operator's stack, left running in the background: PostgreSQL, both sandboxes on the demo's books, Airflow
# (api-server, scheduler, dag-processor) on the demo's metadata database with the connections stored and the DAGs
# unpaused. `make down` stops it; `make psql` opens ledgerbridge's database. `make airflow` is the same as `make up`.
up: install
	$(PY) scripts/stack.py up

airflow: up

down:
	$(PY) scripts/stack.py down

psql:
	$(PY) scripts/stack.py psql

# The newest per-run HTML report (its path; opened in a browser when there is a desktop).
report: install
	$(PY) -m reconcile.report latest --open

# docs/data-dictionary.md from the COMMENT ON text of the report views (a scratch database, migrated, dropped).
data-dictionary: install
	$(DEVENV) $(PY) scripts/data_dictionary.py

# Headless Chromium through the Airflow UI of a `make up` stack: the operator's loop, screenshots of the DAG list,
# a nightly run, a task log and the connection forms (.local/screenshots).
ui-check: install browser
	$(DEVENV) $(PY) -m pytest tests/e2e/test_operator.py -q

# Decide on the demo's open exceptions: make decide ARGS="list", ARGS="show 12", ARGS="link 12 --candidate 1 --by ana"
decide: install
	$(DEVENV) sh -c '$(PY) -m reconcile.decide --db-url "$${LEDGERBRIDGE_DB_URL%/*}/$${LEDGERBRIDGE_DEMO_DB:-ledgerbridge}" $(ARGS)'

# Connect a real organisation: make connect LEDGER=xero CONN_ID=xero_default ARGS="--client-id ..."
LEDGER ?= xero
CONN_ID ?= $(LEDGER)_default
connect: install
	$(DEVENV) $(PY) -m ledgerbridge.connect $(LEDGER) --conn-id $(CONN_ID) $(ARGS)

sandbox-xero: install
	$(PY) -m sandbox xero --port 8701

sandbox-quickbooks: install
	$(PY) -m sandbox quickbooks --port 8702

bench: install
	$(DEVENV) $(PY) -m bench

# Regenerate the lock from requirements.in in a throw-away venv.
lock:
	rm -rf .local/lockvenv && $(PYTHON) -m venv .local/lockvenv
	.local/lockvenv/bin/pip install -q -r requirements.in
	( echo "# Full pinned lock for Python 3.11, generated from requirements.in by 'make lock'. Do not edit by hand."; \
	  .local/lockvenv/bin/pip freeze | grep -v '^-e' ) > requirements.txt

clean:
	-$(PY) scripts/stack.py down
	-$(PY) scripts/devenv.py pg-stop
	rm -rf .local $(VENV)
