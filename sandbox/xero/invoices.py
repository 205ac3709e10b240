"""Invoices (ACCREC sales invoices and ACCPAY bills): validation, totals, status rules and shape.

Fact sheet §1.2 and [DOC-INV]:
- a new invoice needs Type, Contact and LineItems; Status DRAFT unless sent; LineAmountTypes Exclusive by default;
- totals come from the lines: tax per line from its TaxRate rounded to 2 dp (a TaxAmount sent on a line wins);
- ACCREC InvoiceNumber is unique and generated (INV-0001 style) when missing; ACCPAY numbers need not be unique;
- DRAFT/SUBMITTED can be DELETED, AUTHORISED with no payments can be VOIDED, anything else is refused with
  "Invoice not of valid status for modification"; PAID, VOIDED and DELETED invoices cannot be changed.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any, Callable

from sandbox.xero import contacts
from sandbox.xero.entities import Ctx, Entity, Outcome
from sandbox.xero.invoice_lines import build_lines, signature
from sandbox.xero.invoice_render import render, view
from sandbox.xero.reference import DEFAULT_RATES
from sandbox.xero.wire import SIX, ZERO_GUID, is_guid, parse_request_date, q, to_decimal

TYPES = ("ACCREC", "ACCPAY")
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
NOT_VALID_STATUS = "Invoice not of valid status for modification"
PAID_LOCKED = "This document cannot be edited as it has a payment or credit note allocated to it."
_NEXT = {"DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
         "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
         "AUTHORISED": {"AUTHORISED", "VOIDED"}}
_ZERO = Decimal("0")


def next_number(ctx: Ctx) -> str:
    """The next INV-NNNN after the highest one used (Xero's default sales invoice numbering)."""
    highest = 0
    for inv in ctx.books.records("Invoices"):
        number = inv.get("InvoiceNumber") or ""
        if inv["Type"] == "ACCREC" and number.upper().startswith("INV-") and number[4:].isdigit():
            highest = max(highest, int(number[4:]))
    return f"INV-{highest + 1:04d}"


def number_taken(ctx: Ctx, number: str, invoice_id: str) -> bool:
    wanted = number.strip().casefold()
    return any(inv["Type"] == "ACCREC" and inv.get("Status") != "DELETED" and inv["InvoiceID"] != invoice_id
               and (inv.get("InvoiceNumber") or "").strip().casefold() == wanted
               for inv in ctx.books.records("Invoices"))


def compute_totals(rec: dict[str, Any]) -> None:
    """SubTotal, TotalTax, Total and AmountDue from the lines (fact sheet §1.2: a sent Total is ignored)."""
    lines = rec.get("LineItems") or []
    amount = sum((ln["LineAmount"] for ln in lines), _ZERO)
    tax = sum((ln["TaxAmount"] for ln in lines), _ZERO)
    if rec["LineAmountTypes"] == "Inclusive":
        rec["Total"], rec["TotalTax"], rec["SubTotal"] = q(amount), q(tax), q(amount - tax)
    else:
        rec["SubTotal"], rec["TotalTax"], rec["Total"] = q(amount), q(tax), q(amount + tax)
    discount = sum((ln.get("_Discount", _ZERO) for ln in lines), _ZERO)
    rec["TotalDiscount"] = q(discount) if discount else None
    paid, credited = rec.get("AmountPaid") or _ZERO, rec.get("AmountCredited") or _ZERO
    rec["AmountDue"] = _ZERO if rec["Status"] in ("VOIDED", "DELETED") else q(rec["Total"] - paid - credited)


class InvoiceWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None  # an ACCREC number already used is an error ("Invoice # must be unique."), not an update

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "InvoiceID": ZERO_GUID, "Status": "DRAFT", "LineAmountTypes": "Exclusive", "LineItems": [],
            "AmountPaid": _ZERO, "AmountCredited": _ZERO, "SentToContact": False, "HasAttachments": False,
            "CurrencyCode": ctx.base_currency, "CurrencyRate": Decimal("1"), "_by_app": True,
        }
        out = Outcome(rec)
        errors = out.errors
        old_status = existing["Status"] if existing else None
        if existing is not None and existing["Status"] in ("PAID", "VOIDED", "DELETED"):
            if any(k != "InvoiceID" and payload[k] != existing.get(k) for k in payload):
                errors.append(NOT_VALID_STATUS)
            return out

        kind = payload.get("Type")
        if existing is None:
            if kind is None:
                errors.append("Invoice Type must be specified.")
            elif kind not in TYPES:
                errors.append(f"Invoice Type '{kind}' is not valid for this endpoint. Use ACCREC or ACCPAY.")
            else:
                rec["Type"] = kind
        elif kind is not None and kind != existing["Type"]:
            errors.append("The Type of an existing invoice cannot be changed.")
        rec.setdefault("Type", "ACCREC")

        self._contact(ctx, payload, rec, existing, out)
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
                    errors.append(f"Line item {i}: an AccountCode is required before the invoice is approved.")
        if existing is not None and (existing.get("AmountPaid") or _ZERO) > 0:
            locked = ("Contact", "Date", "CurrencyCode", "LineAmountTypes", "CurrencyRate")
            if any(k in payload and rec.get(k) != existing.get(k) for k in locked) or \
                    signature(rec["LineItems"]) != signature(existing["LineItems"]):
                errors.append(PAID_LOCKED)
        if rec["Type"] == "ACCREC" and rec.get("InvoiceNumber") and \
                number_taken(ctx, rec["InvoiceNumber"], rec["InvoiceID"]):
            errors.append("Invoice # must be unique.")
        compute_totals(rec)
        self._history(rec, existing, old_status, out)
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["InvoiceID"] == ZERO_GUID:
            record["InvoiceID"] = str(uuid.uuid4())
        if record["Type"] == "ACCREC" and not record.get("InvoiceNumber"):
            record["InvoiceNumber"] = next_number(ctx)
        for line in record["LineItems"]:
            if line["LineItemID"] == ZERO_GUID:
                line["LineItemID"] = str(uuid.uuid4())

    # --- pieces -------------------------------------------------------------------------------------------------
    @staticmethod
    def _contact(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
                 out: Outcome) -> None:
        given = payload.get("Contact")
        if given is None:
            if existing is None:
                out.errors.append("A Contact must be specified for this type of transaction.")
                rec["Contact"] = {"ContactID": ZERO_GUID}
            return
        if not isinstance(given, dict):
            out.errors.append(contacts.IDENTIFY)
            return
        cid, number, name = given.get("ContactID"), given.get("ContactNumber"), given.get("Name")
        found: dict[str, Any] | None = None
        if cid:
            found = ctx.books.get("Contacts", str(cid))
            if found is None:
                out.errors.append(f"The Contact with ContactID {cid} could not be found.")
        elif number:
            found = contacts.by_number(ctx, str(number))
        if found is None and not cid and isinstance(name, str) and name.strip():
            found = contacts.active_with_name(ctx, name)
            if found is None:
                # Xero creates the contact an invoice names by an unknown Name
                created = contacts.new_contact(ctx, name.strip(), str(uuid.uuid4()))
                if number:
                    created["ContactNumber"] = str(number)
                out.side_effects.append(("Contacts", created, "CREATE"))
                found = created
        if found is None:
            if not cid:
                out.errors.append(contacts.IDENTIFY)
            rec["Contact"] = {"ContactID": str(cid) if cid and is_guid(cid) else ZERO_GUID}
            return
        if found["ContactStatus"] != "ACTIVE" and (existing is None or
                                                  existing["Contact"]["ContactID"] != found["ContactID"]):
            out.errors.append(f"The contact {found.get('Name', '')} is archived and cannot be used on new "
                              "transactions.")
        rec["Contact"] = {"ContactID": found["ContactID"]}
        if not any(created is found for _, created, _ in out.side_effects):
            InvoiceWriter._update_contact(ctx, given, found, out)

    @staticmethod
    def _update_contact(ctx: Ctx, given: dict[str, Any], found: dict[str, Any], out: Outcome) -> None:
        """A full contact sent inside an invoice updates the contact (fact sheet §8.11: send only the ContactID)."""
        changes = {k: v for k, v in given.items() if k not in ("ContactID", "ContactNumber")}
        if not given.get("ContactID") or contacts.name_key(changes.get("Name")) == contacts.name_key(found["Name"]):
            changes.pop("Name", None)  # the name identified the contact, or is the same
        if not changes:
            return
        update = contacts.CONTACTS.writer.build(ctx, changes, found)  # type: ignore[union-attr]
        if update.errors:
            out.errors.extend(update.errors)
        elif {k: v for k, v in update.record.items() if k != "UpdatedDateUTC"} != \
                {k: v for k, v in found.items() if k != "UpdatedDateUTC"}:
            out.side_effects.append(("Contacts", update.record, "UPDATE"))

    @staticmethod
    def _scalars(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
                 errors: list[str]) -> None:
        for key in ("Date", "DueDate", "ExpectedPaymentDate", "PlannedPaymentDate"):
            if payload.get(key) not in (None, ""):
                try:
                    rec[key] = parse_request_date(payload[key])
                except ValueError:
                    errors.append(f"The {key} '{payload[key]}' is not a valid date.")
        if existing is None and not rec.get("Date"):
            rec["Date"] = ctx.today
        lat = payload.get("LineAmountTypes")
        if lat is not None:
            if lat not in LINE_AMOUNT_TYPES:
                errors.append(f"LineAmountTypes '{lat}' is not valid. Use Exclusive, Inclusive or NoTax.")
            else:
                rec["LineAmountTypes"] = lat
        for key in ("InvoiceNumber", "Reference", "Url", "BrandingThemeID"):
            value = payload.get(key)
            if value is not None:
                if not isinstance(value, str):
                    errors.append(f"{key} must be a string.")
                elif key == "InvoiceNumber" and len(value) > 255:
                    errors.append("InvoiceNumber must not be more than 255 characters long.")
                elif key != "Reference" or rec["Type"] == "ACCREC":  # bills have no Reference (fact sheet §1.2)
                    rec[key] = value.strip() if key == "InvoiceNumber" else value
        if isinstance(payload.get("SentToContact"), bool):
            rec["SentToContact"] = payload["SentToContact"]
        currency = payload.get("CurrencyCode")
        if currency not in (None, ""):
            if ctx.books.get("Currencies", str(currency)) is None:
                errors.append(f"The currency {currency} is not enabled for this organisation.")
            else:
                rec["CurrencyCode"] = str(currency).upper()
        try:
            rate = to_decimal(payload.get("CurrencyRate"))
        except ValueError:
            errors.append("CurrencyRate must be a number.")
            rate = None
        if rec["CurrencyCode"] == ctx.base_currency:
            rec["CurrencyRate"] = Decimal("1")
        elif rate is not None and rate > 0:
            rec["CurrencyRate"] = q(rate, SIX)
        elif currency not in (None, "") and (existing is None or existing["CurrencyCode"] != rec["CurrencyCode"]):
            rec["CurrencyRate"] = DEFAULT_RATES.get(rec["CurrencyCode"], Decimal("1"))

    @staticmethod
    def _status(rec: dict[str, Any], old: str | None, new: Any, errors: list[str]) -> None:
        if new not in STATUSES:
            errors.append(f"Invoice Status '{new}' is not valid.")
            return
        if old is None:
            if new not in ("DRAFT", "SUBMITTED", "AUTHORISED"):
                errors.append(f"An invoice cannot be created with Status {new}.")
                return
        elif new != old:
            allowed = _NEXT.get(old, set())
            if new not in allowed or (new == "VOIDED" and (rec.get("AmountPaid") or _ZERO) > 0):
                errors.append(NOT_VALID_STATUS)
                return
        rec["Status"] = new

    @staticmethod
    def _history(rec: dict[str, Any], existing: dict[str, Any] | None, old: str | None, out: Outcome) -> None:
        def said(verb: str) -> Callable[[dict[str, Any]], str]:
            def text(saved: dict[str, Any]) -> str:
                number = saved.get("InvoiceNumber") or ("Bill" if saved["Type"] == "ACCPAY" else "Invoice")
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
        changed = [k for k in ("Date", "DueDate", "Reference", "InvoiceNumber", "Contact", "CurrencyCode",
                               "LineAmountTypes") if rec.get(k) != existing.get(k)]
        if signature(rec["LineItems"]) != signature(existing["LineItems"]):
            changed.insert(0, "LineItems")
        if changed:
            out.history.append(("Edited", "Changed " + ", ".join(changed) + "."))


INVOICES = Entity(
    name="Invoices", singular="Invoice", id_field="InvoiceID", render=render, view=view, paged=True,
    fields=frozenset({"Type", "InvoiceID", "InvoiceNumber", "Reference", "Status", "LineAmountTypes", "Date",
                      "DueDate", "ExpectedPaymentDate", "PlannedPaymentDate", "SubTotal", "TotalTax", "Total",
                      "TotalDiscount", "AmountDue", "AmountPaid", "AmountCredited", "CurrencyCode", "CurrencyRate",
                      "UpdatedDateUTC", "FullyPaidOnDate", "SentToContact", "HasAttachments", "Contact",
                      "BrandingThemeID"}),
    alt_keys=("InvoiceNumber",),
    list_filters={"IDs": ("InvoiceID",), "InvoiceNumbers": ("InvoiceNumber",), "ContactIDs": ("Contact", "ContactID"),
                  "Statuses": ("Status",)},
    search_fields=("InvoiceNumber", "Reference"),
    writer=InvoiceWriter(), webhook="INVOICE", history=True,
)
