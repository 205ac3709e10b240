"""Reading and writing the Airflow connections of the ledgers through Airflow itself, never its tables.

Reading uses Airflow's own lookup (``Connection.get_connection_from_secrets``: environment variables, a secrets
backend, then the metadata database). Writing runs Airflow's CLI, ``airflow connections import FILE --overwrite``,
with the connection in a 0600 temporary file removed straight after, so the client secret is never on a command
line (``ps`` shows command lines to every user).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

from ledgerbridge.oauth_flow import ConnectError


def get(conn_id: str) -> Any | None:
    """The Airflow connection ``conn_id`` (any source), or None."""
    os.environ.setdefault("_AIRFLOW_PROCESS_CONTEXT", "server")
    from airflow.exceptions import AirflowNotFoundException  # noqa: PLC0415 - Airflow is slow to import
    from airflow.models.connection import Connection  # noqa: PLC0415

    try:
        return Connection.get_connection_from_secrets(conn_id)
    except AirflowNotFoundException:
        return None
    except Exception as exc:  # noqa: BLE001 - checked before the consent, so no code is spent for nothing
        raise ConnectError(f"Airflow's connections cannot be read ({type(exc).__name__}): is its metadata database "
                           "set up (make airflow, or airflow db migrate) and this the Airflow environment?") from None


def put(conn_id: str, conn_type: str, login: str, password: str, extra: dict[str, Any], *,
        description: str = "") -> None:
    """Create or replace ``conn_id`` in Airflow's metadata database through its CLI."""
    if os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}"):
        raise ConnectError(f"connection {conn_id!r} is defined by the environment variable "
                           f"AIRFLOW_CONN_{conn_id.upper()}, which would hide the one connect stores; unset it")
    body = {conn_id: {"conn_type": conn_type, "login": login, "password": password, "extra": json.dumps(extra),
                      "description": description}}
    fd, path = tempfile.mkstemp(prefix="lb-connect-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(body, handle)
        result = subprocess.run([sys.executable, "-m", "airflow", "connections", "import", path, "--overwrite"],
                                capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(path)
    if result.returncode != 0 or f"Imported connection {conn_id}" not in result.stdout:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ConnectError(f"Airflow did not store connection {conn_id!r}: {tail[0][:300]}")


def delete(conn_id: str) -> bool:
    result = subprocess.run([sys.executable, "-m", "airflow", "connections", "delete", conn_id],
                            capture_output=True, text=True, timeout=600)
    return result.returncode == 0
