"""Throw-away DAGs for the harness: ``harness_downstream`` runs when ``harness_upstream`` updates an asset, the
way ``sync_invoices`` follows ``sync_contacts``."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, get_current_context, task

PROBE_ASSET = Asset(name="harness_probe_asset", uri="ledgerbridge://harness/probe")


@dag(dag_id="harness_upstream", schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args={"retries": 0}, tags=["test"], doc_md=__doc__)
def harness_upstream() -> None:
    @task(outlets=[PROBE_ASSET])
    def publish() -> str:
        return get_current_context()["run_id"]

    publish()


@dag(dag_id="harness_downstream", schedule=[PROBE_ASSET], start_date=datetime(2024, 1, 1), catchup=False,
     default_args={"retries": 0}, tags=["test"], doc_md=__doc__)
def harness_downstream() -> None:
    @task
    def follow() -> str:
        run_type = get_current_context()["dag_run"].run_type
        return getattr(run_type, "value", run_type)

    follow()


harness_upstream()
harness_downstream()
