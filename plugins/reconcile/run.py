"""Who is running: the Airflow run and try (for the audit log and the summaries), the pair and the entity."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from ledgerbridge import db

log = logging.getLogger(__name__)
COUNTS = ("read", "staged", "matched", "created", "updated", "voided", "conflicts", "exceptions", "failed")


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    dag_id: str
    try_number: int = 1

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> RunInfo:
        ti = context.get("ti") or context.get("task_instance")
        return cls(run_id=str(context["run_id"]), dag_id=str(context["dag"].dag_id),
                   try_number=int(getattr(ti, "try_number", 1) or 1))


def set_counts(conn: Any, run: RunInfo, pair: str, entity: str, ledger: str, **counts: int) -> None:
    """Record this phase's counts in the run summary and log them."""
    unknown = set(counts) - set(COUNTS)
    if unknown:
        raise ValueError(f"unknown run counts {sorted(unknown)}")
    params = {name: counts.get(name) for name in COUNTS}
    conn.execute(db.sql("summary/set"), {"run_id": run.run_id, "dag_id": run.dag_id, "pair": pair,
                                         "entity": entity, "ledger": ledger, **params})
    log.info("%s %s %s: %s", pair, entity, ledger, ", ".join(f"{k}={v}" for k, v in counts.items()))


def open_exception(conn: Any, run: RunInfo, pair: str, entity: str, ledger: str, record_id: str, reason: str,
                   message: str, *, label: str | None = None, field: str | None = None,
                   candidates: Any = None) -> None:
    from reconcile.quarantine import storable, storable_value  # noqa: PLC0415

    # a record's own text may hold what PostgreSQL cannot store (NUL): the queue shows it escaped
    conn.execute(db.sql("exceptions/open"), {
        "pair": pair, "entity": entity, "ledger": ledger, "record_id": storable(record_id), "label": storable(label),
        "reason": reason, "field": storable(field), "message": storable(message),
        "candidates": Jsonb(storable_value(candidates)) if candidates is not None else None, "run_id": run.run_id,
    })


def open_exceptions(conn: Any, run: RunInfo, rows: list[dict[str, Any]]) -> None:
    """Many exceptions in one pipelined batch (``executemany``): each row has the keyword arguments of
    ``open_exception`` (pair, entity, ledger, record_id, reason, message, and optionally label, field, candidates)."""
    from reconcile.quarantine import storable, storable_value  # noqa: PLC0415

    if not rows:
        return
    # as open_exception: a record's own text may hold what PostgreSQL cannot store (NUL): the queue shows it escaped
    with conn.cursor() as cur:
        cur.executemany(db.sql("exceptions/open"), [{
            "pair": r["pair"], "entity": r["entity"], "ledger": r["ledger"], "record_id": storable(r["record_id"]),
            "label": storable(r.get("label")), "reason": r["reason"], "field": storable(r.get("field")),
            "message": storable(r["message"]),
            "candidates": Jsonb(storable_value(r["candidates"])) if r.get("candidates") is not None else None,
            "run_id": run.run_id} for r in rows])


def resolve_exceptions(conn: Any, run: RunInfo, pair: str, entity: str, ledger: str, reasons: list[str],
                       record_ids: list[str]) -> int:
    if not record_ids:
        return 0
    cur = conn.execute(db.sql("exceptions/resolve_records"), {
        "run_id": run.run_id, "pair": pair, "entity": entity, "ledger": ledger, "reasons": reasons,
        "record_ids": record_ids})
    return cur.rowcount
