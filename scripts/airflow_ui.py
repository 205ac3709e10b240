"""``make airflow``: the Airflow UI on the metadata database ``make demo`` records its runs in.

Runs under ``scripts/devenv.py exec`` (the Makefile does), which sets AIRFLOW_HOME=.local/airflow and the metadata
database. Migrates it if needed, starts api-server, scheduler (LocalExecutor) and dag-processor, prints where to
look, and stops them all on Ctrl-C.

    python scripts/devenv.py exec -- .venv/bin/python scripts/airflow_ui.py [--port 8080] [--triggerer]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `scripts.*` when run as a file

from scripts.airflowctl import AirflowCluster, ClusterError, ClusterSettings  # noqa: E402


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make airflow", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("LEDGERBRIDGE_AIRFLOW_PORT", "8080")))
    parser.add_argument("--triggerer", action="store_true", help="also start a triggerer (deferrable tasks)")
    args = parser.parse_args(argv)

    if _port_in_use(args.port):
        print(f"port {args.port} is in use (is `make airflow` already running?); choose another with "
              f"LEDGERBRIDGE_AIRFLOW_PORT=<port> make airflow", file=sys.stderr)
        return 1
    # Airflow's own behaviour here: schedules on, new DAGs paused. `make demo` leaves its DAGs paused again, so
    # nothing runs until someone unpauses or triggers a DAG in the UI.
    settings = ClusterSettings.from_environ(port=args.port, public_host="localhost", schedules=True,
                                            paused_at_creation=True, triggerer=args.triggerer)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    print(f"starting Airflow (api-server, scheduler, dag-processor) on {settings.home} ...", flush=True)
    try:
        cluster = AirflowCluster.start(settings)
    except ClusterError as exc:
        print(f"Airflow did not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        print(f"""
  Airflow UI     {cluster.url}
  Login          none needed: SimpleAuthManager with every user an admin (listening on 127.0.0.1 only)
  Metadata DB    {settings.metadata_url}
  DAGs           {settings.dags_folder}
  Task logs      {settings.logs}
  Process logs   {cluster.process_logs}
  Started in     {cluster.timings['start']:.1f}s (metadata db migrate {cluster.timings['migrate']:.1f}s)

Ctrl-C stops Airflow.""", flush=True)
        while True:
            time.sleep(1)
            cluster.check_alive()
    except KeyboardInterrupt:
        print("\nstopping Airflow ...", flush=True)
        return 0
    except ClusterError as exc:
        print(f"Airflow stopped unexpectedly: {exc}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
