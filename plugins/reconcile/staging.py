"""Staging: a ledger's records, straight from the hook's generator into PostgreSQL with COPY.

Memory stays flat in the number of records: each record is normalised and written to the COPY stream as it
arrives. Records that cannot be normalised go to the exception queue (naming the record and the field) and the
read goes on. The merge into the staging table and the watermark advance commit together, so a failed run
re-reads from where the last good one ended.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile import quarantine
from reconcile.config import PairConfig
from reconcile.entities.base import EntitySpec, RecordError
from reconcile.run import RunInfo, open_exception, set_counts

log = logging.getLogger(__name__)

# reasons a record is held at staging (issue 17: unsafe_value, out_of_range are staged escaped, but held)
STAGING_REASONS = ["invalid_field", "unmapped_code", "unsafe_value", "out_of_range"]
SWEEP_INTERVAL = dt.timedelta(days=7)  # a complete read (comparing every id) at least this often
CDC_REACH = dt.timedelta(days=29)  # QuickBooks cdc looks back 30 days
MAX_KEPT_ERRORS = 10_000  # errors are written after the COPY; beyond this many only their count is kept


@dataclass
class StageResult:
    ledger: str
    entity: str
    read: int = 0
    staged: int = 0
    skipped: int = 0
    rejected: int = 0
    deleted: int = 0
    full: bool = False
    since: dt.datetime | None = None
    watermark: dt.datetime | None = None
    quarantined: int = 0  # staged (escaped) but held: a value we will not carry across
    errors: list[RecordError] = field(default_factory=list)
    escaped: dict[str, tuple[str | None, list[str]]] = field(default_factory=dict)  # id -> (version, raw paths)

    def counts(self) -> dict[str, Any]:
        return {"ledger": self.ledger, "entity": self.entity, "read": self.read, "staged": self.staged,
                "skipped": self.skipped, "rejected": self.rejected, "quarantined": self.quarantined,
                "deleted": self.deleted, "full": self.full,
                "since": self.since.isoformat() if self.since else None,
                "watermark": self.watermark.isoformat() if self.watermark else None}


def _value(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, (dict, list)) else value


def _raw_id(raw: Any) -> str:
    """A record's id when its normaliser could not say (Xero: ``<Resource>ID``; QuickBooks: ``Id``)."""
    if isinstance(raw, dict):
        if raw.get("Id") is not None:
            return str(raw["Id"])
        for key, value in raw.items():
            if isinstance(key, str) and key.endswith("ID") and isinstance(value, str):
                return value
    return "?"


def _raw_label(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    for key in ("DocNumber", "InvoiceNumber", "CreditNoteNumber", "Reference", "DisplayName", "Name", "Code"):
        if isinstance(raw.get(key), str) and raw[key]:
            return quarantine.shorten(raw[key])
    return None


def _held(spec: EntitySpec, ledger: str, record_id: str, label: str | None,
          problems: list[quarantine.Problem]) -> list[RecordError]:
    """One queue row per reason for a record staged but held, naming its fields (real raw paths)."""
    out = []
    for reason in ("unsafe_value", "out_of_range"):
        mine = [p for p in problems if p.reason == reason]
        if mine:
            what = "; ".join(p.describe() for p in mine[:5]) + (f" (and {len(mine) - 5} more)" if len(mine) > 5 else "")
            out.append(RecordError(ledger, spec.name, record_id, mine[0].path,
                                   f"{what}; the record is staged (escaped) but nothing is written for it until it "
                                   f"is corrected in {ledger}", label=label, reason=reason))
    return out


def _mark_deleted(conn: Any, spec: EntitySpec, ledger: str, side: Any, hook: Any, pair: str, run: RunInfo,
                  result: StageResult, seen: set[str]) -> int:
    """Staged records the ledger deleted: after a complete read, those it no longer returns; otherwise those its
    change feed (QuickBooks cdc) reports deleted since the last read."""
    table = spec.stage_table(ledger)
    if result.full:
        done = conn.execute(db.composed("stage/mark_unseen_deleted", table=table),
                            {"pair": pair, "run_id": run.run_id, "seen": sorted(seen)})
    else:
        ids = side.deleted_since(hook, result.since) if result.since is not None else []
        if not ids:
            return 0
        done = conn.execute(db.composed("stage/mark_deleted", table=table),
                            {"pair": pair, "run_id": run.run_id, "ids": ids})
    if done.rowcount:
        log.info("%s %s: %s records deleted in %s since the last read", spec.name, ledger, done.rowcount, ledger)
    return done.rowcount


def stage(spec: EntitySpec, ledger: str, pair: PairConfig, hook: Any, run: RunInfo, *, full: bool = False,
          db_url: str | None = None) -> StageResult:
    """Read ``ledger``'s records of ``spec`` changed since the watermark (all when ``full``) into staging."""
    side = spec.side(ledger)
    table = spec.stage_table(ledger)
    temp = f"tmp_{table}"
    columns = list(spec.staged_columns)
    result = StageResult(ledger, spec.name)
    keys = {"pair": pair.name, "ledger": ledger, "entity": spec.name}
    with db.connect(db_url) as conn:
        row = conn.execute(db.sql("stage/watermark_get"), keys).fetchone()
        now = dt.datetime.now(dt.timezone.utc)
        if row and side.deleted_since is not None and not full:
            # hard deletes are seen through cdc, which looks back 30 days, or by a complete read, at least weekly
            last_full = row["last_full_at"]
            full = (last_full is None or now - last_full > SWEEP_INTERVAL
                    or now - row["watermark"] > CDC_REACH)
        result.full = full or row is None
        result.since = None if full or not row else row["watermark"]
        claimed: dict[str, bool] = {}  # ledger id -> linked in this entity (True) or in a sibling (False)
        siblings = spec.siblings_on(ledger)
        if siblings:
            for link in conn.execute(db.sql("stage/linked_ids"), {"pair": pair.name,
                                                                   "entities": [spec.name, *siblings]}):
                claimed[link[f"{ledger}_id"]] = link["entity"] == spec.name
        from reconcile.reference import mappings_for  # noqa: PLC0415

        mappings = mappings_for(conn, pair)
        conn.execute(db.composed("stage/create_temp", temp=temp, table=table))
        newest = result.since
        seen: set[str] = set()  # every id a complete read returned (rejected and skipped ones too)
        copy_columns = ["pair", *columns]  # the temp table keeps the staging table's NOT NULL on pair
        with conn.cursor() as cur, cur.copy(db.composed("stage/copy", temp=temp, columns=copy_columns)) as copy:
            for raw in side.read(hook, result.since):
                result.read += 1
                screened = quarantine.screen_raw(raw)
                try:
                    staged = side.normalise(raw, mappings)
                except RecordError as exc:
                    seen.add(exc.record_id)
                    result.rejected += 1
                    if len(result.errors) < MAX_KEPT_ERRORS:
                        result.errors.append(exc)
                    continue
                except Exception as exc:  # noqa: BLE001 - a value our parsing did not expect holds only its record
                    record_id = _raw_id(raw)
                    seen.add(record_id)
                    result.rejected += 1
                    if len(result.errors) < MAX_KEPT_ERRORS:
                        result.errors.append(RecordError(
                            ledger, spec.name, record_id, None, f"could not be read ({type(exc).__name__}: "
                            f"{quarantine.shorten(str(exc), 200)})", label=_raw_label(raw)))
                    continue
                seen.add(staged["ledger_id"])
                mine = claimed.get(staged["ledger_id"])
                if mine is False or (mine is None and side.include is not None and not side.include(staged)):
                    result.skipped += 1
                    continue
                problems = quarantine.screen_row(staged, screened)
                if problems:
                    result.quarantined += 1
                    held = _held(spec, ledger, staged["ledger_id"], quarantine.storable(side.label(staged)),
                                 problems)
                    if len(result.errors) < MAX_KEPT_ERRORS:
                        result.errors.extend(held)
                if screened.escaped:
                    result.escaped[staged["ledger_id"]] = (staged.get("version"), screened.escaped)
                staged["raw"] = screened.raw
                copy.write_row([pair.name, *(_value(staged.get(c)) for c in columns)])
                updated = staged.get("updated_at")
                if updated is not None and (newest is None or updated > newest):
                    newest = updated
        merged = conn.execute(db.composed("stage/merge", temp=temp, table=table, columns=columns),
                              {"pair": pair.name, "run_id": run.run_id})
        result.staged = merged.rowcount
        if side.deleted_since is not None:
            result.deleted = _mark_deleted(conn, spec, ledger, side, hook, pair.name, run, result, seen)
        held_ids = sorted({e.record_id for e in result.errors})
        conn.execute(db.composed("exceptions/resolve_staged", temp=temp),
                     {**keys, "run_id": run.run_id, "reasons": STAGING_REASONS, "held": held_ids})
        conn.execute(db.composed("quarantine/escapes_clear", temp=temp),
                     {**keys, "escaped": sorted(result.escaped)})
        for record_id, (version, paths) in result.escaped.items():
            conn.execute(db.sql("quarantine/escapes_save"), {**keys, "record_id": record_id, "version": version,
                                                             "paths": paths, "run_id": run.run_id})
        for err in result.errors:
            open_exception(conn, run, pair.name, spec.name, ledger, err.record_id, err.reason, str(err),
                           label=err.label, field=err.field)
        if newest is not None:
            conn.execute(db.sql("stage/watermark_advance"), {**keys, "watermark": newest, "run_id": run.run_id})
            if result.full:
                conn.execute(db.sql("stage/full_read_done"), keys)
        result.watermark = newest
        set_counts(conn, run, pair.name, spec.name, ledger, read=result.read, staged=result.staged)
        conn.commit()
    for err in result.errors[:20]:
        log.warning("%s: %s", "held" if err.reason in ("unsafe_value", "out_of_range") else "not staged", err)
    if result.rejected > 20:
        log.warning("... and %s more records not staged (see ledgerbridge.exceptions)", result.rejected - 20)
    log.info("staged %s %s: read=%s staged=%s skipped=%s rejected=%s quarantined=%s since=%s", ledger, spec.name,
             result.read, result.staged, result.skipped, result.rejected, result.quarantined, result.since)
    return result
