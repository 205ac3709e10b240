"""Fixtures shared by every test: real PostgreSQL, Airflow, and the two sandboxes."""

pytest_plugins = [
    "tests.fixtures.db",
    "tests.fixtures.sandboxes",
]
