"""People in the loop during a run (issue 8): the approval gate before writes, and the review of new exceptions.

**Approval gate** (``pairs.yaml`` ``approval``, per pair or entity): after planning, :func:`gate` looks at the
outbox of the pair and entity. A plan that crosses the gate (the first alignment, ``always``, a document over
``max_amount``, more than ``max_creates`` creates, or a void or delete when ``deletes``) is recorded in
``ledgerbridge.approvals`` with exactly the writes shown, and the run's approval task waits in Airflow's Required
Actions (``reconcile.hitl.WriteApprovalOperator``). Approve: the writers send exactly those writes (nothing is
planned in between). Reject, or no answer by the timeout: those writes are cancelled (``superseded``, naming who and
why), nothing is written, the run goes on; the next run plans afresh and asks again.

**Review** (``pairs.yaml`` ``review: {timeout_minutes: N}``): a run that found new exceptions asks for decisions
in Airflow (``reconcile.hitl.ExceptionReviewOperator``), one field per exception with the decisions it offers and
its candidates; what the person chose is recorded as decisions (``via = 'airflow'``) and applied in the same run,
before planning. Unanswered by the timeout, the run goes on and the exceptions wait.

``LEDGERBRIDGE_HITL=auto:<who>`` (tests only) approves gates at once in <who>'s name, recorded with ``via = 'auto'``
and logged, and the review does not ask; ``LEDGERBRIDGE_HITL=no-review`` (the demo) only keeps the review from
asking.
"""

from __future__ import annotations

import hashlib
import logging
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile import decisions
from reconcile.config import Approval, PairConfig
from reconcile.run import RunInfo

log = logging.getLogger(__name__)

LARGEST = 5
REVIEW_LIMIT = 25   # fields in one review form; the rest wait in the queue (and the CLI)
APPROVE, REJECT = "Approve", "Reject"
APPLY, LATER = "Apply the decisions", "Decide later"


def auto_approver() -> str | None:
    """``LEDGERBRIDGE_HITL=auto:<who>``: gates approved at once by <who> (tests, the demo); None otherwise."""
    value = os.environ.get("LEDGERBRIDGE_HITL", "")
    return (value.split(":", 1)[1] or "auto") if value.startswith("auto") and ":" in value else (
        "auto" if value == "auto" else None)


def reviews_off() -> bool:
    """``LEDGERBRIDGE_HITL=no-review`` (the demo, which decides by CLI) or ``auto:<who>``: the review does not ask;
    approval gates still do (``no-review``)."""
    return os.environ.get("LEDGERBRIDGE_HITL", "") == "no-review" or auto_approver() is not None


def amount_of(payload: Any) -> Decimal | None:
    """A document's amount as the write carries it (Xero Total or lines, QuickBooks TotalAmt or lines)."""
    if not isinstance(payload, dict):
        return None
    for key in ("Total", "TotalAmt", "Amount"):
        if payload.get(key) not in (None, ""):
            try:
                return Decimal(str(payload[key]))
            except InvalidOperation:
                pass
    total = Decimal("0")
    found = False
    for line in payload.get("Line") or []:
        if isinstance(line, dict) and line.get("Amount") is not None and line.get("DetailType") != "SubTotalLineDetail":
            total += Decimal(str(line["Amount"]))
            found = True
    for line in payload.get("LineItems") or []:
        if not isinstance(line, dict):
            continue
        if line.get("LineAmount") is not None:
            total += Decimal(str(line["LineAmount"]))
            found = True
        elif line.get("UnitAmount") is not None:
            total += Decimal(str(line["UnitAmount"])) * Decimal(str(line.get("Quantity") or 1))
            found = True
    return total if found else None


def summarise_plan(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    docs = []
    for r in rows:
        key = f"{r['ledger']} {r['operation']}"
        counts[key] = counts.get(key, 0) + 1
        amount = amount_of(r["payload"])
        if amount is not None:
            docs.append({"id": r["id"], "ledger": r["ledger"], "operation": r["operation"], "label": r["label"],
                         "record": r["target_id"] or r["source_id"], "amount": str(amount)})
    docs.sort(key=lambda d: -abs(Decimal(d["amount"])))
    return {"writes": len(rows), "counts": dict(sorted(counts.items())), "largest": docs[:LARGEST]}


def gated_by(approval: Approval, rows: list[dict[str, Any]], first: bool) -> list[str]:
    """Why this plan must wait for a person ([] when it need not)."""
    if approval.mode == "none" or not rows:
        return []
    why = []
    if approval.mode == "always":
        why.append("approval: always")
    elif approval.mode == "first_alignment" and first:
        why.append("the first alignment of this pair and entity")
    if approval.max_amount is not None:
        over = [r for r in rows if (a := amount_of(r["payload"])) is not None and abs(a) > Decimal(str(approval.max_amount))]
        if over:
            why.append(f"{len(over)} document(s) over {approval.max_amount:g}")
    creates = sum(r["operation"] == "create" for r in rows)
    if approval.max_creates is not None and creates > approval.max_creates:
        why.append(f"{creates} creates (more than {approval.max_creates})")
    removals = sum(r["operation"] in ("void", "delete") for r in rows)
    if approval.deletes and removals:
        why.append(f"{removals} void(s) or delete(s)")
    return why


def body_of(pair: str, entity: str, plan: dict[str, Any], why: list[str]) -> str:
    """What the approval task shows (Markdown)."""
    lines = [f"**{pair} / {entity}**: {plan['writes']} writes wait for approval because "
             f"{'; '.join(why)}.", "", "| ledger and operation | writes |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in plan["counts"].items()]
    if plan["largest"]:
        lines += ["", "Largest documents:", "", "| ledger | operation | document | amount |", "|---|---|---|---|"]
        lines += [f"| {d['ledger']} | {d['operation']} | {d['label'] or d['record']} | {d['amount']} |"
                  for d in plan["largest"]]
    lines += ["", "Approve writes exactly these; Reject cancels them (nothing is written; the next run asks again)."]
    return "\n".join(lines)


def gate(entity: str, pair: PairConfig, run: RunInfo, db_url: str | None = None) -> dict[str, Any]:
    """Check the plan against the gate; when it must wait, record what is shown. Returns ``{"wait": bool, ...}``
    (already decided on a retried task: its state)."""
    approval = pair.approval_of(entity)
    keys = {"pair": pair.name, "entity": entity, "run_id": run.run_id}
    with db.connect(db_url) as conn:
        existing = conn.execute(db.sql("approvals/of_run"), keys).fetchone()
        if existing is None:
            rows = [dict(r) for r in conn.execute(db.sql("approvals/plan"), keys)]
            first = not conn.execute(db.sql("approvals/approved_before"), keys).fetchone()["done"]
            why = gated_by(approval, rows, first)
            if not why:
                return {"wait": False, "writes": len(rows), "mode": approval.mode}
            plan = summarise_plan(rows)
            plan["hash"] = hashlib.sha256(",".join(str(r["id"]) for r in rows).encode()).hexdigest()[:16]
            conn.execute(db.sql("approvals/ask"), {**keys, "mode": approval.mode, "gated_by": why,
                                                   "plan": Jsonb(plan), "outbox_ids": [r["id"] for r in rows]})
            conn.commit()
            existing = conn.execute(db.sql("approvals/of_run"), keys).fetchone()
    result = {"wait": existing["status"] == "waiting", "approval_id": existing["id"], "status": existing["status"],
              "plan": existing["plan"], "gated_by": existing["gated_by"], "mode": existing["mode"],
              "body": body_of(pair.name, entity, existing["plan"], existing["gated_by"]),
              "timeout_minutes": approval.timeout_minutes}
    who = auto_approver()
    if result["wait"] and who:
        decide(existing["id"], True, who, "approved automatically (LEDGERBRIDGE_HITL)", via="auto", db_url=db_url)
        log.warning("%s %s: the plan (%s) was approved automatically by %r through LEDGERBRIDGE_HITL", pair.name,
                    entity, ", ".join(f"{k} {n}" for k, n in existing["plan"]["counts"].items()), who)
        result.update(wait=False, status="approved")
    return result


def decide(approval_id: int, approve: bool, who: str, note: str | None = None, via: str = "airflow",
           db_url: str | None = None) -> dict[str, Any] | None:
    """Approve or reject a waiting plan, once; a rejected plan's writes are cancelled."""
    with db.connect(db_url) as conn:
        row = conn.execute(db.sql("approvals/decide"), {
            "id": approval_id, "status": "approved" if approve else "rejected", "decided_by": who, "note": note,
            "via": via}).fetchone()
        if row is not None and not approve:
            conn.execute(db.sql("approvals/cancel_plan"), {
                "outbox_ids": row["outbox_ids"], "why": f"plan rejected by {who}: {note or 'no reason given'}"})
        conn.commit()
    if row is not None:
        log.info("approval %s of %s %s: %s by %s (%s)", approval_id, row["pair"], row["entity"], row["status"], who,
                 note or "-")
    return dict(row) if row is not None else None


def may_write(entity: str, pair: str, run: RunInfo, db_url: str | None = None) -> tuple[bool, str | None]:
    """Whether this run's writers may send: no gate, or an approved one."""
    with db.connect(db_url) as conn:
        row = conn.execute(db.sql("approvals/of_run"), {"pair": pair, "entity": entity,
                                                        "run_id": run.run_id}).fetchone()
    if row is None or row["status"] == "approved":
        return True, None
    return False, f"the plan was {row['status']}" + (f" by {row['decided_by']}: {row['note']}" if row["decided_by"]
                                                     else "")


# --- review of new exceptions -------------------------------------------------------------------------------------
def review_items(entity: str, pair: str, run: RunInfo, db_url: str | None = None) -> list[dict[str, Any]]:
    """The run's new exceptions to ask about. A pair of records the matcher queued from both sides (each the other's
    only candidate) is asked about once, under the first of the two; its description names the other."""
    with db.connect(db_url) as conn:
        rows = [dict(r) for r in conn.execute(db.sql("approvals/new_exceptions"), {
            "pair": pair, "entity": entity, "run_id": run.run_id, "limit": REVIEW_LIMIT})]
    asked: dict[frozenset, dict[str, Any]] = {}
    out = []
    for exc in rows:
        records = _records_of(exc)
        first = asked.get(records) if records else None
        if first is not None:
            first["mirror"] = exc["id"]
            continue
        if records:
            asked[records] = exc
        out.append(exc)
    return out


def _records_of(exc: dict[str, Any]) -> frozenset | None:
    """The records a one-candidate match exception is about, whichever side queued it (None for other reasons)."""
    candidates = decisions.candidates_of(exc)
    if exc["reason"] not in ("possible_match", "ambiguous_match") or len(candidates) != 1:
        return None
    other = decisions.other(exc["ledger"])
    return frozenset({(exc["ledger"], str(exc["record_id"])),
                      (other, decisions.candidate_id(candidates[0], other))})


def choices_of(exc: dict[str, Any]) -> list[str]:
    """The answers a review field offers for one exception ('' = decide later)."""
    out = [""]
    for offer in decisions.offers(exc["reason"]):
        if offer.needs == "candidate":
            out += [f"link {c.get('n')}" for c in decisions.candidates_of(exc)]
        elif offer.needs == "side":
            out += ["pick xero", "pick quickbooks"]
        elif offer.needs == "record_id":
            continue  # naming a record id is for the CLI
        else:
            out.append(offer.decision)
    return out


def describe(exc: dict[str, Any]) -> str:
    label = f" ({exc['record_label']})" if exc.get("record_label") else ""
    text = f"{exc['reason']}: {exc['ledger']} {exc['record_id']}{label}."
    for c in decisions.candidates_of(exc):
        text += f" Candidate {c.get('n')}: {c.get('ledger')} {c.get('id')} ({c.get('label')}), score {c.get('score')}."
    if exc.get("mirror"):
        text += (f" The same two records wait as #{exc['mirror']} from the other side: a link or create here "
                 "settles both.")
    return text[:900]


def field_title(exc: dict[str, Any]) -> str:
    """The label of an exception's question in the review form."""
    label = exc.get("record_label") or exc["record_id"]
    return f"#{exc['id']} {exc['ledger']} {label}"[:80]


def field_name(exc: dict[str, Any]) -> str:
    return f"exception_{exc['id']}"


def decisions_from_answer(params_input: dict[str, Any], who: str) -> list[decisions.Decision]:
    found = []
    for key, value in (params_input or {}).items():
        if not key.startswith("exception_") or not value:
            continue
        exception_id = int(key.removeprefix("exception_"))
        words = str(value).split()
        kind = words[0]
        d = decisions.Decision(exception_id, kind, who, note="decided in the Airflow review task", via="airflow")
        if kind == "link" and len(words) > 1:
            d.candidate = int(words[1])
        if kind == "pick" and len(words) > 1:
            d.side = words[1]
        found.append(d)
    return found


def record_and_apply(entity: str, pair: str, run: RunInfo, params_input: dict[str, Any], who: str,
                     db_url: str | None = None) -> dict[str, Any]:
    """Record the answers of a review as decisions and apply them in this run."""
    from reconcile import decisions_apply  # noqa: PLC0415

    ids, refused = [], []
    with db.connect(db_url) as conn:
        for d in decisions_from_answer(params_input, who):
            try:
                ids.append(decisions.record(conn, d))
                conn.commit()
            except decisions.DecisionError as exc:
                refused.append(str(exc))
                log.warning("review answer refused: %s", exc)
    applied = decisions_apply.apply_pending(entity, pair, run, db_url=db_url, only=ids).counts() if ids else {}
    return {"recorded": ids, "refused": refused, "applied": applied}
