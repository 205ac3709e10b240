"""
### sync_items (Airflow DAG)

Aligns **items** between Xero and QuickBooks Online, both ways (matched by code or name), before the documents
whose lines use them.

Per company pair: extract both ledgers into staging, check the staged rows with great-expectations, link records
kept by hand on both sides, plan the deltas into the outbox, write them to each ledger idempotently, and summarise.
Problems wait in `ledgerbridge.exceptions`; every write is in `ledgerbridge.audit_log`.

Runs first after `nightly_alignment`; trigger it by hand with `{"pair": "<name>", "full_resync": true}` to align
one pair or read everything again.
"""

from __future__ import annotations

from reconcile.dag_factory import build_stage_dag

dag = build_stage_dag("items", __doc__)
