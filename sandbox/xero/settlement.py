"""What settles a document: payments and credit allocations, and the balances they move.

- An invoice owes ``AmountDue`` = Total - AmountPaid - AmountCredited; payments move AmountPaid, allocations of
  credit notes, overpayments and prepayments move AmountCredited.
- A credit note, overpayment or prepayment has ``RemainingCredit`` = Total - what was allocated or refunded (kept as
  ``_Used``).
- A document whose balance reaches zero turns PAID (invoices and credit notes note ``FullyPaidOnDate``); one whose
  balance comes back (a payment or allocation deleted) returns to AUTHORISED. The changed document is saved with a
  new UpdatedDateUTC, so If-Modified-Since sees it.

Payments (table ``Payments``) name their document under one of ``Invoice`` / ``CreditNote`` / ``Overpayment`` /
``Prepayment``; allocations (table ``Allocations``, not an API collection of its own) name the credit they come
from (``_Source``, ``_SourceID``) and the ``Invoice`` they reduce.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.xero.entities import Ctx
from sandbox.xero.wire import q

ZERO = Decimal("0")
# payment target key -> (collection, id field, number field)
TARGETS: dict[str, tuple[str, str, str | None]] = {
    "Invoice": ("Invoices", "InvoiceID", "InvoiceNumber"),
    "CreditNote": ("CreditNotes", "CreditNoteID", "CreditNoteNumber"),
    "Overpayment": ("Overpayments", "OverpaymentID", None),
    "Prepayment": ("Prepayments", "PrepaymentID", None),
}
# the credit a source allocates: collection -> (id field, Allocation key)
SOURCES: dict[str, tuple[str, str]] = {
    "CreditNotes": ("CreditNoteID", "CreditNote"),
    "Overpayments": ("OverpaymentID", "Overpayment"),
    "Prepayments": ("PrepaymentID", "Prepayment"),
}


def target_of(payment: dict[str, Any]) -> tuple[str, str, str]:
    """(target key, collection, document id) of a payment."""
    for key, (collection, id_field, _) in TARGETS.items():
        if isinstance(payment.get(key), dict) and payment[key].get(id_field):
            return key, collection, str(payment[key][id_field])
    raise KeyError(f"payment {payment.get('PaymentID')} names no document")


def payments_on(ctx: Ctx, collection: str, doc_id: str) -> list[dict[str, Any]]:
    """The AUTHORISED payments of a document, oldest first."""
    def build() -> dict[tuple[str, str], list[dict[str, Any]]]:
        index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for pay in sorted(ctx.books.records("Payments"), key=lambda p: p.get("_seq", 0)):
            if pay.get("Status") == "AUTHORISED":
                _, where, key = target_of(pay)
                index.setdefault((where, key.lower()), []).append(pay)
        return index
    return ctx.cached("payments_by_document", build).get((collection, doc_id.lower()), [])


def _allocation_index(ctx: Ctx) -> dict[tuple[str, str], list[dict[str, Any]]]:
    def build() -> dict[tuple[str, str], list[dict[str, Any]]]:
        index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for alloc in sorted(ctx.books.records("Allocations"), key=lambda a: a.get("_seq", 0)):
            if alloc.get("IsDeleted"):
                continue
            index.setdefault(("Invoices", alloc["Invoice"]["InvoiceID"].lower()), []).append(alloc)
            index.setdefault((alloc["_Source"], alloc["_SourceID"].lower()), []).append(alloc)
        return index
    return ctx.cached("allocations_by_document", build)


def allocations_to(ctx: Ctx, invoice_id: str) -> list[dict[str, Any]]:
    return _allocation_index(ctx).get(("Invoices", invoice_id.lower()), [])


def allocations_from(ctx: Ctx, source: str, source_id: str) -> list[dict[str, Any]]:
    return _allocation_index(ctx).get((source, source_id.lower()), [])


def balance_key(collection: str) -> str:
    return "AmountDue" if collection == "Invoices" else "RemainingCredit"


def balance(doc: dict[str, Any], collection: str) -> Decimal:
    return doc.get(balance_key(collection)) or ZERO


def adjusted(doc: dict[str, Any], collection: str, amount: Decimal, on: dt.date | None,
             credited: bool = False) -> dict[str, Any]:
    """A copy of ``doc`` with ``amount`` more (or, negative, less) settled, its balance and status following."""
    rec = copy.deepcopy(doc)
    if collection == "Invoices":
        field = "AmountCredited" if credited else "AmountPaid"
        rec[field] = q((rec.get(field) or ZERO) + amount)
        rec["AmountDue"] = q(rec["Total"] - (rec.get("AmountPaid") or ZERO) - (rec.get("AmountCredited") or ZERO))
    else:
        rec["_Used"] = q((rec.get("_Used") or ZERO) + amount)
        rec["RemainingCredit"] = q(rec["Total"] - rec["_Used"])
    left = rec[balance_key(collection)]
    if rec["Status"] == "AUTHORISED" and left <= 0:
        rec["Status"] = "PAID"
        if collection in ("Invoices", "CreditNotes"):
            rec["FullyPaidOnDate"] = on
    elif rec["Status"] == "PAID" and left > 0:
        rec["Status"] = "AUTHORISED"
        rec.pop("FullyPaidOnDate", None)
    return rec


def applied_credits(ctx: Ctx, invoice_id: str) -> dict[str, list[tuple[dict[str, Any], Decimal, dt.date]]]:
    """The credits allocated to an invoice, per source collection: (source record, amount, date)."""
    out: dict[str, list[tuple[dict[str, Any], Decimal, dt.date]]] = {name: [] for name in SOURCES}
    for alloc in allocations_to(ctx, invoice_id):
        source = ctx.books.get(alloc["_Source"], alloc["_SourceID"])
        if source is not None:
            out[alloc["_Source"]].append((source, alloc["Amount"], alloc["Date"]))
    return out
