"""JournalEntry: debit and credit lines on accounts, which must balance (fact sheet §1.2; DCOPY journalentry).

Refused with a 6000 business validation error: debits that do not equal credits (the fact sheet marks the real
code unconfirmed; 6000 is QuickBooks' general business-rule code), a line on Accounts Receivable without a
customer or on Accounts Payable without a vendor, a line without its PostingType or account. ``TotalAmt`` shows
the total of the debits (DCOPY says Intuit documents it as always zero; the sandbox keeps the useful figure and the
lead is told) and ``HomeTotalAmt`` that total in the home currency when the entry is in a foreign one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, lines, refs

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

ALLOWED = frozenset({"JournalEntryLineDetail", "DescriptionOnly"})
NEEDS_NAME = {"Accounts Receivable": "Customer", "Accounts Payable": "Vendor"}


def _line(ctx: Ctx, line: dict[str, Any], element: str) -> tuple[str, Decimal]:
    amount = lines.amount_of(line, element)
    line["Amount"] = amount
    detail = line.get("JournalEntryLineDetail")
    if not detail:
        raise errors.required(f"{element}.JournalEntryLineDetail")
    where = f"{element}.JournalEntryLineDetail"
    posting = detail.get("PostingType")
    if not posting:
        raise errors.required(f"{where}.PostingType")
    account = refs.account(ctx, detail.get("AccountRef"), f"{where}.AccountRef", required=True)
    assert account is not None
    entity = detail.get("Entity") or {}
    _, found = refs.name_ref(ctx, entity.get("EntityRef"), entity.get("Type"), f"{where}.Entity.EntityRef")
    if found:
        entity["Type"] = found
    needed = NEEDS_NAME.get(str(account.data.get("AccountType")))
    if needed and found != needed:
        raise errors.business(f"A line on {account.data.get('AccountType')} account {account.data.get('Name')} "
                              f"needs a {needed.lower()} in the Name field (Entity).", f"{where}.Entity")
    refs.resolve(ctx, detail.get("ClassRef"), "Class", f"{where}.ClassRef")
    refs.resolve(ctx, detail.get("DepartmentRef"), "Department", f"{where}.DepartmentRef")
    if (detail.get("TaxCodeRef") or {}).get("value"):
        refs.resolve(ctx, detail["TaxCodeRef"], "TaxCode", f"{where}.TaxCodeRef")
        detail["TaxCodeRef"].pop("name", None)
        if not detail.get("TaxApplicableOn"):
            raise errors.required(f"{where}.TaxApplicableOn")
        if detail.get("TaxAmount") is None:
            raise errors.required(f"{where}.TaxAmount")
    return str(posting), amount


def prepare_journal(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    currency = lines.header(ctx, data, old, None, "account", tax_mode=False)
    raw = data.get("Line") or []
    if not raw:
        raise errors.required("Line")
    lines.number_lines(raw)
    debits = credits = Decimal("0.00")
    for index, line in enumerate(raw):
        kind = line.get("DetailType")
        if kind not in ALLOWED:
            if kind is None:
                raise errors.required(f"Line[{index}].DetailType")
            raise errors.business(f"Line DetailType {kind} is not supported on a journal entry.", f"Line[{index}]")
        if kind == "DescriptionOnly":
            line.setdefault("DescriptionLineDetail", {})
            line.pop("Amount", None)
            continue
        posting, amount = _line(ctx, line, f"Line[{index}]")
        if posting == "Debit":
            debits += amount
        else:
            credits += amount
    if debits == 0 or credits == 0 or debits != credits:
        raise errors.business(f"The journal entry isn't balanced: debits total {debits} and credits total "
                              f"{credits}. They must be equal, with at least one of each.", "Line")
    data.setdefault("Adjustment", False)
    data["TotalAmt"] = debits
    if currency != ctx.home_currency:
        data["HomeTotalAmt"] = lines.home_amount(data, debits)
    return data
