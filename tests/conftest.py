"""Fixtures shared by every test: real PostgreSQL, Airflow, the two sandboxes and headless Chromium.

tests.fixtures.airflow comes first: it isolates Airflow (its own home and metadata database) before anything
imports Airflow.

Each nightly chain ends by writing its HTML report (reconcile.report): in tests they go to a temporary folder, and
the quality tasks' great-expectations Data Docs (about two seconds per suite) are built only where a test asks for
them (tests/e2e/test_report.py).
"""

import os
import tempfile

os.environ.setdefault("LEDGERBRIDGE_REPORT_DIR", tempfile.mkdtemp(prefix="lb-reports-"))
os.environ.setdefault("LEDGERBRIDGE_GX_DATA_DOCS", "0")

pytest_plugins = [
    "tests.fixtures.airflow",
    "tests.fixtures.db",
    "tests.fixtures.sandboxes",
    "tests.fixtures.browser",
    "tests.fixtures.mail",
]
