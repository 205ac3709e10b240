"""Invoices on the wire (spec ``Invoice``; the GET /Invoices and POST /Invoices examples): .NET dates with their
``DateString`` companions, money to 2 dp, Quantity to 4 dp, CurrencyRate to 6 dp, the contact as a summary, the
payments made against it; without ``page`` a list carries no line items (fact sheet §2.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.xero import attachments, contacts, settlement
from sandbox.xero.entities import Ctx, Detail
from sandbox.xero.wire import CENT, FOUR, SIX, date_string, ms_date, q, utc_string

_ZERO = Decimal("0")


def payment_summary(pay: dict[str, Any]) -> dict[str, Any]:
    """A payment as a document lists it (the spec's GET /Invoices/{id} example)."""
    return {"PaymentID": pay["PaymentID"], "Date": ms_date(pay["Date"]), "Amount": q(pay["Amount"]),
            "Reference": pay.get("Reference") or "", "CurrencyRate": q(pay.get("CurrencyRate") or Decimal(1), SIX),
            "HasAccount": False, "HasValidationErrors": False}


def credit_summary(collection: str, source: dict[str, Any], amount: Decimal, when: Any) -> dict[str, Any]:
    """A credit note, overpayment or prepayment as an invoice lists what was allocated to it."""
    id_field, _ = settlement.SOURCES[collection]
    out: dict[str, Any] = {id_field: source[id_field]}
    if collection == "CreditNotes":
        out["CreditNoteNumber"] = source.get("CreditNoteNumber") or ""
    out.update({"AppliedAmount": q(amount), "DateString": date_string(when), "Date": ms_date(when),
                "LineItems": [], "Total": q(source["Total"])})
    return out


def view(ctx: Ctx, rec: dict[str, Any]) -> dict[str, Any]:
    """The record with its contact's name and number, for ``where`` (``Contact.Name=="…"``)."""
    if not rec.get("Contact"):
        return rec
    contact = ctx.books.get("Contacts", rec["Contact"]["ContactID"]) or {}
    return {**rec, "Contact": {"ContactID": rec["Contact"]["ContactID"], "Name": contact.get("Name"),
                               "ContactNumber": contact.get("ContactNumber"),
                               "ContactStatus": contact.get("ContactStatus")}}


def render_line(ctx: Ctx, ln: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"LineItemID": ln["LineItemID"], "Description": ln.get("Description", ""),
                           "Quantity": q(ln["Quantity"], FOUR),
                           "UnitAmount": q(ln["UnitAmount"], FOUR if ctx.unitdp == 4 else CENT)}
    if ln.get("ItemCode"):
        out["ItemCode"] = ln["ItemCode"]
        if ln.get("_Item"):
            out["Item"] = dict(ln["_Item"])
    if ln.get("AccountCode"):
        out["AccountCode"] = ln["AccountCode"]
        out["AccountID"] = ln["AccountID"]
    out.update({"TaxType": ln["TaxType"], "TaxAmount": q(ln["TaxAmount"]), "LineAmount": q(ln["LineAmount"])})
    if ln.get("DiscountRate"):
        out["DiscountRate"] = q(ln["DiscountRate"])
    out["Tracking"] = list(ln.get("Tracking") or [])
    return out


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    out: dict[str, Any] = {"Type": rec["Type"], "InvoiceID": rec["InvoiceID"]}
    if rec.get("InvoiceNumber") is not None or rec["Type"] == "ACCPAY":
        out["InvoiceNumber"] = rec.get("InvoiceNumber") or ""
    if rec["Type"] == "ACCREC":
        out["Reference"] = rec.get("Reference") or ""
    if detail is not Detail.SUMMARY:
        out["Payments"] = [payment_summary(p) for p in settlement.payments_on(ctx, "Invoices", rec["InvoiceID"])]
        credits = settlement.applied_credits(ctx, rec["InvoiceID"])
        for collection in ("CreditNotes", "Prepayments", "Overpayments"):
            out[collection] = [credit_summary(collection, src, amount, when)
                               for src, amount, when in credits[collection]]
    out.update({"AmountDue": q(rec["AmountDue"]), "AmountPaid": q(rec.get("AmountPaid") or _ZERO),
                "AmountCredited": q(rec.get("AmountCredited") or _ZERO)})
    if rec["Type"] == "ACCREC":
        out["SentToContact"] = bool(rec.get("SentToContact"))
    out.update({"CurrencyRate": q(rec["CurrencyRate"], SIX), "IsDiscounted": bool(rec.get("TotalDiscount")),
                "HasAttachments": attachments.has_attachments(ctx, "Invoices", rec["InvoiceID"]), "HasErrors": False,
                "Contact": contacts.summary(ctx, rec["Contact"]["ContactID"])})
    out["DateString"], out["Date"] = date_string(rec.get("Date")), ms_date(rec.get("Date"))
    if rec.get("DueDate"):
        out["DueDateString"], out["DueDate"] = date_string(rec["DueDate"]), ms_date(rec["DueDate"])
    for key in ("ExpectedPaymentDate", "PlannedPaymentDate"):
        if rec.get(key):
            out[key] = ms_date(rec[key])
    out.update({"Status": rec["Status"], "LineAmountTypes": rec["LineAmountTypes"]})
    if detail in (Detail.FULL, Detail.PAGE):
        out["LineItems"] = [render_line(ctx, ln) for ln in rec.get("LineItems") or []]
    elif detail is Detail.UNPAGED:
        out["LineItems"] = []  # unpaged lists carry no line items (fact sheet §2.2, the spec's GET example)
    out.update({"SubTotal": q(rec["SubTotal"]), "TotalTax": q(rec["TotalTax"]), "Total": q(rec["Total"])})
    if rec.get("TotalDiscount"):
        out["TotalDiscount"] = q(rec["TotalDiscount"])
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
        out["UpdatedDateUTCString"] = utc_string(rec["UpdatedDateUTC"])
    out["CurrencyCode"] = rec["CurrencyCode"]
    if rec.get("FullyPaidOnDate"):
        out["FullyPaidOnDate"] = ms_date(rec["FullyPaidOnDate"])
    for key in ("Url", "BrandingThemeID"):
        if rec.get(key):
            out[key] = rec[key]
    return out


