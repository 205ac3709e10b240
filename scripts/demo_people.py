"""The demo's people in the loop (issue 8): approving the first alignment through Airflow's human-in-the-loop API,
listing the open exceptions with the command that decides each, taking a few scripted decisions, and running the
entities that have decisions again so the control totals before and after can be compared.

Used by scripts/demo.py; every step says what it does, so nothing is decided silently.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import psycopg
from psycopg.rows import dict_row

DEMO_USER = "demo (make demo)"
SHOWN = 100  # open exceptions listed with their command (the seeded books have about 40); the rest are counted
SETTLE = 3.0  # seconds a request has been parked before the demo answers it


def answerer(say: Callable[[str], None]) -> Callable[[Any], None]:
    """Answers human-in-the-loop requests as a person would in the UI (the same REST API): approves write plans
    waiting at a gate (the first alignment) and leaves new-exception reviews for later (decided below instead)."""
    seen: set[tuple] = set()
    parked: dict[tuple, float] = {}

    def answer(cluster: Any) -> None:
        try:
            waiting = cluster.hitl_waiting()
        except Exception:  # noqa: BLE001  (the api-server is busy: ask again at the next poll)
            return
        for request in waiting:
            ti = request["task_instance"]
            # answered once the task is parked (answering while it parks races Airflow and costs a retry); a
            # retried task asks again under its new try
            key = (ti["dag_id"], ti["dag_run_id"], ti["task_id"], ti["map_index"], ti.get("try_number"))
            if key in seen or ti.get("state") != "awaiting_input":
                continue
            if time.monotonic() - parked.setdefault(key, time.monotonic()) < SETTLE:
                continue  # a person takes a moment; an answer in the same second as the park races the worker
            seen.add(key)
            params = {k: "" for k in (request.get("params") or {})}
            if ti["task_id"].endswith("approve"):
                say(f"  approval asked: {request['subject']} -> approved by the demo through Airflow's approval API "
                    "(a person would press Approve in Required actions)")
                params["note"] = "first alignment approved by make demo"
                chosen = ["Approve"]
            else:
                say(f"  review asked: {request['subject']} -> 'Decide later' (the demo decides by CLI below)")
                chosen = ["Decide later"]
            try:
                cluster.hitl_answer(ti["dag_id"], ti["dag_run_id"], ti["task_id"], ti["map_index"], chosen, params)
            except Exception as exc:  # noqa: BLE001
                say(f"  (could not answer {key}: {exc})")
                seen.discard(key)

    return answer


def show_approvals(say: Callable[[str], None], db_url: str) -> None:
    """The approval gates the night crossed: what each plan would write, who approved it and how."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT entity, gated_by, plan, status, decided_by, via FROM ledgerbridge.approvals "
                            "ORDER BY id").fetchall()
    if not rows:
        return
    say("\nApproval gates crossed (ledgerbridge.approvals; each plan is exactly the writes then sent):")
    for r in rows:
        counts = (r["plan"] or {}).get("counts") or {}
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if isinstance(counts, dict) else counts
        say(f"  {r['entity']:<18} {', '.join(r['gated_by'])}: {shown or 'see plan'} -> {r['status']} by "
            f"{r['decided_by']} (via {r['via']})")


def control_totals(db_url: str, run_id: str) -> list[dict[str, Any]]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return conn.execute("SELECT kind, xero_amount, quickbooks_amount, difference FROM ledgerbridge.control_totals "
                            "WHERE run_id = %s AND contact = 'total' AND bucket = 'all' ORDER BY kind",
                            (run_id,)).fetchall()


def show_totals(say: Callable[[str], None], title: str, rows: list[dict[str, Any]]) -> None:
    say(title)
    for r in rows:
        say(f"  {r['kind']:<11} xero {r['xero_amount']:>10}  quickbooks {r['quickbooks_amount']:>10}  "
            f"difference {r['difference']:>9}")


def list_queue(say: Callable[[str], None], db_url: str) -> list[dict[str, Any]]:
    from ledgerbridge import db  # noqa: PLC0415
    from reconcile import decide  # noqa: PLC0415

    with db.connect(db_url) as conn:
        rows = decide.list_open(conn, "harbour")
    say(f"\nOpen exceptions ({len(rows)}), each with the command that decides it (make decide ARGS=\"...\"):")
    for r in rows[:SHOWN]:
        text = r["record_label"] or ""
        label = f" ({text[:57] + '...' if len(text) > 60 else text})" if text else ""
        say(f"  #{r['id']} {r['entity']} {r['ledger']} {r['record_id']}{label}: {r['reason']}")
        say(f"      {decide.command_for(r)}")
    if len(rows) > SHOWN:
        say(f"  ... and {len(rows) - SHOWN} more: make decide ARGS=\"list\"")
    return rows


IGNORE_NOTES = {
    "currency_not_enabled": "kept in Xero only: QuickBooks has not enabled the currency",
    "locked": "the period is closed in the receiving ledger: left as it is",
    "not_editable": "the receiving ledger will not take this edit: left as it is",
    "unmapped_code": "no mapping for this code yet: the bookkeeper will book it by hand",
    "one_sided": "a record of one ledger only, by design",
    "payment_mismatch": "the payment is settled by hand in each ledger",
    "document_not_linked": "its document is not carried: left as it is",
    "direction": "this entity is carried the other way only",
}


def scripted_decisions(say: Callable[[str], None], db_url: str, truth_file: Path,
                       queue: list[dict[str, Any]]) -> list[int]:
    """The demo's decisions, as an analyst would take them, for every open exception: a suggested match is linked
    to the partner the seed's truth file names (or created when the truth has none); everything else (hostile
    records, closed periods, codes without a mapping, records of one ledger only ...) is ignored with a note, so the
    control totals of what is carried can agree."""
    from ledgerbridge import db  # noqa: PLC0415
    from reconcile import decisions  # noqa: PLC0415

    from sandbox.seed.truth import partners  # noqa: PLC0415

    partner = partners(json.loads(truth_file.read_text()))
    taken: list[int] = []
    linked: set[str] = set()
    say("\nThe demo's scripted decisions (python -m reconcile.decide, as an analyst would), one per open exception:")
    with db.connect(db_url) as conn:
        for exc in queue:
            key = (exc["entity"], exc["ledger"], str(exc["record_id"]))
            label = exc["record_label"] or exc["record_id"]
            label = label[:57] + "..." if len(label) > 60 else label
            if exc["reason"] in ("ambiguous_match", "possible_match"):
                if str(exc["record_id"]) in linked:
                    continue  # its partner's decision linked it already
                want = partner.get(key)
                n = next((c["n"] for c in decisions.candidates_of(exc) if want and str(c.get("id")) == want), None)
                if n is not None and want not in linked:
                    d = decisions.Decision(exc["id"], "link", DEMO_USER, candidate=n, via="cli",
                                           note="the truth file's partner")
                    said = f"link {exc['id']} --candidate {n}"
                    linked.update({str(exc["record_id"]), want})
                elif key in partner and partner[key] is None:
                    d = decisions.Decision(exc["id"], "create", DEMO_USER, via="cli",
                                           note="the truth file: a different record")
                    said = f"create {exc['id']}"
                else:
                    continue
            elif "ignore" not in decisions.offered(exc["reason"]):
                continue  # e.g. an identity conflict: a person picks a side (make decide ARGS="pick ...")
            else:
                note = IGNORE_NOTES.get(exc["reason"], "a bad record typed at the source: fixed there, not here")
                d = decisions.Decision(exc["id"], "ignore", DEMO_USER, via="cli", note=note)
                said = f"ignore {exc['id']}"
            try:
                taken.append(decisions.record(conn, d))
                conn.commit()
                say(f"  python -m reconcile.decide {said} --by demo   ({exc['entity']} {exc['reason']} {label})")
            except decisions.DecisionError as err:
                conn.rollback()
                say(f"  refused: {err}")
    return taken


def applied(say: Callable[[str], None], db_url: str, ids: list[int]) -> None:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT id, entity, decision, status, outcome FROM ledgerbridge.decisions "
                            "WHERE id = ANY(%s) ORDER BY id", (ids,)).fetchall()
    say("\nDecisions applied by the next run (each once, through the outbox and audit log):")
    for r in rows:
        say(f"  decision {r['id']} {r['entity']} {r['decision']}: {r['status']} - {r['outcome'] or ''}")


def pending_entities(db_url: str) -> list[str]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return [r["entity"] for r in conn.execute("SELECT DISTINCT entity FROM ledgerbridge.decisions "
                                                  "WHERE status = 'pending'")]
