"""``make up`` / ``make down`` / ``make psql``: the local stack an operator works in, kept up in the background.

``make up`` (after ``make demo``, or on its own: it seeds the sandbox books when there are none) starts, and leaves
running until ``make down``:

- PostgreSQL: LEDGERBRIDGE_DB_URL's server, else the embedded one under .local/pg (started if needed);
- both sandboxes on the demo's books in .local/sandbox (ports LEDGERBRIDGE_XERO_PORT / LEDGERBRIDGE_QUICKBOOKS_PORT,
  default 8701 / 8702);
- Airflow (api-server, scheduler, dag-processor) on the demo's metadata database, the UI at
  http://localhost:$LEDGERBRIDGE_AIRFLOW_PORT (default 8080).

Then it stores, through Airflow's REST API, the connections the tasks use (``ledger_db`` pointing at the demo's
database, and each pair's Xero and QuickBooks connections pointing at the sandboxes, except a connection that
already reaches a real organisation, which is kept) in Airflow's metadata database,
where Admin -> Connections shows them and a restart keeps them, and unpauses the ledgerbridge DAGs so a cleared task
or a triggered run goes ahead (see the README, "The operator's loop", for how a production deployment chooses).

    python scripts/stack.py up | down | status | psql [psql args]
    python scripts/stack.py serve        # the supervisor `up` starts in the background (foreground; Ctrl-C stops)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from scripts import devenv  # noqa: E402

STACK = Path(os.environ.get("LEDGERBRIDGE_STACK_DIR", devenv.LOCAL / "stack"))
STATE_FILE = STACK / "state.json"
LOG_FILE = STACK / "stack.log"
SANDBOX_STATE = Path(os.environ.get("LEDGERBRIDGE_SANDBOX_STATE", devenv.LOCAL / "sandbox"))
SANDBOX_ARGS = os.environ.get("LEDGERBRIDGE_SANDBOX_ARGS", "").split()  # e.g. "--rate-limits off" (tests)
SEED, SIZE = os.environ.get("LEDGERBRIDGE_DEMO_SEED", "42"), os.environ.get("LEDGERBRIDGE_DEMO_SIZE", "40")


def say(text: str = "") -> None:
    print(text, flush=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def read_state() -> dict[str, Any] | None:
    """The running stack's state (None when no stack runs)."""
    try:
        state = json.loads(STATE_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return state if _alive(int(state.get("pid", 0))) else None


def server_url() -> tuple[str, bool]:
    """The PostgreSQL server's URL, and whether we started the embedded one for it."""
    url = os.environ.get("LEDGERBRIDGE_DB_URL")
    if url:
        return url, False
    started = not devenv.embedded_running()
    return devenv.pg_start(), started


def connection_value(ledger: str, info: dict[str, Any]) -> dict[str, Any]:
    """The Airflow connection a person would create for a sandbox (the fields the UI form shows)."""
    extra: dict[str, Any] = {"refresh_token": info["refresh_token"], "api_url": info["base_url"],
                             "oauth_url": info["token_url"]}
    if ledger == "xero":
        extra.update(tenant_id=info["tenant_id"], connections_url=info["connections_url"])
    else:
        extra.update(realm_id=info["realm_id"])
    return {"conn_type": ledger, "login": info["client_id"], "password": info["client_secret"], "extra": extra}


def points_at_sandbox(connection: dict[str, Any]) -> bool:
    """Whether a stored connection (as the REST API shows it) reaches a local sandbox rather than a real ledger."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    try:
        extra = json.loads(connection.get("extra") or "{}")
    except ValueError:
        return False
    host = urlsplit(str(extra.get("api_url") or "")).hostname
    return host in ("127.0.0.1", "localhost", "::1")


def postgres_connection(url: str) -> dict[str, Any]:
    from urllib.parse import unquote, urlsplit  # noqa: PLC0415

    parts = urlsplit(url)
    return {"conn_type": "postgres", "host": parts.hostname, "port": parts.port or 5432,
            "login": unquote(parts.username or "") or None, "password": unquote(parts.password or "") or None,
            "schema": parts.path.lstrip("/"), "description": "ledgerbridge's own tables (set by make up)"}


def ledgerbridge_dags() -> list[str]:
    from reconcile.entities import STAGES  # noqa: PLC0415

    return ["nightly_alignment", *[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]


def pair_conn_ids() -> dict[str, str]:
    """conn_id -> ledger for every pair in the pairs file."""
    from reconcile.config import load_pairs  # noqa: PLC0415

    ids: dict[str, str] = {}
    for pair in load_pairs().values():
        ids[pair.xero_conn_id] = "xero"
        ids[pair.quickbooks_conn_id] = "quickbooks"
    return ids


# --- the supervisor ---------------------------------------------------------------------------------------------------
def serve() -> int:
    """Start sandboxes and Airflow, register the connections, unpause the DAGs, then wait until SIGTERM/Ctrl-C."""
    from sandbox import process  # noqa: PLC0415
    from scripts.airflowctl import AirflowCluster, ClusterSettings  # noqa: PLC0415

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = os.environ["LEDGERBRIDGE_DB_URL"]
    db_url = devenv.ledger_db_url(server)
    boxes: dict[str, Any] = {}
    cluster = None
    try:
        ports = {"xero": os.environ.get("LEDGERBRIDGE_XERO_PORT", "8701"),
                 "quickbooks": os.environ.get("LEDGERBRIDGE_QUICKBOOKS_PORT", "8702")}
        for ledger in ("xero", "quickbooks"):
            state = SANDBOX_STATE / ledger
            seed = [] if state.exists() else ["--seed", SEED, "--size", SIZE]  # no demo yet: the same books
            boxes[ledger] = process.start(ledger, "--port", ports[ledger], "--state", str(state), *seed,
                                          *SANDBOX_ARGS)
            say(f"sandbox {ledger} at {boxes[ledger].base_url} on {state}")
        from ledgerbridge.migrate import migrate  # noqa: PLC0415

        migrate(db_url)
        port = int(os.environ.get("LEDGERBRIDGE_AIRFLOW_PORT", "8080"))
        # connections live in the metadata database (visible and editable in the UI), not in the environment,
        # where they would shadow what a person saves in the form
        environ = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
        settings = ClusterSettings.from_environ(environ, port=port, public_host="localhost", schedules=True,
                                                paused_at_creation=True)
        settings.env["LEDGERBRIDGE_DB_URL"] = db_url
        cluster = AirflowCluster.start(settings, timeout=300)
        say(f"Airflow at {cluster.url} in {cluster.timings['start']:.0f}s")
        cluster.set_connection("ledger_db", postgres_connection(db_url))
        for conn_id, ledger in pair_conn_ids().items():
            existing = cluster.call("GET", f"/connections/{conn_id}", ok_missing=True)
            if existing is not None and not points_at_sandbox(existing):
                say(f"keeping connection {conn_id}: it reaches a real organisation (`make connect` made it)")
                continue
            cluster.set_connection(conn_id, connection_value(ledger, boxes[ledger].info))
        for dag_id in ledgerbridge_dags():
            cluster.wait_for_dag(dag_id, timeout=300)
            cluster.set_paused(dag_id, False)
        STATE_FILE.write_text(json.dumps({
            "pid": os.getpid(), "ui": cluster.url, "db_url": db_url, "metadata_url": settings.metadata_url,
            "sandboxes": {k: b.base_url for k, b in boxes.items()}, "logs": str(cluster.process_logs),
            "pg_started": os.environ.get("LEDGERBRIDGE_STACK_PG_STARTED") == "1",
        }, indent=2))
        say("ready")
        while True:
            time.sleep(2)
            cluster.check_alive()
            for box in boxes.values():
                if box.proc.poll() is not None:
                    raise RuntimeError(f"sandbox {box.ledger} exited with {box.proc.returncode}")
    except KeyboardInterrupt:
        say("stopping ...")
        return 0
    finally:
        STATE_FILE.unlink(missing_ok=True)
        if cluster is not None:
            cluster.stop()
        for box in boxes.values():
            box.stop()


# --- the commands ----------------------------------------------------------------------------------------------------
def describe(state: dict[str, Any]) -> str:
    return f"""
  Airflow UI       {state['ui']}   (no login: every user is an admin; 127.0.0.1 only)
  ledgerbridge     {state['ui']}/ledgerbridge/   (run summary and open exception queue; "ledgerbridge" in the nav)
  Xero sandbox     {state['sandboxes']['xero']}
  QuickBooks       {state['sandboxes']['quickbooks']}
  ledgerbridge DB  make psql   (psql {state['db_url']})
  Logs             {LOG_FILE}, {state['logs']}

`make down` stops it all."""


def up(timeout: float = 420.0) -> int:
    STACK.mkdir(parents=True, exist_ok=True)
    running = read_state()
    if running:
        say("the stack is already up:" + describe(running))
        return 0
    server, pg_started = server_url()
    devenv._wait_for(server)
    env = devenv.project_env(server)
    devenv.ensure_database(server, env.get("LEDGERBRIDGE_AIRFLOW_DB", "ledgerbridge_airflow"))
    devenv.ensure_database(server, devenv.demo_db_name())
    env["LEDGERBRIDGE_STACK_PG_STARTED"] = "1" if pg_started else "0"
    STATE_FILE.unlink(missing_ok=True)
    say(f"starting the stack (log: {LOG_FILE}) ...")
    with open(LOG_FILE, "ab") as log:
        child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve"], env=env, cwd=ROOT,
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            tail = "\n".join(LOG_FILE.read_text(errors="replace").splitlines()[-40:])
            say(f"the stack did not start (exit {child.returncode}):\n{tail}")
            return 1
        state = read_state()
        if state:
            say("the stack is up:" + describe(state))
            return 0
        time.sleep(1)
    say(f"the stack did not start within {timeout:.0f}s; see {LOG_FILE}. Stopping it.")
    down()
    return 1


def down(timeout: float = 90.0) -> int:
    try:
        state = json.loads(STATE_FILE.read_text())
    except (FileNotFoundError, ValueError):
        state = None
    pid = int(state["pid"]) if state else 0
    if not pid or not _alive(pid):
        say("the stack is not running")
        STATE_FILE.unlink(missing_ok=True)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    if _alive(pid):
        say(f"the stack's supervisor {pid} did not stop in {timeout:.0f}s; killing its process group")
        os.killpg(pid, signal.SIGKILL)
    if state.get("pg_started"):
        devenv.pg_stop()
    STATE_FILE.unlink(missing_ok=True)
    say("the stack is down")
    return 0


def psql(args: list[str]) -> int:
    import shutil  # noqa: PLC0415

    state = read_state()
    if state:
        url = state["db_url"]
    else:
        server = os.environ.get("LEDGERBRIDGE_DB_URL") or (devenv.embedded_url() if devenv.embedded_running() else None)
        if not server:
            say("no database server is running: `make up` first")
            return 1
        url = devenv.ledger_db_url(server)
    binary = shutil.which("psql")
    if binary is None:
        try:
            candidate = devenv._pg_bin() / "psql"
            binary = str(candidate) if candidate.exists() else None
        except ImportError:
            binary = None
    if binary is None:
        say(f"no psql client found; connect any PostgreSQL client to {url}")
        return 1
    os.execv(binary, [binary, url, *args])
    return 0  # not reached


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "up":
        return up()
    if command == "down":
        return down()
    if command == "serve":
        return serve()
    if command == "psql":
        return psql(argv[1:])
    if command == "status":
        state = read_state()
        say("the stack is up:" + describe(state) if state else "the stack is not running (`make up` starts it)")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
