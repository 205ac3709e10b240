"""Invoices and credit notes: one writer for both, told apart by a :class:`DocKind` (fact sheet §1.2, [DOC-INV]).

- A new document needs Type, Contact and LineItems; Status DRAFT unless sent; LineAmountTypes Exclusive by default.
- Totals come from the lines: tax per line from its TaxRate rounded to 2 dp (a TaxAmount sent on a line wins); a
  Total sent is ignored. Invoices owe ``AmountDue`` = Total - AmountPaid - AmountCredited; credit notes have
  ``RemainingCredit`` = Total - what was allocated or refunded.
- Sales documents are numbered when no number is sent (INV-0001, CN-0001) and their numbers are unique; purchase
  documents' numbers need not be.
- DRAFT/SUBMITTED can be DELETED; AUTHORISED with no payment or allocation can be VOIDED; anything else is refused
  with "... not of valid status for modification"; PAID, VOIDED and DELETED documents cannot be changed, and a
  document with a payment or allocation keeps its amounts ("This document cannot be edited as it has a payment or
  credit note allocated to it.").
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from sandbox.xero import doc_parts
from sandbox.xero.entities import Ctx, Outcome
from sandbox.xero.invoice_lines import build_lines, signature
from sandbox.xero.wire import ZERO_GUID, q

STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
PAID_LOCKED = "This document cannot be edited as it has a payment or credit note allocated to it."
NOT_VALID_STATUS = "Invoice not of valid status for modification"  # XeroAPI/Xero-NetStandard#79
_NEXT = {"DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
         "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
         "AUTHORISED": {"AUTHORISED", "VOIDED"}}
_ZERO = Decimal("0")


@dataclass(frozen=True)
class DocKind:
    entity: str  # the collection: "Invoices" | "CreditNotes"
    label: str  # in messages: "Invoice" | "Credit Note"
    id_field: str
    number_field: str
    sales: str  # the numbered type with unique numbers: ACCREC | ACCRECCREDIT
    purchase: str  # ACCPAY | ACCPAYCREDIT
    prefix: str  # INV- | CN-
    purchase_label: str  # how history names an unnumbered purchase document
    purchase_reference: bool  # bills have no Reference (fact sheet §1.2); supplier credit notes do

    @property
    def types(self) -> tuple[str, str]:
        return self.sales, self.purchase

    @property
    def not_valid_status(self) -> str:
        return f"{self.label} not of valid status for modification"

    def settled(self, rec: dict[str, Any]) -> Decimal:
        """What payments and allocations have taken from the document."""
        if self.entity == "Invoices":
            return (rec.get("AmountPaid") or _ZERO) + (rec.get("AmountCredited") or _ZERO)
        return rec.get("_Used") or _ZERO


INVOICE = DocKind("Invoices", "Invoice", "InvoiceID", "InvoiceNumber", "ACCREC", "ACCPAY", "INV-", "Bill", False)
CREDIT_NOTE = DocKind("CreditNotes", "Credit Note", "CreditNoteID", "CreditNoteNumber", "ACCRECCREDIT",
                      "ACCPAYCREDIT", "CN-", "Credit Note", True)


def next_number(ctx: Ctx, kind: DocKind = INVOICE) -> str:
    """The next INV-NNNN (CN-NNNN) after the highest one used (Xero's default numbering)."""
    highest, width = 0, len(kind.prefix)
    for doc in ctx.books.records(kind.entity):
        number = doc.get(kind.number_field) or ""
        if doc["Type"] == kind.sales and number.upper().startswith(kind.prefix) and number[width:].isdigit():
            highest = max(highest, int(number[width:]))
    return f"{kind.prefix}{highest + 1:04d}"


def number_taken(ctx: Ctx, number: str, doc_id: str, kind: DocKind = INVOICE) -> bool:
    wanted = number.strip().casefold()
    return any(doc["Type"] == kind.sales and doc.get("Status") != "DELETED" and doc[kind.id_field] != doc_id
               and (doc.get(kind.number_field) or "").strip().casefold() == wanted
               for doc in ctx.books.records(kind.entity))


def line_totals(rec: dict[str, Any]) -> None:
    """SubTotal, TotalTax and Total from the lines (fact sheet §1.2: a sent Total is ignored)."""
    lines = rec.get("LineItems") or []
    amount = sum((ln["LineAmount"] for ln in lines), _ZERO)
    tax = sum((ln["TaxAmount"] for ln in lines), _ZERO)
    if rec["LineAmountTypes"] == "Inclusive":
        rec["Total"], rec["TotalTax"], rec["SubTotal"] = q(amount), q(tax), q(amount - tax)
    else:
        rec["SubTotal"], rec["TotalTax"], rec["Total"] = q(amount), q(tax), q(amount + tax)
    discount = sum((ln.get("_Discount", _ZERO) for ln in lines), _ZERO)
    rec["TotalDiscount"] = q(discount) if discount else None


def compute_totals(rec: dict[str, Any], kind: DocKind = INVOICE) -> None:
    """SubTotal, TotalTax, Total and the balance (AmountDue / RemainingCredit) from the lines."""
    line_totals(rec)
    balance = _ZERO if rec["Status"] in ("VOIDED", "DELETED") else q(rec["Total"] - kind.settled(rec))
    rec["AmountDue" if kind.entity == "Invoices" else "RemainingCredit"] = balance


class DocumentWriter:
    def __init__(self, kind: DocKind) -> None:
        self.kind = kind

    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None  # a sales number already used is an error ("Invoice # must be unique."), not an update

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        kind = self.kind
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            kind.id_field: ZERO_GUID, "Status": "DRAFT", "LineAmountTypes": "Exclusive", "LineItems": [],
            "SentToContact": False, "HasAttachments": False, "CurrencyCode": ctx.base_currency,
            "CurrencyRate": Decimal("1"), "_by_app": True,
            **({"AmountPaid": _ZERO, "AmountCredited": _ZERO} if kind.entity == "Invoices" else {"_Used": _ZERO}),
        }
        out = Outcome(rec)
        errors = out.errors
        old_status = existing["Status"] if existing else None
        if existing is not None and existing["Status"] in ("PAID", "VOIDED", "DELETED"):
            if any(k != kind.id_field and payload[k] != existing.get(k) for k in payload):
                errors.append(kind.not_valid_status)
            return out

        given_type = payload.get("Type")
        if existing is None:
            if given_type is None:
                errors.append(f"{kind.label} Type must be specified.")
            elif given_type not in kind.types:
                errors.append(f"{kind.label} Type '{given_type}' is not valid for this endpoint. Use "
                              f"{kind.sales} or {kind.purchase}.")
            else:
                rec["Type"] = given_type
        elif given_type is not None and given_type != existing["Type"]:
            errors.append(f"The Type of an existing {kind.label.lower()} cannot be changed.")
        rec.setdefault("Type", kind.sales)

        doc_parts.contact(ctx, payload, rec, existing, out)
        self._scalars(ctx, payload, rec, existing, errors)
        if "LineItems" in payload:
            if not isinstance(payload["LineItems"], list):
                errors.append("LineItems must be a list.")
            else:
                rec["LineItems"] = build_lines(ctx, payload["LineItems"], rec, existing, errors)
                if existing is not None and signature(rec["LineItems"]) == signature(existing["LineItems"]):
                    rec["LineItems"] = copy.deepcopy(existing["LineItems"])  # the same lines sent again
        elif existing is not None and payload.get("LineAmountTypes") not in (None, existing["LineAmountTypes"]):
            # the same lines read another way: their tax is worked out again
            kept = [{k: v for k, v in ln.items() if k != "TaxAmount"} for ln in existing["LineItems"]]
            rec["LineItems"] = build_lines(ctx, kept, rec, existing, errors)
        if existing is None and not rec["LineItems"]:
            errors.append("At least one line item must be specified.")

        new_status = payload.get("Status", old_status or "DRAFT")
        self._status(rec, old_status, new_status, errors)
        if rec["Status"] in ("SUBMITTED", "AUTHORISED"):
            for i, line in enumerate(rec["LineItems"], 1):
                if not line.get("AccountCode"):
                    errors.append(f"Line item {i}: an AccountCode is required before the "
                                  f"{kind.label.lower()} is approved.")
        if existing is not None and kind.settled(existing) > 0:
            locked = ("Contact", "Date", "CurrencyCode", "LineAmountTypes", "CurrencyRate")
            if any(k in payload and rec.get(k) != existing.get(k) for k in locked) or \
                    signature(rec["LineItems"]) != signature(existing["LineItems"]):
                errors.append(PAID_LOCKED)
        if rec["Type"] == kind.sales and rec.get(kind.number_field) and \
                number_taken(ctx, rec[kind.number_field], rec[kind.id_field], kind):
            errors.append(f"{kind.label} # must be unique.")
        compute_totals(rec, kind)
        self._history(rec, existing, old_status, out)
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        kind = self.kind
        if record[kind.id_field] == ZERO_GUID:
            record[kind.id_field] = str(uuid.uuid4())
        if record["Type"] == kind.sales and not record.get(kind.number_field):
            record[kind.number_field] = next_number(ctx, kind)
        for line in record["LineItems"]:
            if line["LineItemID"] == ZERO_GUID:
                line["LineItemID"] = str(uuid.uuid4())

    # --- pieces -------------------------------------------------------------------------------------------------
    def _scalars(self, ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
                 errors: list[str]) -> None:
        kind = self.kind
        doc_parts.dates(ctx, payload, rec, existing, errors,
                        ("Date", "DueDate", "ExpectedPaymentDate", "PlannedPaymentDate"))
        doc_parts.line_amount_types(payload, rec, errors)
        for key in (kind.number_field, "Reference", "Url", "BrandingThemeID"):
            value = payload.get(key)
            if value is not None:
                if not isinstance(value, str):
                    errors.append(f"{key} must be a string.")
                elif key == kind.number_field and len(value) > 255:
                    errors.append(f"{key} must not be more than 255 characters long.")
                elif key != "Reference" or rec["Type"] == kind.sales or kind.purchase_reference:
                    rec[key] = value.strip() if key == kind.number_field else value
        if isinstance(payload.get("SentToContact"), bool):
            rec["SentToContact"] = payload["SentToContact"]
        doc_parts.currency(ctx, payload, rec, existing, errors)

    def _status(self, rec: dict[str, Any], old: str | None, new: Any, errors: list[str]) -> None:
        kind = self.kind
        if new not in STATUSES:
            errors.append(f"{kind.label} Status '{new}' is not valid.")
            return
        if old is None:
            if new not in ("DRAFT", "SUBMITTED", "AUTHORISED"):
                errors.append(f"A {kind.label.lower()} cannot be created with Status {new}.")
                return
        elif new != old:
            if new not in _NEXT.get(old, set()):
                errors.append(kind.not_valid_status)
                return
            if new == "VOIDED" and kind.settled(rec) > 0:
                # Xero: "you can only void invoices or bills if no payments are attached" (help: edit, delete or
                # void); the API answers both messages
                errors.extend([kind.not_valid_status, PAID_LOCKED])
                return
        rec["Status"] = new

    def _history(self, rec: dict[str, Any], existing: dict[str, Any] | None, old: str | None,
                 out: Outcome) -> None:
        kind = self.kind

        def said(verb: str) -> Callable[[dict[str, Any]], str]:
            def text(saved: dict[str, Any]) -> str:
                number = saved.get(kind.number_field) or (
                    kind.purchase_label if saved["Type"] == kind.purchase else kind.label)
                return f"{number} for {saved['Total']} {verb}."
            return text

        if existing is None:
            out.history.append(("Created", said("created")))
            if rec["Status"] == "AUTHORISED":
                out.history.append(("Approved", said("approved")))
            return
        verbs = {"AUTHORISED": "Approved", "VOIDED": "Voided", "DELETED": "Deleted", "SUBMITTED": "Submitted"}
        if rec["Status"] != old and rec["Status"] in verbs:
            out.history.append((verbs[rec["Status"]], said(verbs[rec["Status"]].lower())))
        changed = [k for k in ("Date", "DueDate", "Reference", kind.number_field, "Contact", "CurrencyCode",
                               "LineAmountTypes") if rec.get(k) != existing.get(k)]
        if signature(rec["LineItems"]) != signature(existing["LineItems"]):
            changed.insert(0, "LineItems")
        if changed:
            out.history.append(("Edited", "Changed " + ", ".join(changed) + "."))
