"""Decisions people take on open exceptions (issue 8): what each reason offers, validation, and recording.

Every open exception offers the decisions that fit its reason (:data:`OFFERS`, mirrored in the table
``ledgerbridge.decision_offers`` so SQL views can join it; a test keeps the two equal). A decision is validated
before it is recorded (a candidate that does not exist, a record id that is not on the other ledger, a decision not
offered for the reason: :class:`DecisionError`, and nothing is recorded). The next run of the entity applies each
pending decision exactly once (:mod:`reconcile.apply_decisions`).

The decisions:

- ``link``: link the record to candidate N of the exception (``candidate``), or to a record id on the other ledger
  that a person names (``other_id``); the link's method is ``manual``.
- ``create``: the record and its candidates are different records (``distinct_records``), so the matcher never
  proposes them again; the record is created on the other ledger.
- ``keep`` / ``unlink`` (``weak_link``): keep the link as a manual one, or delete it and record the two as different.
- ``pick``: take the Xero or the QuickBooks value (``side``), for some fields or the whole record.
- ``retry``: re-check the record now (after a mapping, a ledger setting or the record changed).
- ``ignore``: keep the record out of the queue and out of the control-total differences, listed as ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledgerbridge import db

SIDES = ("xero", "quickbooks")
VIAS = ("sql", "cli", "airflow")


@dataclass(frozen=True)
class Offer:
    decision: str
    needs: str | None   # candidate | record_id | side | None
    describes: str


_IGNORE = Offer("ignore", None, "leave it out of the queue and the control totals")
_MATCH = (Offer("link", "candidate", "link to candidate N (a manual link)"),
          Offer("create", None, "these are different records: never propose them again, create"),
          _IGNORE)
_ONE_SIDED = (Offer("link", "record_id", "link to a record id on the other ledger"),
              Offer("create", None, "create it on the other ledger"),
              _IGNORE)
_PICK_ONLY = (Offer("pick", "side", "take the Xero or the QuickBooks value"),
              Offer("ignore", None, "leave it out of the queue"))


def _retry(after: str) -> tuple[Offer, ...]:
    return (Offer("retry", None, f"retry now ({after})"), _IGNORE)


_REFUSAL = (Offer("retry", None, "retry the write now"), _IGNORE,
            Offer("pick", "side", "take the other side's value, where the conflict rule allows it"))

# reason -> the decisions it offers, in the order they are offered. '*': any reason not listed.
OFFERS: dict[str, tuple[Offer, ...]] = {
    "possible_match": _MATCH,
    "ambiguous_match": _MATCH,
    "weak_link": (Offer("keep", None, "keep the link (it becomes a manual link)"),
                  Offer("unlink", None, "undo the link: the two are different records")),
    "identity_conflict": _PICK_ONLY,
    "conflict": (Offer("pick", "side", "take the Xero or the QuickBooks value (field by field or the whole record)"),
                 Offer("ignore", None, "leave it out of the queue")),
    "unmatched": _ONE_SIDED,
    "one_sided": _ONE_SIDED,
    "unmapped_code": _retry("after the mapping was added"),
    "unmapped_code_write": _retry("after the mapping was added"),
    "currency_not_enabled": _retry("after the currency was enabled"),
    "home_currency_mismatch": _retry("after the ledger changed"),
    "write_failed": _REFUSAL,
    "locked": _REFUSAL,
    "not_editable": _REFUSAL,
    "invalid_field": _retry("after the record was corrected"),
    "*": (Offer("retry", None, "retry now"), _IGNORE),
}
DECISIONS = ("link", "create", "keep", "unlink", "pick", "retry", "ignore")


def offers(reason: str) -> tuple[Offer, ...]:
    """The decisions an exception of this reason offers."""
    return OFFERS.get(reason, OFFERS["*"])


def offered(reason: str) -> list[str]:
    return [o.decision for o in offers(reason)]


def registry_rows() -> list[dict[str, Any]]:
    """The registry as rows of ``ledgerbridge.decision_offers``."""
    return [{"reason": reason, "decision": o.decision, "needs": o.needs, "describes": o.describes, "position": n}
            for reason, items in OFFERS.items() for n, o in enumerate(items, start=1)]


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message names the exception, the record and what is wrong."""


@dataclass
class Decision:
    exception_id: int
    decision: str
    decided_by: str
    note: str | None = None
    candidate: int | None = None
    other_id: str | None = None
    side: str | None = None
    fields: list[str] | None = None
    via: str = "sql"


def other(ledger: str) -> str:
    return "quickbooks" if ledger == "xero" else "xero"


def candidates_of(exc: dict[str, Any]) -> list[dict[str, Any]]:
    payload = exc.get("candidates") or {}
    if isinstance(payload, list):
        return payload
    return list(payload.get("candidates") or [])


def candidate_id(candidate: dict[str, Any], ledger: str) -> str:
    """A candidate's record id on ``ledger`` (the other side of the exception's record)."""
    return str(candidate.get(f"{ledger}_id") or candidate.get("id"))


def _stage_table(entity: str, ledger: str) -> str | None:
    from reconcile.entities import ENTITIES  # noqa: PLC0415

    spec = ENTITIES.get(entity)
    return spec.stage_table(ledger) if spec else None


def staged(conn: Any, entity: str, ledger: str, pair: str, record_id: str) -> dict[str, Any] | None:
    table = _stage_table(entity, ledger)
    if table is None:
        return None
    return conn.execute(db.composed("decisions/staged_record", table=table),
                        {"pair": pair, "record_id": record_id}).fetchone()


def validate(conn: Any, d: Decision) -> dict[str, Any]:
    """Check a decision against its exception and the staged books; returns the row to insert. Raises
    :class:`DecisionError` with a clear message."""
    if not (d.decided_by or "").strip():
        raise DecisionError(f"exception {d.exception_id}: a decision names who took it (decided_by is empty)")
    if d.via not in VIAS:
        raise DecisionError(f"exception {d.exception_id}: via must be one of {', '.join(VIAS)}, not {d.via!r}")
    exc = conn.execute(db.sql("decisions/exception"), {"exception_id": d.exception_id}).fetchone()
    if exc is None:
        raise DecisionError(f"there is no exception {d.exception_id}")
    where = f"exception {exc['id']} ({exc['reason']}, {exc['ledger']} {exc['entity']} {exc['record_id']}"
    where += f" {exc['record_label']})" if exc["record_label"] else ")"
    if exc["status"] != "open":
        raise DecisionError(f"{where} is {exc['status']}, not open: nothing to decide")
    allowed = offered(exc["reason"])
    if d.decision not in allowed:
        raise DecisionError(f"{where}: {d.decision!r} is not offered for {exc['reason']}; "
                            f"offered: {', '.join(allowed)}")
    row: dict[str, Any] = {
        "exception_id": exc["id"], "pair": exc["pair"], "entity": exc["entity"], "ledger": exc["ledger"],
        "record_id": exc["record_id"], "reason": exc["reason"], "decision": d.decision, "candidate": None,
        "other_id": None, "side": None, "fields": None, "decided_by": d.decided_by.strip(),
        "note": d.note, "via": d.via,
    }
    theirs = other(exc["ledger"])
    if d.decision == "link":
        if d.candidate is not None:
            found = [c for c in candidates_of(exc) if int(c.get("n", 0)) == int(d.candidate)]
            if not found:
                numbers = ", ".join(str(c.get("n")) for c in candidates_of(exc)) or "none"
                raise DecisionError(f"{where}: there is no candidate {d.candidate} (candidates: {numbers})")
            row["candidate"] = int(d.candidate)
            row["other_id"] = candidate_id(found[0], theirs)
        elif d.other_id:
            row["other_id"] = str(d.other_id)
        else:
            raise DecisionError(f"{where}: link needs a candidate number or a {theirs} record id")
        if d.candidate is not None and d.other_id and str(d.other_id) != row["other_id"]:
            raise DecisionError(f"{where}: candidate {d.candidate} is {theirs} {row['other_id']}, not {d.other_id}")
        target = staged(conn, exc["entity"], theirs, exc["pair"], row["other_id"])
        if target is None or target["deleted"]:
            what = "no longer exists" if d.candidate is not None else "is not"
            raise DecisionError(f"{where}: {theirs} {exc['entity']} record {row['other_id']} {what} on {theirs} "
                                f"(not in ledgerbridge.{_stage_table(exc['entity'], theirs)}"
                                f"{', deleted' if target else ''})")
    elif d.other_id or d.candidate is not None:
        raise DecisionError(f"{where}: only link names a candidate or a record id, not {d.decision}")
    if d.decision == "pick":
        if d.side not in SIDES:
            raise DecisionError(f"{where}: pick needs the side whose value wins: xero or quickbooks, not {d.side!r}")
        row["side"] = d.side
        row["fields"] = [f.strip() for f in d.fields if f.strip()] if d.fields else None
    elif d.side or d.fields:
        raise DecisionError(f"{where}: only pick names a side or fields, not {d.decision}")
    mine = staged(conn, exc["entity"], exc["ledger"], exc["pair"], exc["record_id"])
    row["record_version"] = mine["version"] if mine else None
    return row


def record(conn: Any, d: Decision) -> int:
    """Validate and record a decision; returns its id. Nothing is recorded when it is refused."""
    import psycopg  # noqa: PLC0415

    row = validate(conn, d)
    try:
        with conn.transaction():
            new = conn.execute(db.sql("decisions/insert"), row).fetchone()
    except psycopg.errors.UniqueViolation:
        raise DecisionError(f"exception {d.exception_id} already has a pending decision; cancel it first "
                            f"(python -m reconcile.decide show {d.exception_id})") from None
    return int(new["id"])
