"""Data quality with great-expectations on the staged tables, between staging and matching.

The rows a run staged (all of the pair's on a full check) are read with bound parameters into a DataFrame and
validated against the entity's suite. Every expectation's result is stored in ``ledgerbridge.dq_results`` with the
run id.

Two kinds of failure (issue 17):

- **per record** (every check with a ``field``: dates, totals, currencies, contacts, e-mail addresses, amounts):
  each failing record goes to the exception queue as ``data_quality`` naming the record, the ledger's field and
  the value; nothing is written for it until it is corrected (it is still matched, so its partner is not copied
  across as a duplicate); the rest of the entity carries on.
- **systemic**: a check on the records' keys (an id missing or repeated: the read itself is wrong), a column the
  suite expects that the staged rows lack (a schema change), or a per-record check failed by more than the pair's
  ``quality.systemic_share`` of the records checked and at least ``quality.systemic_min_records`` of them. Those
  stop the entity's run (the task does not retry: bad data does not fix itself) with a message naming the
  expectation and the records.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from decimal import Decimal
from typing import Any

from psycopg.types.json import Jsonb

from ledgerbridge import db
from reconcile.config import PairConfig
from reconcile.currencies import ISO_4217
from reconcile.entities.base import EntitySpec
from reconcile.run import RunInfo

log = logging.getLogger(__name__)

MAX_LISTED = 50  # failing records kept per expectation (the count is always exact)
EARLIEST = dt.date(2000, 1, 1)


class DataQualityError(RuntimeError):
    pass


@dataclass
class Check:
    expectation: str  # great-expectations class name
    column: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    why: str = ""  # what an analyst reads
    # the ledgers' field the check is about ({"xero": "Date", "quickbooks": "TxnDate"}); None: a systemic check
    field: dict[str, str] | None = None

    def per_record(self) -> bool:
        return self.field is not None


def _f(xero: str, quickbooks: str | None = None) -> dict[str, str]:
    return {"xero": xero, "quickbooks": quickbooks or xero}


def suite_for(family: str, today: dt.date) -> list[Check]:
    """The expectations of an entity family ("contacts", "documents", ...)."""
    key = [
        Check("ExpectColumnValuesToNotBeNull", "ledger_id", why="every record has its ledger id"),
        Check("ExpectColumnValuesToBeUnique", "ledger_id", why="a ledger id appears once"),
    ]
    if family == "contacts":
        return key + [
            Check("ExpectColumnValuesToNotBeNull", "name", why="a contact has a name", field=_f("Name", "DisplayName")),
            Check("ExpectColumnValuesToMatchRegex", "email", {"regex": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
                  why="an email address is well formed", field=_f("EmailAddress", "PrimaryEmailAddr.Address")),
            Check("ExpectColumnValuesToBeInSet", "currency", {"value_set": sorted(ISO_4217)},
                  why="a default currency is an ISO 4217 code", field=_f("DefaultCurrency", "CurrencyRef")),
        ]
    if family == "documents":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "totals_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the total equals the sum of the lines and the tax", field=_f("Total", "TotalAmt")),
            Check("ExpectColumnValuesToBeBetween", "line_tax_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the tax equals the sum of the lines' tax", field=_f("TotalTax", "TxnTaxDetail.TotalTax")),
            Check("ExpectColumnValuesToNotBeNull", "currency", why="an invoice has a currency",
                  field=_f("CurrencyCode", "CurrencyRef")),
            Check("ExpectColumnValuesToBeInSet", "currency", {"value_set": sorted(ISO_4217)},
                  why="the currency is an ISO 4217 code", field=_f("CurrencyCode", "CurrencyRef")),
            Check("ExpectColumnValuesToNotBeNull", "date", why="an invoice has a date", field=_f("Date", "TxnDate")),
            Check("ExpectColumnValuesToBeBetween", "age_days",
                  {"min_value": -366, "max_value": (today - EARLIEST).days},
                  why="the date is plausible (from 2000 to a year ahead)", field=_f("Date", "TxnDate")),
            Check("ExpectColumnValuesToBeBetween", "days_to_due", {"min_value": 0, "max_value": 3650},
                  why="the due date is on or after the date, within ten years", field=_f("DueDate")),
            Check("ExpectColumnValuesToBeInSet", "contact_resolvable", {"value_set": [True]},
                  why="the invoice's contact is among the staged contacts of the same ledger",
                  field=_f("Contact.ContactID", "CustomerRef")),
        ]
    if family == "payments":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "amount", {"min_value": 0.01, "max_value": None},
                  why="a payment is a positive amount", field=_f("Amount", "TotalAmt")),
            Check("ExpectColumnValuesToBeBetween", "age_days",
                  {"min_value": -366, "max_value": (today - EARLIEST).days},
                  why="the date is plausible (from 2000 to a year ahead)", field=_f("Date", "TxnDate")),
            Check("ExpectColumnValuesToBeInSet", "document_resolvable", {"value_set": [True]},
                  why="the document a payment pays is among the staged documents of the same ledger",
                  field=_f("Invoice.InvoiceID", "Line.LinkedTxn")),
        ]
    plausible = Check("ExpectColumnValuesToBeBetween", "age_days",
                      {"min_value": -366, "max_value": (today - EARLIEST).days},
                      why="the date is plausible (from 2000 to a year ahead)", field=_f("Date", "TxnDate"))
    if family == "bank_transactions":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "totals_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the total equals the sum of the lines and the tax", field=_f("Total", "TotalAmt")),
            Check("ExpectColumnValuesToNotBeNull", "bank_account", why="a bank transaction names its bank account",
                  field=_f("BankAccount.AccountID", "DepositToAccountRef")),
            plausible,
        ]
    if family == "journals":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "balance", {"min_value": -0.001, "max_value": 0.001},
                  why="a journal's debits equal its credits", field=_f("JournalLines", "Line")),
            plausible,
        ]
    return key


def _frame(spec: EntitySpec, ledger: str, pair: PairConfig, run: RunInfo, all_rows: bool, conn: Any) -> Any:
    import pandas as pd  # noqa: PLC0415

    family = spec.matcher or spec.name
    references = {"contacts_table": f"stg_{ledger}_{spec.contact_entity or 'contacts'}",
                  "documents_table": f"stg_{ledger}_{spec.reference_entities.get('document_id', 'invoices')}"}
    statement = db.composed(f"quality/{family}_frame", table=spec.stage_table(ledger), **references)
    rows = conn.execute(statement, {"pair": pair.name, "run_id": run.run_id, "all_rows": all_rows}).fetchall()
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if len(frame) and isinstance(frame[column].dropna().iloc[0] if frame[column].notna().any() else None,
                                     Decimal):
            frame[column] = frame[column].astype(float)
        if column in ("date", "due_date") and len(frame):
            frame[column] = frame[column].map(lambda d: d.isoformat() if d is not None else None).astype(object)
    return frame


def _raised(info: Any) -> str | None:
    """The message of an exception great-expectations met while evaluating (its shape varies by version)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _validate(frame: Any, checks: list[Check], name: str) -> list[dict[str, Any]]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx  # noqa: PLC0415

    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except (AttributeError, TypeError, ValueError):
        log.debug("great-expectations progress bars could not be switched off")
    batch = (context.data_sources.add_pandas(f"staged_{name}").add_dataframe_asset(name)
             .add_batch_definition_whole_dataframe("run").get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name=name)
    present = [c for c in checks if c.column in frame.columns]
    for check in present:
        suite.add_expectation(getattr(gx.expectations, check.expectation)(column=check.column, **check.kwargs))
    report = batch.validate(suite, result_format={"result_format": "COMPLETE",
                                                  "unexpected_index_column_names": ["ledger_id"]})
    by_key = {(res.expectation_config.type, res.expectation_config.kwargs.get("column")): res
              for res in report.results}
    results = []
    for check in present:
        res = by_key[(_snake(check.expectation), check.column)]
        problem = _raised(res.exception_info)
        if problem:
            raise RuntimeError(f"great-expectations could not evaluate {check.expectation} on {check.column}: "
                               f"{problem}")
        unexpected = res.result.get("unexpected_index_list") or []
        results.append({"check": check, "success": bool(res.success), "all": unexpected,
                        "unexpected": int(res.result.get("unexpected_count") or 0),
                        "records": [{k: (str(v) if v is not None else None) for k, v in u.items()}
                                    for u in unexpected[:MAX_LISTED]]})
    return results


def _systemic(r: dict[str, Any], checked: int, pair: PairConfig) -> bool:
    if not r["check"].per_record():
        return True
    return r["unexpected"] >= pair.quality_systemic_min and r["unexpected"] > pair.quality_systemic_share * checked


def _shown(value: Any) -> str:
    from reconcile.quarantine import shorten  # noqa: PLC0415

    return "empty" if value is None else shorten(value)


def _hold_records(conn: Any, spec: EntitySpec, ledger: str, pair: PairConfig, run: RunInfo, frame: Any,
                  per_record: list[dict[str, Any]]) -> int:
    """Each record a per-record check failed goes to the queue as ``data_quality`` (one row per record, naming
    every check it failed); records checked now that pass everything have theirs closed."""
    from reconcile.run import open_exception, resolve_exceptions  # noqa: PLC0415

    failed: dict[str, list[tuple[Check, Any]]] = {}
    for r in per_record:
        for rec in r["all"]:
            failed.setdefault(str(rec.get("ledger_id")), []).append((r["check"], rec.get(r["check"].column)))
    labels = {str(row.ledger_id): (getattr(row, "number", None) or getattr(row, "name", None))
              for row in frame.itertuples()} if len(frame) else {}
    for record_id, checks in failed.items():
        first = checks[0][0]
        what = "; ".join(f"{c.field[ledger]} fails: {c.why} ({c.column} = {_shown(v)})"  # type: ignore[index]
                         for c, v in checks)
        label = labels.get(record_id)
        label = None if label is None or label != label else str(label)  # NaN from pandas
        open_exception(conn, run, pair.name, spec.name, ledger, record_id, "data_quality",
                       f"{ledger} {spec.name} {record_id}" + (f" ({label})" if label else "") + f": {what}; "
                       "nothing is written for this record until it is corrected; the rest go on",
                       label=label, field=first.field[ledger])  # type: ignore[index]
    passed = sorted({str(i) for i in frame["ledger_id"]} - set(failed)) if len(frame) else []
    resolve_exceptions(conn, run, pair.name, spec.name, ledger, ["data_quality"], passed)
    return len(failed)


DOCS_SITE = "ledgerbridge"


def data_docs(frame: Any, checks: list[Check], name: str, run: RunInfo) -> Path | None:
    """great-expectations Data Docs for this suite and its result, in the report folder (``gx-docs/index.html``,
    linked from the night's HTML report). A file context in the report folder keeps every suite and result, so the
    index lists them all; a lock serialises the tasks that build at once. A failure to build is logged, never fatal
    (the results are in ``ledgerbridge.dq_results`` either way). ``LEDGERBRIDGE_GX_DATA_DOCS=0`` turns it off."""
    if os.environ.get("LEDGERBRIDGE_GX_DATA_DOCS", "1") == "0":
        return None
    import fcntl  # noqa: PLC0415

    from reconcile.report import report_dir  # noqa: PLC0415

    folder = report_dir()
    try:
        with (folder / ".gx.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
            import great_expectations as gx  # noqa: PLC0415

            context = gx.get_context(mode="file", project_root_dir=str(folder))
            try:
                context.variables.progress_bars = {"globally": False, "metric_calculations": False}
            except (AttributeError, TypeError, ValueError):
                pass
            if DOCS_SITE not in (context.get_site_names() or []):
                context.add_data_docs_site(site_name=DOCS_SITE, site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                      "base_directory": str(folder / "gx-docs")},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
            source = context.data_sources.add_or_update_pandas("staged")
            asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name)
            batch = next((b for b in asset.batch_definitions if b.name == "run"), None) \
                or asset.add_batch_definition_whole_dataframe("run")
            suite = gx.ExpectationSuite(name=name, expectations=[
                getattr(gx.expectations, c.expectation)(column=c.column, **c.kwargs)
                for c in checks if c.column in frame.columns])
            suite = context.suites.add_or_update(suite)
            definition = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch, suite=suite))
            checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
                name=name, validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])]))
            checkpoint.run(batch_parameters={"dataframe": frame}, run_id=gx.RunIdentifier(run_name=run.run_id))
        index = folder / "gx-docs" / "index.html"
        log.info("great-expectations Data Docs: %s", index)
        return index
    except Exception:  # noqa: BLE001 - documentation must never stop the run
        log.warning("great-expectations Data Docs were not built in %s", folder, exc_info=True)
        return None


def check(spec: EntitySpec, ledger: str, pair: PairConfig, run: RunInfo, *, all_rows: bool = False,
          db_url: str | None = None) -> dict[str, Any]:
    """Validate what ``run`` staged for ``ledger``; store every result; hold records that fail a per-record check;
    raise DataQualityError when a failure is systemic."""
    checks = suite_for(spec.matcher or spec.name, dt.date.today())
    with db.connect(db_url) as conn:
        frame = _frame(spec, ledger, pair, run, all_rows, conn)
        results = _validate(frame, checks, f"{pair.name}_{ledger}_{spec.name}") if len(frame) else []
        missing = [c for c in checks if len(frame) and c.column not in frame.columns]
        failures = []
        for r in results:
            c: Check = r["check"]
            conn.execute(db.sql("quality/record"), {
                "run_id": run.run_id, "pair": pair.name, "entity": spec.name, "ledger": ledger,
                "expectation": c.expectation, "column": c.column, "success": r["success"], "checked": len(frame),
                "unexpected": r["unexpected"], "records": Jsonb(r["records"]),
                "details": Jsonb({"kwargs": c.kwargs, "why": c.why,
                                  "kind": "per_record" if c.per_record() else "systemic",
                                  "field": c.field and c.field[ledger]})})
            if not r["success"]:
                failures.append(r)
        systemic = [r for r in failures if _systemic(r, len(frame), pair)]
        held = 0
        if not systemic and not missing:
            held = _hold_records(conn, spec, ledger, pair, run, frame, [r for r in failures if r["check"].per_record()])
        conn.commit()
    if len(frame):
        data_docs(frame, checks, f"{pair.name}_{ledger}_{spec.name}", run)
    summary = {"ledger": ledger, "entity": spec.name, "checked_rows": len(frame), "expectations": len(results),
               "failed": len(failures), "held": held, "systemic": len(systemic) + len(missing)}
    if systemic or missing:
        lines = [f"- the staged rows lack the column {c.column} the check '{c.why}' needs (a schema change?)"
                 for c in missing]
        for r in systemic:
            c = r["check"]
            ids = ", ".join(
                f"{rec.get('ledger_id')}={rec.get(c.column)}" for rec in r["records"][:10])
            more = f" and {r['unexpected'] - 10} more" if r["unexpected"] > 10 else ""
            kind = ("a check on the records' keys" if not c.per_record() else
                    f"more than {pair.quality_systemic_share:.0%} of the records checked, at least "
                    f"{pair.quality_systemic_min}")
            lines.append(f"- {c.why} ({c.expectation} on {c.column}; systemic: {kind}): {r['unexpected']} of "
                         f"{len(frame)} records fail: {ids}{more}")
        raise DataQualityError(
            f"data quality failed systemically for {ledger} {spec.name} of pair {pair.name} (run {run.run_id}); "
            f"nothing of this entity is matched or written until the cause is found in {ledger}:\n" + "\n".join(lines)
            + "\nDetails: SELECT * FROM ledgerbridge.dq_results WHERE run_id = '" + run.run_id + "' AND NOT success;")
    if held:
        log.warning("data quality: %s %s records of %s held in the exception queue (data_quality); the rest go on",
                    held, ledger, spec.name)
    log.info("data quality passed: %s", summary)
    return summary
