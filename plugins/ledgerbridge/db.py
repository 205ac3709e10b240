"""Our PostgreSQL: where to find it, and the SQL files every statement lives in.

The database is the Airflow connection ``ledger_db`` when it exists, else ``LEDGERBRIDGE_DB_URL``. Statements are
read from ``include/sql/<name>.sql`` and always executed with bound parameters.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

log = logging.getLogger(__name__)

DEFAULT_CONN_ID = "ledger_db"
SCHEMA = "ledgerbridge"


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent


def sql_dir() -> Path:
    return Path(os.environ.get("LEDGERBRIDGE_SQL_DIR", _repo_root() / "include" / "sql"))


@functools.cache
def sql(name: str) -> str:
    """The text of ``include/sql/<name>.sql``."""
    path = sql_dir() / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no SQL file {path} (statement {name!r})") from None


def ledger_db_url(conn_id: str = DEFAULT_CONN_ID) -> str:
    """The URL of our database: the Airflow connection ``conn_id`` if it is defined, else LEDGERBRIDGE_DB_URL."""
    url = _airflow_conn_uri(conn_id)
    if url:
        return url
    url = os.environ.get("LEDGERBRIDGE_DB_URL")
    if not url:
        raise RuntimeError(
            f"no database for ledgerbridge: define the Airflow connection {conn_id!r} or set LEDGERBRIDGE_DB_URL"
        )
    return url


def _airflow_conn_uri(conn_id: str) -> str | None:
    # Environment-defined connections (AIRFLOW_CONN_*) are read directly so this works outside a task too.
    env_uri = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if env_uri:
        return _normalise_scheme(env_uri)
    try:
        from airflow.sdk import BaseHook  # noqa: PLC0415
        from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError  # noqa: PLC0415
    except ImportError:
        return None
    try:
        conn = BaseHook.get_connection(conn_id)
    except (AirflowNotFoundException, AirflowRuntimeError):
        return None
    return _normalise_scheme(conn.get_uri())


def _normalise_scheme(uri: str) -> str:
    for prefix in ("postgres://", "postgresql+psycopg2://", "postgresql+psycopg://"):
        if uri.startswith(prefix):
            return "postgresql://" + uri[len(prefix):]
    return uri


def connect(url: str | None = None, **kwargs: Any) -> psycopg.Connection:
    """A psycopg 3 connection to our database (rows as dicts)."""
    return psycopg.connect(url or ledger_db_url(), row_factory=dict_row, **kwargs)


def composed(name: str, **structure: str | list[str] | tuple[str, ...]) -> Any:
    """A statement from ``include/sql/<name>.sql`` whose structure (table and column names, never values) is filled
    in as quoted identifiers: ``{table}`` becomes ``"ledgerbridge"."<table>"``, ``{columns}`` a column list, and
    ``{excluded}`` the same list as ``EXCLUDED.<col>``. Values are still bound parameters (``%(name)s``)."""
    from psycopg import sql as pgsql  # noqa: PLC0415

    parts: dict[str, Any] = {}
    for key, value in structure.items():
        if isinstance(value, (list, tuple)):
            parts[key] = pgsql.SQL(", ").join(pgsql.Identifier(v) for v in value)
            parts[f"{key}_excluded"] = pgsql.SQL(", ").join(
                pgsql.SQL("EXCLUDED.") + pgsql.Identifier(v) for v in value)
        elif key.endswith("table"):
            parts[key] = pgsql.Identifier(SCHEMA, value)
        else:
            parts[key] = pgsql.Identifier(value)
    return pgsql.SQL(sql(name)).format(**parts)
