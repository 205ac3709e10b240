"""Staged records written straight into a test database through the entities' own normalisers, so the matcher and
the planner can be tried on hand-written cases without sandboxes."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from reconcile.entities import contacts
from reconcile.entities.documents import blocking_keys

_ids = itertools.count(1)
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def contact(ledger: str, name: str, *, ledger_id: str | None = None, updated: dt.datetime = T0, **fields: Any) -> dict:
    """A staged contact row as staging makes it (profile and keys included)."""
    row = contacts._row(ledger_id or f"{ledger[0]}{next(_ids)}", updated.isoformat(), updated, _ledger=ledger,
                        name=name, currency=fields.pop("currency", "GBP"), active=True, is_customer=True,
                        is_supplier=False, **fields)
    row["raw"] = {"Name": name} if ledger == "xero" else {"DisplayName": name, "Id": row["ledger_id"],
                                                          "SyncToken": "0"}
    return row


def document(ledger: str, number: str | None, contact_id: str, total: str, date: str, *, lines: list[str] | None = None,
             kind: str = "ACCREC", currency: str = "GBP", ledger_id: str | None = None) -> dict:
    amounts = lines or [total]
    row = {"ledger_id": ledger_id or f"{ledger[0]}d{next(_ids)}", "version": "1", "updated_at": T0, "kind": kind,
           "number": number, "contact_id": contact_id, "date": dt.date.fromisoformat(date),
           "currency": currency, "total": Decimal(total), "status": "authorised", "deleted": False,
           "lines": [{"line_amount": a, "description": "work"} for a in amounts], "raw": {}}
    row["match_keys"] = blocking_keys(row)
    return row


def insert(url: str, table: str, pair: str, rows: list[dict]) -> None:
    with psycopg.connect(url) as conn:
        for row in rows:
            values = {k: Jsonb(v) if isinstance(v, (dict, list)) else v for k, v in row.items()}
            values["pair"] = pair
            conn.execute(sql.SQL("INSERT INTO ledgerbridge.{} ({}) VALUES ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder(k) for k in values)), values)


def link(url: str, pair: str, entity: str, xero_id: str, qb_id: str, method: str = "matched") -> None:
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO ledgerbridge.xref (pair, entity, xero_id, quickbooks_id, method) "
                     "VALUES (%s, %s, %s, %s, %s)", (pair, entity, xero_id, qb_id, method))


def query(url: str, statement: str, *params: Any) -> list[dict]:
    from psycopg.rows import dict_row  # noqa: PLC0415

    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()
