"""The Airflow harness itself: DAG runs through dag.test() and through a real scheduler carry conf, retry failed
tasks, report failures, and keep task logs where the UI reads them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scripts.airflow_api import RunResult, connection_body

FIXTURE_DAGS = Path(__file__).parent / "dags_fixture"


def test_dag_test_retries_a_task_and_passes_conf(run_dag, tmp_path: Path) -> None:
    result = run_dag("harness_probe", {"marker_dir": str(tmp_path), "greeting": "hello"}, dags_folder=FIXTURE_DAGS)

    assert result.state == "success", result.summary()
    assert result.task_states == {"flaky": "success", "report": "success"}
    assert result.tasks["flaky"].try_number == 2
    assert result.returns == {"flaky": 2, "report": "harness probe: flaky succeeded on try 2, greeting=hello"}
    assert (tmp_path / f"{result.run_id}.first-try").read_text() == "failed once"


def test_dag_test_reports_a_failed_run(run_dag) -> None:
    result = run_dag("harness_broken", dags_folder=FIXTURE_DAGS)

    assert result.state == "failed"
    assert result.task_states == {"boom": "failed", "never": "upstream_failed"}
    assert result.returns == {}


def test_dag_test_sees_connections_from_the_environment(run_dag, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_HARNESS_CONN", json.dumps(
        {"conn_type": "http", "host": "in-process.example", "extra": {"tenant": "t-1"}}))
    monkeypatch.setenv("LB_HARNESS_MARKER", "in-process")

    result = run_dag("harness_env", {"conn_id": "harness_conn"}, dags_folder=FIXTURE_DAGS)

    assert result.ok, result.summary()
    assert result.returns["look"] == {"host": "in-process.example", "extra": {"tenant": "t-1"},
                                      "marker": "in-process"}


def test_dag_test_names_the_import_error_of_a_missing_dag(run_dag, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("from airflow.sdk import dag\nraise ImportError('no such module: nope')\n")

    with pytest.raises(LookupError, match="no such module: nope"):
        run_dag("broken", dags_folder=tmp_path)


def test_airflow_uses_the_sessions_own_home_and_database(airflow_db: str) -> None:
    from airflow import settings

    assert airflow_db.rsplit("/", 1)[1].startswith(f"lb_airflow_{os.getpid()}_")
    assert settings.SQL_ALCHEMY_CONN == airflow_db  # set before Airflow was first imported
    home = Path(settings.AIRFLOW_HOME)
    assert home.name == "home" and home.parent.name.startswith("lb-airflow-")


def test_connections_are_given_as_json_or_uri() -> None:
    as_json = connection_body("a", '{"conn_type": "xero", "login": "id", "extra": {"tenant_id": "t"}}')
    as_uri = connection_body("b", "postgresql://user:p%40ss@db.example:5433/ledger?sslmode=disable")

    assert as_json["conn_type"] == "xero" and json.loads(as_json["extra"]) == {"tenant_id": "t"}
    assert (as_uri["conn_type"], as_uri["login"], as_uri["password"], as_uri["host"], as_uri["port"],
            as_uri["schema"], json.loads(as_uri["extra"])) == (
        "postgresql", "user", "p@ss", "db.example", 5433, "ledger", {"sslmode": "disable"})


@pytest.mark.scheduler
def test_scheduler_runs_retries_and_keeps_logs(airflow_cluster, tmp_path: Path) -> None:
    cluster = airflow_cluster(FIXTURE_DAGS, env={"LB_HARNESS_MARKER": "scheduled"})
    cluster.set_connection("harness_conn", {"conn_type": "http", "host": "metadata.example",
                                            "extra": {"tenant": "t-2"}})

    probe_id = cluster.trigger("harness_probe", {"marker_dir": str(tmp_path), "greeting": "scheduler"})
    broken_id = cluster.trigger("harness_broken")
    env_id = cluster.trigger("harness_env", {"conn_id": "harness_conn"})
    probe: RunResult = cluster.wait("harness_probe", probe_id, timeout=90)
    broken = cluster.wait("harness_broken", broken_id, timeout=60)
    seen = cluster.wait("harness_env", env_id, timeout=60)

    assert probe.ok, cluster.explain(probe)
    assert probe.task_states == {"flaky": "success", "report": "success"}
    assert probe.tasks["flaky"].try_number == 2
    assert probe.returns == {"flaky": 2, "report": "harness probe: flaky succeeded on try 2, greeting=scheduler"}
    assert "failing the first try on purpose" in cluster.task_log("harness_probe", probe_id, "flaky", 1)
    assert "greeting=scheduler" in cluster.task_log("harness_probe", probe_id, "report")
    assert list(cluster.settings.logs.glob("dag_id=harness_probe/run_id=*/task_id=flaky/attempt=*.log"))

    assert broken.state == "failed"
    assert broken.task_states == {"boom": "failed", "never": "upstream_failed"}
    assert "this task always fails" in cluster.explain(broken)

    assert seen.ok, cluster.explain(seen)
    assert seen.returns["look"] == {"host": "metadata.example", "extra": {"tenant": "t-2"}, "marker": "scheduled"}


@pytest.mark.scheduler
def test_cluster_stop_leaves_no_process_behind(airflow_cluster) -> None:
    cluster = airflow_cluster(FIXTURE_DAGS, env={"LB_HARNESS_MARKER": "scheduled"})
    groups = [c.process.pid for c in cluster.components]
    assert cluster.running

    cluster.stop()

    for pgid in groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)
    assert not cluster.running


@pytest.mark.scheduler
def test_scheduler_with_schedules_on_runs_asset_triggered_dags(airflow_cluster) -> None:
    cluster = airflow_cluster(FIXTURE_DAGS, schedules=True)
    cluster.wait_for_dag("harness_downstream")
    before = {run["dag_run_id"] for run in cluster.runs("harness_downstream")}

    upstream = cluster.run("harness_upstream", timeout=60)
    assert upstream.ok, cluster.explain(upstream)
    follower_id = cluster.wait_for_new_run("harness_downstream", before, timeout=60)
    follower = cluster.wait("harness_downstream", follower_id, timeout=60)

    assert follower.ok, cluster.explain(follower)
    assert follower.returns == {"follow": "asset_triggered"}
