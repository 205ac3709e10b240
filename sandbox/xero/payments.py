"""Payments (spec ``Payment`` / ``PaymentDelete``; fact sheet §1.1, §1.2, §8.8).

- ``GET /Payments`` (paged with ``page``), ``GET /Payments/{PaymentID}``. DELETED payments stay listed.
- ``PUT /Payments``: a batch (``{"Payments":[…]}``, summarizeErrors); ``POST /Payments``: ONE bare Payment.
- A payment pays one document: ``Invoice{InvoiceID|InvoiceNumber}``, ``CreditNote{CreditNoteID|CreditNoteNumber}``
  (a refund of credit), ``Overpayment{OverpaymentID}`` or ``Prepayment{PrepaymentID}``; the document must be
  AUTHORISED ("Payments can only be made against Authorised documents") and the amount at most what it still owes
  ("Payment amount exceeds the amount outstanding on this document"): both Xero's messages (XeroAPI/Xero-Net#257,
  the spec's PUT /Payments example).
- ``Account{AccountID|Code}`` is a BANK account or one with EnablePaymentsToAccount, in the document's currency or
  the base currency. Amount is in the document's currency; CurrencyRate (foreign documents only) is the day's rate
  unless sent; BankAmount is the amount in the bank account's currency.
- PaymentType comes from the document: ACCRECPAYMENT, ACCPAYPAYMENT, ARCREDITPAYMENT, APCREDITPAYMENT,
  AROVERPAYMENTPAYMENT, APOVERPAYMENTPAYMENT, ARPREPAYMENTPAYMENT, APPREPAYMENTPAYMENT.
- The only update is ``POST /Payments/{id}`` with ``{"Status":"DELETED"}`` (``PaymentDelete``); anything else is
  refused with "Only Status accepted for updates." (xero-node#115, #178). A deleted payment gives the document back
  its balance (a PAID invoice returns to AUTHORISED).
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any

from sandbox.xero import contacts, doc_parts, settlement
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome
from sandbox.xero.invoice_lines import account_by_code
from sandbox.xero.wire import SIX, ZERO_GUID, ms_date, parse_request_date, q, to_decimal, utc_string

NOT_AUTHORISED = "Payments can only be made against Authorised documents"
TOO_MUCH = "Payment amount exceeds the amount outstanding on this document"
ONLY_STATUS = "Only Status accepted for updates."
_TYPES = {"ACCREC": "ACCRECPAYMENT", "ACCPAY": "ACCPAYPAYMENT", "ACCRECCREDIT": "ARCREDITPAYMENT",
          "ACCPAYCREDIT": "APCREDITPAYMENT", "RECEIVE-OVERPAYMENT": "AROVERPAYMENTPAYMENT",
          "SPEND-OVERPAYMENT": "APOVERPAYMENTPAYMENT", "RECEIVE-PREPAYMENT": "ARPREPAYMENTPAYMENT",
          "SPEND-PREPAYMENT": "APPREPAYMENTPAYMENT"}
_ZERO = Decimal("0")
# how an overpayment or prepayment shows under a payment's Invoice (the spec's Invoice.Type enum)
_AS_INVOICE_TYPE = {"RECEIVE-OVERPAYMENT": "AROVERPAYMENT", "SPEND-OVERPAYMENT": "APOVERPAYMENT",
                    "RECEIVE-PREPAYMENT": "ARPREPAYMENT", "SPEND-PREPAYMENT": "APPREPAYMENT"}


def payment_account(ctx: Ctx, given: Any, errors: list[str]) -> dict[str, Any] | None:
    """The account a payment goes through: a BANK account, or one with EnablePaymentsToAccount."""
    if not isinstance(given, dict) or not (given.get("AccountID") or given.get("Code")):
        errors.append("An Account must be specified for the payment (AccountID or Code).")
        return None
    if given.get("AccountID"):
        account = ctx.books.get("Accounts", str(given["AccountID"]))
        label = str(given["AccountID"])
    else:
        account = account_by_code(ctx, str(given["Code"]))
        label = str(given["Code"])
    if account is None or account["Status"] != "ACTIVE":
        errors.append(f"Account code '{label}' is not a valid code for this document.")
        return None
    if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        errors.append(f"Account code '{account['Code']}' is not a bank account and does not have payments "
                      "enabled (EnablePaymentsToAccount).")
        return None
    return account


def find_document(ctx: Ctx, payload: dict[str, Any], errors: list[str]) -> tuple[str, str, dict[str, Any] | None]:
    """(target key, collection, document) the payload names."""
    named = [k for k in settlement.TARGETS if isinstance(payload.get(k), dict)]
    if len(named) != 1:
        errors.append("A payment must name one Invoice, CreditNote, Overpayment or Prepayment.")
        return "Invoice", "Invoices", None
    key = named[0]
    collection, id_field, number_field = settlement.TARGETS[key]
    given = payload[key]
    doc_id, number = given.get(id_field), given.get(number_field) if number_field else None
    doc = None
    if doc_id and doc_id != ZERO_GUID:
        doc = ctx.books.get(collection, str(doc_id))
    elif number:
        wanted = str(number).strip().casefold()
        doc = next((d for d in ctx.books.records(collection) if d.get("Status") != "DELETED"
                    and (d.get(number_field) or "").strip().casefold() == wanted), None)
    if doc is None:
        what = f"{id_field} {doc_id}" if doc_id else f"{number_field} {number}" if number else "no id"
        errors.append(f"The {key} with {what} could not be found.")
    return key, collection, doc


def view(ctx: Ctx, rec: dict[str, Any]) -> dict[str, Any]:
    out = dict(rec)
    try:
        key, collection, doc_id = settlement.target_of(rec)
    except KeyError:
        return out
    doc = ctx.books.get(collection, doc_id) or {}
    out[key] = {**rec[key], "Contact": {"ContactID": (doc.get("Contact") or {}).get("ContactID")},
                "Type": doc.get("Type")}
    return out


def _document_summary(ctx: Ctx, key: str, collection: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The document as a payment shows it (the spec's GET /Payments example: a refund shows its credit note under
    ``Invoice`` with Type ACCRECCREDIT, and also under ``CreditNote``)."""
    _, id_field, number_field = settlement.TARGETS[key]
    return {"Type": _AS_INVOICE_TYPE.get(doc.get("Type") or "", doc.get("Type")), "InvoiceID": doc.get(id_field),
            "InvoiceNumber": (doc.get(number_field) if number_field else None) or "",
            "Payments": [], "CreditNotes": [], "Prepayments": [], "Overpayments": [], "HasErrors": False,
            "IsDiscounted": False, "Contact": contacts.summary(ctx, (doc.get("Contact") or {}).get("ContactID")
                                                                 or ZERO_GUID),
            "LineItems": [], "CurrencyCode": doc.get("CurrencyCode")}


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    out: dict[str, Any] = {"PaymentID": rec["PaymentID"], "Date": ms_date(rec.get("Date")),
                           "BankAmount": q(rec.get("BankAmount", rec.get("Amount")) or _ZERO),
                           "Amount": q(rec.get("Amount") or _ZERO), "Reference": rec.get("Reference") or "",
                           "CurrencyRate": q(rec.get("CurrencyRate") or Decimal(1), SIX)}
    if rec.get("PaymentType"):
        out["PaymentType"] = rec["PaymentType"]
    out["Status"] = rec.get("Status") or "AUTHORISED"
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
        out["UpdatedDateUTCString"] = utc_string(rec["UpdatedDateUTC"])
    out["HasAccount"] = bool(rec.get("Account"))
    out["IsReconciled"] = bool(rec.get("IsReconciled"))
    if rec.get("Account"):
        account = ctx.books.get("Accounts", rec["Account"]["AccountID"]) or {}
        out["Account"] = {"AccountID": rec["Account"]["AccountID"], "Code": rec["Account"].get("Code", ""),
                          "Name": account.get("Name", "")}
    try:
        key, collection, doc_id = settlement.target_of(rec)
    except KeyError:
        key, collection, doc_id = "", "", ""
    doc = ctx.books.get(collection, doc_id) if key else None
    if doc is not None:
        out["Invoice"] = _document_summary(ctx, key, collection, doc)
        if key != "Invoice":
            _, id_field, number_field = settlement.TARGETS[key]
            out[key] = {id_field: doc_id, **({number_field: doc.get(number_field) or ""} if number_field else {})}
    out["HasValidationErrors"] = False
    return out


class PaymentWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        if existing is not None:
            return self._delete(ctx, payload, existing)
        rec: dict[str, Any] = {"PaymentID": ZERO_GUID, "Status": "AUTHORISED", "IsReconciled": False,
                               "_by_app": True}
        out = Outcome(rec)
        errors = out.errors
        key, collection, doc = find_document(ctx, payload, errors)
        if doc is not None:
            _, id_field, _ = settlement.TARGETS[key]
            rec[key] = {id_field: doc[id_field]}
            rec["PaymentType"] = _TYPES.get(doc["Type"])
        account = payment_account(ctx, payload.get("Account"), errors)
        if account is not None:
            rec["Account"] = {"AccountID": account["AccountID"], "Code": account["Code"]}
        try:
            amount = to_decimal(payload.get("Amount"))
        except ValueError:
            amount = None
        if amount is None or amount <= 0:
            errors.append("The payment Amount must be a number greater than zero.")
            amount = _ZERO
        rec["Amount"] = q(amount)
        try:
            rec["Date"] = parse_request_date(payload["Date"]) if payload.get("Date") else ctx.today
        except ValueError:
            errors.append(f"The Date '{payload['Date']}' is not a valid date.")
            rec["Date"] = ctx.today
        if isinstance(payload.get("Reference"), str):
            rec["Reference"] = payload["Reference"]
        if isinstance(payload.get("IsReconciled"), bool):
            rec["IsReconciled"] = payload["IsReconciled"]
        if doc is None:
            return out
        if doc["Status"] != "AUTHORISED":
            errors.append(NOT_AUTHORISED)
        elif rec["Amount"] > settlement.balance(doc, collection):
            errors.append(TOO_MUCH)
        self._rates(ctx, payload, rec, doc, account, errors)
        if not errors:
            out.side_effects.append((collection, settlement.adjusted(doc, collection, rec["Amount"], rec["Date"]),
                                     "UPDATE"))
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["PaymentID"] == ZERO_GUID:
            record["PaymentID"] = str(uuid.uuid4())

    @staticmethod
    def _rates(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], doc: dict[str, Any],
               account: dict[str, Any] | None, errors: list[str]) -> None:
        currency = doc.get("CurrencyCode") or ctx.base_currency
        try:
            rate = to_decimal(payload.get("CurrencyRate"))
        except ValueError:
            errors.append("CurrencyRate must be a number.")
            rate = None
        if currency == ctx.base_currency:
            rec["CurrencyRate"] = Decimal("1")
        else:
            rec["CurrencyRate"] = q(rate, SIX) if rate is not None and rate > 0 else doc_parts.rate_for(currency)
        bank_currency = (account or {}).get("CurrencyCode") or ctx.base_currency
        if account is not None and bank_currency not in (currency, ctx.base_currency):
            errors.append(f"The bank account's currency ({bank_currency}) must be the currency of the document "
                          f"({currency}) or the base currency ({ctx.base_currency}).")
        rec["BankAmount"] = rec["Amount"] if bank_currency == currency else q(rec["Amount"] / rec["CurrencyRate"])

    @staticmethod
    def _delete(ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any]) -> Outcome:
        rec = copy.deepcopy(existing)
        out = Outcome(rec)
        if set(payload) - {"PaymentID", "Status"} or "Status" not in payload:
            out.errors.append(ONLY_STATUS)
            return out
        status = payload["Status"]
        if status == existing["Status"]:
            return out  # nothing to change
        if status != "DELETED":
            out.errors.append(f"Payment Status '{status}' is not valid for updates. Use DELETED.")
            return out
        rec["Status"] = "DELETED"
        key, collection, doc_id = settlement.target_of(existing)
        doc = ctx.books.get(collection, doc_id)
        if doc is not None:
            out.side_effects.append((collection, settlement.adjusted(doc, collection, -existing["Amount"], None),
                                     "UPDATE"))
        return out


PAYMENTS = Entity(
    name="Payments", singular="Payment", id_field="PaymentID", render=render, view=view, paged=True,
    fields=frozenset({"PaymentID", "Date", "Amount", "BankAmount", "Reference", "CurrencyRate", "PaymentType",
                      "Status", "UpdatedDateUTC", "IsReconciled", "Invoice", "CreditNote", "Overpayment",
                      "Prepayment", "Account", "BatchPaymentID"}),
    writer=PaymentWriter(), history=True,
)
