"""One seeded pair of sandbox books, a ledgerbridge database and the Airflow connections a user would define,
shared by the tests of a module (they follow each other: first run, second run, edits, failures)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from ledgerbridge.migrate import migrate
from ledgerbridge.tokens import TokenStore
from quickbooks.hooks import QuickBooksHook
from reconcile.config import load_pairs
from sandbox import process
from sandbox.process import RunningSandbox
from tests.fixtures.db import create_database, drop_database
from tests.fixtures.sandboxes import quickbooks_connection, xero_connection
from xero.hooks import XeroHook

SEED = "5"
SIZE = "40"


@dataclass
class World:
    db_url: str
    xero: RunningSandbox
    quickbooks: RunningSandbox
    truth: dict[str, Any]
    env: dict[str, str]

    def xero_hook(self) -> XeroHook:
        return XeroHook("xero_default", token_store=TokenStore(self.db_url))

    def qb_hook(self) -> QuickBooksHook:
        return QuickBooksHook("quickbooks_default", token_store=TokenStore(self.db_url))

    @property
    def mappings(self) -> Any:
        return load_pairs()["harbour"].mappings


def start_world(tmp: Path, *extra: str) -> tuple[str, str, RunningSandbox, RunningSandbox, dict[str, Any]]:
    name, url = create_database("lb_e2e")
    migrate(url)
    truth_file = tmp / "truth.json"
    xero = process.start("xero", "--port", "0", "--seed", SEED, "--size", SIZE, "--truth", str(truth_file), *extra)
    quickbooks = process.start("quickbooks", "--port", "0", "--seed", SEED, "--size", SIZE, *extra)
    return name, url, xero, quickbooks, json.loads(truth_file.read_text())


def world_env(url: str, xero: RunningSandbox, quickbooks: RunningSandbox) -> dict[str, str]:
    return {
        "LEDGERBRIDGE_DB_URL": url,
        "AIRFLOW_CONN_LEDGER_DB": url,
        "AIRFLOW_CONN_XERO_DEFAULT": xero_connection(xero.info),
        "AIRFLOW_CONN_QUICKBOOKS_DEFAULT": quickbooks_connection(quickbooks.info),
        "LEDGERBRIDGE_RETRY_DELAY_SECONDS": "1",
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, airflow_db: str) -> Iterator[World]:
    name, url, xero, quickbooks, truth = start_world(tmp_path_factory.mktemp("e2e"), "--rate-limits", "off")
    env = world_env(url, xero, quickbooks)
    patch = pytest.MonkeyPatch()
    for key, value in env.items():
        patch.setenv(key, value)
    try:
        yield World(url, xero, quickbooks, truth, env)
    finally:
        patch.undo()
        xero.stop()
        quickbooks.stop()
        drop_database(name)
