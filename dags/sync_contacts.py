"""
### sync_contacts (Airflow DAG)

Aligns **contacts** between Xero and QuickBooks Online for every configured company pair
(`config/pairs.yaml`): Xero Contacts (customer side) and QuickBooks Customers, both ways.

Per pair: extract both ledgers into staging, check the staged rows with great-expectations, link records kept
by hand on both sides (name, email, VAT number), plan the deltas into the outbox, write them to each ledger
idempotently, and summarise. Ambiguous matches, unmapped codes and refused writes go to
`ledgerbridge.exceptions`; every write is in `ledgerbridge.audit_log`.

Runs nightly; when it finishes, `sync_invoices` follows through the `ledgerbridge_contacts_aligned` asset.
Trigger with config `{"pair": "<name>", "full_resync": true}` to align one pair or re-read everything.
"""

from __future__ import annotations

from reconcile.dag_factory import build_entity_dag
from reconcile.entities import contacts

dag = build_entity_dag(contacts.SPEC, schedule="0 2 * * *", doc_md=__doc__)
