"""The nightly alignment under a real Airflow: api-server, scheduler (LocalExecutor) and dag-processor, with the
invoices DAG started by the contacts DAG's asset, as in production."""

from __future__ import annotations

import time

import pytest

from reconcile import verify
from reconcile.run import RunInfo
from tests.e2e.conftest import start_world, world_env
from tests.fixtures.db import drop_database

pytestmark = [pytest.mark.scheduler, pytest.mark.timeout(900)]


def test_scheduler_runs_contacts_then_invoices_through_the_asset(airflow_cluster, tmp_path, monkeypatch):
    name, url, xero, quickbooks, truth = start_world(tmp_path)  # real rate limits, as in production
    try:
        env = world_env(url, xero, quickbooks)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        cluster = airflow_cluster(env=env, schedules=True)
        cluster.wait_for_dag("sync_invoices", timeout=120)
        before = {r["dag_run_id"] for r in cluster.runs("sync_invoices")}
        contacts = cluster.run("sync_contacts", {"pair": "harbour"}, timeout=400)
        assert contacts.ok, cluster.explain(contacts)
        assert contacts.tasks["pair.write_quickbooks[0]"].state == "success"
        invoices_run = cluster.wait_for_new_run("sync_invoices", before, timeout=120)
        invoices = cluster.wait("sync_invoices", invoices_run, timeout=400)
        assert invoices.ok, cluster.explain(invoices)
        run = cluster.runs("sync_invoices")
        assert next(r for r in run if r["dag_run_id"] == invoices_run)["run_type"] == "asset_triggered"
        log = cluster.task_log("sync_invoices", invoices_run, "pair.summarise", map_index=0)
        assert "invoices" in log and "created=" in log
        # let runs the schedule started on its own finish before checking the books
        deadline = time.monotonic() + 300
        while any(r["state"] in ("queued", "running") for dag in ("sync_contacts", "sync_invoices")
                  for r in cluster.runs(dag)) and time.monotonic() < deadline:
            time.sleep(1)
        for entity in ("contacts", "invoices"):
            result = verify.check(entity, "harbour", RunInfo(f"verify-{entity}", "verify"))
            assert result.aligned, (result.would_write, result.unexplained)
        refused = [c for c in xero.calls() + quickbooks.calls() if c["status"] == 429]
        assert not refused, "pacing kept every call under the ledgers' limits"
    finally:
        xero.stop()
        quickbooks.stop()
        drop_database(name)
