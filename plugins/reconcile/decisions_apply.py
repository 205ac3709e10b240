"""Applying people's decisions (issue 8): the next run of an entity, after staging and before matching, applies
each pending decision of the pair exactly once.

Each decision is claimed (``SELECT ... FOR UPDATE SKIP LOCKED`` on a pending row) in the transaction that applies
its effects in our database and marks it applied, so a retried task or a re-run finds it applied and does nothing.
What a decision changes in a ledger is then planned by the same run's matcher and planner into the outbox (the
writes carry the decision's id, so their audit rows name it and its author) and sent by the writers, like every
automatic write. The decision's own audit row says what it did.

A decision whose record changed since it was taken (its staged version differs), or whose chosen partner is gone
or linked elsewhere meanwhile, is not applied blindly: it is marked ``recheck`` with the reason, and its exception
stays open for a person to decide again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile.decisions import candidate_id, candidates_of, offered, other, staged
from reconcile.run import RunInfo

log = logging.getLogger(__name__)

MATCH_REASONS = ["ambiguous_match", "possible_match", "weak_link"]
# reasons staging or its quality check holds a record for: only reading it again re-checks it
STAGING_REASONS = ["invalid_field", "unmapped_code", "unsafe_value", "out_of_range", "data_quality"]


@dataclass
class ApplyResult:
    applied: int = 0
    recheck: int = 0
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {"applied": self.applied, "recheck": self.recheck, "decisions": self.outcomes}


class Recheck(Exception):
    """The decision cannot be applied as taken: a person must decide again."""


def pending_by_entity(pair: str | None = None, db_url: str | None = None) -> dict[str, int]:
    with db.connect(db_url) as conn:
        return {r["entity"]: int(r["n"]) for r in conn.execute(db.sql("decisions/pending_count"), {"pair": pair})}


def wants_full_read(entity: str, pair: str, ledger: str, db_url: str | None = None) -> bool:
    """A retry waits for a record staging refused: only a complete read brings it back to be checked again."""
    with db.connect(db_url) as conn:
        row = conn.execute(db.sql("decisions/pending_retry_staging"), {
            "pair": pair, "entity": entity, "ledger": ledger, "reasons": STAGING_REASONS}).fetchone()
    return bool(row and row["n"])


def apply_pending(entity: str, pair: str, run: RunInfo, db_url: str | None = None,
                  only: list[int] | None = None) -> ApplyResult:
    """Apply the pair's pending decisions on ``entity`` (or only those ids), each exactly once."""
    result = ApplyResult()
    with db.connect(db_url) as conn:
        ids = [r["id"] for r in conn.execute(db.sql("decisions/pending"), {"pair": pair, "entity": entity})]
        conn.commit()
        for decision_id in ids:
            if only is not None and decision_id not in only:
                continue
            with conn.transaction():
                d = conn.execute(db.sql("decisions/claim"), {"id": decision_id}).fetchone()
                if d is None:
                    continue  # applied meanwhile (a retried task, a concurrent run)
                try:
                    outcome = _apply(conn, d, run)
                    status = "applied"
                    result.applied += 1
                except Recheck as why:
                    outcome = f"not applied, decide again: {why}"
                    status = "recheck"
                    result.recheck += 1
                conn.execute(db.sql("decisions/finish"), {"id": d["id"], "status": status, "run_id": run.run_id,
                                                          "outcome": outcome})
                conn.execute(db.sql("decisions/audit"), {
                    "run_id": run.run_id, "try_number": run.try_number, "pair": d["pair"], "entity": d["entity"],
                    "ledger": d["ledger"], "operation": f"decision_{d['decision']}", "record_id": d["record_id"],
                    "outcome": status, "decision_id": d["id"], "decided_by": d["decided_by"],
                    "answer": Jsonb({"exception_id": d["exception_id"], "reason": d["reason"],
                                     "other_id": d["other_id"], "side": d["side"], "fields": d["fields"],
                                     "note": d["note"], "outcome": outcome})})
                result.outcomes.append({"id": d["id"], "decision": d["decision"], "record_id": d["record_id"],
                                        "status": status, "outcome": outcome})
                log.info("decision %s (%s by %s on %s %s %s): %s", d["id"], d["decision"], d["decided_by"],
                         d["ledger"], d["entity"], d["record_id"], outcome)
    return result


def _ids(d: dict[str, Any], other_id: str) -> tuple[str, str]:
    return (d["record_id"], other_id) if d["ledger"] == "xero" else (other_id, d["record_id"])


def _close(conn: Any, d: dict[str, Any], run: RunInfo, *, status: str = "resolved", xero_ids: list[str] = (),
           quickbooks_ids: list[str] = (), reasons: list[str] = ()) -> None:
    conn.execute(db.sql("decisions/close"), {
        "status": status, "run_id": run.run_id, "exception_id": d["exception_id"], "pair": d["pair"],
        "entity": d["entity"], "reasons": list(reasons), "xero_ids": list(xero_ids),
        "quickbooks_ids": list(quickbooks_ids)})


def _apply(conn: Any, d: dict[str, Any], run: RunInfo) -> str:
    if d["decision"] not in offered(d["reason"]):  # a row inserted by SQL is held to the same offers
        raise Recheck(f"{d['decision']!r} is not offered for {d['reason']} (offered: {', '.join(offered(d['reason']))})")
    if d["decision"] == "retry":
        return _retry(conn, d, run)
    if d["exception_status"] != "open":
        raise Recheck(f"exception {d['exception_id']} is {d['exception_status']} now")
    mine = staged(conn, d["entity"], d["ledger"], d["pair"], d["record_id"])
    if mine is not None and d["record_version"] is not None and mine["version"] != d["record_version"]:
        raise Recheck(f"{d['ledger']} {d['entity']} {d['record_id']} changed since the decision "
                      f"(version {d['record_version']} -> {mine['version']})")
    if mine is not None and mine["deleted"]:
        raise Recheck(f"{d['ledger']} {d['entity']} {d['record_id']} was deleted in {d['ledger']}")
    keys = {"pair": d["pair"], "entity": d["entity"], "decision_id": d["id"], "run_id": run.run_id,
            "decided_by": d["decided_by"], "note": d["note"]}
    kind = d["decision"]
    if kind == "link":
        theirs = other(d["ledger"])
        target = staged(conn, d["entity"], theirs, d["pair"], d["other_id"])
        if target is None or target["deleted"]:
            raise Recheck(f"{theirs} {d['entity']} {d['other_id']} is no longer on {theirs}")
        xero_id, qb_id = _ids(d, d["other_id"])
        existing = conn.execute(db.sql("decisions/links_of"), {**keys, "xero_id": xero_id,
                                                               "quickbooks_id": qb_id}).fetchall()
        if any((r["xero_id"], r["quickbooks_id"]) != (xero_id, qb_id) for r in existing):
            taken = "; ".join(f"xero {r['xero_id']} <-> quickbooks {r['quickbooks_id']} ({r['method']})"
                              for r in existing)
            raise Recheck(f"one of the two is already linked elsewhere: {taken}")
        conn.execute(db.sql("decisions/link"), {**keys, "xero_id": xero_id, "quickbooks_id": qb_id})
        _close(conn, d, run, xero_ids=[xero_id], quickbooks_ids=[qb_id], reasons=MATCH_REASONS + ["one_sided"])
        return f"linked xero {xero_id} <-> quickbooks {qb_id} (manual)"
    if kind == "create":
        theirs = other(d["ledger"])
        partners = [candidate_id(c, theirs) for c in candidates_of(d)]
        for partner in partners:
            xero_id, qb_id = _ids(d, partner)
            conn.execute(db.sql("decisions/distinct"), {**keys, "xero_id": xero_id, "quickbooks_id": qb_id})
        # the partners' own match exceptions named this record: closed too (the matcher re-queues one that still
        # has another candidate)
        xs, qs = ([d["record_id"]], partners) if d["ledger"] == "xero" else (partners, [d["record_id"]])
        _close(conn, d, run, xero_ids=xs, quickbooks_ids=qs, reasons=["ambiguous_match", "possible_match"])
        said = f"different from {theirs} {', '.join(partners)}; " if partners else ""
        return f"{said}to be created in {theirs}"
    if kind in ("keep", "unlink"):
        qb_id = next((candidate_id(c, "quickbooks") for c in candidates_of(d)), None)
        if qb_id is None or d["ledger"] != "xero":
            raise Recheck("the weak link's partner is not named in the exception")
        if kind == "keep":
            done = conn.execute(db.sql("decisions/keep"), {**keys, "xero_id": d["record_id"], "quickbooks_id": qb_id})
            if not done.rowcount:
                raise Recheck(f"xero {d['record_id']} is no longer linked to quickbooks {qb_id}")
            _close(conn, d, run)
            return f"kept the link xero {d['record_id']} <-> quickbooks {qb_id} (now manual)"
        conn.execute(db.sql("decisions/unlink"), {**keys, "xero_id": d["record_id"], "quickbooks_id": qb_id})
        conn.execute(db.sql("decisions/distinct"), {**keys, "xero_id": d["record_id"], "quickbooks_id": qb_id})
        _close(conn, d, run)
        return f"unlinked xero {d['record_id']} and quickbooks {qb_id}; recorded as different records"
    if kind == "ignore":
        conn.execute(db.sql("decisions/ignore"), {**keys, "ledger": d["ledger"], "record_id": d["record_id"],
                                                  "label": d["record_label"], "reason": d["reason"]})
        _close(conn, d, run, status="ignored")
        return f"ignored: out of the queue and the control totals (reason was {d['reason']})"
    if kind == "pick":
        _close(conn, d, run)
        what = ", ".join(d["fields"]) if d["fields"] else "the whole record"
        return f"{d['side']}'s value wins for {what}; planned in this run"
    raise Recheck(f"unknown decision {kind!r}")


def _retry(conn: Any, d: dict[str, Any], run: RunInfo) -> str:
    """Re-check the record in this run. A record staging held was read again in full by this run's extract
    (:func:`wants_full_read`), so its exception already says whether it is still wrong; any other exception is
    closed, and a ledger's refusal block on the record (issue 17, ``ledgerbridge.refusals``) is lifted, so the
    planner plans it once more and raises the exception again if the problem is still there."""
    if d["reason"] in STAGING_REASONS:
        if d["exception_status"] == "open":
            return f"re-read in full in this run: still {d['reason']} (it stays in the queue)"
        return "re-read in full in this run: staged cleanly now"
    from reconcile import refusals  # noqa: PLC0415

    lifted = refusals.clear(conn, d["pair"], d["entity"], d["record_id"])
    _close(conn, d, run)
    blocks = f"; lifted the refusal of {', '.join(r['ledger'] for r in lifted)}" if lifted else ""
    return f"re-checked in this run{blocks}"


def picks(conn: Any, pair: str, entity: str, run: RunInfo) -> dict[str, dict[str, Any]]:
    """``pick`` decisions applied in this run, by the Xero id of their linked pair."""
    found: dict[str, dict[str, Any]] = {}
    for r in conn.execute(db.sql("decisions/picks"), {"pair": pair, "entity": entity, "run_id": run.run_id}):
        if r["ledger"] == "xero":
            found[r["record_id"]] = dict(r)
        elif r["other_id"]:
            found[r["other_id"]] = dict(r)
    return found


def forced_creates(conn: Any, pair: str, entity: str, run: RunInfo) -> dict[str, set[str]]:
    """``create`` decisions applied in this run, by the ledger of the record."""
    found: dict[str, set[str]] = {"xero": set(), "quickbooks": set()}
    for r in conn.execute(db.sql("decisions/creates"), {"pair": pair, "entity": entity, "run_id": run.run_id}):
        found[r["ledger"]].add(r["record_id"])
    return found
