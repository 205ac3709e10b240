"""Resolving references (``CustomerRef``, ``ItemRef``...) the way QuickBooks does on a write: an unknown id is a
``2500``, an inactive record a ``610``, and a good reference comes back with its ``name`` filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

CURRENCIES = {
    "GBP": "British Pound Sterling", "USD": "United States Dollar", "EUR": "Euro", "AUD": "Australian Dollar",
    "CAD": "Canadian Dollar", "NZD": "New Zealand Dollar", "CHF": "Swiss Franc", "SEK": "Swedish Krona",
    "NOK": "Norwegian Krone", "DKK": "Danish Krone", "JPY": "Japanese Yen", "INR": "Indian Rupee",
}


def resolve(ctx: Ctx, ref: dict[str, Any] | None, entity: str, element: str, *,
            required: bool = False) -> Record | None:
    """Check a reference and fill its name; returns the record referred to."""
    if not ref or not ref.get("value"):
        if required:
            raise errors.required(element)
        return None
    record = ctx.books.get(entity, str(ref["value"]))
    if record is None:
        raise errors.invalid_reference(element, entity, ref["value"])
    if record.data.get("Active") is False:
        raise errors.inactive_reference(element, entity, ref["value"])
    name_field = ctx.definition(entity).ref_name_field
    if name_field and record.data.get(name_field):
        ref["name"] = record.data[name_field]
    return record


def currency(ref: dict[str, Any] | None, default: str, element: str = "CurrencyRef") -> dict[str, Any]:
    code = str((ref or {}).get("value") or default).upper()
    if code not in CURRENCIES:
        raise errors.invalid_reference(element, "Currency", code)
    return {"value": code, "name": CURRENCIES[code]}
