"""Run DAGs in order through a real Airflow on the demo's metadata database (what ``make demo`` uses).

Starts an api-server, a scheduler (LocalExecutor) and a dag-processor on a free port with the environment
scripts/devenv.py sets, triggers each DAG after the previous one finished, and stops Airflow again. The runs, task
states and task logs stay in the metadata database and .local/airflow/logs, where ``make up`` shows them.
DAGs it had to unpause are paused again, so their schedules do not fire later in ``make up``.

    python scripts/devenv.py exec -- .venv/bin/python scripts/airflow_run.py sync_contacts sync_invoices \\
        [--conf JSON] [--env NAME=VALUE ...] [--connection CONN_ID=JSON_OR_URI ...] [--timeout SECONDS]

From Python (scripts/demo.py)::

    from scripts.airflow_run import run_dags
    results = run_dags(["sync_contacts", "sync_invoices"], env={"AIRFLOW_CONN_XERO_DEFAULT": ...})
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `scripts.*` when run as a file

from scripts.airflow_api import RunResult  # noqa: E402
from scripts.airflowctl import AirflowCluster, ClusterError, ClusterSettings  # noqa: E402


def run_dags(dag_ids: Sequence[str], *, conf: Mapping[str, Any] | None = None,
             env: Mapping[str, str] | None = None, connections: Mapping[str, Any] | None = None,
             timeout: float = 600.0, schedules: bool = False, stop_on_failure: bool = True,
             say: Callable[[str], None] = print,
             answer: Callable[[AirflowCluster], None] | None = None) -> list[RunResult]:
    """Run ``dag_ids`` one after the other, each with ``conf``; return their results (stops at a failure).

    ``env`` reaches every task (e.g. AIRFLOW_CONN_* for connections that live only for this run);
    ``connections`` are stored in the metadata database instead, so they show in the UI afterwards.
    With ``schedules=False`` (default) the scheduler creates no runs of its own, asset-triggered ones included:
    only the runs triggered here happen. ``answer(cluster)``, when given, is called while waiting for each run
    (e.g. to answer human-in-the-loop requests through the REST API, as the demo does).
    """
    settings = ClusterSettings.from_environ(schedules=schedules)
    settings.env.update(env or {})
    results: list[RunResult] = []
    with AirflowCluster.start(settings) as cluster:
        say(f"Airflow up at {cluster.url} in {cluster.timings['start']:.1f}s "
            f"(metadata db migrate {cluster.timings['migrate']:.1f}s)")
        for conn_id, value in (connections or {}).items():
            cluster.set_connection(conn_id, value)
        if answer is not None:
            polled = cluster.on_poll
            cluster.on_poll = lambda: (polled(), answer(cluster))  # type: ignore[method-assign]
        for dag_id in dag_ids:
            result = cluster.run(dag_id, conf, timeout=timeout)
            results.append(result)
            say(result.summary() if result.ok else cluster.explain(result))
            if not result.ok and stop_on_failure:
                break
    say(f"task logs: {settings.logs}; see the runs with `make up`")
    return results


def run_chain(head: str, chain: Sequence[str], *, conf: Mapping[str, Any] | None = None,
              env: Mapping[str, str] | None = None, connections: Mapping[str, Any] | None = None,
              timeout: float = 900.0, say: Callable[[str], None] = print,
              answer: Callable[[AirflowCluster], None] | None = None) -> list[RunResult]:
    """Trigger ``head`` once under the real scheduler and follow the DAGs of ``chain`` it starts through asset
    events, as production runs; return the results in chain order (head first), stopping at the first failure.

    Every DAG is unpaused for the run (asset-triggered runs need it) and left so (the chain stays runnable from the
    UI afterwards); ``connections`` are stored in the metadata database, where the UI shows them.
    """
    import time  # noqa: PLC0415

    settings = ClusterSettings.from_environ(schedules=True)
    settings.env.update(env or {})
    for conn_id in connections or {}:  # the stored connection, not an environment variable, is what tasks read
        settings.env.pop(f"AIRFLOW_CONN_{conn_id.upper()}", None)
    results: list[RunResult] = []
    with AirflowCluster.start(settings) as cluster:
        say(f"Airflow up at {cluster.url} in {cluster.timings['start']:.1f}s "
            f"(metadata db migrate {cluster.timings['migrate']:.1f}s)")
        for conn_id, value in (connections or {}).items():
            cluster.set_connection(conn_id, value)
        if answer is not None:  # e.g. human-in-the-loop requests answered through the REST API (the demo)
            polled = cluster.on_poll
            cluster.on_poll = lambda: (polled(), answer(cluster))  # type: ignore[method-assign]
        for dag_id in [head, *chain]:
            cluster.wait_for_dag(dag_id, timeout=300)
            cluster.set_paused(dag_id, False)
        known = {dag_id: {r["dag_run_id"] for r in cluster.runs(dag_id)} for dag_id in chain}
        started = time.monotonic()
        head_run = cluster.trigger(head, conf)
        result = cluster.wait(head, head_run, timeout=timeout)
        results.append(result)
        say(result.summary() if result.ok else cluster.explain(result))
        for dag_id in chain:
            if not result.ok:
                break
            left = max(30.0, timeout - (time.monotonic() - started))
            run_id = cluster.wait_for_new_run(dag_id, known[dag_id], timeout=left)
            result = cluster.wait(dag_id, run_id, timeout=left)
            results.append(result)
            say(result.summary() if result.ok else cluster.explain(result))
    say(f"task logs: {settings.logs}; see the runs with `make up`")
    return results


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            raise SystemExit(f"{what} must look like NAME=VALUE, got {value!r}")
        pairs[name] = rest
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="airflow_run.py", description=__doc__.splitlines()[0])
    parser.add_argument("dag_ids", nargs="+")
    parser.add_argument("--conf", default="{}", help="JSON conf for every run")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the tasks' environment")
    parser.add_argument("--connection", action="append", default=[], help="CONN_ID=JSON or URI, stored in Airflow")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per DAG run")
    args = parser.parse_args(argv)
    try:
        results = run_dags(args.dag_ids, conf=json.loads(args.conf), env=_pairs(args.env, "--env"),
                           connections=_pairs(args.connection, "--connection"), timeout=args.timeout)
    except ClusterError as exc:
        print(f"Airflow did not run: {exc}", file=sys.stderr)
        return 1
    return 0 if len(results) == len(args.dag_ids) and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
