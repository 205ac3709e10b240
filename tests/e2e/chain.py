"""What the nightly-chain tests share: running the chain through Airflow (dag.test), a pairs file and the
environment naming its ledgers, and read-outs of ledgerbridge's tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg.rows import dict_row

from ledgerbridge.tokens import TokenStore
from quickbooks.hooks import QuickBooksHook
from reconcile.entities import STAGES
from sandbox.process import RunningSandbox
from tests.fixtures.airflow import run_in_process
from tests.fixtures.sandboxes import quickbooks_connection, xero_connection
from xero.hooks import XeroHook

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "config" / "mappings.yaml"
CHAIN = ["nightly_alignment", *[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]


def run_chain(conf: dict[str, Any] | None = None, dags: Sequence[str] = CHAIN) -> list[str]:
    """The whole nightly chain (or the DAGs named), DAG after DAG, each asserted successful; the run ids."""
    run_ids = []
    for dag_id in dags:
        result = run_in_process(dag_id, conf or {})
        assert result.ok, result.summary()
        run_ids.append(result.run_id)
    return run_ids


def write_pairs(path: Path, directions: dict[str, dict[str, str]], **extra: Any) -> Path:
    """A pairs file: pair name -> {entity: direction}, each pair on connections xero_<pair> / quickbooks_<pair>
    and the shipped mapping file."""
    pairs = [{"name": pair, "xero_conn_id": f"xero_{pair}", "quickbooks_conn_id": f"quickbooks_{pair}",
              "mappings": str(MAPPINGS), **extra, "entities": {e: {"direction": d} for e, d in entities.items()}}
             for pair, entities in directions.items()]
    path.write_text(yaml.safe_dump({"pairs": pairs}, sort_keys=False))
    return path


def pair_env(pair: str, xero: RunningSandbox, quickbooks: RunningSandbox) -> dict[str, str]:
    """The Airflow connections of one pair's two sandbox ledgers."""
    return {f"AIRFLOW_CONN_XERO_{pair.upper()}": xero_connection(xero.info),
            f"AIRFLOW_CONN_QUICKBOOKS_{pair.upper()}": quickbooks_connection(quickbooks.info)}


def ledger_env(db_url: str, pairs_file: Path) -> dict[str, str]:
    """ledgerbridge's database and pairs file, and quick retries."""
    return {"LEDGERBRIDGE_DB_URL": db_url, "AIRFLOW_CONN_LEDGER_DB": db_url, "LEDGERBRIDGE_PAIRS_FILE": str(pairs_file),
            "LEDGERBRIDGE_RETRY_DELAY_SECONDS": "1"}


def hooks(db_url: str, pair: str) -> tuple[XeroHook, QuickBooksHook]:
    store = TokenStore(db_url)
    return XeroHook(f"xero_{pair}", token_store=store), QuickBooksHook(f"quickbooks_{pair}", token_store=store)


def rows(db_url: str, statement: str, *params: Any) -> list[dict]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()


def queued(db_url: str, pair: str) -> dict[tuple[str, str, str], set[str]]:
    """The open exceptions of a pair: (entity, ledger, record id) -> reasons."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for r in rows(db_url, "SELECT entity, ledger, record_id, reason FROM ledgerbridge.exceptions "
                          "WHERE pair = %s AND status = 'open'", pair):
        out.setdefault((r["entity"], r["ledger"], r["record_id"]), set()).add(r["reason"])
    return out


def links(db_url: str, pair: str, entity: str) -> dict[str, str]:
    """The xref of a pair's entity: Xero id -> QuickBooks id."""
    return {r["xero_id"]: r["quickbooks_id"] for r in rows(
        db_url, "SELECT xero_id, quickbooks_id FROM ledgerbridge.xref WHERE pair = %s AND entity = %s", pair, entity)}


def applied(db_url: str, run_ids: list[str]) -> list[dict]:
    """The outbox writes these runs applied."""
    return rows(db_url, "SELECT pair, entity, ledger, operation, source_ledger, source_id, target_id, result_id, label "
                        "FROM ledgerbridge.outbox WHERE sent_run_id = ANY(%s) AND status = 'applied'", run_ids)
