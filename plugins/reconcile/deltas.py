"""Deltas: what to write where, decided from the staged mirrors and the cross-reference, recorded in the outbox.

- Unlinked records become creates on the other side (when the pair's direction allows and the record is eligible).
- Linked records are compared field by field (differences kept in ``ledgerbridge.differences``). The side that
  changed since the pair was last aligned wins; when both changed, the pair's conflict rule decides
  (``xero | quickbooks | newest | review``; an exact ``newest`` tie goes to the exception queue). The first time a
  pre-existing pair is aligned, a value missing on one side is filled from the other before the rule applies.
- A void on the source side voids the other.

Nothing is sent here: the write tasks send the outbox.
"""

from __future__ import annotations

import decimal
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Iterator

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile.config import PairConfig
from reconcile.entities.base import LEDGERS, EntitySpec, RecordError, WriteContext, other
from reconcile.evidence import identity
from reconcile.limits import too_long
from reconcile.run import RunInfo, open_exception, resolve_exceptions, set_counts

log = logging.getLogger(__name__)

PLANNING_REASONS = ["contact_not_linked", "unmapped_code_write", "conflict", "payment_mismatch", "direction",
                    "one_sided", "currency_not_enabled", "home_currency_mismatch", "locked", "not_editable",
                    "department_conflict", "identity_conflict", "cannot_hold"]
CHUNK = 500
GONE = ("voided", "deleted")


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass
class PlanResult:
    creates: dict[str, int] = field(default_factory=lambda: {"xero": 0, "quickbooks": 0})
    updates: dict[str, int] = field(default_factory=lambda: {"xero": 0, "quickbooks": 0})
    voids: dict[str, int] = field(default_factory=lambda: {"xero": 0, "quickbooks": 0})
    conflicts: int = 0
    exceptions: int = 0
    aligned: int = 0
    refused: int = 0  # not planned again: the ledger refused this version of the record (ledgerbridge.refusals)

    def counts(self) -> dict[str, Any]:
        return {"creates": self.creates, "updates": self.updates, "voids": self.voids,
                "conflicts": self.conflicts, "exceptions": self.exceptions, "aligned": self.aligned,
                "refused": self.refused}


class Planner:
    """Plans one entity for one pair. With ``dry_run`` it changes nothing and lists what it would do instead
    (``planned`` writes and ``reported`` exceptions): that is how a run checks the books ended aligned."""

    def __init__(self, spec: EntitySpec, pair: PairConfig, run: RunInfo, conn: Any, *, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.planned: list[dict[str, Any]] = []
        self.reported: list[dict[str, Any]] = []
        self.spec = spec
        self.pair = pair
        self.run = run
        self.conn = conn
        self.config = pair.entity(spec.name)
        self.result = PlanResult()
        self._maps: dict[str, dict[str, dict[str, str]]] = {}
        in_flight = conn.execute(db.sql("outbox/in_flight"), self._keys()).fetchall()
        self.in_flight = {r["source_id"] for r in in_flight} | {r["target_id"] for r in in_flight if r["target_id"]}
        # (ledger that refused, source record) -> the source version it refused (issue 17: no nightly re-send)
        self.refusals = {(r["ledger"], r["source_id"]): r["source_version"]
                         for r in conn.execute(db.sql("refusals/blocked"), self._keys())}
        from reconcile.reference import facts, mappings_for  # noqa: PLC0415

        self.facts = facts(conn, pair.name)
        self.ctx = WriteContext(mappings=mappings_for(conn, pair), resolve=self.resolve, run_id=run.run_id,
                                homes={ledger: f["home_currency"] for ledger, f in self.facts.items()
                                       if f["home_currency"]})
        self.cleared: dict[str, list[str]] = {"xero": [], "quickbooks": []}
        # (ledger, record id) -> planning reasons raised for it in this run (those stay open)
        self.flagged: dict[tuple[str, str], set[str]] = {}
        # people's decisions applied in this run (reconcile.decisions_apply): whose value wins for a linked pair,
        # and records of a one-way entity a person asked to create against its direction
        from reconcile import decisions_apply  # noqa: PLC0415

        self.picks = decisions_apply.picks(conn, pair.name, spec.name, run)
        self.forced = decisions_apply.forced_creates(conn, pair.name, spec.name, run)

    def _keys(self) -> dict[str, Any]:
        return {"pair": self.pair.name, "entity": self.spec.name}

    # --- references through the cross-reference ---------------------------------------------------------------
    def resolve(self, entity: str, ledger: str, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        if entity not in self._maps:
            rows = self.conn.execute(db.sql("deltas/xref_map"), {"pair": self.pair.name, "entity": entity})
            forward: dict[str, str] = {}
            backward: dict[str, str] = {}
            for r in rows:
                forward[r["xero_id"]] = r["quickbooks_id"]
                backward[r["quickbooks_id"]] = r["xero_id"]
            self._maps[entity] = {"xero": forward, "quickbooks": backward}
        return self._maps[entity][ledger].get(record_id)

    # --- outbox -------------------------------------------------------------------------------------------------
    def plan_write(self, ledger: str, operation: str, source_ledger: str, source: dict, target_id: str | None,
                   target_version: str | None, payload: dict, label: str | None) -> None:
        digest = payload_hash(payload)
        params = {"pair": self.pair.name, "entity": self.spec.name, "ledger": ledger, "operation": operation,
                  "source_ledger": source_ledger, "source_id": source["ledger_id"], "target_id": target_id,
                  "source_version": source.get("version"), "target_version": target_version, "label": label,
                  "payload": Jsonb(payload), "payload_hash": digest, "run_id": self.run.run_id}
        if self.dry_run:
            self.planned.append({**params, "payload": payload})
        else:
            self.conn.execute(db.sql("outbox/supersede"), params)
            self.conn.execute(db.sql("outbox/plan"), params)
        bucket = {"create": self.result.creates, "update": self.result.updates, "void": self.result.voids,
                  "delete": self.result.voids}[operation]
        bucket[ledger] += 1

    def exception(self, err: RecordError, ledger: str, record_id: str, label: str | None) -> None:
        reason = "unmapped_code_write" if err.reason == "unmapped_code" else err.reason
        self.flagged.setdefault((ledger, record_id), set()).add(reason)
        if self.dry_run:
            self.reported.append({"ledger": ledger, "record_id": record_id, "reason": reason, "message": str(err)})
            self.result.exceptions += 1
            return
        open_exception(self.conn, self.run, self.pair.name, self.spec.name, ledger, record_id, reason, str(err),
                       label=label, field=err.field)
        self.result.exceptions += 1

    def refused(self, target: str, source: dict) -> bool:
        """The target ledger refused this very version of the source record: wait for a new version, or for a
        person to clear the refusal (refusals/clear.sql); its write_failed exception stays open meanwhile."""
        key = (target, source["ledger_id"])
        if key in self.refusals and self.refusals[key] == source.get("version"):
            self.result.refused += 1
            return True
        return False

    def check_limits(self, target: str, payload: dict, source_ledger: str, row: dict, label: str | None) -> None:
        """A value longer than the target ledger holds is never cut: the record waits as cannot_hold."""
        resource = payload.get("_resource") or self.spec.side(target).resource
        found = too_long(target, resource, payload)
        if found:
            raise RecordError(source_ledger, self.spec.name, row["ledger_id"], found[0].path,
                              "; ".join(f.describe(target) for f in found) + ". Nothing is cut or replaced silently: "
                              f"correct it in {source_ledger} to have it carried across", label=label, reason="cannot_hold")

    def check_currency(self, row: dict, source: str, target: str) -> None:
        """A document goes to a ledger only in a currency it has enabled, and only between organisations that keep
        their books in the same home currency."""
        if not self.spec.references_currency:
            return
        homes = {ledger: self.facts.get(ledger, {}).get("home_currency") for ledger in LEDGERS}
        label = self.spec.side(source).label(row)
        if homes["xero"] and homes["quickbooks"] and homes["xero"] != homes["quickbooks"]:
            raise RecordError(source, self.spec.name, row["ledger_id"], "currency",
                              f"the home currencies differ (Xero {homes['xero']}, QuickBooks {homes['quickbooks']}), "
                              "so amounts cannot be carried across", label=label, reason="home_currency_mismatch")
        enabled = self.facts.get(target, {}).get("currencies") or []
        currency = row.get("currency")
        if currency and enabled and currency not in enabled:
            raise RecordError(source, self.spec.name, row["ledger_id"], "currency",
                              f"{currency} is not enabled in {target} (enabled: {', '.join(enabled)}); enable it "
                              f"there to carry this record across", label=label, reason="currency_not_enabled")

    # --- creates ------------------------------------------------------------------------------------------------
    def plan_creates(self) -> None:
        for source_ledger in LEDGERS:
            target = other(source_ledger)
            only: set[str] | None = None
            if not self.config.writes_to(target):
                self._report_one_sided(source_ledger)
                if not self.forced[source_ledger]:
                    continue
                only = self.forced[source_ledger]  # a person decided "create it" on these
            target_side = self.spec.side(target)
            source_side = self.spec.side(source_ledger)
            if target_side.create_payload is None:
                continue
            for row in self._stream_unlinked(source_ledger):
                if row["ledger_id"] in self.in_flight or (only is not None and row["ledger_id"] not in only):
                    continue
                if source_side.include is not None and not source_side.include(row):
                    continue
                if not (source_side.creatable or self.spec.creatable)(row):
                    continue
                if self.spec.matcher == "contacts" and row.get("name") == self.ctx.mappings.sundry_contact:
                    continue  # ledgerbridge's own payee for expenses kept without one: it stays in Xero
                label = source_side.label(row)
                if self.refused(target, row):
                    continue
                try:
                    self.check_currency(row, source_ledger, target)
                    payload = target_side.create_payload(row, self.ctx)
                    self.check_limits(target, payload, source_ledger, row, label)
                except RecordError as err:
                    self.exception(err, source_ledger, row["ledger_id"], label)
                    continue
                self.plan_write(target, "create", source_ledger, row, None, None, payload, label)
                self.cleared[source_ledger].append(row["ledger_id"])
                for f in self.spec.report_on_create:
                    reason, message = self.spec.report_only[f]
                    if not _empty(row.get(f)) and row.get(f) != 0:
                        self._report_unlinked(reason, source_ledger, row, label,
                                              f"copied to {target} without its {f.replace('_', ' ')} "
                                              f"({row.get(f)}): {message}")

    def _report_unlinked(self, reason: str, ledger: str, row: dict, label: str | None, message: str) -> None:
        self.flagged.setdefault((ledger, row["ledger_id"]), set()).add(reason)
        text = f"{ledger} {self.spec.name} {row['ledger_id']} ({label}): {message}"
        if self.dry_run:
            self.reported.append({"ledger": ledger, "record_id": row["ledger_id"], "reason": reason, "message": text})
            return
        open_exception(self.conn, self.run, self.pair.name, self.spec.name, ledger, row["ledger_id"], reason, text,
                       label=label)
        self.result.exceptions += 1

    def _report_one_sided(self, ledger: str) -> None:
        """On the receiving side of a one-way entity, a record with no partner is not copied back: a person should
        look at it (it may have been raised in the wrong ledger)."""
        if not self.config.enabled:
            return
        side = self.spec.side(ledger)
        for row in self._stream_unlinked(ledger):
            if (side.include is not None and not side.include(row)) or not (side.creatable or self.spec.creatable)(row):
                continue
            if row["ledger_id"] in self.forced[ledger]:
                continue  # a person decided to create it
            label = side.label(row)
            self.flagged.setdefault((ledger, row["ledger_id"]), set()).add("one_sided")
            message = (f"{ledger} {self.spec.name} {row['ledger_id']} ({label}) exists only in {ledger}; "
                       f"{self.spec.name} flow {self.config.direction}, so it is not copied. Check whether it "
                       f"belongs in {other(ledger)}, or link it by hand (ledgerbridge.xref, method 'manual').")
            if self.dry_run:
                self.reported.append({"ledger": ledger, "record_id": row["ledger_id"], "reason": "one_sided",
                                      "message": message})
                continue
            open_exception(self.conn, self.run, self.pair.name, self.spec.name, ledger, row["ledger_id"],
                           "one_sided", message, label=label)
            self.result.exceptions += 1

    def _stream_unlinked(self, ledger: str) -> Iterator[dict]:
        statement = db.composed("deltas/unlinked", table=self.spec.stage_table(ledger), xref_column=f"{ledger}_id")
        with self.conn.cursor(name=f"unlinked_{ledger}") as cur:
            cur.itersize = CHUNK
            cur.execute(statement, {**self._keys(), "ledger": ledger, "siblings": self.spec.siblings_on(ledger)})
            yield from cur

    # --- linked pairs ---------------------------------------------------------------------------------------------
    def plan_linked(self) -> None:
        links = self.conn.execute(db.sql("deltas/linked"), self._keys()).fetchall()
        for start in range(0, len(links), CHUNK):
            chunk = links[start:start + CHUNK]
            rows = {ledger: self._rows(ledger, [link[f"{ledger}_id"] for link in chunk]) for ledger in LEDGERS}
            for link in chunk:
                x = rows["xero"].get(link["xero_id"])
                q = rows["quickbooks"].get(link["quickbooks_id"])
                if x is None or q is None or x["blocked"] or q["blocked"]:
                    continue  # not staged yet (or a staging problem in the exception queue)
                if link["xero_id"] in self.in_flight or link["quickbooks_id"] in self.in_flight:
                    continue
                self._plan_pair(link, x, q)

    def _rows(self, ledger: str, ids: list[str]) -> dict[str, dict]:
        statement = db.composed("deltas/rows_by_id", table=self.spec.stage_table(ledger))
        result = self.conn.execute(statement, {"pair": self.pair.name, "entity": self.spec.name, "ledger": ledger,
                                               "ids": ids})
        return {r["ledger_id"]: r for r in result}

    def _comparable(self, field_name: str, x: dict, q: dict) -> tuple[Any, Any]:
        xv, qv = x.get(field_name), q.get(field_name)
        linked_entity = self.spec.reference_entity(field_name)
        if linked_entity:  # an id of another entity's record: compared through that entity's links
            return self.resolve(linked_entity, "xero", xv), qv
        if isinstance(xv, (decimal.Decimal, float)) and isinstance(qv, (decimal.Decimal, float)):
            return decimal.Decimal(str(xv)), decimal.Decimal(str(qv))
        if isinstance(xv, str) and isinstance(qv, str) or xv is None or qv is None:
            return (None if _empty(xv) else xv), (None if _empty(qv) else qv)
        return xv, qv

    def _plan_pair(self, link: dict, x: dict, q: dict) -> None:
        spec = self.spec
        rows = {"xero": x, "quickbooks": q}
        diffs = {f: self._comparable(f, x, q) for f in spec.compare}
        diffs = {f: v for f, v in diffs.items() if v[0] != v[1]}
        statuses = {ledger: "deleted" if rows[ledger].get("deleted") else rows[ledger].get("status")
                    for ledger in LEDGERS}
        gone = {ledger for ledger in LEDGERS if statuses[ledger] in GONE}
        if len(gone) == 1:
            # a voided or deleted record is not edited: its partner is voided or deleted too
            self._void(gone.pop(), rows, diffs)
            return
        if len(gone) == 2:
            diffs = {}  # voided or deleted on both sides: nothing else about them matters
        else:
            for f, (reason, message) in spec.report_only.items():
                values = self._comparable(f, x, q)
                if values[0] != values[1]:
                    self._report(reason, x, q, values, message)
        if not diffs:
            if self.dry_run:
                return
            self.conn.execute(db.sql("deltas/mark_aligned"), {
                **self._keys(), "xero_id": x["ledger_id"], "xero_version": x["version"],
                "quickbooks_version": q["version"], "run_id": self.run.run_id})
            self.result.aligned += 1
            self.cleared["xero"].append(x["ledger_id"])
            self.cleared["quickbooks"].append(q["ledger_id"])
            return
        first = link["xero_version"] is None and link["quickbooks_version"] is None
        changed = {"xero": first or x["version"] != link["xero_version"],
                   "quickbooks": first or q["version"] != link["quickbooks_version"]}
        if "status" in diffs and set(statuses.values()) <= {"paid", "authorised"}:
            del diffs["status"]  # paid or not follows from the payments: a report-only field says so
        if not diffs:
            return
        pick = self.picks.get(x["ledger_id"])
        if pick is not None:
            # a person took one side's value (for some fields, or the whole record): written as they decided
            if pick["fields"]:
                side, kept = pick["side"], [f for f in diffs if f not in pick["fields"]]
                winner_row = dict(rows[side])
                for f in kept:  # the fields not picked keep the other side's value
                    for name in {f, f.removeprefix("norm_")}:
                        winner_row[name] = rows[other(side)].get(name)
                rows = {**rows, side: winner_row}
                diffs = {f: v for f, v in diffs.items() if f in pick["fields"]}
            if diffs:
                self._write_updates(pick["side"], rows, diffs, first, {})
            return
        prefer: dict[str, str] = {}
        if spec.matcher == "contacts":
            held = identity.protect(x, q, diffs)
            if isinstance(held, str):
                self._report("identity_conflict", x, q, None, held,
                             diffs={f: v for f, v in diffs.items() if f in identity.FIELDS})
                return
            prefer = held if self.config.direction == "both" else {}
        winner = self._winner(x, q, changed, first, diffs)
        if winner is not None:
            self._write_updates(winner, rows, diffs, first, prefer)

    def _one_way_source(self) -> str | None:
        """For an entity that flows one way, the ledger it flows from."""
        writes = [ledger for ledger in LEDGERS if self.config.writes_to(ledger)]
        return other(writes[0]) if len(writes) == 1 else None

    def _winner(self, x: dict, q: dict, changed: dict[str, bool], first: bool, diffs: dict) -> str | None:
        source = self._one_way_source()
        if changed["xero"] != changed["quickbooks"]:
            edited = "xero" if changed["xero"] else "quickbooks"
            # one-way: an edit made only on the receiving side is put back to the source's version
            return source if source is not None else edited
        if source is not None and (first or not changed["xero"]):
            return source
        # both changed since they were aligned (a conflict), or neither did and an earlier write did not make
        # them equal, or they were never aligned: the pair's rule decides
        if changed["xero"] and changed["quickbooks"] and not first:
            self.result.conflicts += 1
        prefer = self.pair.conflict_prefer
        if prefer in LEDGERS:
            return prefer
        if prefer == "newest":
            xt, qt = x.get("updated_at"), q.get("updated_at")
            if xt and qt and xt != qt:
                return "xero" if xt > qt else "quickbooks"
            message = "both sides changed at the same moment, so the conflict rule 'newest' cannot choose"
        else:
            message = "both sides changed since the last run and the conflict rule is 'review'"
        self._report("conflict", x, q, None, message, diffs=diffs)
        return None

    def _write_updates(self, winner: str, rows: dict[str, dict], diffs: dict, first: bool,
                       prefer: dict[str, str] | None = None) -> None:
        loser = other(winner)
        merged = dict(rows[winner])
        fills: list[str] = []
        if first and self.config.direction != "both":
            # a pre-existing pair of a one-way entity: what only the receiving side has is kept there
            kept = [f for f, (xv, qv) in diffs.items() if f not in ("status", "contact_id")
                    and _empty(xv if winner == "xero" else qv) and not _empty(qv if winner == "xero" else xv)]
            for f in kept:
                del diffs[f]
            if not diffs:
                return
        if first and self.config.direction == "both":
            # a pre-existing pair: a value only one side has is kept, whichever side wins the rest
            for f, (xv, qv) in diffs.items():
                mine, theirs = (xv, qv) if winner == "xero" else (qv, xv)
                if _empty(mine) and not _empty(theirs) and f not in ("status", "contact_id"):
                    fills.append(f)
                    for name in {f, f.removeprefix("norm_")}:
                        merged[name] = rows[loser].get(name)
        for f, ledger in (prefer or {}).items():
            if ledger == loser and f in diffs and f not in fills:
                fills.append(f)  # an identity field is kept from the side that spells it cleanly / has it at all
                for name in {f, f.removeprefix("norm_")}:
                    merged[name] = rows[loser].get(name)
        for f, (xv, qv) in diffs.items():
            if self.dry_run:
                break
            self.conn.execute(db.sql("deltas/difference"), {
                **self._keys(), "run_id": self.run.run_id, "xero_id": rows["xero"]["ledger_id"],
                "quickbooks_id": rows["quickbooks"]["ledger_id"], "field": f, "xero_value": _text(xv),
                "quickbooks_value": _text(qv), "resolution": f"to_{winner if f in fills else loser}"})
        label = self.spec.side(winner).label(rows[winner])
        if any(f not in fills for f in diffs):
            self._update(loser, winner, merged, rows[loser], label, diffs)
        if fills:
            # the winner lacked values the other side has: build its update from the other side's row
            back = dict(rows[loser])
            for f in self.spec.compare:
                if f != "contact_id":
                    for name in {f, f.removeprefix("norm_")}:
                        back[name] = merged.get(name)
            self._update(winner, loser, back, rows[winner], label, diffs)

    def _update(self, target_ledger: str, source_ledger: str, source: dict, target: dict, label: str | None,
                diffs: dict) -> None:
        side = self.spec.side(target_ledger)
        rows = self._rows_for_report(source_ledger, source, target)
        if not self.config.writes_to(target_ledger):
            self._report("direction", rows[0], rows[1], None,
                         f"{self.spec.name} only flow {self.config.direction}, so {target_ledger} is not changed; "
                         "the difference stays until one side is edited to match", diffs=diffs)
            return
        if side.update_payload is None:
            self._report("not_editable", rows[0], rows[1], None,
                         f"{self.spec.name} are not edited once carried across; correct the record in one ledger "
                         "(delete it there to have it removed from the other)", diffs=diffs)
            return
        why = side.locked(target) if side.locked else None
        if why:
            rows = self._rows_for_report(source_ledger, source, target)
            self._report("locked", rows[0], rows[1], None, f"{target_ledger} will not change it: {why}", diffs=diffs)
            return
        if self.refused(target_ledger, source):
            return
        try:
            self.check_currency(source, source_ledger, target_ledger)
            payload = side.update_payload(source, target["raw"], self.ctx)
            self.check_limits(target_ledger, payload, source_ledger, source, label)
        except RecordError as err:
            self.exception(err, source_ledger, source["ledger_id"], label)
            return
        self.plan_write(target_ledger, "update", source_ledger, source, target["ledger_id"], target.get("version"),
                        payload, label)
        self.cleared[source_ledger].append(source["ledger_id"])

    @staticmethod
    def _rows_for_report(source_ledger: str, source: dict, target: dict) -> tuple[dict, dict]:
        return (source, target) if source_ledger == "xero" else (target, source)

    def _void(self, source_ledger: str, rows: dict[str, dict], diffs: dict) -> None:
        """The source record was voided (or deleted): take its partner away as its ledger allows."""
        target_ledger = other(source_ledger)
        side = self.spec.side(target_ledger)
        source, target = rows[source_ledger], rows[target_ledger]
        gone = "deleted" if source.get("deleted") or source.get("status") == "deleted" else "voided"
        if not self.config.writes_to(target_ledger) or side.void_payload is None:
            self._report("direction", rows["xero"], rows["quickbooks"], diffs.get("status"),
                         f"{gone} in {source_ledger} only; {self.spec.name} do not flow to {target_ledger}")
            return
        payload = side.void_payload(target["raw"])
        operation = side.void_operation
        if target_ledger == "xero" and payload.get("Status") == "DELETED":
            operation = "delete"
        self.plan_write(target_ledger, operation, source_ledger, source, target["ledger_id"], target.get("version"),
                        payload, self.spec.side(source_ledger).label(source))

    def _report(self, reason: str, x: dict, q: dict, values: Any, message: str, diffs: dict | None = None) -> None:
        label = self.spec.xero.label(x)
        self.flagged.setdefault(("xero", x["ledger_id"]), set()).add(reason)
        detail = ""
        if diffs:
            detail = "; ".join(f"{f}: xero={_text(a)} quickbooks={_text(b)}" for f, (a, b) in sorted(diffs.items()))
        elif values:
            detail = f"xero={_text(values[0])} quickbooks={_text(values[1])}"
        text = (f"{self.spec.name} xero {x['ledger_id']} ({label}) <-> quickbooks {q['ledger_id']}: {message}"
                + (f" [{detail}]" if detail else ""))
        if self.dry_run:
            self.reported.append({"ledger": "xero", "record_id": x["ledger_id"], "reason": reason, "message": text})
            self.result.exceptions += 1
            return
        open_exception(self.conn, self.run, self.pair.name, self.spec.name, "xero", x["ledger_id"], reason, text,
                       label=label, candidates={"quickbooks_id": q["ledger_id"]})
        self.result.exceptions += 1

    # --- run ------------------------------------------------------------------------------------------------------
    def plan(self) -> PlanResult:
        self.plan_linked()
        self.plan_creates()
        if self.dry_run:
            return self.result
        for ledger in LEDGERS:
            # a record planned or found aligned has its planning exceptions closed, except those raised again now
            groups: dict[frozenset[str], list[str]] = {}
            for record_id in set(self.cleared[ledger]):
                groups.setdefault(frozenset(self.flagged.get((ledger, record_id), ())), []).append(record_id)
            for raised, ids in groups.items():
                resolve_exceptions(self.conn, self.run, self.pair.name, self.spec.name, ledger,
                                   [r for r in PLANNING_REASONS if r not in raised], sorted(ids))
        return self.result


def plan(spec: EntitySpec, pair: PairConfig, run: RunInfo, db_url: str | None = None) -> PlanResult:
    with db.connect(db_url) as conn:
        planner = Planner(spec, pair, run, conn)
        result = planner.plan()
        conn.execute(db.sql("outbox/attach_decisions"), {"pair": pair.name, "entity": spec.name,
                                                         "run_id": run.run_id})
        for ledger in LEDGERS:
            set_counts(conn, run, pair.name, spec.name, ledger, conflicts=result.conflicts)
        conn.commit()
    log.info("planned %s for pair %s: %s", spec.name, pair.name, result.counts())
    return result

