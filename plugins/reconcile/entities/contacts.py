"""Contacts: Xero Contact <-> QuickBooks Customer (customer side, entity ``contacts``) and Xero Contact <->
QuickBooks Vendor (supplier side, entity ``suppliers``), both ways.

Xero keeps one list of contacts and says who is a customer or a supplier only from their documents (IsCustomer,
IsSupplier): a contact is on the supplier side when Xero knows it only as a supplier, else on the customer side.
A contact linked in one of the two entities is left alone by the other (``siblings``).
"""

from __future__ import annotations

import re
from typing import Any

from reconcile.entities.base import EntitySpec, RecordError, Side, WriteContext
from reconcile.evidence import contacts as evidence
from reconcile.normalise import clean_text, norm_email, norm_name, norm_tax_number
from xero.dates import parse_ms_date

COLUMNS = ("name", "norm_name", "first_name", "last_name", "email", "norm_email", "tax_number", "norm_tax_number",
           "phone", "norm_phone", "address_line1", "city", "postal_code", "country", "currency", "is_customer", "is_supplier",
           "active", "match_profile", "match_ids", "match_keys", "match_typo_keys")
COMPARE = ("name", "first_name", "last_name", "norm_email", "norm_tax_number", "norm_phone", "address_line1", "city",
           "postal_code", "country", "active")


def phone_digits(value: str | None) -> str | None:
    """Phone numbers are compared by their digits: spacing and punctuation do not make two numbers differ."""
    if not value:
        return None
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    return ("+" if text.startswith("+") else "") + digits


def postal(value: str | None) -> str | None:
    text = clean_text(value)
    return text.upper() if text else None


def _row(ledger_id: str, version: str | None, updated_at: Any, **values: Any) -> dict:
    row = {"ledger_id": ledger_id, "version": version, "updated_at": updated_at, "deleted": False}
    row.update(values)
    # names are compared as written (only trimmed): a stray double space is a difference to align like any other
    row["name"] = (row.get("name") or "").strip() or None
    row["norm_name"] = norm_name(row["name"])
    row["email"] = clean_text(row.get("email"))
    row["norm_email"] = norm_email(row["email"])
    row["tax_number"] = clean_text(row.get("tax_number"))
    row["norm_tax_number"] = norm_tax_number(row["tax_number"])
    for key in ("first_name", "last_name", "address_line1", "city", "country", "currency"):
        row[key] = clean_text(row.get(key))
    row["postal_code"] = postal(row.get("postal_code"))
    row["phone"] = clean_text(row.get("phone"))
    row["norm_phone"] = phone_digits(row["phone"])
    if not row["name"]:
        raise RecordError(values.get("_ledger", "?"), "contacts", ledger_id, "name", "a contact needs a name")
    row.pop("_ledger", None)
    evidence.stamp(row)
    return row


# --- Xero ---------------------------------------------------------------------------------------------------------
def xero_read(hook: Any, since: Any) -> Any:
    return hook.iter_records("Contacts", modified_since=since)


def xero_normalise(raw: dict, mappings: Any) -> dict:
    record_id = raw.get("ContactID") or "?"
    try:
        updated = parse_ms_date(raw.get("UpdatedDateUTC"))
    except ValueError as exc:
        raise RecordError("xero", "contacts", record_id, "UpdatedDateUTC", str(exc), label=raw.get("Name")) from None
    phone = next((p for p in raw.get("Phones") or [] if p.get("PhoneType") == "DEFAULT" and p.get("PhoneNumber")),
                 None)
    phone_text = None
    if phone:
        phone_text = " ".join(x for x in (phone.get("PhoneCountryCode"), phone.get("PhoneAreaCode"),
                                          phone.get("PhoneNumber")) if x)
    address = next((a for a in raw.get("Addresses") or [] if a.get("AddressLine1") or a.get("City")), {})
    return _row(
        record_id, raw.get("UpdatedDateUTC"), updated, _ledger="xero",
        name=raw.get("Name"), first_name=raw.get("FirstName"), last_name=raw.get("LastName"),
        email=raw.get("EmailAddress"), tax_number=raw.get("TaxNumber"), phone=phone_text,
        address_line1=address.get("AddressLine1"), city=address.get("City"), postal_code=address.get("PostalCode"),
        country=address.get("Country"), currency=raw.get("DefaultCurrency"),
        is_customer=bool(raw.get("IsCustomer")), is_supplier=bool(raw.get("IsSupplier")),
        active=raw.get("ContactStatus", "ACTIVE") == "ACTIVE",
    )


def xero_fields(row: dict) -> dict:
    payload: dict[str, Any] = {
        "Name": row["name"],
        "FirstName": row.get("first_name") or "",
        "LastName": row.get("last_name") or "",
        "EmailAddress": row.get("email") or "",
        "TaxNumber": row.get("tax_number") or "",
        "ContactStatus": "ACTIVE" if row.get("active", True) else "ARCHIVED",
    }
    payload["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": row.get("phone") or ""}]
    payload["Addresses"] = [{"AddressType": "STREET", "AddressLine1": row.get("address_line1") or "",
                             "City": row.get("city") or "", "PostalCode": row.get("postal_code") or "",
                             "Country": row.get("country") or ""}]
    return payload


def xero_update(row: dict, current: dict, ctx: WriteContext) -> dict:
    return {"ContactID": current["ContactID"], **xero_fields(row)}


# --- QuickBooks ---------------------------------------------------------------------------------------------------
class QuickBooksNames:
    """QuickBooks Customer or Vendor: the same name-list shape, a different tax-number field."""

    def __init__(self, entity: str, resource: str, tax_field: str) -> None:
        self.entity = entity
        self.resource = resource
        self.tax_field = tax_field

    def read(self, hook: Any, since: Any) -> Any:
        return hook.iter_records(self.resource, modified_since=since)

    def normalise(self, raw: dict, mappings: Any) -> dict:
        import datetime as dt  # noqa: PLC0415

        record_id = str(raw.get("Id") or "?")
        meta = raw.get("MetaData") or {}
        try:
            updated = dt.datetime.fromisoformat(meta["LastUpdatedTime"]) if meta.get("LastUpdatedTime") else None
        except ValueError as exc:
            raise RecordError("quickbooks", self.entity, record_id, "MetaData.LastUpdatedTime", str(exc),
                              label=raw.get("DisplayName")) from None
        address = raw.get("BillAddr") or {}
        supplier = self.resource == "Vendor"
        return _row(
            record_id, raw.get("SyncToken"), updated, _ledger="quickbooks",
            name=raw.get("DisplayName"), first_name=raw.get("GivenName"), last_name=raw.get("FamilyName"),
            email=(raw.get("PrimaryEmailAddr") or {}).get("Address"),
            tax_number=raw.get(self.tax_field),
            phone=(raw.get("PrimaryPhone") or {}).get("FreeFormNumber"),
            address_line1=address.get("Line1"), city=address.get("City"), postal_code=address.get("PostalCode"),
            country=address.get("Country"), currency=(raw.get("CurrencyRef") or {}).get("value"),
            is_customer=not supplier, is_supplier=supplier, active=bool(raw.get("Active", True)),
        )

    def fields(self, row: dict) -> dict:
        return {
            "DisplayName": row["name"],
            "CompanyName": row["name"],
            "GivenName": row.get("first_name") or "",
            "FamilyName": row.get("last_name") or "",
            "PrimaryEmailAddr": {"Address": row.get("email") or ""},
            "PrimaryPhone": {"FreeFormNumber": row.get("phone") or ""},
            self.tax_field: row.get("tax_number") or "",
            "BillAddr": {"Line1": row.get("address_line1") or "", "City": row.get("city") or "",
                         "PostalCode": row.get("postal_code") or "", "Country": row.get("country") or ""},
            "Active": bool(row.get("active", True)),
        }

    def create(self, row: dict, ctx: WriteContext) -> dict:
        payload = self.fields(row)
        if row.get("currency") and row["currency"] != ctx.home_currency("quickbooks"):
            payload["CurrencyRef"] = {"value": row["currency"]}
        return payload

    def update(self, row: dict, current: dict, ctx: WriteContext) -> dict:
        return {"Id": current["Id"], "SyncToken": current["SyncToken"], "sparse": True, **self.fields(row)}

    def find(self, hook: Any, payload: dict) -> dict | None:
        from quickbooks.query import quote  # noqa: PLC0415

        found = hook.query(f"SELECT * FROM {self.resource} WHERE DisplayName = {quote(payload['DisplayName'])} "
                           "AND Active IN (true, false)")
        return (found.get(self.resource) or [None])[0]


def xero_find(hook: Any, payload: dict) -> dict | None:
    name = payload.get("Name", "").replace("\\", "\\\\").replace('"', '\\"')
    return next(iter(hook.iter_records("Contacts", where=f'Name=="{name}"')), None)


def xero_create_with_currency(row: dict, ctx: WriteContext) -> dict:
    payload = xero_fields(row)
    if row.get("currency") and row["currency"] != ctx.home_currency("xero"):
        payload["DefaultCurrency"] = row["currency"]
    return payload


def _is_customer_side(row: dict) -> bool:
    return bool(row.get("is_customer")) or not row.get("is_supplier")


def _is_supplier_side(row: dict) -> bool:
    return bool(row.get("is_supplier")) and not row.get("is_customer")


def _label(row: dict) -> str:
    return row.get("name") or row["ledger_id"]


CUSTOMERS = QuickBooksNames("contacts", "Customer", "PrimaryTaxIdentifier")
VENDORS = QuickBooksNames("suppliers", "Vendor", "TaxIdentifier")

SPEC = EntitySpec(
    name="contacts",
    columns=COLUMNS,
    compare=COMPARE,
    xero=Side("xero", "Contacts", xero_read, xero_normalise, xero_create_with_currency, xero_update, label=_label,
              include=_is_customer_side, find_existing=xero_find),
    quickbooks=Side("quickbooks", "Customer", CUSTOMERS.read, CUSTOMERS.normalise, CUSTOMERS.create,
                    CUSTOMERS.update, label=_label, find_existing=CUSTOMERS.find),
    creatable=lambda row: bool(row.get("active")),
    siblings=("suppliers",),
    matcher="contacts",
    doc="Xero Contact (customer side) <-> QuickBooks Customer, both ways.",
)

SUPPLIERS = EntitySpec(
    name="suppliers",
    columns=COLUMNS,
    compare=COMPARE,
    xero=Side("xero", "Contacts", xero_read, xero_normalise, xero_create_with_currency, xero_update, label=_label,
              include=_is_supplier_side, find_existing=xero_find),
    quickbooks=Side("quickbooks", "Vendor", VENDORS.read, VENDORS.normalise, VENDORS.create, VENDORS.update,
                    label=_label, find_existing=VENDORS.find),
    creatable=lambda row: bool(row.get("active")),
    siblings=("contacts",),
    matcher="contacts",
    doc="Xero Contact (supplier side) <-> QuickBooks Vendor, both ways.",
)
