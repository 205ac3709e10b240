"""Pieces every transaction shares: the contact it names, its currency and rate, its dates and LineAmountTypes.

Used by invoices and credit notes (``sandbox.xero.documents``) and bank transactions.
- A contact is named by ContactID, ContactNumber or Name; an unknown Name creates the contact, and a full contact
  sent inside a document updates it (fact sheet §8.11); archived contacts cannot be used on new transactions.
- Multi-currency: a CurrencyCode the organisation has not enabled (``GET /Currencies``) is refused; a foreign
  document keeps its CurrencyRate (units of the currency per unit of base currency, 6 dp) or takes the day's rate
  from Xero's FX provider (``DEFAULT_RATES``); totals stay in the document's currency.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sandbox.xero import contacts
from sandbox.xero.entities import Ctx, Outcome
from sandbox.xero.reference import DEFAULT_RATES
from sandbox.xero.wire import SIX, ZERO_GUID, is_guid, parse_request_date, q, to_decimal

LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


def currency_not_enabled(code: str) -> str:
    return f"The currency {code} is not enabled for this organisation."


def currency_enabled(ctx: Ctx, code: str) -> bool:
    return ctx.books.get("Currencies", code) is not None


def rate_for(code: str) -> Decimal:
    """The rate Xero's FX provider would give for the day (units of ``code`` per unit of base currency)."""
    return DEFAULT_RATES.get(code, Decimal("1"))


def contact(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
            out: Outcome, required: bool = True) -> None:
    """Set ``rec["Contact"]`` from the payload's Contact (creating or updating the contact as Xero does)."""
    given = payload.get("Contact")
    if given is None:
        if existing is None and required:
            out.errors.append("A Contact must be specified for this type of transaction.")
            rec["Contact"] = {"ContactID": ZERO_GUID}
        return
    if not isinstance(given, dict):
        out.errors.append(contacts.IDENTIFY)
        return
    cid, number, name = given.get("ContactID"), given.get("ContactNumber"), given.get("Name")
    found: dict[str, Any] | None = None
    if cid and cid != ZERO_GUID:
        found = ctx.books.get("Contacts", str(cid))
        if found is None:
            out.errors.append(f"The Contact with ContactID {cid} could not be found.")
    elif number:
        found = contacts.by_number(ctx, str(number))
    if found is None and not (cid and cid != ZERO_GUID) and isinstance(name, str) and name.strip():
        found = contacts.active_with_name(ctx, name)
        if found is None:
            # Xero creates the contact a document names by an unknown Name
            created = contacts.new_contact(ctx, name.strip(), str(uuid.uuid4()))
            if number:
                created["ContactNumber"] = str(number)
            out.side_effects.append(("Contacts", created, "CREATE"))
            found = created
    if found is None:
        if not (cid and cid != ZERO_GUID):
            out.errors.append(contacts.IDENTIFY)
        rec["Contact"] = {"ContactID": str(cid) if cid and is_guid(cid) else ZERO_GUID}
        return
    if found["ContactStatus"] != "ACTIVE" and (existing is None or (existing.get("Contact") or {}).get(
            "ContactID") != found["ContactID"]):
        out.errors.append(f"The contact {found.get('Name', '')} is archived and cannot be used on new "
                          "transactions.")
    rec["Contact"] = {"ContactID": found["ContactID"]}
    if not any(created is found for _, created, _ in out.side_effects):
        _update_contact(ctx, given, found, out)


def _update_contact(ctx: Ctx, given: dict[str, Any], found: dict[str, Any], out: Outcome) -> None:
    """A full contact sent inside a document updates the contact (fact sheet §8.11: send only the ContactID)."""
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


def dates(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
          errors: list[str], keys: tuple[str, ...] = ("Date",)) -> None:
    for key in keys:
        if payload.get(key) not in (None, ""):
            try:
                rec[key] = parse_request_date(payload[key])
            except ValueError:
                errors.append(f"The {key} '{payload[key]}' is not a valid date.")
    if existing is None and not rec.get("Date"):
        rec["Date"] = ctx.today


def line_amount_types(payload: dict[str, Any], rec: dict[str, Any], errors: list[str]) -> None:
    lat = payload.get("LineAmountTypes")
    if lat is not None:
        if lat not in LINE_AMOUNT_TYPES:
            errors.append(f"LineAmountTypes '{lat}' is not valid. Use Exclusive, Inclusive or NoTax.")
        else:
            rec["LineAmountTypes"] = lat


def currency(ctx: Ctx, payload: dict[str, Any], rec: dict[str, Any], existing: dict[str, Any] | None,
             errors: list[str]) -> None:
    """CurrencyCode (enabled currencies only) and CurrencyRate (1 for the base currency)."""
    code = payload.get("CurrencyCode")
    if code not in (None, ""):
        if not currency_enabled(ctx, str(code)):
            errors.append(currency_not_enabled(str(code)))
        else:
            rec["CurrencyCode"] = str(code).upper()
    try:
        rate = to_decimal(payload.get("CurrencyRate"))
    except ValueError:
        errors.append("CurrencyRate must be a number.")
        rate = None
    if rec["CurrencyCode"] == ctx.base_currency:
        rec["CurrencyRate"] = Decimal("1")
    elif rate is not None and rate > 0:
        rec["CurrencyRate"] = q(rate, SIX)
    elif existing is None or existing.get("CurrencyCode") != rec["CurrencyCode"]:
        rec["CurrencyRate"] = rate_for(rec["CurrencyCode"])
