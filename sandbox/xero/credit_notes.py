"""Credit notes: ACCRECCREDIT (customer) and ACCPAYCREDIT (supplier) (spec ``CreditNote``; fact sheet §1.1, §1.2).

They are written like invoices (``sandbox.xero.documents``: lines, totals, tax, statuses DRAFT/SUBMITTED/AUTHORISED/
PAID/VOIDED/DELETED, customer credit notes numbered CN-0001 and unique). ``RemainingCredit`` is what is left to
allocate (``PUT /CreditNotes/{id}/Allocations``, ``sandbox.xero.allocations``) or refund (a payment on the credit
note); at zero the credit note is PAID. Allocations cannot be sent inline with the credit note: Xero takes them in a
separate call (xeroizer#196, quoting Xero support), so an ``Allocations`` key in a write is ignored.
Webhook events: CREDITNOTE with ``data: {Type, Status}`` (xero-webhooks.yaml ``CreditNoteWebhookEvent``).
"""

from __future__ import annotations

from typing import Any

from sandbox.xero import attachments, contacts, settlement
from sandbox.xero.documents import CREDIT_NOTE, DocumentWriter
from sandbox.xero.entities import Ctx, Detail, Entity
from sandbox.xero.invoice_render import payment_summary, render_line, view
from sandbox.xero.wire import SIX, date_string, ms_date, q, utc_string


def allocation_view(ctx: Ctx, alloc: dict[str, Any]) -> dict[str, Any]:
    """An allocation as its credit lists it: the invoice it went to, the amount and date."""
    invoice = ctx.books.get("Invoices", alloc["Invoice"]["InvoiceID"]) or {}
    return {"AllocationID": alloc["AllocationID"], "Amount": q(alloc["Amount"]), "Date": ms_date(alloc["Date"]),
            "Invoice": {"InvoiceID": alloc["Invoice"]["InvoiceID"],
                        "InvoiceNumber": invoice.get("InvoiceNumber") or "", "Payments": [], "CreditNotes": [],
                        "Prepayments": [], "Overpayments": [], "HasErrors": False, "IsDiscounted": False,
                        "LineItems": []},
            "IsDeleted": bool(alloc.get("IsDeleted"))}


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    cid = rec["CreditNoteID"]
    out: dict[str, Any] = {"CreditNoteID": cid, "CreditNoteNumber": rec.get("CreditNoteNumber") or ""}
    if detail is not Detail.SUMMARY:
        out["Payments"] = [payment_summary(p) for p in settlement.payments_on(ctx, "CreditNotes", cid)]
    out.update({"CurrencyRate": q(rec["CurrencyRate"], SIX), "Type": rec["Type"],
                "Reference": rec.get("Reference") or "", "RemainingCredit": q(rec["RemainingCredit"])})
    if detail is not Detail.SUMMARY:
        out["Allocations"] = [allocation_view(ctx, a) for a in settlement.allocations_from(ctx, "CreditNotes", cid)]
    out.update({"HasAttachments": attachments.has_attachments(ctx, "CreditNotes", cid), "HasErrors": False,
                "Contact": contacts.summary(ctx, rec["Contact"]["ContactID"]),
                "DateString": date_string(rec.get("Date")), "Date": ms_date(rec.get("Date"))})
    if rec.get("DueDate"):
        out["DueDate"] = ms_date(rec["DueDate"])
    out.update({"Status": rec["Status"], "LineAmountTypes": rec["LineAmountTypes"]})
    if detail in (Detail.FULL, Detail.PAGE):
        out["LineItems"] = [render_line(ctx, ln) for ln in rec.get("LineItems") or []]
    elif detail is Detail.UNPAGED:
        out["LineItems"] = []  # as invoices: line items only with page (the spec's GET /CreditNotes example)
    out.update({"SubTotal": q(rec["SubTotal"]), "TotalTax": q(rec["TotalTax"]), "Total": q(rec["Total"])})
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
        out["UpdatedDateUTCString"] = utc_string(rec["UpdatedDateUTC"])
    out["CurrencyCode"] = rec["CurrencyCode"]
    if rec.get("FullyPaidOnDate"):
        out["FullyPaidOnDate"] = ms_date(rec["FullyPaidOnDate"])
    if rec["Type"] == "ACCRECCREDIT":
        out["SentToContact"] = bool(rec.get("SentToContact"))
    for key in ("Url", "BrandingThemeID"):
        if rec.get(key):
            out[key] = rec[key]
    return out


CREDIT_NOTES = Entity(
    name="CreditNotes", singular="CreditNote", id_field="CreditNoteID", render=render, view=view, paged=True,
    fields=frozenset({"Type", "CreditNoteID", "CreditNoteNumber", "Reference", "Status", "LineAmountTypes", "Date",
                      "DueDate", "SubTotal", "TotalTax", "Total", "RemainingCredit", "CurrencyCode", "CurrencyRate",
                      "UpdatedDateUTC", "FullyPaidOnDate", "SentToContact", "HasAttachments", "Contact"}),
    alt_keys=("CreditNoteNumber",),
    writer=DocumentWriter(CREDIT_NOTE), webhook="CREDITNOTE", history=True, attachments=True, allocations=True,
    webhook_data=lambda rec: {"Type": rec["Type"], "Status": rec["Status"]},
)
