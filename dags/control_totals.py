"""
### control_totals (Airflow DAG)

After the last stage of the nightly alignment: reads both ledgers' invoices, bills and credits again and checks
that what the company is owed (receivables) and owes (payables) agree between Xero and QuickBooks Online, per
contact and in total, and by age (current, 1-30, 31-60, 61-90, over 90 days past due). Differences are listed by
contact and document in `ledgerbridge.control_totals` and `ledgerbridge.control_differences`.
"""

from __future__ import annotations

from reconcile.dag_factory import build_control_totals_dag, last_stage_assets

dag = build_control_totals_dag(last_stage_assets(), __doc__)
