"""A small client for the Airflow 3 REST API (``/api/v2``): trigger DAG runs, wait for them, read their tasks and logs.

Used by the test harness (tests/fixtures/airflow.py), ``make demo`` and ``make up`` through
:class:`scripts.airflowctl.AirflowCluster`. It talks plain HTTP with ``requests``, so it never imports Airflow and can
run in any process. Our clusters use the SimpleAuthManager with every user an admin, which authorises every request
on the server side; no token is needed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests

TERMINAL_RUN_STATES = frozenset({"success", "failed"})
_PAGE = 100  # the api-server's default [api] maximum_page_limit


class AirflowAPIError(RuntimeError):
    """The api-server answered with an error status."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} -> HTTP {status}: {body[:2000]}")
        self.status = status


@dataclass(frozen=True)
class TaskRun:
    """One task instance of a DAG run as Airflow recorded it."""

    task_id: str
    map_index: int
    state: str | None
    try_number: int

    @property
    def key(self) -> str:
        return self.task_id if self.map_index < 0 else f"{self.task_id}[{self.map_index}]"


@dataclass
class RunResult:
    """A finished (or timed-out) DAG run: its state, its task instances and the values its tasks returned."""

    dag_id: str
    run_id: str
    state: str
    tasks: dict[str, TaskRun] = field(default_factory=dict)
    returns: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.state == "success"

    @property
    def task_states(self) -> dict[str, str | None]:
        """``{task_key: state}``; mapped task instances appear as ``task_id[i]``."""
        return {key: ti.state for key, ti in self.tasks.items()}

    def summary(self) -> str:
        states = ", ".join(f"{key}={ti.state}(try {ti.try_number})" for key, ti in sorted(self.tasks.items()))
        return f"{self.dag_id} {self.run_id}: {self.state} in {self.seconds:.1f}s [{states}]"


def connection_body(conn_id: str, value: str | Mapping[str, Any]) -> dict[str, Any]:
    """The REST body for a connection given as Airflow's JSON form (as in AIRFLOW_CONN_*) or a URI.

    URIs are read the simple way: ``type://login:password@host:port/schema?extra_key=value``.
    """
    if isinstance(value, str) and value.lstrip().startswith("{"):
        value = json.loads(value)
    if isinstance(value, Mapping):
        extra = value.get("extra")
        return {
            "connection_id": conn_id,
            "conn_type": value["conn_type"],
            "host": value.get("host"),
            "login": value.get("login"),
            "password": value.get("password"),
            "schema": value.get("schema"),
            "port": value.get("port"),
            "extra": json.dumps(extra) if isinstance(extra, Mapping) else extra,
            "description": value.get("description"),
        }
    parts = urlsplit(value)
    extra = dict(parse_qsl(parts.query))
    return {
        "connection_id": conn_id,
        "conn_type": parts.scheme.replace("-", "_"),
        "host": unquote(parts.hostname or "") or None,
        "login": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "schema": unquote(parts.path.lstrip("/")) or None,
        "port": parts.port,
        "extra": json.dumps(extra) if extra else None,
    }


def render_log(content: list[Any]) -> str:
    """Structured log records from the logs endpoint as text lines, the way the UI shows them."""
    lines = []
    for record in content:
        if not isinstance(record, Mapping):
            lines.append(str(record))
            continue
        head = " ".join(str(record[k]) for k in ("timestamp", "level") if record.get(k))
        lines.append(f"{head} {record.get('event', '')}".strip())
        for detail in record.get("error_detail") or []:
            if isinstance(detail, Mapping):
                lines.append(f"  {detail.get('exc_type')}: {detail.get('exc_value')}")
    return "\n".join(lines)


class AirflowAPI:
    """Calls to one api-server; ``base_url`` is the server root, e.g. ``http://127.0.0.1:8080``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Accept"] = "application/json"
        self.request_timeout = timeout
        self._unpaused: list[str] = []

    # --- plumbing ------------------------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, ok_missing: bool = False, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.request_timeout)
        response = self.http.request(method, f"{self.base_url}/api/v2{path}", **kwargs)
        if ok_missing and response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise AirflowAPIError(method, path, response.status_code, response.text)
        return response.json() if response.content else None

    @staticmethod
    def _q(value: str) -> str:
        return quote(value, safe="")

    def on_poll(self) -> None:
        """Called while waiting for a run; a cluster checks that its processes are still alive."""

    def health(self, timeout: float | None = None) -> dict[str, Any]:
        return self.call("GET", "/monitor/health", timeout=timeout or self.request_timeout)

    # --- DAGs ----------------------------------------------------------------------------------------------------
    def dag(self, dag_id: str) -> dict[str, Any] | None:
        return self.call("GET", f"/dags/{self._q(dag_id)}", ok_missing=True)

    def import_errors(self) -> list[dict[str, Any]]:
        return self.call("GET", "/importErrors", params={"limit": _PAGE})["import_errors"]

    def wait_for_dag(self, dag_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Wait until the dag-processor has parsed ``dag_id``; fail with the import errors if it never appears."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.dag(dag_id)
            if found is not None:
                return found
            self.on_poll()
            if time.monotonic() > deadline:
                errors = "\n".join(f"{e['filename']}:\n{e['stack_trace']}" for e in self.import_errors())
                raise TimeoutError(f"DAG {dag_id!r} was not parsed within {timeout:.0f}s. "
                                   f"Import errors: {errors or 'none'}")
            time.sleep(0.5)

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self.call("PATCH", f"/dags/{self._q(dag_id)}", json={"is_paused": paused})

    def restore_paused(self) -> None:
        """Pause again the DAGs this client unpaused to run them, so their schedules stay off afterwards."""
        while self._unpaused:
            self.set_paused(self._unpaused.pop(), True)

    # --- runs ----------------------------------------------------------------------------------------------------
    def trigger(self, dag_id: str, conf: Mapping[str, Any] | None = None, *, dag_timeout: float = 60.0) -> str:
        """Start a manual run of ``dag_id`` with ``conf`` (unpausing the DAG if needed) and return its run id."""
        dag = self.wait_for_dag(dag_id, timeout=dag_timeout)
        if dag.get("is_paused"):
            self.set_paused(dag_id, False)
            self._unpaused.append(dag_id)
        run = self.call("POST", f"/dags/{self._q(dag_id)}/dagRuns",
                        json={"logical_date": None, "conf": dict(conf or {})})
        return run["dag_run_id"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.call("GET", f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}")["state"]

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/dags/{self._q(dag_id)}/dagRuns",
                         params={"limit": _PAGE, "order_by": "-run_after"})["dag_runs"]

    def wait_for_new_run(self, dag_id: str, known: set[str], timeout: float = 120.0) -> str:
        """Wait for a run of ``dag_id`` not in ``known`` (e.g. one an asset event triggered) and return its id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for run in self.runs(dag_id):
                if run["dag_run_id"] not in known:
                    return run["dag_run_id"]
            self.on_poll()
            time.sleep(0.5)
        raise TimeoutError(f"no new run of {dag_id!r} appeared within {timeout:.0f}s")

    def wait(self, dag_id: str, run_id: str, timeout: float = 300.0, *, started: float | None = None) -> RunResult:
        """Wait for the run to finish; return it (state ``"timeout"`` if it did not finish in time)."""
        started = time.monotonic() if started is None else started
        deadline = started + timeout
        state = self.run_state(dag_id, run_id)
        while state not in TERMINAL_RUN_STATES and time.monotonic() < deadline:
            self.on_poll()
            time.sleep(0.5)
            state = self.run_state(dag_id, run_id)
        tasks = self.task_instances(dag_id, run_id)
        returns = {key: self.xcom(dag_id, run_id, ti.task_id, map_index=ti.map_index)
                   for key, ti in tasks.items() if ti.state == "success"}
        return RunResult(dag_id, run_id, state if state in TERMINAL_RUN_STATES else "timeout", tasks,
                         {k: v for k, v in returns.items() if v is not None}, time.monotonic() - started)

    def run(self, dag_id: str, conf: Mapping[str, Any] | None = None, *, timeout: float = 300.0) -> RunResult:
        """Trigger ``dag_id`` with ``conf`` and wait for the run to finish."""
        started = time.monotonic()
        run_id = self.trigger(dag_id, conf)
        return self.wait(dag_id, run_id, timeout, started=started)

    # --- human-in-the-loop (Airflow's Required actions) ---------------------------------------------------------
    def hitl_waiting(self, dag_id: str = "~", run_id: str = "~") -> list[dict[str, Any]]:
        """Human-in-the-loop requests nobody has answered yet (what the UI's Required actions lists)."""
        answer = self.call("GET", f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}/hitlDetails",
                           params={"response_received": "false", "limit": 100})
        return list(answer.get("hitl_details") or [])

    def hitl_answer(self, dag_id: str, run_id: str, task_id: str, map_index: int, chosen: list[str],
                    params_input: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Answer one request as the UI does."""
        return self.call("PATCH", f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}/taskInstances/"
                                  f"{self._q(task_id)}/{map_index}/hitlDetails",
                         json={"chosen_options": chosen, "params_input": dict(params_input or {})})

    # --- task instances ------------------------------------------------------------------------------------------
    def task_instances(self, dag_id: str, run_id: str) -> dict[str, TaskRun]:
        tasks: dict[str, TaskRun] = {}
        offset = 0
        while True:
            page = self.call("GET", f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}/taskInstances",
                             params={"limit": _PAGE, "offset": offset})
            for item in page["task_instances"]:
                ti = TaskRun(item["task_id"], item.get("map_index", -1), item.get("state"), item.get("try_number", 0))
                tasks[ti.key] = ti
            offset += len(page["task_instances"])
            if not page["task_instances"] or offset >= page["total_entries"]:
                return tasks

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int | None = None, *,
                 map_index: int = -1) -> str:
        """The task's log for one try (default: its latest), read through the api-server as the UI reads it."""
        if try_number is None:
            key = task_id if map_index < 0 else f"{task_id}[{map_index}]"
            try_number = self.task_instances(dag_id, run_id)[key].try_number
        path = (f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}/taskInstances/{self._q(task_id)}"
                f"/logs/{try_number}")
        body = self.call("GET", path, params={"full_content": "true", "map_index": map_index})
        return render_log(body.get("content") or [])

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value", *,
             map_index: int = -1) -> Any:
        """An XCom value as stored (JSON), or None when the task pushed none."""
        path = (f"/dags/{self._q(dag_id)}/dagRuns/{self._q(run_id)}/taskInstances/{self._q(task_id)}"
                f"/xcomEntries/{self._q(key)}")
        body = self.call("GET", path, params={"map_index": map_index}, ok_missing=True)
        return None if body is None else body.get("value")

    # --- connections and variables ---------------------------------------------------------------------------------
    def set_connection(self, conn_id: str, value: str | Mapping[str, Any]) -> None:
        """Create or replace a connection in the metadata database (encrypted with its Fernet key)."""
        body = {"actions": [{"action": "create", "entities": [connection_body(conn_id, value)],
                             "action_on_existence": "overwrite"}]}
        self._check_bulk(self.call("PATCH", "/connections", json=body), f"connection {conn_id!r}")

    def set_variable(self, key: str, value: Any) -> None:
        text = value if isinstance(value, str) else json.dumps(value)
        body = {"actions": [{"action": "create", "entities": [{"key": key, "value": text}],
                             "action_on_existence": "overwrite"}]}
        self._check_bulk(self.call("PATCH", "/variables", json=body), f"variable {key!r}")

    @staticmethod
    def _check_bulk(answer: Mapping[str, Any], what: str) -> None:
        errors = (answer.get("create") or {}).get("errors") or []
        if errors:
            raise RuntimeError(f"Airflow refused {what}: {errors}")

