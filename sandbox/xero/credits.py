"""Overpayments and prepayments (spec ``Overpayment`` / ``Prepayment``; fact sheet §1.1).

They are not written directly: a ``RECEIVE-OVERPAYMENT`` / ``SPEND-OVERPAYMENT`` (``…-PREPAYMENT``) bank
transaction makes one, with the transaction's contact, date, currency, lines and totals, and the transaction shows
its ``OverpaymentID`` (``PrepaymentID``). ``GET /Overpayments`` (paged with ``page``), ``GET /Overpayments/{id}``;
``PUT /Overpayments/{id}/Allocations`` spends the credit on invoices of the contact (``sandbox.xero.allocations``),
a payment on it refunds it; ``RemainingCredit`` is what is left, PAID at zero. Deleting the bank transaction voids
the overpayment (only while nothing was allocated from it).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sandbox.xero import contacts, settlement
from sandbox.xero.credit_notes import allocation_view
from sandbox.xero.entities import Ctx, Detail, Entity
from sandbox.xero.invoice_render import payment_summary, render_line, view
from sandbox.xero.wire import SIX, date_string, ms_date, q, utc_string

# bank transaction type -> (collection, id field)
MADE_BY = {"RECEIVE-OVERPAYMENT": ("Overpayments", "OverpaymentID"),
           "SPEND-OVERPAYMENT": ("Overpayments", "OverpaymentID"),
           "RECEIVE-PREPAYMENT": ("Prepayments", "PrepaymentID"),
           "SPEND-PREPAYMENT": ("Prepayments", "PrepaymentID")}
_KEPT = ("Type", "Contact", "Date", "LineAmountTypes", "LineItems", "SubTotal", "TotalTax", "Total", "CurrencyCode",
         "CurrencyRate", "Reference")


def from_transaction(txn: dict[str, Any], existing: dict[str, Any] | None, credit_id: str) -> dict[str, Any]:
    """The overpayment / prepayment a bank transaction makes (or its new state after the transaction changed)."""
    collection, id_field = MADE_BY[txn["Type"]]
    rec: dict[str, Any] = copy.deepcopy(existing) if existing else {id_field: credit_id, "_Used": Decimal("0")}
    for key in _KEPT:
        if key in txn:
            rec[key] = copy.deepcopy(txn[key])
    rec["_BankTransactionID"] = txn["BankTransactionID"]
    if txn["Status"] in ("DELETED", "VOIDED"):
        rec["Status"], rec["RemainingCredit"] = "VOIDED", Decimal("0.00")
    else:
        rec["RemainingCredit"] = q(rec["Total"] - rec["_Used"])
        rec["Status"] = "PAID" if rec["RemainingCredit"] <= 0 else "AUTHORISED"
    return rec


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail, collection: str, id_field: str) -> dict[str, Any]:
    rid = rec[id_field]
    out: dict[str, Any] = {id_field: rid, "Type": rec["Type"]}
    if rec.get("Reference"):
        out["Reference"] = rec["Reference"]
    out["RemainingCredit"] = q(rec["RemainingCredit"])
    if detail is not Detail.SUMMARY:
        out["Allocations"] = [allocation_view(ctx, a) for a in settlement.allocations_from(ctx, collection, rid)]
        out["Payments"] = [payment_summary(p) for p in settlement.payments_on(ctx, collection, rid)]
    out.update({"HasAttachments": False, "Contact": contacts.summary(ctx, rec["Contact"]["ContactID"]),
                "DateString": date_string(rec.get("Date")), "Date": ms_date(rec.get("Date")),
                "Status": rec["Status"], "LineAmountTypes": rec["LineAmountTypes"]})
    if detail in (Detail.FULL, Detail.PAGE):
        out["LineItems"] = [render_line(ctx, ln) for ln in rec.get("LineItems") or []]
    elif detail is Detail.UNPAGED:
        out["LineItems"] = []
    out.update({"SubTotal": q(rec["SubTotal"]), "TotalTax": q(rec["TotalTax"]), "Total": q(rec["Total"])})
    if rec.get("UpdatedDateUTC"):
        out["UpdatedDateUTC"] = ms_date(rec["UpdatedDateUTC"])
        out["UpdatedDateUTCString"] = utc_string(rec["UpdatedDateUTC"])
    out.update({"CurrencyCode": rec["CurrencyCode"], "CurrencyRate": q(rec["CurrencyRate"], SIX)})
    return out


_FIELDS = frozenset({"Type", "Reference", "RemainingCredit", "Contact", "Date", "Status", "LineAmountTypes",
                     "SubTotal", "TotalTax", "Total", "UpdatedDateUTC", "CurrencyCode", "CurrencyRate"})

OVERPAYMENTS = Entity(
    name="Overpayments", singular="Overpayment", id_field="OverpaymentID", paged=True, view=view,
    render=lambda ctx, rec, detail: render(ctx, rec, detail, "Overpayments", "OverpaymentID"),
    fields=_FIELDS | {"OverpaymentID"}, list_filters={"References": ("Reference",)}, history=True, allocations=True,
)
PREPAYMENTS = Entity(
    name="Prepayments", singular="Prepayment", id_field="PrepaymentID", paged=True, view=view,
    render=lambda ctx, rec, detail: render(ctx, rec, detail, "Prepayments", "PrepaymentID"),
    fields=_FIELDS | {"PrepaymentID"}, history=True, allocations=True,
)
