"""Customer and Vendor behaviour: the naming rule, defaults QuickBooks fills in, and balances derived from the
open transactions and unused credits (so an invoice or a payment never bumps its customer's SyncToken)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, refs

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Books, Record

_NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")


def _display_name(data: dict[str, Any]) -> str:
    """DisplayName when the client leaves it out: the person's name parts, else the company name (fact sheet §1.2:
    one of DisplayName / Title / GivenName / MiddleName / FamilyName / Suffix is required)."""
    name = str(data.get("DisplayName") or "").strip()
    if name:
        return name
    parts = [str(data[p]).strip() for p in _NAME_PARTS if data.get(p)]
    if parts:
        return " ".join(parts)
    raise errors.required("DisplayName")


def _common(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    data["DisplayName"] = _display_name(data)
    if len(data["DisplayName"]) > 500:
        raise errors.too_long("DisplayName", 500)
    if ":" in data["DisplayName"]:
        raise errors.business("The name cannot contain a colon (:).", "DisplayName")
    data.setdefault("Active", True)
    data.setdefault("PrintOnCheckName", data.get("CompanyName") or data["DisplayName"])
    data["CurrencyRef"] = refs.enabled_currency(ctx, data.get("CurrencyRef"), ctx.home_currency)
    refs.resolve(ctx, data.get("DefaultTaxCodeRef"), "TaxCode", "DefaultTaxCodeRef")
    return data


def prepare_customer(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data = _common(ctx, data)
    data["FullyQualifiedName"] = data["DisplayName"]
    data.setdefault("Job", False)
    data.setdefault("BillWithParent", False)
    refs.resolve(ctx, data.get("SalesTermRef"), "Term", "SalesTermRef")
    if data.get("ParentRef"):
        raise errors.business("Sub-customers (ParentRef) are not supported by this sandbox.", "ParentRef")
    return data


def prepare_vendor(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data = _common(ctx, data)
    data.setdefault("Vendor1099", False)
    refs.resolve(ctx, data.get("TermRef"), "Term", "TermRef")
    refs.resolve(ctx, data.get("APAccountRef"), "Account", "APAccountRef")
    return data


def _open_balances(books: Books, party_ref: str, owed: str, credits: tuple[str, ...]) -> dict[str, Decimal]:
    """Per party: the open balances of what it owes (invoices / bills) less its unused credits (credit memos /
    vendor credits and money paid but not applied), as QuickBooks' customer and vendor Balance show it."""
    def compute() -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}

        def add(record: Record, amount: Decimal) -> None:
            party = (record.data.get(party_ref) or {}).get("value")
            if party is not None:
                totals[party] = totals.get(party, Decimal("0")) + amount

        for record in books.all(owed):
            add(record, Decimal(record.data.get("Balance", 0)))
        for entity in credits:
            for record in books.all(entity):
                add(record, -unused_credit(entity, record.data))
        return totals

    return books.cached(f"balances:{owed}", compute)


def unused_credit(entity: str, data: dict[str, Any]) -> Decimal:
    """What a credit document or a payment still holds for its customer / vendor."""
    if entity == "Payment":
        return Decimal(data.get("UnappliedAmt", 0))
    if entity == "BillPayment":
        applied = Decimal("0")
        for line in data.get("Line") or []:
            for link in line.get("LinkedTxn") or []:
                sign = -1 if link.get("TxnType") == "VendorCredit" else 1
                applied += sign * Decimal(line.get("Amount", 0))
        return Decimal(data.get("TotalAmt", 0)) - applied
    return Decimal(data.get("Balance", 0))


def customer_balance(ctx: Ctx, record: Record) -> dict[str, Any]:
    balance = _open_balances(ctx.books, "CustomerRef", "Invoice", ("CreditMemo", "Payment")).get(
        record.id, Decimal("0"))
    return {"Balance": balance, "BalanceWithJobs": balance}


def vendor_balance(ctx: Ctx, record: Record) -> dict[str, Any]:
    return {"Balance": _open_balances(ctx.books, "VendorRef", "Bill", ("VendorCredit", "BillPayment")).get(
        record.id, Decimal("0"))}
