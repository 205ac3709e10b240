"""Manual journals (spec ``ManualJournal`` / ``ManualJournalLine``; fact sheet §1.1, §1.2).

- ``GET /ManualJournals`` (paged with ``page``; lines only with ``page`` or by id), ``PUT`` creates, ``POST``
  creates or updates. ``Narration`` is required.
- ``JournalLines``: LineAmount (debit positive, credit negative), AccountCode or AccountID, Description, TaxType,
  Tracking (at most two categories). The lines must balance, with the spec example's wording: "The total debits
  (100.00) must equal total credits (-10.00)". An AccountCode Xero does not know is dropped from the line with the
  example's warning ("Account code ''476'' has been removed as it does not match a recognised account."); a journal
  cannot be POSTED with a line that has no account. Accounts receivable/payable cannot take manual journals.
- Tax per line: Exclusive = LineAmount x rate, Inclusive = LineAmount x rate / (100 + rate), NoTax (the default,
  as in the spec's examples) = none.
- Status DRAFT or POSTED on creation; DRAFT -> POSTED | DELETED, POSTED -> VOIDED; DELETED and VOIDED journals
  cannot change.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any

from sandbox.xero import attachments, doc_parts, tracking
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome
from sandbox.xero.invoice_lines import account_by_code
from sandbox.xero.wire import ZERO_GUID, date_string, ms_date, q, to_decimal

STATUSES = ("DRAFT", "POSTED", "DELETED", "VOIDED")
_NEXT = {"DRAFT": {"DRAFT", "POSTED", "DELETED"}, "POSTED": {"POSTED", "VOIDED"}}
NOT_VALID_STATUS = "Manual Journal not of valid status for modification"
_NO_JOURNALS = {"DEBTORS", "CREDITORS"}
_ZERO = Decimal("0")


def _line(ctx: Ctx, raw: dict[str, Any], amount_types: str, n: int, errors: list[str],
          warnings: list[str]) -> dict[str, Any]:
    line: dict[str, Any] = {"Description": str(raw.get("Description") or ""),
                            "Tracking": tracking.resolve(ctx, raw.get("Tracking"), n, errors)}
    try:
        amount = to_decimal(raw.get("LineAmount"))
    except ValueError:
        amount = None
        errors.append(f"Journal line {n}: LineAmount must be a number.")
    line["LineAmount"] = q(amount if amount is not None else _ZERO)
    if amount is None and "LineAmount" not in raw:
        errors.append(f"Journal line {n}: a LineAmount must be specified.")
    code = raw.get("AccountCode")
    account = None
    if code:
        account = account_by_code(ctx, str(code))
        if account is None or account["Status"] != "ACTIVE":
            warnings.append(f"Account code ''{code}'' has been removed as it does not match a recognised account.")
            account = None
    elif raw.get("AccountID"):
        account = ctx.books.get("Accounts", str(raw["AccountID"]))
        if account is None:
            warnings.append(f"Account ID ''{raw['AccountID']}'' has been removed as it does not match a recognised "
                            "account.")
    if account is not None and account.get("SystemAccount") in _NO_JOURNALS:
        errors.append(f"Journal line {n}: account {account['Code']} ({account['Name']}) cannot be used in a manual "
                      "journal.")
    if account is not None:
        line["AccountCode"], line["AccountID"] = account["Code"], account["AccountID"]
    tax_type = raw.get("TaxType") or ("NONE" if amount_types == "NoTax" else (account or {}).get("TaxType") or "NONE")
    rate_rec = ctx.books.get("TaxRates", str(tax_type))
    if rate_rec is None or rate_rec.get("Status") != "ACTIVE":
        errors.append(f"The TaxType code {tax_type} does not exist or cannot be used for this type of transaction.")
    line["TaxType"] = str(tax_type)
    rate = rate_rec["EffectiveRate"] if rate_rec and amount_types != "NoTax" else _ZERO
    if amount_types == "Inclusive":
        line["TaxAmount"] = q(line["LineAmount"] * rate / (100 + rate))
    else:
        line["TaxAmount"] = q(line["LineAmount"] * rate / 100)
    line["IsBlank"] = False
    return line


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    out: dict[str, Any] = {"Date": ms_date(rec.get("Date")), "DateString": date_string(rec.get("Date")),
                           "Status": rec["Status"], "LineAmountTypes": rec["LineAmountTypes"]}
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
    out.update({"ManualJournalID": rec["ManualJournalID"], "Narration": rec.get("Narration") or ""})
    lines = []
    if detail in (Detail.FULL, Detail.PAGE):
        for ln in rec.get("JournalLines") or []:
            shown = {"Description": ln["Description"], "TaxType": ln["TaxType"], "LineAmount": q(ln["LineAmount"])}
            if ln.get("AccountCode"):
                shown.update({"AccountCode": ln["AccountCode"], "AccountID": ln["AccountID"]})
            if ln.get("TaxAmount"):
                shown["TaxAmount"] = q(ln["TaxAmount"])
            shown.update({"Tracking": list(ln.get("Tracking") or []), "IsBlank": bool(ln.get("IsBlank"))})
            lines.append(shown)
    out["JournalLines"] = lines
    out["ShowOnCashBasisReports"] = bool(rec.get("ShowOnCashBasisReports", True))
    out["HasAttachments"] = attachments.has_attachments(ctx, "ManualJournals", rec["ManualJournalID"])
    if rec.get("Url"):
        out["Url"] = rec["Url"]
    return out


class ManualJournalWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "ManualJournalID": ZERO_GUID, "Status": "DRAFT", "LineAmountTypes": "NoTax", "JournalLines": [],
            "ShowOnCashBasisReports": True, "_by_app": True}
        out = Outcome(rec)
        errors = out.errors
        old = existing["Status"] if existing else None
        if existing is not None and old in ("DELETED", "VOIDED"):
            if any(k != "ManualJournalID" and payload[k] != existing.get(k) for k in payload):
                errors.append(NOT_VALID_STATUS)
            return out
        narration = payload.get("Narration")
        if narration is not None:
            if not isinstance(narration, str):
                errors.append("Narration must be a string.")
            else:
                rec["Narration"] = narration
        if not (rec.get("Narration") or "").strip():
            errors.append("Narration must be specified.")
        doc_parts.dates(ctx, payload, rec, existing, errors)
        doc_parts.line_amount_types(payload, rec, errors)
        if isinstance(payload.get("ShowOnCashBasisReports"), bool):
            rec["ShowOnCashBasisReports"] = payload["ShowOnCashBasisReports"]
        if isinstance(payload.get("Url"), str):
            rec["Url"] = payload["Url"]
        if "JournalLines" in payload or (existing and payload.get("LineAmountTypes") not in
                                         (None, existing["LineAmountTypes"])):
            given = payload.get("JournalLines", existing["JournalLines"] if existing else [])
            if not isinstance(given, list):
                errors.append("JournalLines must be a list.")
                given = []
            rec["JournalLines"] = [_line(ctx, raw if isinstance(raw, dict) else {}, rec["LineAmountTypes"], n,
                                         errors, out.warnings) for n, raw in enumerate(given, 1)]
        if not rec["JournalLines"]:
            errors.append("At least one journal line must be specified.")
        debits = sum((ln["LineAmount"] for ln in rec["JournalLines"] if ln["LineAmount"] > 0), _ZERO)
        credits = sum((ln["LineAmount"] for ln in rec["JournalLines"] if ln["LineAmount"] < 0), _ZERO)
        if debits + credits != 0:
            errors.append(f"The total debits ({q(debits)}) must equal total credits ({q(credits)})")
        status = payload.get("Status", old or "DRAFT")
        if status not in STATUSES:
            errors.append(f"Manual journal Status '{status}' is not valid.")
        elif old is None and status not in ("DRAFT", "POSTED"):
            errors.append(f"A manual journal cannot be created with Status {status}.")
        elif old is not None and status not in _NEXT.get(old, set()):
            errors.append(NOT_VALID_STATUS)
        else:
            rec["Status"] = status
        if rec["Status"] == "POSTED":
            for n, ln in enumerate(rec["JournalLines"], 1):
                if not ln.get("AccountCode"):
                    errors.append(f"Journal line {n}: an AccountCode is required before the journal is posted.")
        verb = "Created" if existing is None else {"POSTED": "Posted", "VOIDED": "Voided",
                                                   "DELETED": "Deleted"}.get(rec["Status"], "Edited")
        if existing is None or rec != existing:
            out.history.append((verb, f"Manual journal {verb.lower()}: {rec.get('Narration', '')}."))
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["ManualJournalID"] == ZERO_GUID:
            record["ManualJournalID"] = str(uuid.uuid4())


MANUAL_JOURNALS = Entity(
    name="ManualJournals", singular="ManualJournal", id_field="ManualJournalID", render=render, paged=True,
    fields=frozenset({"ManualJournalID", "Date", "Status", "Narration", "LineAmountTypes", "UpdatedDateUTC",
                      "ShowOnCashBasisReports", "HasAttachments", "Url"}),
    writer=ManualJournalWriter(), history=True, attachments=True,
)
