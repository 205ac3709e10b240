"""Airflow 3 run as its separate components, the way the test harness, ``make demo`` and ``make up`` need it.

A cluster is an ``api-server``, a ``scheduler`` with the LocalExecutor and a ``dag-processor`` (a ``triggerer`` on
request), started as subprocesses of this process with one environment: the same AIRFLOW_HOME and metadata
database, one JWT secret (the scheduler signs the tokens tasks present to the api-server's execution API, so every
component must share it) and the execution-API URL of our api-server. Each component writes to its own log file;
errors carry the tails of those files so a failure on CI can be read from the test report.

    settings = ClusterSettings.from_environ()          # the env scripts/devenv.py sets (make demo / make up)
    with AirflowCluster.start(settings) as cluster:
        result = cluster.run("sync_contacts", {"pair": "harbour"}, timeout=600)

Nothing here imports Airflow: the components are ``python -m airflow ...`` processes and the cluster is driven over
the REST API (scripts/airflow_api.py).
"""

from __future__ import annotations

import atexit
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Mapping

from scripts.airflow_api import AirflowAPI, RunResult

ROOT = Path(__file__).resolve().parent.parent
DAGS = ROOT / "dags"
PLUGINS = ROOT / "plugins"
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
# Settings a caller may override through ClusterSettings.env. Tuned for a 2-core machine: one parsing process,
# a handful of task slots, and the api-server reading task logs from the shared log folder (no serve-logs port).
TUNABLES: dict[str, str] = {
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
    "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "2",
}


class ClusterError(RuntimeError):
    """A component did not start, died, or the cluster did not become healthy."""


@dataclass
class ClusterSettings:
    """Where a cluster keeps its state and how it behaves.

    ``schedules=False`` turns the scheduler's own run creation off (``[scheduler] use_job_schedule``): only
    triggered runs happen, which keeps tests and the demo deterministic. It also stops asset-triggered runs, so
    pass ``schedules=True`` to exercise an asset chain (and unpause the downstream DAG).
    """

    home: Path
    metadata_url: str  # SQLAlchemy URL, e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/ledgerbridge_airflow
    dags_folder: Path = DAGS
    plugins_folder: Path = PLUGINS
    log_folder: Path | None = None  # task logs; default <home>/logs
    host: str = "127.0.0.1"  # the api-server binds here only: the UI has no password
    port: int = 0  # 0: a free port
    public_host: str = "127.0.0.1"  # how the UI is addressed (base_url)
    schedules: bool = False
    paused_at_creation: bool = True
    triggerer: bool = False
    env: dict[str, str] = field(default_factory=dict)  # extra environment for every component (and their tasks)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ClusterSettings:
        """Settings from the environment scripts/devenv.py sets, keeping its AIRFLOW_CONN_*/AIRFLOW__* values."""
        environ = os.environ if environ is None else environ
        try:
            home, url = Path(environ["AIRFLOW_HOME"]), environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        except KeyError as missing:
            raise ClusterError(f"{missing} is not set: run through `python scripts/devenv.py exec -- ...` "
                               "(the Makefile does)") from None
        passed = {k: v for k, v in environ.items() if k.startswith("AIRFLOW_")}
        settings = cls(home=home, metadata_url=url,
                       dags_folder=Path(environ.get("AIRFLOW__CORE__DAGS_FOLDER", DAGS)),
                       plugins_folder=Path(environ.get("AIRFLOW__CORE__PLUGINS_FOLDER", PLUGINS)),
                       log_folder=Path(environ["AIRFLOW__LOGGING__BASE_LOG_FOLDER"])
                       if environ.get("AIRFLOW__LOGGING__BASE_LOG_FOLDER") else None,
                       env=passed)
        return replace(settings, **overrides)

    @property
    def logs(self) -> Path:
        return self.log_folder or self.home / "logs"

    def environ(self, port: int, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment every component runs with.

        Inherited AIRFLOW* variables are dropped so nothing from the calling shell (or a test's monkeypatch)
        leaks into a cluster; pass what the tasks need in ``env``.
        """
        base = os.environ if base is None else base
        env = {k: v for k, v in base.items() if not k.startswith("AIRFLOW")}
        env.update(TUNABLES)
        env.update(new_secrets())
        env.update(self.env)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), str(PLUGINS), *filter(None, [base.get("PYTHONPATH")])])
        internal = f"http://{self.host}:{port}"
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.metadata_url,
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(self.plugins_folder),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.logs),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": str(self.paused_at_creation),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.schedules),
            "AIRFLOW__API__HOST": self.host,
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": f"http://{self.public_host}:{port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{internal}/execution/",
        })
        return env


def new_secrets() -> dict[str, str]:
    """Per-start secrets shared by the components of one cluster (tokens are short-lived; nothing outlives it)."""
    return {"AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32)}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def airflow_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "airflow", *args]


def migrate(env: Mapping[str, str], timeout: float = 600.0) -> float:
    """``airflow db migrate`` (idempotent; Airflow serialises concurrent runs with a database lock). Seconds taken."""
    started = time.monotonic()
    done = subprocess.run(airflow_command("db", "migrate"), env=dict(env), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise ClusterError(f"airflow db migrate failed ({done.returncode}):\n{_tail(done.stdout + done.stderr)}")
    # the pools tasks calling each ledger run in (config/pools.json); importing is idempotent
    pools = subprocess.run(airflow_command("pools", "import", str(ROOT / "config" / "pools.json")), env=dict(env),
                           cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if pools.returncode != 0:
        raise ClusterError(f"airflow pools import failed ({pools.returncode}):\n{_tail(pools.stdout + pools.stderr)}")
    return time.monotonic() - started


def live_schedulers(metadata_url: str, within_seconds: int = 60) -> list[str]:
    """Hostnames of schedulers that heartbeat on this metadata database recently (another cluster using it)."""
    import psycopg  # noqa: PLC0415 - only the persistent (demo/UI) set-ups ask

    url = metadata_url.replace("postgresql+psycopg2://", "postgresql://").replace("postgresql+psycopg://",
                                                                                  "postgresql://")
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT hostname FROM job WHERE job_type = 'SchedulerJob' AND state = 'running' "
            "AND latest_heartbeat > now() - make_interval(secs => %s)", (within_seconds,)).fetchall()
    return [row[0] for row in rows]


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _die_with_parent() -> None:
    # Linux: if the process that started the cluster is killed outright (no finaliser runs), each component gets
    # SIGTERM and shuts its own children down, so no orphan keeps a port or the database busy.
    try:
        import ctypes  # noqa: PLC0415

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Component:
    name: str
    process: subprocess.Popen
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return _tail(text, lines)

    def signal(self, signum: int) -> None:
        try:  # started with start_new_session: the group id is the leader's pid
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def wait(self, deadline: float) -> None:
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass


def stop_components(components: list[Component], timeout: float) -> None:
    """SIGTERM each process group, wait for the leaders, then SIGKILL whatever of the groups is left."""
    for component in components:
        component.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for component in components:
        component.wait(deadline)
    for component in components:
        if component.alive():
            print(f"airflowctl: {component.name} ignored SIGTERM for {timeout:.0f}s; killing it "
                  f"(log: {component.log_path})", file=sys.stderr)
        component.signal(signal.SIGKILL)
        component.wait(time.monotonic() + 10)
        component._log.close()


class AirflowCluster(AirflowAPI):
    """Running components plus the REST client of their api-server (see :class:`scripts.airflow_api.AirflowAPI`)."""

    def __init__(self, settings: ClusterSettings, env: dict[str, str], port: int, process_logs: Path) -> None:
        super().__init__(f"http://{settings.host}:{port}")
        self.settings = settings
        self.env = env
        self.port = port
        self.process_logs = process_logs
        self.components: list[Component] = []
        self.timings: dict[str, float] = {}

    @property
    def url(self) -> str:
        """The UI's address."""
        return f"http://{self.settings.public_host}:{self.port}"

    @classmethod
    def start(cls, settings: ClusterSettings, *, migrate_db: bool = True, exclusive: bool = True,
              timeout: float = 120.0, process_logs: Path | None = None) -> AirflowCluster:
        """Migrate the metadata database, start the components and wait until the api-server reports the
        scheduler and dag-processor healthy.

        ``exclusive`` refuses to start when another scheduler is alive on the same metadata database (e.g.
        ``make demo`` while ``make up`` runs): its tasks would run with the other cluster's environment.
        """
        settings.home.mkdir(parents=True, exist_ok=True)
        process_logs = process_logs or settings.home / "processes"
        process_logs.mkdir(parents=True, exist_ok=True)
        migrated: float | None = None
        for attempt in range(3):
            port = settings.port or free_port(settings.host)
            cluster = cls(settings, settings.environ(port), port, process_logs)
            if migrated is None:
                migrated = migrate(cluster.env) if migrate_db else 0.0
                if exclusive and (others := live_schedulers(settings.metadata_url)):
                    raise ClusterError(f"a scheduler is already running on {settings.metadata_url} (host "
                                       f"{others[0]}); stop it first (`make down` stops the `make up` stack), or wait a "
                                       "minute if it just died")
            cluster.timings["migrate"] = migrated
            try:
                cluster._start_components(timeout)
                return cluster
            except ClusterError as exc:
                # A free port picked here can be taken before the api-server binds it: try another one.
                if settings.port or attempt == 2 or "address already in use" not in str(exc).lower():
                    raise
        raise AssertionError("unreachable")

    def _start_components(self, timeout: float) -> None:
        started = time.monotonic()
        atexit.register(self.stop)
        try:
            self._spawn("api-server", "api-server", "--host", self.settings.host, "--port", str(self.port))
            self._spawn("scheduler", "scheduler", "--skip-serve-logs")
            self._spawn("dag-processor", "dag-processor")
            if self.settings.triggerer:
                self._spawn("triggerer", "triggerer", "--skip-serve-logs")
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        self.timings["start"] = time.monotonic() - started

    def _spawn(self, name: str, *args: str) -> None:
        log_path = self.process_logs / f"{name}.log"
        log = open(log_path, "ab")  # noqa: SIM115 - closed in stop_components
        process = subprocess.Popen(airflow_command(*args), env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        self.components.append(Component(name, process, log_path, log))

    @property
    def running(self) -> bool:
        return bool(self.components) and all(c.alive() for c in self.components)

    def check_alive(self) -> None:
        dead = [c for c in self.components if not c.alive()]
        if dead:
            raise ClusterError(f"{dead[0].name} exited with code {dead[0].process.returncode}\n"
                               + self.process_tails())

    def wait_healthy(self, timeout: float = 120.0) -> dict[str, Any]:
        wanted = ["scheduler", "dag_processor"] + (["triggerer"] if self.settings.triggerer else [])
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                last = self.health(timeout=3.0)
                if all((last.get(part) or {}).get("status") == "healthy" for part in wanted):
                    return last
            except Exception as exc:  # noqa: BLE001 - not listening yet; the deadline decides
                last = exc
            time.sleep(0.5)
        raise ClusterError(f"Airflow not healthy after {timeout:.0f}s (last answer: {last!r})\n"
                           + self.process_tails())

    def on_poll(self) -> None:
        self.check_alive()

    def process_tails(self, lines: int = 40) -> str:
        return "\n".join(f"----- {c.name} ({c.log_path}) -----\n{c.tail(lines)}" for c in self.components)

    def explain(self, result: RunResult, lines: int = 60, process_lines: int = 20) -> str:
        """Everything needed to read a failed run: task states, the logs of tasks that did not succeed, and the
        components' log tails."""
        parts = [result.summary()]
        for key, ti in sorted(result.tasks.items()):
            if ti.state in ("success", "skipped") or ti.try_number < 1:
                continue
            try:
                text = self.task_log(result.dag_id, result.run_id, ti.task_id, ti.try_number, map_index=ti.map_index)
            except Exception as exc:  # noqa: BLE001 - the explanation must not hide the original failure
                text = f"(log unavailable: {exc})"
            parts.append(f"----- task {key} try {ti.try_number} ({ti.state}) -----\n{_tail(text, lines)}")
        parts.append(self.process_tails(process_lines))
        return "\n".join(parts)

    def stop(self, timeout: float = 20.0) -> None:
        """Pause again what we unpaused, then stop scheduler, dag-processor, triggerer and api-server."""
        if not self.components:
            return
        if any(c.name == "api-server" and c.alive() for c in self.components):
            try:
                self.restore_paused()
            except Exception:  # noqa: BLE001 - stopping must go on
                pass
        # the api-server last: tasks still finishing report their state through it
        stop_components([c for c in self.components if c.name != "api-server"], timeout)
        stop_components([c for c in self.components if c.name == "api-server"], timeout)
        self.components.clear()
        atexit.unregister(self.stop)

    def __enter__(self) -> AirflowCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
