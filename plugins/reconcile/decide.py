"""Decide on open exceptions from the command line (issue 8); ``make decide ARGS="list"`` runs it too.

    python -m reconcile.decide [--db-url URL] list [--pair P] [--entity E] [--reason R]
    python -m reconcile.decide show ID
    python -m reconcile.decide link ID (--candidate N | --record OTHER_ID) [--by NAME] [--note TEXT]
    python -m reconcile.decide create|ignore|retry|keep|unlink ID [--by NAME] [--note TEXT]
    python -m reconcile.decide pick ID --side xero|quickbooks [--fields name,email] [--by NAME] [--note TEXT]
    python -m reconcile.decide cancel DECISION_ID [--by NAME]

``make decide`` works on the demo's database. ``--by`` defaults to the login name. A decision is validated before
it is recorded (a refused one prints why and records nothing, exit 2); the next run of the entity applies it, or at once with a manual
trigger of ``nightly_alignment`` with ``{"apply_decisions": true, "pair": "..."}``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from ledgerbridge import db
from reconcile import decisions
from reconcile.decisions import Decision, DecisionError


def _who(value: str | None) -> str:
    if value:
        return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def command_for(exc: dict[str, Any]) -> str:
    """The commands that decide one exception, as a person would type them."""
    cmds = []
    for offer in decisions.offers(exc["reason"]):
        if offer.needs == "candidate":
            n = [c.get("n") for c in decisions.candidates_of(exc)] or [1]
            cmds.append(f"link {exc['id']} --candidate {n[0] if len(n) == 1 else '|'.join(map(str, n))}")
        elif offer.needs == "record_id":
            cmds.append(f"link {exc['id']} --record <{decisions.other(exc['ledger'])} id>")
        elif offer.needs == "side":
            cmds.append(f"pick {exc['id']} --side xero|quickbooks")
        else:
            cmds.append(f"{offer.decision} {exc['id']}")
    return "python -m reconcile.decide " + " | ".join(cmds)


def list_open(conn: Any, pair: str | None = None, entity: str | None = None,
              reason: str | None = None) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(db.sql("decisions/list"),
                                          {"pair": pair, "entity": entity, "reason": reason})]


def _print_list(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no open exceptions")
        return
    for r in rows:
        label = f" ({r['record_label']})" if r["record_label"] else ""
        print(f"#{r['id']} {r['pair']} {r['entity']} {r['ledger']} {r['record_id']}{label}: {r['reason']}")
        if r["decision_id"]:
            print(f"    pending decision {r['decision_id']}: {r['decision']} by {r['decided_by']}")
        else:
            print(f"    {command_for(r)}")
    print(f"{len(rows)} open")


def _print_show(conn: Any, exception_id: int) -> int:
    exc = conn.execute(db.sql("decisions/exception"), {"exception_id": exception_id}).fetchone()
    if exc is None:
        print(f"there is no exception {exception_id}", file=sys.stderr)
        return 2
    print(f"#{exc['id']} {exc['pair']} {exc['entity']} {exc['ledger']} {exc['record_id']} "
          f"({exc['record_label'] or '-'}): {exc['reason']} [{exc['status']}]")
    print(f"  {exc['message']}")
    for c in decisions.candidates_of(exc):
        print(f"  candidate {c.get('n')}: {c.get('ledger')} {c.get('id')} ({c.get('label')}) "
              f"score {c.get('score')} - {c.get('why') or ''}")
        for e in c.get("evidence") or []:
            print(f"      {e.get('field')}: {e.get('level')} {e.get('weight'):+} {e.get('says') or ''}")
    if exc["candidates"] and not decisions.candidates_of(exc):
        print(f"  {json.dumps(exc['candidates'])}")
    print("  offered: " + "; ".join(f"{o.decision} ({o.describes})" for o in decisions.offers(exc["reason"])))
    if exc["status"] == "open":
        print(f"  {command_for(dict(exc))}")
    for d in conn.execute(db.sql("decisions/for_exception"), {"exception_id": exception_id}):
        print(f"  decision {d['id']}: {d['decision']} by {d['decided_by']} at {d['decided_at']:%Y-%m-%d %H:%M} "
              f"[{d['status']}]{' - ' + d['outcome'] if d['outcome'] else ''}")
    return 0


def _url(args: argparse.Namespace) -> str | None:
    return args.db_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reconcile.decide", description=__doc__.split("\n")[0])
    parser.add_argument("--db-url", help="ledgerbridge's database (default: the ledger_db connection or "
                                         "LEDGERBRIDGE_DB_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="open exceptions with the commands that decide them")
    ls.add_argument("--pair")
    ls.add_argument("--entity")
    ls.add_argument("--reason")
    ls.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one exception: its candidates, what it offers, its decisions")
    show.add_argument("id", type=int)
    for name in ("link", "create", "ignore", "retry", "keep", "unlink", "pick"):
        p = sub.add_parser(name, help=f"decide {name}")
        p.add_argument("id", type=int, help="the exception id")
        p.add_argument("--by", help="who decides (default: the login name)")
        p.add_argument("--note", help="why, in a few words")
        if name == "link":
            p.add_argument("--candidate", type=int)
            p.add_argument("--record", help="a record id on the other ledger")
        if name == "pick":
            p.add_argument("--side", choices=decisions.SIDES, required=True)
            p.add_argument("--fields", help="comma-separated fields (default: the whole record)")
    cancel = sub.add_parser("cancel", help="cancel a pending decision")
    cancel.add_argument("decision_id", type=int)
    cancel.add_argument("--by")
    args = parser.parse_args(argv)

    with db.connect(_url(args)) as conn:
        if args.command == "list":
            rows = list_open(conn, args.pair, args.entity, args.reason)
            if args.json:
                print(json.dumps([{**r, "command": command_for(r)} for r in rows], default=str))
            else:
                _print_list(rows)
            return 0
        if args.command == "show":
            return _print_show(conn, args.id)
        if args.command == "cancel":
            done = conn.execute(db.sql("decisions/cancel"), {"id": args.decision_id,
                                                             "by": _who(args.by)}).rowcount
            conn.commit()
            if not done:
                print(f"decision {args.decision_id} is not pending", file=sys.stderr)
                return 2
            print(f"decision {args.decision_id} cancelled")
            return 0
        decision = Decision(
            exception_id=args.id, decision=args.command, decided_by=_who(args.by), note=args.note, via="cli",
            candidate=getattr(args, "candidate", None), other_id=getattr(args, "record", None),
            side=getattr(args, "side", None),
            fields=[f for f in (getattr(args, "fields", None) or "").split(",") if f.strip()] or None)
        try:
            new = decisions.record(conn, decision)
        except DecisionError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 2
        conn.commit()
    print(f"decision {new} recorded: {args.command} on exception {args.id}; the next run of the entity applies it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
