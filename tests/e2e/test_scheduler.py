"""The nightly alignment under a real Airflow: api-server, scheduler (LocalExecutor) and dag-processor, with the
invoices DAG started by the contacts DAG's asset, as in production."""

from __future__ import annotations

import time

import pytest

from reconcile import verify
from reconcile.entities import ENTITIES, STAGES
from reconcile.run import RunInfo
from tests.e2e.conftest import start_world, world_env
from tests.fixtures.db import drop_database

pytestmark = [pytest.mark.scheduler, pytest.mark.timeout(900)]


DAGS = [f"sync_{entity}" for stage in STAGES for entity in stage] + ["control_totals"]


def test_the_nightly_chain_runs_under_a_real_scheduler(airflow_cluster, tmp_path, monkeypatch):
    name, url, xero, quickbooks, truth = start_world(tmp_path)  # real rate limits, as in production
    try:
        env = world_env(url, xero, quickbooks)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        cluster = airflow_cluster(env=env, schedules=True)
        dags = DAGS
        for dag_id in dags:
            cluster.wait_for_dag(dag_id, timeout=120)
        before = {d: {r["dag_run_id"] for r in cluster.runs(d)} for d in dags}
        nightly = cluster.run("nightly_alignment", {"pair": "harbour"}, timeout=400)
        assert nightly.ok, cluster.explain(nightly)
        runs = {}
        for dag_id in dags:  # each stage starts from the assets of the stage before it
            run_id = cluster.wait_for_new_run(dag_id, before[dag_id], timeout=300)
            result = cluster.wait(dag_id, run_id, timeout=400)
            assert result.ok, cluster.explain(result)
            run = next(r for r in cluster.runs(dag_id) if r["dag_run_id"] == run_id)
            assert run["run_type"] == "asset_triggered", run
            runs[dag_id] = run_id
        log = cluster.task_log("sync_invoices", runs["sync_invoices"], "pair.summarise", map_index=0)
        assert "invoices" in log and "created=" in log
        # let runs the schedules started on their own finish before checking the books
        deadline = time.monotonic() + 300
        while any(r["state"] in ("queued", "running") for d in ["nightly_alignment", *dags]
                  for r in cluster.runs(d)) and time.monotonic() < deadline:
            time.sleep(1)
        for entity in ENTITIES:
            result = verify.check(entity, "harbour", RunInfo(f"verify-{entity}", "verify"))
            assert result.aligned, (entity, result.would_write, result.unexplained)
        refused = [c for c in xero.calls() + quickbooks.calls() if c["status"] == 429]
        assert not refused, "pacing kept every call under the ledgers' limits"
    finally:
        xero.stop()
        quickbooks.stop()
        drop_database(name)
