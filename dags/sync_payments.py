"""
### sync_payments (Airflow DAG)

Carries **payments on sales invoices** both ways, each payment once (a QuickBooks payment over several invoices becomes one Xero payment per invoice), with customers' **overpayments** (Xero Overpayment ↔ QuickBooks unapplied amount) and payment deletions. A payment is written only once its invoice is linked.

Per company pair: extract both ledgers into staging, check the staged rows with great-expectations, link records
kept by hand on both sides, plan the deltas into the outbox, write them to each ledger idempotently, and summarise.
Problems wait in `ledgerbridge.exceptions`; every write is in `ledgerbridge.audit_log`.

Runs after the stage before it (see `nightly_alignment`); trigger it by hand with
`{"pair": "<name>", "full_resync": true}` to align one pair or read everything again.
"""

from __future__ import annotations

from reconcile.dag_factory import build_stage_dag

dag = build_stage_dag("payments", __doc__)
