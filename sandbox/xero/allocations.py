"""Allocating credit to invoices: ``PUT /{CreditNotes|Overpayments|Prepayments}/{id}/Allocations`` and
``DELETE /{…}/{id}/Allocations/{AllocationID}`` (spec ``Allocations`` / ``Allocation``; fact sheet §1.1).

- Body ``{"Allocations":[{"Invoice":{"InvoiceID"|"InvoiceNumber"}, "Amount", "Date"}]}`` (a bare Allocation too);
  summarizeErrors as for batches. Customer credit (ACCRECCREDIT, RECEIVE-*) goes to sales invoices, supplier credit
  (ACCPAYCREDIT, SPEND-*) to bills, of the same contact and currency; the credit must be AUTHORISED; the amount at
  most both what is left of the credit and what the invoice owes.
- An allocation reduces the invoice's AmountDue (AmountCredited) and the credit's RemainingCredit; either turns PAID
  at zero. Deleting it gives both back and answers the bare ``Allocation`` with ``IsDeleted: true``, as the spec
  declares (xero-python#159 suggests live Xero answers another shape there).
- Messages seen from Xero (xeroizer#320): "The invoice you are trying to allocate to has already been paid off",
  "Credit Note cannot be allocated as amount is greater than amount outstanding", "Credit Note cannot be allocated
  to an incorrect invoice type" (the last cut short in the report; completed here).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Mapping

from starlette.responses import Response

from sandbox.xero import settlement
from sandbox.xero.api import find, parse_body, save_side_effects
from sandbox.xero.entities import Ctx, Entity
from sandbox.xero.wire import (ZERO_GUID, api_exception, envelope, json_response, ms_date, not_found,
                               parse_request_date, q, to_decimal, validation_exception)

_SALES = {"ACCRECCREDIT", "RECEIVE-OVERPAYMENT", "RECEIVE-PREPAYMENT"}
_LABELS = {"CreditNotes": "Credit Note", "Overpayments": "Overpayment", "Prepayments": "Prepayment"}
_ZERO = Decimal("0")


def _invoice(ctx: Ctx, given: Any) -> dict[str, Any] | None:
    if not isinstance(given, dict):
        return None
    if given.get("InvoiceID") and given["InvoiceID"] != ZERO_GUID:
        return ctx.books.get("Invoices", str(given["InvoiceID"]))
    number = str(given.get("InvoiceNumber") or "").strip().casefold()
    return next((i for i in ctx.books.records("Invoices") if number and i.get("Status") != "DELETED"
                 and (i.get("InvoiceNumber") or "").strip().casefold() == number), None)


def _element(ctx: Ctx, entity: Entity, source: dict[str, Any], alloc: dict[str, Any],
             errors: list[str] | None = None) -> dict[str, Any]:
    """An allocation on the wire (the spec's PUT /CreditNotes/{id}/Allocations example)."""
    id_field, key = settlement.SOURCES[entity.name]
    invoice = ctx.books.get("Invoices", alloc["Invoice"]["InvoiceID"]) or {}
    out: dict[str, Any] = {"AllocationID": alloc["AllocationID"], "Amount": q(alloc["Amount"]),
                           "Date": ms_date(alloc["Date"]),
                           "Invoice": {"InvoiceID": alloc["Invoice"]["InvoiceID"],
                                       "InvoiceNumber": invoice.get("InvoiceNumber") or "", "Payments": [],
                                       "CreditNotes": [], "Prepayments": [], "Overpayments": [], "HasErrors": False,
                                       "IsDiscounted": False, "LineItems": [], "ValidationErrors": []},
                           key: {id_field: source[id_field], "LineItems": []}}
    if alloc.get("IsDeleted"):
        out["IsDeleted"] = True
    if errors is not None:
        out["StatusAttributeString"] = "ERROR" if errors else "OK"
        out["ValidationErrors"] = [{"Message": m} for m in errors]
    return out


def _check(ctx: Ctx, entity: Entity, source: dict[str, Any], invoice: dict[str, Any] | None,
           amount: Decimal) -> list[str]:
    label = _LABELS[entity.name]
    if invoice is None:
        return ["The Invoice to allocate to could not be found."]
    errors: list[str] = []
    if source["Status"] not in ("AUTHORISED", "PAID"):
        errors.append(f"{label} must be AUTHORISED before it can be allocated.")
    wanted = "ACCREC" if source["Type"] in _SALES else "ACCPAY"
    if invoice["Type"] != wanted:
        errors.append(f"{label} cannot be allocated to an incorrect invoice type")
    if invoice["Status"] == "PAID":
        errors.append("The invoice you are trying to allocate to has already been paid off")
    elif invoice["Status"] != "AUTHORISED":
        errors.append("Credit can only be allocated to Authorised documents")
    if invoice["Contact"]["ContactID"].lower() != source["Contact"]["ContactID"].lower():
        errors.append(f"The {label.lower()} and the invoice must be for the same contact.")
    if invoice.get("CurrencyCode") != source.get("CurrencyCode"):
        errors.append(f"The {label.lower()} and the invoice must be in the same currency.")
    if amount <= 0:
        errors.append("The allocation Amount must be a number greater than zero.")
    elif amount > settlement.balance(source, entity.name) or (
            invoice["Status"] == "AUTHORISED" and amount > invoice["AmountDue"]):
        errors.append(f"{label} cannot be allocated as amount is greater than amount outstanding")
    return errors


def put(ctx: Ctx, entity: Entity, key: str, body: bytes, params: Mapping[str, str]) -> Response:
    source = find(ctx, entity, key)
    if source is None:
        return not_found()
    try:
        data = parse_body(body)
    except (ValueError, UnicodeDecodeError):
        return api_exception(17, "PostDataInvalidException", "Invalid Json data")
    items = data.get("Allocations") if isinstance(data, dict) and "Allocations" in data else data
    items = [items] if isinstance(items, dict) else items
    if not isinstance(items, list) or not items:
        return validation_exception([], "No Allocations were provided in the request.")
    elements, failed = [], []
    for item in items:
        item = item if isinstance(item, dict) else {}
        source = find(ctx, entity, key) or source  # re-read: an earlier element of the batch may have used it
        invoice = _invoice(ctx, item.get("Invoice"))
        try:
            amount = q(to_decimal(item.get("Amount")) or _ZERO)
        except ValueError:
            amount = _ZERO
        errors = _check(ctx, entity, source, invoice, amount)
        try:
            when = parse_request_date(item["Date"]) if item.get("Date") else ctx.today
        except ValueError:
            errors.append(f"The Date '{item['Date']}' is not a valid date.")
            when = ctx.today
        id_field, _ = settlement.SOURCES[entity.name]
        alloc = {"AllocationID": ZERO_GUID, "Amount": amount, "Date": when, "IsDeleted": False,
                 "Invoice": {"InvoiceID": (invoice or {}).get("InvoiceID")
                             or str((item.get("Invoice") or {}).get("InvoiceID") or ZERO_GUID)},
                 "_Source": entity.name, "_SourceID": source[id_field]}
        if not errors:
            assert invoice is not None
            alloc["AllocationID"] = str(uuid.uuid4())
            save_side_effects(ctx, [
                ("Invoices", settlement.adjusted(invoice, "Invoices", amount, when, credited=True), "UPDATE"),
                (entity.name, settlement.adjusted(source, entity.name, amount, when), "UPDATE")])
            ctx.books.put("Allocations", alloc["AllocationID"], alloc)
        element = _element(ctx, entity, source, alloc, errors)
        elements.append(element)
        if errors:
            failed.append(element)
    summarize = (params.get("summarizeErrors") or "true").strip().lower() != "false"
    if failed and summarize:
        return validation_exception(failed)
    return json_response(envelope("Allocations", elements, ctx.now, ctx.provider))


def delete(ctx: Ctx, entity: Entity, key: str, allocation_id: str) -> Response:
    source = find(ctx, entity, key)
    alloc = ctx.books.get("Allocations", allocation_id)
    id_field, _ = settlement.SOURCES[entity.name]
    if source is None or alloc is None or alloc.get("IsDeleted") or \
            alloc["_SourceID"].lower() != source[id_field].lower():
        return not_found()
    invoice = ctx.books.get("Invoices", alloc["Invoice"]["InvoiceID"])
    changes = [(entity.name, settlement.adjusted(source, entity.name, -alloc["Amount"], None), "UPDATE")]
    if invoice is not None:
        changes.append(("Invoices", settlement.adjusted(invoice, "Invoices", -alloc["Amount"], None, credited=True),
                        "UPDATE"))
    save_side_effects(ctx, changes)
    ctx.books.put("Allocations", alloc["AllocationID"], {**alloc, "IsDeleted": True})
    return json_response(_element(ctx, entity, source, {**alloc, "IsDeleted": True}))
