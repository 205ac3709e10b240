"""Bank transactions: money in (RECEIVE) and out (SPEND) of a bank account that is not an invoice payment (spec
``BankTransaction``; fact sheet §1.1, §1.2).

- ``GET /BankTransactions`` (paged with ``page``), ``GET /BankTransactions/{id}``, ``PUT`` creates, ``POST`` creates
  or updates. Required: Type, Contact, BankAccount (a BANK account, by AccountID or Code) and LineItems.
- Types RECEIVE and SPEND; RECEIVE-/SPEND-OVERPAYMENT make an Overpayment, RECEIVE-/SPEND-PREPAYMENT a Prepayment
  (``sandbox.xero.credits``); transfers belong to ``/BankTransfers`` and are refused here.
- Lines as on invoices (AccountCode, TaxType, Tracking, LineAmountTypes Exclusive by default, totals from the
  lines); RECEIVE lines take sales tax rates, SPEND lines purchase ones. Overpayment lines carry no tax and need no
  account (the credit sits on accounts receivable / payable).
- The transaction is in the bank account's currency (CurrencyCode defaults to it and must match it; the currency
  must be enabled); CurrencyRate as for invoices.
- Status is AUTHORISED; the only other status a client sets is DELETED (POST ``{"Status":"DELETED"}``). Deleted
  and voided transactions cannot change; a reconciled one cannot be deleted; one whose overpayment or prepayment
  was allocated cannot change at all. ``IsReconciled`` can be set.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any

from sandbox.xero import attachments, contacts, credits, doc_parts
from sandbox.xero.documents import PAID_LOCKED, line_totals
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome
from sandbox.xero.invoice_lines import account_by_code, build_lines, signature
from sandbox.xero.invoice_render import render_line, view
from sandbox.xero.wire import SIX, ZERO_GUID, date_string, ms_date, q

TYPES = ("RECEIVE", "SPEND", "RECEIVE-OVERPAYMENT", "SPEND-OVERPAYMENT", "RECEIVE-PREPAYMENT", "SPEND-PREPAYMENT")
NOT_VALID_STATUS = "Bank Transaction not of valid status for modification"


def bank_account(ctx: Ctx, given: Any, errors: list[str]) -> dict[str, Any] | None:
    if not isinstance(given, dict) or not (given.get("AccountID") or given.get("Code")):
        errors.append("A BankAccount must be specified (AccountID or Code).")
        return None
    if given.get("AccountID"):
        account, label = ctx.books.get("Accounts", str(given["AccountID"])), str(given["AccountID"])
    else:
        account, label = account_by_code(ctx, str(given["Code"])), str(given["Code"])
    if account is None or account["Status"] != "ACTIVE" or account["Type"] != "BANK":
        errors.append(f"Account code '{label}' is not a valid bank account.")
        return None
    return account


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    bid = rec["BankTransactionID"]
    account = ctx.books.get("Accounts", rec["BankAccount"]["AccountID"]) or {}
    out: dict[str, Any] = {"BankTransactionID": bid,
                           "BankAccount": {"AccountID": rec["BankAccount"]["AccountID"],
                                           "Code": rec["BankAccount"].get("Code", ""),
                                           "Name": account.get("Name", "")},
                           "Type": rec["Type"]}
    if rec["Type"] in ("RECEIVE", "SPEND"):
        out["Reference"] = rec.get("Reference") or ""
    out.update({"IsReconciled": bool(rec.get("IsReconciled")), "CurrencyRate": q(rec["CurrencyRate"], SIX)})
    for key in ("OverpaymentID", "PrepaymentID"):
        if rec.get(key):
            out[key] = rec[key]
    out["HasAttachments"] = attachments.has_attachments(ctx, "BankTransactions", bid)
    if rec.get("Contact"):
        out["Contact"] = contacts.summary(ctx, rec["Contact"]["ContactID"])
    out.update({"DateString": date_string(rec.get("Date")), "Date": ms_date(rec.get("Date")),
                "Status": rec["Status"], "LineAmountTypes": rec["LineAmountTypes"]})
    if detail in (Detail.FULL, Detail.PAGE):
        out["LineItems"] = [render_line(ctx, ln) for ln in rec.get("LineItems") or []]
    else:
        out["LineItems"] = []  # the spec's GET /BankTransactions example lists them without lines
    out.update({"SubTotal": q(rec["SubTotal"]), "TotalTax": q(rec["TotalTax"]), "Total": q(rec["Total"])})
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
    out["CurrencyCode"] = rec["CurrencyCode"]
    if rec.get("Url"):
        out["Url"] = rec["Url"]
    return out


def _credit_of(ctx: Ctx, rec: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
    if rec.get("Type") not in credits.MADE_BY:
        return "", "", None
    collection, id_field = credits.MADE_BY[rec["Type"]]
    return collection, id_field, ctx.books.get(collection, rec.get(id_field))


class BankTransactionWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "BankTransactionID": ZERO_GUID, "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
            "LineItems": [], "IsReconciled": False, "CurrencyCode": ctx.base_currency,
            "CurrencyRate": Decimal("1"), "_by_app": True}
        out = Outcome(rec)
        errors = out.errors
        if existing is not None and not self._changeable(ctx, payload, existing, errors):
            return out
        kind = payload.get("Type")
        if existing is None:
            if kind not in TYPES:
                errors.append("Type must be one of " + ", ".join(TYPES) + " (transfers: use BankTransfers)."
                              if kind else "A Type must be specified for the bank transaction.")
            else:
                rec["Type"] = kind
        elif kind is not None and kind != existing["Type"]:
            errors.append("The Type of an existing bank transaction cannot be changed.")
        rec.setdefault("Type", "SPEND")
        doc_parts.contact(ctx, payload, rec, existing, out)
        if "BankAccount" in payload or existing is None:
            account = bank_account(ctx, payload.get("BankAccount"), errors)
            if account is not None:
                rec["BankAccount"] = {"AccountID": account["AccountID"], "Code": account["Code"]}
        rec.setdefault("BankAccount", {"AccountID": ZERO_GUID, "Code": ""})
        self._scalars(ctx, payload, rec, existing, errors)
        self._lines(ctx, payload, rec, existing, errors)
        status = payload.get("Status", rec["Status"])
        if status != rec["Status"]:
            if existing is None or status != "DELETED":
                errors.append(f"Bank transaction Status '{status}' is not valid here: a bank transaction is created "
                              "AUTHORISED and can only be DELETED.")
            elif existing.get("IsReconciled"):
                errors.append("A reconciled bank transaction cannot be deleted.")
            else:
                rec["Status"] = "DELETED"
        line_totals(rec)
        rec.pop("TotalDiscount", None)
        self._credit(ctx, rec, existing, out)
        out.history.append(("Created" if existing is None else "Edited",
                            f"{rec['Type']} {rec.get('Total', '')} {'created' if existing is None else 'edited'}."))
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["BankTransactionID"] == ZERO_GUID:
            record["BankTransactionID"] = str(uuid.uuid4())
        for line in record["LineItems"]:
            if line["LineItemID"] == ZERO_GUID:
                line["LineItemID"] = str(uuid.uuid4())

    # --- pieces -------------------------------------------------------------------------------------------------
    @staticmethod
    def _changeable(ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any], errors: list[str]) -> bool:
        asks = any(k != "BankTransactionID" and payload[k] != existing.get(k) for k in payload)
        if existing["Status"] in ("DELETED", "VOIDED") and asks:
            errors.append(NOT_VALID_STATUS)
            return False
        _, _, credit = _credit_of(ctx, existing)
        if credit is not None and (credit.get("_Used") or 0) > 0 and asks:
            errors.append(PAID_LOCKED)
            return False
        return True

    @staticmethod
    def _scalars(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
                 errors: list[str]) -> None:
        doc_parts.dates(ctx, payload, rec, existing, errors)
        doc_parts.line_amount_types(payload, rec, errors)
        if rec["Type"].endswith("-OVERPAYMENT"):
            rec["LineAmountTypes"] = "NoTax"  # an overpayment carries no tax
        for key in ("Reference", "Url"):
            if isinstance(payload.get(key), str) and (key != "Reference" or rec["Type"] in ("RECEIVE", "SPEND")):
                rec[key] = payload[key]
        if isinstance(payload.get("IsReconciled"), bool):
            rec["IsReconciled"] = payload["IsReconciled"]
        account = ctx.books.get("Accounts", rec["BankAccount"]["AccountID"]) or {}
        bank_currency = account.get("CurrencyCode") or ctx.base_currency
        given = payload.get("CurrencyCode")
        if given not in (None, "") and str(given).upper() != bank_currency and account:
            errors.append(f"The currency {given} is not the currency of the bank account ({bank_currency}).")
        doc_parts.currency(ctx, {**payload, "CurrencyCode": given or bank_currency}, rec, existing, errors)

    @staticmethod
    def _lines(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
               errors: list[str]) -> None:
        if "LineItems" in payload:
            if not isinstance(payload["LineItems"], list):
                errors.append("LineItems must be a list.")
            else:
                rec["LineItems"] = build_lines(ctx, payload["LineItems"], rec, existing, errors)
                if existing is not None and signature(rec["LineItems"]) == signature(existing["LineItems"]):
                    rec["LineItems"] = copy.deepcopy(existing["LineItems"])
        if existing is None and not rec["LineItems"]:
            errors.append("At least one line item must be specified.")
        if not rec["Type"].endswith("-OVERPAYMENT"):
            for i, line in enumerate(rec["LineItems"], 1):
                if not line.get("AccountCode"):
                    errors.append(f"Line item {i}: an AccountCode is required.")

    @staticmethod
    def _credit(ctx: Ctx, rec: dict[str, Any], existing: dict[str, Any] | None, out: Outcome) -> None:
        """The overpayment / prepayment the transaction makes, kept in step with it."""
        if rec["Type"] not in credits.MADE_BY or out.errors:
            return
        collection, id_field = credits.MADE_BY[rec["Type"]]
        if rec["BankTransactionID"] == ZERO_GUID:
            rec["BankTransactionID"] = str(uuid.uuid4())  # the credit names it, so it is known now
        current = ctx.books.get(collection, rec.get(id_field)) if existing else None
        credit = credits.from_transaction(rec, current, rec.get(id_field) or str(uuid.uuid4()))
        rec[id_field] = credit[id_field]
        if current != credit:
            out.side_effects.append((collection, credit, "CREATE" if current is None else "UPDATE"))


BANK_TRANSACTIONS = Entity(
    name="BankTransactions", singular="BankTransaction", id_field="BankTransactionID", render=render, view=view,
    paged=True,
    fields=frozenset({"BankTransactionID", "Type", "Contact", "BankAccount", "IsReconciled", "Date", "Reference",
                      "CurrencyCode", "CurrencyRate", "Status", "LineAmountTypes", "SubTotal", "TotalTax", "Total",
                      "UpdatedDateUTC", "HasAttachments", "OverpaymentID", "PrepaymentID"}),
    writer=BankTransactionWriter(), history=True, attachments=True,
)
