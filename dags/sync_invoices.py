"""
### sync_invoices (Airflow DAG)

Copies **sales invoices** from Xero to QuickBooks Online for every configured company pair, and notes the
QuickBooks Id on each Xero invoice's History (the "Invoice → QuickBooks" workflow).

Invoices kept by hand on both sides are linked first (number with or without a prefix, customer, total within a
cent, date); ambiguous ones wait in `ledgerbridge.exceptions`. Lines carry accounts, items and tax codes through
the pair's mapping file; a code without a mapping sends the invoice to the exception queue naming the code.

Runs after `sync_contacts` (scheduled on its `ledgerbridge_contacts_aligned` asset), so every invoice's customer
is linked before the invoice is written. Trigger with `{"pair": "<name>", "full_resync": true}` as needed.
"""

from __future__ import annotations

from reconcile.dag_factory import aligned_asset, build_entity_dag
from reconcile.entities import invoices

dag = build_entity_dag(invoices.SPEC, schedule=[aligned_asset("contacts")], doc_md=__doc__)
