"""Write-back: send the outbox to one ledger, record every answer, audit every write.

Order of events for a batch: the rows get a batch key and their idempotency key, their attempt is counted and a
``sent`` audit row is written, and all of that commits BEFORE the request goes out. The answer is recorded per
row afterwards. So a task that dies mid-way, or is retried, or re-run, finds rows that were sent but not answered
and re-sends exactly the same batch, with the same key (the ledger replays its first answer instead of writing
again). For creates whose first answer may have been lost longer ago than a ledger keeps keys, the record is first
looked up by its natural key (name, number), and found ones are recorded as applied ("recovered").

A record the ledger refuses goes to the exception queue with the ledger's message and the field it names; the run
goes on. The refusal is recorded in ``ledgerbridge.refusals`` against the version of the source record that was
refused, and nothing is planned for that record again until it changes or a person clears the refusal
(``include/sql/refusals/clear.sql``, :func:`reconcile.refusals.clear`): a validation error is never re-sent every
night. A whole request refused for what it carries is sent again record by record, so one bad record does not
hold the others of its batch. Transport errors (5xx, 401, 429, timeouts) raise and are retried as before.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from psycopg.types.json import Jsonb

from ledgerbridge import db
from ledgerbridge.http import LedgerAPIError
from reconcile.config import PairConfig
from reconcile.entities.base import EntitySpec
from reconcile.quarantine import storable
from reconcile.run import RunInfo, open_exception, resolve_exceptions, set_counts

log = logging.getLogger(__name__)

STALE_CODES = {"5010"}  # QuickBooks: the record changed since we read it; the next run plans again


@dataclass
class Outcome:
    outbox_id: int
    ok: bool
    result_id: str | None = None
    version: str | None = None
    errors: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None


@dataclass
class WriteResult:
    ledger: str
    sent: int = 0
    applied: int = 0
    recovered: int = 0
    failed: int = 0
    stale: int = 0
    batches: int = 0

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "applied": self.applied, "recovered": self.recovered, "failed": self.failed,
                "stale": self.stale, "batches": self.batches}


def _trim(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the audit keeps of a ledger's answer: ids, versions, status and errors, not whole documents."""
    if not record:
        return record
    keep = ("InvoiceID", "ContactID", "Id", "SyncToken", "UpdatedDateUTC", "Status", "status", "StatusAttributeString",
            "ValidationErrors", "InvoiceNumber", "DocNumber", "Name", "DisplayName", "Fault", "MetaData")
    return {k: record[k] for k in keep if k in record}


def directive(row: dict, name: str, default: Any = None) -> Any:
    """Payload keys starting with "_" steer the sending (``_resource``, ``_operation``, ``_path``) and are not sent."""
    return row["payload"].get(f"_{name}", default)


def body(row: dict) -> dict:
    return {k: v for k, v in row["payload"].items() if not k.startswith("_")}


class Sender:
    """The ledger-specific half: how a batch of outbox rows is sent and what comes back."""

    def __init__(self, spec: EntitySpec, ledger: str, hook: Any) -> None:
        self.spec = spec
        self.ledger = ledger
        self.hook = hook
        self.resource = spec.side(ledger).resource
        self.batch_size = hook.batch_size

    def resource_of(self, row: dict) -> str:
        return directive(row, "resource", self.resource)

    def key_for(self, operation: str, rows: list[dict]) -> str:
        """The idempotency key the hook will send for these rows (it derives it from the body)."""
        resource = self.resource_of(rows[0])
        if self.ledger == "xero":
            from xero.hooks import idempotency_key  # noqa: PLC0415

            if operation == "note":
                return ",".join(idempotency_key("PUT", f"{resource}/{r['target_id']}/History",
                                                {"HistoryRecords": [{"Details": r["payload"]["Details"][:250]}]})
                                for r in rows)[:500]
            if directive(rows[0], "path"):
                return ",".join(idempotency_key(directive(r, "method", "POST"), directive(r, "path"), body(r))
                                for r in rows)[:500]
            method = "PUT" if operation == "create" else "POST"
            return idempotency_key(method, resource, {resource: [body(r) for r in rows]})
        from quickbooks.hooks import request_id  # noqa: PLC0415

        batch = {"BatchItemRequest": [self._qb_entry(i, r) for i, r in enumerate(rows)]}
        return request_id("POST", "batch", {"keys": [str(r["id"]) for r in rows], "body": batch}, 36)

    def _qb_entry(self, index: int, row: dict) -> dict:
        entry: dict[str, Any] = {"bId": f"b{index}", self.resource_of(row): body(row)}
        operation = directive(row, "operation", row["operation"])
        if operation == "void":
            entry.update(operation="update", optionsData="void")
        else:
            entry["operation"] = operation
        return entry

    def send(self, operation: str, rows: list[dict]) -> list[Outcome]:
        if self.ledger == "xero":
            return self._send_xero(operation, rows)
        return self._send_quickbooks(rows)

    def _send_xero(self, operation: str, rows: list[dict]) -> list[Outcome]:
        from xero.hooks import ID_FIELDS, WriteItem, idempotency_key  # noqa: PLC0415

        resource = self.resource_of(rows[0])
        if operation == "note":
            outcomes = []
            for r in rows:
                self.hook.add_history(resource, r["target_id"], r["payload"]["Details"])
                outcomes.append(Outcome(r["id"], True, r["target_id"]))
            return outcomes
        if directive(rows[0], "path"):
            # one record per request (a Xero payment is deleted by POST /Payments/{id}, credit is allocated by
            # PUT /CreditNotes/{id}/Allocations)
            outcomes = []
            for r in rows:
                path, payload, method = directive(r, "path"), body(r), directive(r, "method", "POST")
                answer = self.hook.request(method, path, json_body=payload or None, record=r["label"],
                                           headers={"Idempotency-Key": idempotency_key(method, path, payload)})
                data = answer.json() if answer.content else {}
                record = (data.get(resource) or [{}])[0] if isinstance(data.get(resource), list) else \
                    data.get(resource) or data
                outcomes.append(Outcome(r["id"], True, record.get(ID_FIELDS.get(resource, "")) or r["target_id"],
                                        record.get("UpdatedDateUTC"), record=record))
            return outcomes
        method = "PUT" if operation == "create" else "POST"
        results = self.hook.write(resource, [WriteItem(str(r["id"]), body(r)) for r in rows], method=method)
        return [Outcome(int(o.key), o.ok, o.ledger_id, (o.record or {}).get("UpdatedDateUTC"), o.errors, [],
                        o.record) for o in results]

    def _send_quickbooks(self, rows: list[dict]) -> list[Outcome]:
        from quickbooks.hooks import BatchItem  # noqa: PLC0415

        items = [BatchItem(str(r["id"]), self.resource_of(r), directive(r, "operation", r["operation"]), body(r))
                 for r in rows]
        return [Outcome(int(o.key), o.ok, o.ledger_id, o.sync_token, o.errors, o.codes, o.record)
                for o in self.hook.batch(items)]

    def find_existing(self, row: dict) -> tuple[str, str | None] | None:
        """For a create whose answer was lost: the record, if the ledger has it (by its natural key)."""
        finder: Callable[[Any, dict], dict | None] | None = self.spec.side(self.ledger).find_existing
        if finder is None or row["operation"] != "create":
            return None
        found = finder(self.hook, row["payload"])
        if not found:
            return None
        if self.ledger == "xero":
            from xero.hooks import ID_FIELDS  # noqa: PLC0415

            return found[ID_FIELDS[self.resource]], found.get("UpdatedDateUTC")
        return str(found["Id"]), found.get("SyncToken")


class Writer:
    def __init__(self, spec: EntitySpec, ledger: str, pair: PairConfig, hook: Any, run: RunInfo, conn: Any) -> None:
        self.spec = spec
        self.ledger = ledger
        self.pair = pair
        self.run = run
        self.conn = conn
        self.sender = Sender(spec, ledger, hook)
        self.result = WriteResult(ledger)

    def _keys(self) -> dict[str, Any]:
        return {"pair": self.pair.name, "entity": self.spec.name, "ledger": self.ledger}

    def _audit(self, row: dict, outcome: str, answer: Any = None, key: str | None = None) -> None:
        self.conn.execute(db.sql("audit/add"), {
            **self._keys(), "run_id": self.run.run_id, "try_number": self.run.try_number,
            "operation": row["operation"], "outbox_id": row["id"],
            "record_id": row.get("target_id") or row.get("source_id"), "payload_hash": row["payload_hash"],
            "idempotency_key": key or row.get("idempotency_key"), "outcome": outcome,
            "answer": Jsonb(answer) if answer is not None else None})

    def batches(self, rows: list[dict]) -> list[tuple[str, list[dict]]]:
        """Rows already sent keep their batch (same rows, same order, same key); new ones are chunked."""
        by_key: dict[str, list[dict]] = {}
        fresh: dict[str, list[dict]] = {}
        for r in rows:
            if r["batch_key"]:
                by_key.setdefault(r["batch_key"], []).append(r)
            else:
                fresh.setdefault((r["operation"], self.sender.resource_of(r), bool(directive(r, "path"))),
                                 []).append(r)
        result = [(group[0]["operation"], sorted(group, key=lambda r: r["id"])) for group in by_key.values()]
        for (operation, _resource, _single), group in fresh.items():
            size = 1 if operation == "note" else self.sender.batch_size
            for start in range(0, len(group), size):
                result.append((operation, group[start:start + size]))
        return result

    def run_all(self) -> WriteResult:
        rows = self.conn.execute(db.sql("outbox/pending"), self._keys()).fetchall()
        for operation, batch in self.batches(rows):
            batch = self._recover(batch)
            if batch:
                self._send(operation, batch)
        return self.result

    def _recover(self, batch: list[dict]) -> list[dict]:
        """Attempted creates the ledger already has are recorded as applied and not sent again."""
        remaining = []
        for row in batch:
            found = self.sender.find_existing(row) if row["attempts"] > 0 else None
            if found is None:
                remaining.append(row)
                continue
            result_id, version = found
            with self.conn.transaction():
                self._applied(row, Outcome(row["id"], True, result_id, version), "recovered")
            self.result.recovered += 1
            log.warning("%s: outbox %s (%s) was already applied as %s; not sent again", self.ledger, row["id"],
                        row["label"], result_id)
        if remaining and len(remaining) != len(batch):
            # the batch changed, so its key must too: the rest is sent as a new batch
            for row in remaining:
                row["batch_key"] = None
        return remaining

    def _send(self, operation: str, batch: list[dict]) -> None:
        key = self.sender.key_for(operation, batch)
        batch_key = batch[0]["batch_key"] or hashlib.sha256(
            ",".join(f"{r['id']}:{r['payload_hash']}" for r in batch).encode()).hexdigest()[:32]
        with self.conn.transaction():
            self.conn.execute(db.sql("outbox/mark_sending"), {"batch_key": batch_key, "idempotency_key": key,
                                                              "run_id": self.run.run_id,
                                                              "ids": [r["id"] for r in batch]})
            for row in batch:
                self._audit(row, "sent", key=key)
        self.result.sent += len(batch)
        self.result.batches += 1
        try:
            outcomes = self.sender.send(operation, batch)
        except LedgerAPIError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 429):
                if len(batch) > 1:
                    # nothing of it was written: each record is sent alone, so only the bad one is refused
                    log.warning("%s refused a batch of %s (%s); sending each record alone", self.ledger, len(batch),
                                exc.detail)
                    for row in batch:
                        row["batch_key"] = None
                        self._send(operation, [row])
                    return
                # the whole request was refused for what it carries: the row is failed with the message
                outcomes = [Outcome(r["id"], False, errors=[exc.detail], codes=[exc.code or ""]) for r in batch]
            else:
                raise
        by_id = {r["id"]: r for r in batch}
        with self.conn.transaction():
            for outcome in outcomes:
                row = by_id[outcome.outbox_id]
                if outcome.ok:
                    self._applied(row, outcome, "applied")
                    self.result.applied += 1
                elif set(outcome.codes) & STALE_CODES:
                    self._record(row, "superseded", outcome, "; ".join(outcome.errors))
                    self._audit(row, "stale", {"errors": outcome.errors, "codes": outcome.codes}, key)
                    self.result.stale += 1
                else:
                    self._failed(row, outcome, key)

    def _record(self, row: dict, status: str, outcome: Outcome, error: str | None) -> None:
        self.conn.execute(db.sql("outbox/record_answer"), {
            "id": row["id"], "status": status, "result_id": outcome.result_id,
            "answer": Jsonb(_trim(outcome.record)) if outcome.record else None, "error": error})

    def _applied(self, row: dict, outcome: Outcome, how: str) -> None:
        self._record(row, "applied", outcome, None)
        self._audit(row, how, _trim(outcome.record) or {"id": outcome.result_id, "version": outcome.version})
        keys = {"pair": self.pair.name, "entity": self.spec.name, "run_id": self.run.run_id}
        if row["operation"] == "create":
            link = self.spec.side(self.ledger).link_id
            created = link(row["payload"], outcome.result_id or "", outcome.record) if link else outcome.result_id
            xero_id, qb_id = ((created, row["source_id"]) if self.ledger == "xero" else (row["source_id"], created))
            versions = ((outcome.version, row["source_version"]) if self.ledger == "xero"
                        else (row["source_version"], outcome.version))
            self.conn.execute(db.sql("outbox/link_created"), {**keys, "xero_id": xero_id, "quickbooks_id": qb_id,
                                                              "xero_version": versions[0],
                                                              "quickbooks_version": versions[1]})
            self._note_back(row, outcome)
        elif row["operation"] in ("update", "void", "delete"):
            if row["operation"] == "delete" and self.ledger == "quickbooks":
                # a QuickBooks delete is a hard delete no query shows again: the mirror learns it now
                self.conn.execute(db.composed("stage/mark_deleted", table=self.spec.stage_table(self.ledger)),
                                  {"pair": self.pair.name, "run_id": self.run.run_id, "ids": [row["target_id"]]})
            xero_id, qb_id = ((row["target_id"], row["source_id"]) if self.ledger == "xero"
                              else (row["source_id"], row["target_id"]))
            versions = ((outcome.version, row["source_version"]) if self.ledger == "xero"
                        else (row["source_version"], outcome.version))
            self.conn.execute(db.sql("outbox/mark_aligned"), {**keys, "xero_id": xero_id, "quickbooks_id": qb_id,
                                                              "xero_version": versions[0],
                                                              "quickbooks_version": versions[1]})
        resolve_exceptions(self.conn, self.run, self.pair.name, self.spec.name, row["source_ledger"] or self.ledger,
                           ["write_failed"], [row["source_id"]])
        if row["source_id"]:
            self.conn.execute(db.sql("refusals/applied"), {**self._keys(), "source_id": row["source_id"]})

    def _note_back(self, row: dict, outcome: Outcome) -> None:
        """Note where the record was copied on the source record (Xero History), as its own outbox write."""
        note = self.spec.note_on_source
        source_ledger = row["source_ledger"]
        if note is None or source_ledger is None or not self.pair.entity(self.spec.name).enabled:
            return
        text = note(self.ledger, outcome.result_id or "", self.run.run_id)
        if not text:
            return
        payload = {"Details": text}
        self.conn.execute(db.sql("outbox/plan"), {
            "pair": self.pair.name, "entity": self.spec.name, "ledger": source_ledger, "operation": "note",
            "source_ledger": self.ledger, "source_id": outcome.result_id, "target_id": row["source_id"],
            "source_version": outcome.version, "target_version": row["source_version"], "label": row["label"],
            "payload": Jsonb(payload), "payload_hash": hashlib.sha256(text.encode()).hexdigest(),
            "run_id": self.run.run_id})

    def _failed(self, row: dict, outcome: Outcome, key: str) -> None:
        message = "; ".join(outcome.errors) or "refused without a message"
        self._record(row, "failed", outcome, message)
        self._audit(row, "failed", {"errors": outcome.errors, "codes": outcome.codes}, key)
        record = row["source_id"] if row["operation"] == "create" else row["target_id"]
        where = field_of(outcome.errors)
        held = row["source_id"] is not None and row["operation"] in ("create", "update")
        open_exception(self.conn, self.run, self.pair.name, self.spec.name, row["source_ledger"] or self.ledger,
                       row["source_id"] or record, "write_failed",
                       f"{self.ledger} refused to {row['operation']} {self.spec.name} {row['label']} "
                       f"(outbox {row['id']}, from {row['source_ledger']} {row['source_id']}): {message}"
                       + (f". Not sent again until the {row['source_ledger']} record changes or a person retries it "
                          "(refusals/clear.sql)" if held else ""),
                       label=row["label"], field=where)
        if held:
            self.conn.execute(db.sql("refusals/record"), {
                **self._keys(), "source_ledger": row["source_ledger"] or self.ledger, "source_id": row["source_id"],
                "source_version": row["source_version"], "operation": row["operation"], "field": where,
                "message": storable(message), "codes": [c for c in outcome.codes if c], "outbox_id": row["id"],
                "run_id": self.run.run_id})
        self.result.failed += 1


# Xero names the field at the start of a validation message: "Name must not be more than 255 characters long."
_XERO_FIELD = re.compile(r"^(?:The )?([A-Z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Z][A-Za-z0-9]*(?:\[\d+\])?)*) "
                         r"(?:must|is|cannot|can't|has|should|field)\b")


def field_of(errors: list[str]) -> str | None:
    """The field a ledger's refusal names: QuickBooks' ``element`` (our hook appends it as a trailing
    ``[Line[0].Amount]``, nested brackets and all), else the field a Xero message starts with."""
    for text in errors:
        text = text.rstrip()
        if text.endswith("]"):
            depth = 0
            for index in range(len(text) - 1, -1, -1):
                depth += {"]": 1, "[": -1}.get(text[index], 0)
                if depth == 0:
                    inner = text[index + 1:-1].strip()
                    if inner:
                        return inner
                    break
    for text in errors:
        match = _XERO_FIELD.match(text.strip())
        if match:
            return match.group(1)
    return None


def write(spec: EntitySpec, ledger: str, pair: PairConfig, hook: Any, run: RunInfo,
          db_url: str | None = None) -> WriteResult:
    with db.connect(db_url, autocommit=True) as conn:
        writer = Writer(spec, ledger, pair, hook, run, conn)
        result = writer.run_all()
        counts = conn.execute(db.sql("outbox/run_counts"), {"pair": pair.name, "entity": spec.name, "ledger": ledger,
                                                            "run_id": run.run_id}).fetchone()
        set_counts(conn, run, pair.name, spec.name, ledger, created=counts["created"], updated=counts["updated"],
                   voided=counts["voided"], failed=counts["failed"])
    log.info("wrote %s to %s for pair %s: %s", spec.name, ledger, pair.name, result.counts())
    return result

