"""Fixtures shared by every test: real PostgreSQL, Airflow, the two sandboxes and headless Chromium.

tests.fixtures.airflow comes first: it isolates Airflow (its own home and metadata database) before anything
imports Airflow.
"""

pytest_plugins = [
    "tests.fixtures.airflow",
    "tests.fixtures.db",
    "tests.fixtures.sandboxes",
    "tests.fixtures.browser",
]
