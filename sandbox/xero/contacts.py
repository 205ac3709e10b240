"""Contacts: validation, defaults and shape (spec ``Contact``; fact sheet §1.2, §8.11).

- A contact is named by ContactID, ContactNumber or Name; a new one needs a Name, unique among ACTIVE contacts.
- POST without an id updates the contact with the same ContactNumber (the API-only key), otherwise creates.
- Addresses and phones are merged by type; ContactPersons sent replace the list (xero-node#306).
- IsCustomer / IsSupplier are derived from the contact's sales invoices and bills and cannot be set.
- Archiving is ``ContactStatus: "ARCHIVED"``; archived contacts are listed only with includeArchived=true.
"""

from __future__ import annotations

import copy
import re
import uuid
from decimal import Decimal
from typing import Any

from sandbox.xero import attachments
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome, public
from sandbox.xero.wire import ZERO_GUID, ms_date, q

_STRINGS: dict[str, int | None] = {
    "Name": 255, "FirstName": 255, "LastName": 255, "EmailAddress": 255, "ContactNumber": 50, "AccountNumber": 50,
    "CompanyNumber": 50, "TaxNumber": 50, "BankAccountDetails": None, "SalesDefaultAccountCode": None,
    "PurchasesDefaultAccountCode": None, "XeroNetworkKey": None,
}
_ADDRESS_KEYS = {"AddressLine1": 500, "AddressLine2": 500, "AddressLine3": 500, "AddressLine4": 500, "City": 255,
                 "Region": 255, "PostalCode": 50, "Country": 50, "AttentionTo": 255}
_PHONE_KEYS = {"PhoneNumber": 50, "PhoneAreaCode": 10, "PhoneCountryCode": 20}
ADDRESS_TYPES = ("STREET", "POBOX")
PHONE_TYPES = ("DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE")
_SHOWN_PHONES = ("DEFAULT", "DDI", "FAX", "MOBILE")
_LINE_TYPES = ("INCLUSIVE", "EXCLUSIVE", "NONE")
_TERM_TYPES = ("DAYSAFTERBILLDATE", "DAYSAFTERBILLMONTH", "OFCURRENTMONTH", "OFFOLLOWINGMONTH")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IDENTIFY = ("The Contact must contain at least 1 of the following elements to identify the contact: Name, "
            "ContactID, ContactNumber")


def name_key(name: str | None) -> str:
    """Names compare as SQL Server compares them: without case and trailing spaces, inner spaces counting."""
    return (name or "").strip().casefold()


def duplicate_name_message(name: str) -> str:
    return (f"The contact name {name} is already assigned to another contact. The contact name must be unique "
            "across all active contacts.")


def active_with_name(ctx: Ctx, name: str, other_than: str | None = None) -> dict[str, Any] | None:
    key = name_key(name)
    for rec in ctx.books.records("Contacts"):
        if rec["ContactStatus"] == "ACTIVE" and name_key(rec.get("Name")) == key and rec["ContactID"] != other_than:
            return rec
    return None


def by_number(ctx: Ctx, number: str) -> dict[str, Any] | None:
    wanted = number.strip().casefold()
    return next((r for r in ctx.books.records("Contacts") if (r.get("ContactNumber") or "").casefold() == wanted),
                None)


def new_contact(ctx: Ctx, name: str, contact_id: str | None = None) -> dict[str, Any]:
    return {"ContactID": contact_id or ZERO_GUID, "ContactStatus": "ACTIVE", "Name": name, "Addresses": [],
            "Phones": [], "ContactPersons": [], "ContactGroups": [], "UpdatedDateUTC": ctx.now, "_by_app": True}


def roles(ctx: Ctx) -> dict[str, tuple[bool, bool]]:
    """ContactID -> (IsCustomer, IsSupplier): from its sales invoices and bills (and the seeded history)."""
    def build() -> dict[str, tuple[bool, bool]]:
        found: dict[str, tuple[bool, bool]] = {}
        for inv in ctx.books.records("Invoices"):
            if inv.get("Status") == "DELETED":
                continue
            cid = inv["Contact"]["ContactID"].lower()
            cust, supp = found.get(cid, (False, False))
            found[cid] = (cust or inv["Type"] == "ACCREC", supp or inv["Type"] == "ACCPAY")
        return found
    return ctx.cached("contact_roles", build)


def _role_flags(ctx: Ctx, rec: dict[str, Any]) -> tuple[bool, bool]:
    cust, supp = roles(ctx).get(rec["ContactID"].lower(), (False, False))
    seeded = rec.get("_roles") or {}
    return cust or bool(seeded.get("customer")), supp or bool(seeded.get("supplier"))


def view(ctx: Ctx, rec: dict[str, Any]) -> dict[str, Any]:
    cust, supp = _role_flags(ctx, rec)
    return {**rec, "IsCustomer": cust, "IsSupplier": supp}


def balances(ctx: Ctx, contact_id: str) -> dict[str, Any]:
    sums = {"ACCREC": [Decimal(0), Decimal(0)], "ACCPAY": [Decimal(0), Decimal(0)]}
    for inv in ctx.books.records("Invoices"):
        if inv["Contact"]["ContactID"].lower() != contact_id.lower() or inv.get("Status") != "AUTHORISED":
            continue
        due = inv.get("AmountDue") or Decimal(0)
        sums[inv["Type"]][0] += due
        if inv.get("DueDate") and inv["DueDate"] < ctx.today:
            sums[inv["Type"]][1] += due
    return {"AccountsReceivable": {"Outstanding": q(sums["ACCREC"][0]), "Overdue": q(sums["ACCREC"][1])},
            "AccountsPayable": {"Outstanding": q(sums["ACCPAY"][0]), "Overdue": q(sums["ACCPAY"][1])}}


def summary(ctx: Ctx, contact_id: str) -> dict[str, Any]:
    """The contact as embedded in an invoice (the GET /Invoices example's shape)."""
    rec = ctx.books.get("Contacts", contact_id)
    out: dict[str, Any] = {"ContactID": contact_id}
    if rec is not None:
        out["ContactID"] = rec["ContactID"]
        if rec.get("ContactNumber"):
            out["ContactNumber"] = rec["ContactNumber"]
        out["Name"] = rec.get("Name", "")
    out.update({"Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [],
                "HasValidationErrors": False})
    return out


def render(ctx: Ctx, rec: dict[str, Any], detail: Detail) -> dict[str, Any]:
    cust, supp = _role_flags(ctx, rec)
    out: dict[str, Any] = {"ContactID": rec["ContactID"]}
    for key in ("ContactNumber", "AccountNumber"):
        if rec.get(key):
            out[key] = rec[key]
    out["ContactStatus"] = rec["ContactStatus"]
    out["Name"] = rec.get("Name", "")
    for key in ("FirstName", "LastName", "CompanyNumber", "EmailAddress"):
        if rec.get(key) is not None:
            out[key] = rec[key]
    if detail is not Detail.SUMMARY:
        out["BankAccountDetails"] = rec.get("BankAccountDetails") or ""
    out["TaxNumber"] = rec.get("TaxNumber") or ""
    for key in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
        if rec.get(key):
            out[key] = rec[key]
    if detail is not Detail.SUMMARY:
        out["Addresses"] = _padded(rec.get("Addresses") or [], "AddressType", ADDRESS_TYPES)
        out["Phones"] = _padded(rec.get("Phones") or [], "PhoneType", _SHOWN_PHONES,
                                blank={"PhoneNumber": "", "PhoneAreaCode": "", "PhoneCountryCode": ""})
    out["UpdatedDateUTC"] = ms_date(rec.get("UpdatedDateUTC"))
    if detail is not Detail.SUMMARY:
        out["ContactGroups"] = copy.deepcopy(rec.get("ContactGroups") or [])
    out["IsSupplier"] = supp
    out["IsCustomer"] = cust
    for key in ("DefaultCurrency", "SalesDefaultAccountCode", "PurchasesDefaultAccountCode",
                "SalesDefaultLineAmountType", "PurchasesDefaultLineAmountType"):
        if rec.get(key):
            out[key] = rec[key]
    if detail is not Detail.SUMMARY:
        out["SalesTrackingCategories"] = []
        out["PurchasesTrackingCategories"] = []
        if rec.get("PaymentTerms"):
            out["PaymentTerms"] = copy.deepcopy(rec["PaymentTerms"])
        out["ContactPersons"] = copy.deepcopy(rec.get("ContactPersons") or [])
    out["HasAttachments"] = attachments.has_attachments(ctx, "Contacts", rec["ContactID"])
    if detail is Detail.FULL and rec["ContactID"] != ZERO_GUID:
        out["Balances"] = balances(ctx, rec["ContactID"])
    out["HasValidationErrors"] = False
    return out


def _padded(items: list[dict[str, Any]], type_key: str, types: tuple[str, ...],
            blank: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Xero lists every address and phone type, blank ones included (the GET /Contacts example)."""
    out = [copy.deepcopy(i) for i in items]
    have = {i.get(type_key) for i in items}
    out.extend({type_key: t, **(blank or {})} for t in types if t not in have)
    return out


class ContactWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        number = payload.get("ContactNumber")
        return by_number(ctx, number) if isinstance(number, str) and number.strip() else None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec = copy.deepcopy(existing) if existing else new_contact(ctx, "")
        errors: list[str] = []
        if existing is None and not any(isinstance(payload.get(k), str) and payload[k].strip()
                                        for k in ("Name", "ContactID", "ContactNumber")):
            errors.append(IDENTIFY)
        for key, limit in _STRINGS.items():
            if key not in payload or payload[key] is None:
                continue
            value = payload[key]
            if not isinstance(value, str):
                errors.append(f"{key} must be a string.")
                continue
            value = value.strip() if key == "Name" else value
            if limit is not None and len(value) > limit:
                errors.append(f"{key} must not be more than {limit} characters long.")
            rec[key] = value
        if existing is None and not rec.get("Name") and not errors:
            errors.append("A Name is required when creating a contact.")
        if existing is not None and "Name" in payload and not rec.get("Name"):
            errors.append("The contact name cannot be blank.")
        email = rec.get("EmailAddress")
        if "EmailAddress" in payload and email and not EMAIL.match(email):
            errors.append("Email address must be valid.")
        status = payload.get("ContactStatus")
        if status is not None:
            if status not in ("ACTIVE", "ARCHIVED"):
                errors.append(f"ContactStatus '{status}' is not valid. Use ACTIVE or ARCHIVED.")
            else:
                rec["ContactStatus"] = status
        self._tax_and_currency(ctx, payload, rec, errors)
        self._merge_typed(payload, rec, "Addresses", "AddressType", ADDRESS_TYPES, _ADDRESS_KEYS, errors)
        self._merge_typed(payload, rec, "Phones", "PhoneType", PHONE_TYPES, _PHONE_KEYS, errors)
        if isinstance(payload.get("ContactPersons"), list):
            rec["ContactPersons"] = [
                {k: p[k] for k in ("FirstName", "LastName", "EmailAddress", "IncludeInEmails") if k in p}
                for p in payload["ContactPersons"] if isinstance(p, dict)
            ]
        if isinstance(payload.get("PaymentTerms"), dict):
            rec["PaymentTerms"] = self._terms(payload["PaymentTerms"], errors)
        if rec["ContactStatus"] == "ACTIVE" and rec.get("Name"):
            changed_name = existing is None or name_key(existing.get("Name")) != name_key(rec["Name"])
            reactivated = existing is not None and existing["ContactStatus"] != "ACTIVE"
            if (changed_name or reactivated) and active_with_name(ctx, rec["Name"], rec["ContactID"]):
                errors.append(duplicate_name_message(rec["Name"]))
        outcome = Outcome(rec, errors)
        if existing is None:
            outcome.history.append(("Created", f"Contact {rec.get('Name', '')} created."))
        else:
            changed = sorted(k for k in set(public(rec)) | set(public(existing))
                             if k != "UpdatedDateUTC" and rec.get(k) != existing.get(k))
            if changed:
                verb = "Archived" if "ContactStatus" in changed and rec["ContactStatus"] == "ARCHIVED" else "Edited"
                outcome.history.append((verb, "Changed " + ", ".join(changed) + "."))
        return outcome

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["ContactID"] == ZERO_GUID:
            record["ContactID"] = str(uuid.uuid4())

    # --- pieces -------------------------------------------------------------------------------------------------
    @staticmethod
    def _tax_and_currency(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], errors: list[str]) -> None:
        for key in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
            value = payload.get(key)
            if value in (None, ""):
                continue
            if ctx.books.get("TaxRates", str(value)) is None:
                errors.append(f"The TaxType code {value} does not exist or cannot be used for this type of "
                              "transaction.")
            rec[key] = value
        currency = payload.get("DefaultCurrency")
        if currency not in (None, ""):
            if ctx.books.get("Currencies", str(currency)) is None:
                errors.append(f"The currency {currency} is not enabled for this organisation.")
            rec["DefaultCurrency"] = currency
        for key in ("SalesDefaultLineAmountType", "PurchasesDefaultLineAmountType"):
            value = payload.get(key)
            if value not in (None, ""):
                if value not in _LINE_TYPES:
                    errors.append(f"{key} must be one of {', '.join(_LINE_TYPES)}.")
                rec[key] = value

    @staticmethod
    def _merge_typed(payload: dict[str, Any], rec: dict[str, Any], key: str, type_key: str, types: tuple[str, ...],
                     fields: dict[str, int], errors: list[str]) -> None:
        given = payload.get(key)
        if not isinstance(given, list):
            return
        merged = {item.get(type_key): item for item in rec.get(key) or []}
        for item in given:
            if not isinstance(item, dict):
                continue
            kind = item.get(type_key)
            if kind not in types:
                errors.append(f"{type_key} must be one of {', '.join(types)}.")
                continue
            clean: dict[str, Any] = {type_key: kind}
            for field, limit in fields.items():
                value = item.get(field)
                if value is None:
                    continue
                value = str(value)
                if len(value) > limit:
                    errors.append(f"{field} must not be more than {limit} characters long.")
                clean[field] = value
            merged[kind] = clean
        rec[key] = [merged[t] for t in types if t in merged]

    @staticmethod
    def _terms(terms: dict[str, Any], errors: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for side in ("Bills", "Sales"):
            term = terms.get(side)
            if not isinstance(term, dict):
                continue
            if term.get("Type") not in _TERM_TYPES:
                errors.append(f"PaymentTerms {side} Type must be one of {', '.join(_TERM_TYPES)}.")
                continue
            try:
                out[side] = {"Day": int(term.get("Day", 0)), "Type": term["Type"]}
            except (TypeError, ValueError):
                errors.append(f"PaymentTerms {side} Day must be a whole number.")
        return out


CONTACTS = Entity(
    name="Contacts", singular="Contact", id_field="ContactID", render=render, view=view, paged=True,
    fields=frozenset({"ContactID", "ContactNumber", "AccountNumber", "ContactStatus", "Name", "FirstName", "LastName",
                      "CompanyNumber", "EmailAddress", "TaxNumber", "AccountsReceivableTaxType",
                      "AccountsPayableTaxType", "IsSupplier", "IsCustomer", "DefaultCurrency", "UpdatedDateUTC",
                      "HasAttachments", "BankAccountDetails", "SalesDefaultAccountCode",
                      "PurchasesDefaultAccountCode"}),
    alt_keys=("ContactNumber",), archived=lambda r: r["ContactStatus"] == "ARCHIVED",
    list_filters={"IDs": ("ContactID",)},
    search_fields=("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress"),
    writer=ContactWriter(), webhook="CONTACT", history=True, attachments=True,
)
