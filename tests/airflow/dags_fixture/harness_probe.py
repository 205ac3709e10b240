"""Throw-away DAGs that prove the Airflow test harness: conf reaches tasks, a retry happens, logs are kept.

``harness_probe`` fails its first task once (a marker file in ``conf["marker_dir"]`` remembers the first try),
so a successful run proves that a retry ran. ``harness_broken`` always fails, so a harness that reported
success regardless would be caught. ``harness_env`` returns what a task sees of its connection and environment.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import BaseHook, dag, get_current_context, task

_DEFAULTS = {"retries": 1, "retry_delay": timedelta(seconds=1)}


@dag(dag_id="harness_probe", schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args=_DEFAULTS, tags=["test"], doc_md=__doc__, max_active_runs=1)
def harness_probe() -> None:
    @task
    def flaky() -> int:
        context = get_current_context()
        marker = Path(context["dag_run"].conf["marker_dir"]) / f"{context['run_id']}.first-try"
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("failed once")
            raise RuntimeError("harness probe: failing the first try on purpose")
        return context["ti"].try_number

    @task
    def report(try_number: int) -> str:
        context = get_current_context()
        greeting = context["dag_run"].conf.get("greeting")
        line = f"harness probe: flaky succeeded on try {try_number}, greeting={greeting}"
        print(line)
        return line

    report(flaky())


@dag(dag_id="harness_broken", schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args={"retries": 0}, tags=["test"], doc_md=__doc__)
def harness_broken() -> None:
    @task
    def boom() -> None:
        raise ValueError("harness broken: this task always fails")

    @task
    def never(_: None) -> None:
        raise AssertionError("must not run after an upstream failure")

    never(boom())


@dag(dag_id="harness_env", schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args={"retries": 0}, tags=["test"], doc_md=__doc__)
def harness_env() -> None:
    @task
    def look() -> dict:
        conn = BaseHook.get_connection(get_current_context()["dag_run"].conf["conn_id"])
        return {"host": conn.host, "extra": conn.extra_dejson, "marker": os.environ.get("LB_HARNESS_MARKER")}

    look()


harness_probe()
harness_broken()
harness_env()
