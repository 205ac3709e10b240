"""
### sync_bill_payments (Airflow DAG)

Carries **bill payments** from QuickBooks Online to Xero (one Xero payment per bill paid), with deletions.

Per company pair: extract both ledgers into staging, check the staged rows with great-expectations, link records
kept by hand on both sides, plan the deltas into the outbox, write them to each ledger idempotently, and summarise.
Problems wait in `ledgerbridge.exceptions`; every write is in `ledgerbridge.audit_log`.

Runs after the stage before it (see `nightly_alignment`); trigger it by hand with
`{"pair": "<name>", "full_resync": true}` to align one pair or read everything again.
"""

from __future__ import annotations

from reconcile.dag_factory import build_stage_dag

dag = build_stage_dag("bill_payments", __doc__)
