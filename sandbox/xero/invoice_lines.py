"""Invoice line items: defaults from the Item, the account and the tax rate, checks against the books, and the
line's amounts (fact sheet §1.2 LineItem).

- Lines of sales documents (ACCREC, ACCRECCREDIT, RECEIVE bank transactions) use sales tax rates and an item's
  SalesDetails; lines of purchase documents (ACCPAY, ACCPAYCREDIT, SPEND) purchase tax rates and PurchaseDetails.
- An ItemCode fills Description, UnitAmount, AccountCode and TaxType from the item's sales or purchase details when
  the line leaves them out.
- LineAmount = Quantity x UnitAmount less DiscountRate (ACCREC only), to 2 dp; UnitAmount to 2 dp unless unitdp=4.
- Tax per line: Exclusive = LineAmount x rate; Inclusive = LineAmount x rate / (100 + rate); NoTax = 0; rounded to
  2 dp; a TaxAmount sent on the line overrides the calculation.
- An account must exist, be active and be codeable on documents (not a bank or system account); a tax type must
  exist and apply to the side (sales taxes on ACCREC, purchase taxes on ACCPAY). Messages are Xero's.
- Tracking: at most two categories per line, checked against TrackingCategories (``sandbox.xero.tracking``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.xero import tracking
from sandbox.xero.entities import Ctx
from sandbox.xero.reference import NOT_FOR_DOCUMENTS
from sandbox.xero.wire import CENT, FOUR, ZERO_GUID, q, to_decimal

_ZERO = Decimal("0")
_NUMBERS = ("Quantity", "UnitAmount", "LineAmount", "TaxAmount", "DiscountRate")
_SIGNATURE = ("Description", "Quantity", "UnitAmount", "ItemCode", "AccountCode", "TaxType", "TaxAmount",
              "LineAmount", "DiscountRate", "Tracking")
_SALES_KINDS = {"ACCREC", "ACCRECCREDIT", "RECEIVE", "RECEIVE-OVERPAYMENT", "RECEIVE-PREPAYMENT"}


def side_of(kind: str) -> str:
    """ACCREC for documents on the sales side, ACCPAY for the purchase side."""
    return "ACCREC" if kind in _SALES_KINDS else "ACCPAY"


def tax_rate(ctx: Ctx, tax_type: str, kind: str) -> dict[str, Any] | None:
    """The TaxRate if it exists, is active and applies to this side (sales taxes on sales documents, purchase taxes
    on purchase documents)."""
    rate = ctx.books.get("TaxRates", tax_type)
    if rate is None or rate.get("Status") != "ACTIVE":
        return None
    return rate if rate["CanApplyToRevenue" if side_of(kind) == "ACCREC" else "CanApplyToExpenses"] else None


def document_account(ctx: Ctx, code: str) -> dict[str, Any] | None:
    """The account with this code if a document line may use it."""
    for acc in ctx.books.records("Accounts"):
        if acc["Code"].casefold() == code.casefold():
            usable = (acc["Status"] == "ACTIVE" and acc["Type"] != "BANK"
                      and acc.get("SystemAccount") not in NOT_FOR_DOCUMENTS)
            return acc if usable else None
    return None


def account_by_code(ctx: Ctx, code: str) -> dict[str, Any] | None:
    return next((a for a in ctx.books.records("Accounts") if a["Code"].casefold() == code.casefold()), None)


def item_by_code(ctx: Ctx, code: str) -> dict[str, Any] | None:
    return next((i for i in ctx.books.records("Items") if i["Code"].casefold() == code.casefold()), None)


def signature(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a line says, without its id: two lists with the same signature are the same lines."""
    return [tuple(ln.get(k) for k in _SIGNATURE) for ln in lines]


def build_lines(ctx: Ctx, given: list[Any], rec: dict[str, Any], existing: dict[str, Any] | None,
                errors: list[str]) -> list[dict[str, Any]]:
    kept = {ln["LineItemID"].lower() for ln in (existing or {}).get("LineItems", [])}
    lines = []
    for n, raw in enumerate(given, 1):
        if not isinstance(raw, dict):
            errors.append(f"Line item {n} must be an object.")
            continue
        lines.append(_line(ctx, raw, rec["Type"], rec["LineAmountTypes"], kept, n, errors))
    return lines


def _line(ctx: Ctx, raw: dict[str, Any], kind: str, amount_types: str, kept: set[str], n: int,
          errors: list[str]) -> dict[str, Any]:
    line_id = str(raw.get("LineItemID") or "")
    line: dict[str, Any] = {"LineItemID": line_id if line_id.lower() in kept else ZERO_GUID,
                            "Tracking": tracking.resolve(ctx, raw.get("Tracking"), n, errors)}
    numbers: dict[str, Decimal | None] = {}
    for key in _NUMBERS:
        try:
            numbers[key] = to_decimal(raw.get(key))
        except ValueError:
            errors.append(f"Line item {n}: {key} must be a number.")
            numbers[key] = None
    details = _item_details(ctx, raw, kind, line, errors)
    _amounts(ctx, numbers, details, kind, line, errors)
    account = _account(ctx, raw, details, line, errors)
    _tax(ctx, raw, numbers, details, account, kind, amount_types, line, errors)
    return line


def _item_details(ctx: Ctx, raw: dict[str, Any], kind: str, line: dict[str, Any],
                  errors: list[str]) -> dict[str, Any]:
    item = None
    if raw.get("ItemCode"):
        item = item_by_code(ctx, str(raw["ItemCode"]))
        if item is None:
            errors.append(f"Item code '{raw['ItemCode']}' is not valid.")
        else:
            line["ItemCode"] = item["Code"]
            line["_Item"] = {"ItemID": item["ItemID"], "Name": item["Name"], "Code": item["Code"]}
    description = raw.get("Description")
    sales = side_of(kind) == "ACCREC"
    if description in (None, "") and item is not None:
        description = item.get("Description") if sales else item.get("PurchaseDescription") or \
            item.get("Description")
    if description in (None, "") and item is None:
        errors.append("The description field is mandatory for each line item.")
    line["Description"] = description or ""
    return (item or {}).get("SalesDetails" if sales else "PurchaseDetails") or {}


def _amounts(ctx: Ctx, numbers: dict[str, Decimal | None], details: dict[str, Any], kind: str,
             line: dict[str, Any], errors: list[str]) -> None:
    quantity = numbers["Quantity"] if numbers["Quantity"] is not None else Decimal("1")
    unit = numbers["UnitAmount"]
    if unit is None and numbers["LineAmount"] is not None and quantity:
        unit = numbers["LineAmount"] / quantity
    if unit is None:
        unit = details.get("UnitPrice") or _ZERO
    line["Quantity"] = q(quantity, FOUR)
    line["UnitAmount"] = q(unit, FOUR if ctx.unitdp == 4 else CENT)
    gross = line["Quantity"] * line["UnitAmount"]
    discount = numbers["DiscountRate"]
    if discount:
        if kind != "ACCREC":
            errors.append("Discounts are only allowed on sales invoices.")
        line["DiscountRate"] = q(discount)
        line["_Discount"] = q(gross * discount / 100)
    line["LineAmount"] = q(gross - line.get("_Discount", _ZERO))


def _account(ctx: Ctx, raw: dict[str, Any], details: dict[str, Any], line: dict[str, Any],
             errors: list[str]) -> dict[str, Any] | None:
    code = raw.get("AccountCode") or details.get("AccountCode")
    if not code and raw.get("AccountID"):
        by_id = ctx.books.get("Accounts", str(raw["AccountID"]))
        if by_id is None:
            errors.append(f"Account ID '{raw['AccountID']}' is not a valid account for this document.")
        code = by_id["Code"] if by_id else None
    if not code:
        return None  # a draft may leave it out; approving needs it (checked on the invoice)
    account = document_account(ctx, str(code))
    if account is None:
        errors.append(f"Account code '{code}' is not a valid code for this document.")
    else:
        line["AccountCode"], line["AccountID"] = account["Code"], account["AccountID"]
    return account


def _tax(ctx: Ctx, raw: dict[str, Any], numbers: dict[str, Decimal | None], details: dict[str, Any],
         account: dict[str, Any] | None, kind: str, amount_types: str, line: dict[str, Any],
         errors: list[str]) -> None:
    default = "OUTPUT2" if side_of(kind) == "ACCREC" else "INPUT2"
    tax_type = raw.get("TaxType")
    if amount_types == "NoTax":
        tax_type = "NONE"
    elif not tax_type:
        tax_type = details.get("TaxType") or (account or {}).get("TaxType") or default
        if tax_rate(ctx, tax_type, kind) is None:
            tax_type = default  # the account's own tax type belongs to the other side
    rate_rec = tax_rate(ctx, str(tax_type), kind)
    if rate_rec is None:
        errors.append(f"The TaxType code {tax_type} does not exist or cannot be used for this type of "
                      "transaction.")
    line["TaxType"] = str(tax_type)
    rate = rate_rec["EffectiveRate"] if rate_rec else _ZERO
    if amount_types == "NoTax":
        tax = _ZERO
    elif numbers["TaxAmount"] is not None:
        tax = numbers["TaxAmount"]  # a TaxAmount sent on a line overrides the calculation
    elif amount_types == "Inclusive":
        tax = line["LineAmount"] * rate / (100 + rate)
    else:
        tax = line["LineAmount"] * rate / 100
    line["TaxAmount"] = q(tax)
