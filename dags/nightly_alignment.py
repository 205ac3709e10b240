"""
### nightly_alignment (Airflow DAG)

The head of the nightly chain. At 02:00 UTC (or when triggered by hand) it applies migrations, validates the
pairs and mapping files, and checks every mapped account, tax code, item and tracking option against both
ledgers of each company pair before anything is written. Then the entity DAGs follow through Airflow assets:

1. `sync_items`
2. `sync_contacts`, `sync_suppliers`
3. `sync_invoices`, `sync_bills`, `sync_credit_notes`, `sync_vendor_credits`
4. `sync_payments`, `sync_bill_payments`
5. `sync_bank_transactions`, `sync_journals`
6. `control_totals`: receivables and payables per contact and in total, and the aged balances, compared

Trigger with config `{"pair": "<name>", "entities": ["invoices", ...], "full_resync": true}`: the choice travels
down the chain, so only that pair and those entities are aligned.
"""

from __future__ import annotations

from reconcile.dag_factory import build_nightly_dag

dag = build_nightly_dag(__doc__)
