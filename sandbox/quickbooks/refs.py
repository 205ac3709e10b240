"""Resolving references (``CustomerRef``, ``ItemRef``...) the way QuickBooks does on a write: an unknown id is a
``2500``, an inactive record a ``610``, and a good reference comes back with its ``name`` filled in. Also the
checks every transaction shares: an account of the right type, a currency the company has enabled, a name (a
``Customer`` or ``Vendor``) given with its ``type``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from sandbox.quickbooks import errors

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

CURRENCIES = {
    "GBP": "British Pound Sterling", "USD": "United States Dollar", "EUR": "Euro", "AUD": "Australian Dollar",
    "CAD": "Canadian Dollar", "NZD": "New Zealand Dollar", "CHF": "Swiss Franc", "SEK": "Swedish Krona",
    "NOK": "Norwegian Krone", "DKK": "Danish Krone", "JPY": "Japanese Yen", "INR": "Indian Rupee",
}
# account types whose money is held in one currency (a transaction on them must be in that currency)
CURRENCY_ACCOUNTS = frozenset({"Bank", "Credit Card"})
NAME_TYPES = ("Customer", "Vendor")  # what an EntityRef / JournalEntry Entity may name here (no Employee list)


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


def account(ctx: Ctx, ref: dict[str, Any] | None, element: str, types: Iterable[str] | None = None, *,
            required: bool = False) -> Record | None:
    """An account reference, of one of ``types`` (AccountType values) when given."""
    record = resolve(ctx, ref, "Account", element, required=required)
    allowed = tuple(types or ())
    if record is not None and allowed and record.data.get("AccountType") not in allowed:
        kinds = " or ".join(allowed)
        raise errors.business(f"{element} must refer to an account of type {kinds}; account "
                              f"{record.data.get('Name')} is {record.data.get('AccountType')}.", element)
    return record


def check_account_currency(account_record: Record | None, currency: str, element: str) -> None:
    if account_record is None or account_record.data.get("AccountType") not in CURRENCY_ACCOUNTS:
        return
    held = (account_record.data.get("CurrencyRef") or {}).get("value")
    if held and held != currency:
        raise errors.business(f"The currency of the transaction ({currency}) must match the currency of account "
                              f"{account_record.data.get('Name')} ({held}).", element)


def currency(ref: dict[str, Any] | None, default: str, element: str = "CurrencyRef") -> dict[str, Any]:
    code = str((ref or {}).get("value") or default).upper()
    if code not in CURRENCIES:
        raise errors.invalid_reference(element, "Currency", code)
    return {"value": code, "name": CURRENCIES[code]}


def enabled_currency(ctx: Ctx, ref: dict[str, Any] | None, default: str,
                     element: str = "CurrencyRef") -> dict[str, Any]:
    """A currency the company can record in: its home currency or an active CompanyCurrency (multicurrency on)."""
    result = currency(ref, default, element)
    if result["value"] not in ctx.enabled_currencies():
        raise errors.business(f"The currency {result['value']} ({result['name']}) is not active in this company. "
                              "Add it to the currency list before you use it.", element)
    return result


def name_ref(ctx: Ctx, ref: dict[str, Any] | None, type_name: str | None, element: str,
             prefer: tuple[str, ...] = NAME_TYPES) -> tuple[Record | None, str | None]:
    """A Customer or Vendor named by a reference whose type may be given (``EntityRef.type``, ``Entity.Type``);
    without a type it is looked up in ``prefer`` order (a seeded customer and vendor may share an id).
    Returns (record, its type)."""
    if not ref or not ref.get("value"):
        return None, None
    wanted = [type_name] if type_name else list(prefer)
    if type_name and type_name not in NAME_TYPES:
        raise errors.invalid_reference(element, type_name, ref["value"])
    for entity in wanted:
        if ctx.books.get(entity, str(ref["value"])) is not None:
            return resolve(ctx, ref, entity, element), entity
    raise errors.invalid_reference(element, wanted[0], ref["value"])
