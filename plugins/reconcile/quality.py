"""Data quality with great-expectations on the staged tables, between staging and matching.

The rows a run staged (all of the pair's on a full check) are read with bound parameters into a DataFrame and
validated against the entity's suite. Every expectation's result is stored in ``ledgerbridge.dq_results`` with the
run id; a failure stops that entity's run (the task does not retry: bad data does not fix itself) with a message
that names the expectation and the failing records.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
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


def suite_for(family: str, today: dt.date) -> list[Check]:
    """The expectations of an entity family ("contacts", "documents", ...)."""
    key = [
        Check("ExpectColumnValuesToNotBeNull", "ledger_id", why="every record has its ledger id"),
        Check("ExpectColumnValuesToBeUnique", "ledger_id", why="a ledger id appears once"),
    ]
    if family == "contacts":
        return key + [
            Check("ExpectColumnValuesToNotBeNull", "name", why="a contact has a name"),
            Check("ExpectColumnValuesToMatchRegex", "email", {"regex": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
                  why="an email address is well formed"),
            Check("ExpectColumnValuesToBeInSet", "currency", {"value_set": sorted(ISO_4217)},
                  why="a default currency is an ISO 4217 code"),
        ]
    if family == "documents":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "totals_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the total equals the sum of the lines and the tax"),
            Check("ExpectColumnValuesToBeBetween", "line_tax_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the tax equals the sum of the lines' tax"),
            Check("ExpectColumnValuesToNotBeNull", "currency", why="an invoice has a currency"),
            Check("ExpectColumnValuesToBeInSet", "currency", {"value_set": sorted(ISO_4217)},
                  why="the currency is an ISO 4217 code"),
            Check("ExpectColumnValuesToNotBeNull", "date", why="an invoice has a date"),
            Check("ExpectColumnValuesToBeBetween", "age_days",
                  {"min_value": -366, "max_value": (today - EARLIEST).days},
                  why="the date is plausible (from 2000 to a year ahead)"),
            Check("ExpectColumnValuesToBeBetween", "days_to_due", {"min_value": 0, "max_value": 3650},
                  why="the due date is on or after the date, within ten years"),
            Check("ExpectColumnValuesToBeInSet", "contact_resolvable", {"value_set": [True]},
                  why="the invoice's contact is among the staged contacts of the same ledger"),
        ]
    if family == "payments":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "amount", {"min_value": 0.01, "max_value": None},
                  why="a payment is a positive amount"),
            Check("ExpectColumnValuesToBeBetween", "age_days",
                  {"min_value": -366, "max_value": (today - EARLIEST).days},
                  why="the date is plausible (from 2000 to a year ahead)"),
            Check("ExpectColumnValuesToBeInSet", "document_resolvable", {"value_set": [True]},
                  why="the document a payment pays is among the staged documents of the same ledger"),
        ]
    plausible = Check("ExpectColumnValuesToBeBetween", "age_days",
                      {"min_value": -366, "max_value": (today - EARLIEST).days},
                      why="the date is plausible (from 2000 to a year ahead)")
    if family == "bank_transactions":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "totals_gap", {"min_value": -0.001, "max_value": 0.001},
                  why="the total equals the sum of the lines and the tax"),
            Check("ExpectColumnValuesToNotBeNull", "bank_account", why="a bank transaction names its bank account"),
            plausible,
        ]
    if family == "journals":
        return key + [
            Check("ExpectColumnValuesToBeBetween", "balance", {"min_value": -0.001, "max_value": 0.001},
                  why="a journal's debits equal its credits"),
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
        results.append({"check": check, "success": bool(res.success),
                        "unexpected": int(res.result.get("unexpected_count") or 0),
                        "records": [{k: (str(v) if v is not None else None) for k, v in u.items()}
                                    for u in unexpected[:MAX_LISTED]]})
    return results


def check(spec: EntitySpec, ledger: str, pair: PairConfig, run: RunInfo, *, all_rows: bool = False,
          db_url: str | None = None) -> dict[str, Any]:
    """Validate what ``run`` staged for ``ledger``; store every result; raise DataQualityError on a failure."""
    checks = suite_for(spec.matcher or spec.name, dt.date.today())
    with db.connect(db_url) as conn:
        frame = _frame(spec, ledger, pair, run, all_rows, conn)
        results = _validate(frame, checks, f"{pair.name}_{ledger}_{spec.name}") if len(frame) else []
        failures = []
        for r in results:
            c: Check = r["check"]
            conn.execute(db.sql("quality/record"), {
                "run_id": run.run_id, "pair": pair.name, "entity": spec.name, "ledger": ledger,
                "expectation": c.expectation, "column": c.column, "success": r["success"], "checked": len(frame),
                "unexpected": r["unexpected"], "records": Jsonb(r["records"]),
                "details": Jsonb({"kwargs": c.kwargs, "why": c.why})})
            if not r["success"]:
                failures.append(r)
        conn.commit()
    summary = {"ledger": ledger, "entity": spec.name, "checked_rows": len(frame), "expectations": len(results),
               "failed": len(failures)}
    if failures:
        lines = []
        for r in failures:
            c = r["check"]
            ids = ", ".join(
                f"{rec.get('ledger_id')}={rec.get(c.column)}" for rec in r["records"][:10])
            more = f" and {r['unexpected'] - 10} more" if r["unexpected"] > 10 else ""
            lines.append(f"- {c.why} ({c.expectation} on {c.column}): {r['unexpected']} of {len(frame)} records "
                         f"fail: {ids}{more}")
        raise DataQualityError(
            f"data quality failed for {ledger} {spec.name} of pair {pair.name} (run {run.run_id}); nothing of this "
            f"entity is matched or written until the records are corrected in {ledger}:\n" + "\n".join(lines)
            + "\nDetails: SELECT * FROM ledgerbridge.dq_results WHERE run_id = '" + run.run_id + "' AND NOT success;")
    log.info("data quality passed: %s", summary)
    return summary
