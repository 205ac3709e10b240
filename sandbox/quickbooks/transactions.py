"""Invoice and Bill behaviour: lines, UK VAT (``TxnTaxDetail``), totals, balances, due dates, document numbers,
and voiding (fact sheet §1.1, §1.2, §3).

Tax is worked out per tax rate on the sum of the lines carrying it, rounded half-up to the penny, as QuickBooks'
non-US tax engine does. A client may override a rate's VAT amount (a UK user can edit it on the form) by sending
that ``TaxLine`` with its ``NetAmountTaxable`` equal to the computed one; a ``TaxLine`` whose net no longer
matches the lines (a stale copy sent back after the lines changed) is recomputed instead.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, refs
from sandbox.quickbooks.store import money

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

CENT = Decimal("0.01")
DEFAULT_ITEM = {"value": "1", "name": "Services"}
AP_ACCOUNT = {"value": "33", "name": "Accounts Payable"}
VAT_MISSING = "Make sure all your transactions have a VAT rate before you save."


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(line: dict[str, Any], element: str) -> Decimal:
    if line.get("Amount") is None:
        raise errors.required(f"{element}.Amount")
    return money(line["Amount"])


def _check_qty_price(detail: dict[str, Any], amount: Decimal, element: str) -> None:
    qty, price = detail.get("Qty"), detail.get("UnitPrice")
    if qty is not None and price is not None and _round(Decimal(qty) * Decimal(price)) != amount:
        raise errors.amount_mismatch(f"{element}.Amount", amount)


def _rate_for(ctx: Ctx, tax_code: dict[str, Any], side: str, element: str) -> tuple[str, Decimal] | None:
    """(TaxRate id, percent) of a tax code on the sales or purchase side; None for a code without a rate."""
    code = refs.resolve(ctx, tax_code, "TaxCode", element, required=True)
    assert code is not None
    rate_list = code.data.get("SalesTaxRateList" if side == "sales" else "PurchaseTaxRateList") or {}
    details = rate_list.get("TaxRateDetail") or []
    if not details:
        return None
    rate_id = details[0]["TaxRateRef"]["value"]
    rate = ctx.books.get("TaxRate", rate_id)
    percent = Decimal(rate.data.get("RateValue", 0)) if rate else Decimal("0")
    return rate_id, percent


def _tax_detail(ctx: Ctx, nets: dict[str, Decimal], percents: dict[str, Decimal], mode: str,
                sent: dict[str, Any] | None) -> tuple[dict[str, Any], Decimal, Decimal]:
    """TxnTaxDetail for the nets per rate; returns (detail, total tax, adjustment to the line sum for totals)."""
    overrides: dict[str, tuple[Decimal, Decimal]] = {}
    for line in (sent or {}).get("TaxLine") or []:
        info = line.get("TaxLineDetail") or {}
        rate_id = (info.get("TaxRateRef") or {}).get("value")
        if rate_id and line.get("Amount") is not None and info.get("NetAmountTaxable") is not None:
            overrides[rate_id] = (money(info["NetAmountTaxable"]), money(line["Amount"]))
    tax_lines, total_tax = [], Decimal("0.00")
    for rate_id, amount in nets.items():
        percent = percents[rate_id]
        if mode == "TaxInclusive":
            tax = _round(amount * percent / (Decimal(100) + percent))
            net = amount - tax
        else:
            net, tax = amount, _round(amount * percent / Decimal(100))
        if rate_id in overrides and overrides[rate_id][0] == net:
            tax = overrides[rate_id][1]
        total_tax += tax
        tax_lines.append({"Amount": tax, "DetailType": "TaxLineDetail", "TaxLineDetail": {
            "TaxRateRef": {"value": rate_id}, "PercentBased": True, "TaxPercent": percent,
            "NetAmountTaxable": net}})
    detail: dict[str, Any] = {"TotalTax": total_tax}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail, total_tax, (Decimal("0") if mode == "TaxInclusive" else total_tax)


def _due_date(ctx: Ctx, data: dict[str, Any], term_ref: dict[str, Any] | None) -> str:
    txn_date = dt.date.fromisoformat(data["TxnDate"])
    term = ctx.books.get("Term", str(term_ref["value"])) if term_ref else None
    if term is None:
        return txn_date.isoformat()
    if term.data.get("DueDays") is not None:
        return (txn_date + dt.timedelta(days=int(term.data["DueDays"]))).isoformat()
    if term.data.get("DayOfMonthDue") is not None:
        month = txn_date.replace(day=1) + dt.timedelta(days=32)
        return month.replace(day=min(int(term.data["DayOfMonthDue"]), 28)).isoformat()
    return txn_date.isoformat()


def _next_doc_number(ctx: Ctx, entity: str) -> str:
    """QuickBooks' automatic numbering: one more than the highest numeric DocNumber so far, as wide (leading
    zeros kept), or 1001 in a company without one."""
    highest, width = 1000, 0
    found = False
    for record in ctx.books.all(entity):
        number = str(record.data.get("DocNumber", ""))
        if re.fullmatch(r"\d{1,18}", number) and (not found or int(number) >= highest):
            highest, width, found = int(number), len(number), True
    return str(highest + 1).zfill(width)


def _lines(ctx: Ctx, data: dict[str, Any], side: str) -> tuple[list[dict], dict[str, Decimal], dict[str, Decimal],
                                                                   Decimal]:
    """Validate the lines; returns (lines, net per rate, percent per rate, line sum)."""
    allowed = ({"SalesItemLineDetail", "DescriptionOnly"} if side == "sales"
               else {"AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"})
    lines = [ln for ln in data.get("Line") or [] if ln.get("DetailType") != "SubTotalLineDetail"]
    if not any(ln.get("DetailType") != "DescriptionOnly" for ln in lines):
        raise errors.required("Line")
    nets: dict[str, Decimal] = {}
    percents: dict[str, Decimal] = {}
    total = Decimal("0.00")
    used_ids = {int(ln["Id"]) for ln in lines if str(ln.get("Id", "")).isdigit()}
    next_id = max(used_ids, default=0)
    for index, line in enumerate(lines, start=1):
        element = f"Line[{index - 1}]"
        kind = line.get("DetailType")
        if kind not in allowed:
            if kind is None:
                raise errors.required(f"{element}.DetailType")
            raise errors.business(f"Line DetailType {kind} is not supported on this transaction.", element)
        if not str(line.get("Id", "")).isdigit():
            next_id += 1
            line["Id"] = str(next_id)
        line["LineNum"] = index
        if kind == "DescriptionOnly":
            line.setdefault("DescriptionLineDetail", {})
            line.pop("Amount", None)
            continue
        amount = _amount(line, element)
        line["Amount"] = amount
        detail = line.setdefault(kind, {})
        if kind in ("SalesItemLineDetail", "ItemBasedExpenseLineDetail"):
            if kind == "SalesItemLineDetail" and not (detail.get("ItemRef") or {}).get("value"):
                detail["ItemRef"] = dict(DEFAULT_ITEM)
            item = refs.resolve(ctx, detail.get("ItemRef"), "Item", f"{element}.{kind}.ItemRef", required=True)
            assert item is not None
            _check_qty_price(detail, amount, element)
            default_code = item.data.get("SalesTaxCodeRef" if side == "sales" else "PurchaseTaxCodeRef")
            if kind == "SalesItemLineDetail" and item.data.get("IncomeAccountRef"):
                detail["ItemAccountRef"] = dict(item.data["IncomeAccountRef"])
        else:
            refs.resolve(ctx, detail.get("AccountRef"), "Account", f"{element}.{kind}.AccountRef", required=True)
            refs.resolve(ctx, detail.get("CustomerRef"), "Customer", f"{element}.{kind}.CustomerRef")
            default_code = None
        if data.get("GlobalTaxCalculation") != "NotApplicable":
            if not (detail.get("TaxCodeRef") or {}).get("value"):
                if not default_code:
                    raise errors.business(VAT_MISSING, f"{element}.{kind}.TaxCodeRef")
                detail["TaxCodeRef"] = {"value": default_code["value"]}
            rate = _rate_for(ctx, detail["TaxCodeRef"], side, f"{element}.{kind}.TaxCodeRef")
            detail["TaxCodeRef"].pop("name", None)  # line tax codes show as a bare value
            if rate is not None:
                nets[rate[0]] = nets.get(rate[0], Decimal("0.00")) + amount
                percents[rate[0]] = rate[1]
        total += amount
    return lines, nets, percents, total


def _common(ctx: Ctx, data: dict[str, Any], old: Record | None, side: str, party: Record) -> tuple[
        list[dict], Decimal, Decimal]:
    if old is not None and old.internal.get("voided"):
        raise errors.business("A voided transaction can't be changed.")
    data["CurrencyRef"] = refs.currency(data.get("CurrencyRef"), party.data.get("CurrencyRef", {}).get(
        "value", ctx.home_currency))
    if data["CurrencyRef"]["value"] != party.data.get("CurrencyRef", {}).get("value", ctx.home_currency):
        raise errors.business("The currency of the transaction must match the currency of the "
                              f"{'customer' if side == 'sales' else 'vendor'}.", "CurrencyRef")
    if data["CurrencyRef"]["value"] == ctx.home_currency:
        data["ExchangeRate"] = Decimal("1")
    else:
        data.setdefault("ExchangeRate", Decimal("1"))
    data.setdefault("TxnDate", ctx.today().isoformat())
    data.setdefault("GlobalTaxCalculation", "TaxExcluded")
    if len(str(data.get("DocNumber", ""))) > 21:
        raise errors.too_long("DocNumber", 21)
    lines, nets, percents, line_sum = _lines(ctx, data, side)
    detail, total_tax, added = _tax_detail(ctx, nets, percents, data["GlobalTaxCalculation"],
                                           data.get("TxnTaxDetail"))
    data["TxnTaxDetail"] = detail
    total = line_sum + added
    data["TotalAmt"] = total
    if data["CurrencyRef"]["value"] != ctx.home_currency and side == "sales":
        data["HomeTotalAmt"] = _round(total * Decimal(data["ExchangeRate"]))  # a Bill has no HomeTotalAmt
    apply_paid(data, Decimal(old.internal.get("paid", 0)) if old is not None else Decimal("0"))
    return lines, line_sum, total


def apply_paid(data: dict[str, Any], paid: Decimal) -> Decimal:
    """Set Balance (and HomeBalance in a foreign currency) from what has been paid; returns the paid amount used."""
    paid = min(paid, data["TotalAmt"])
    data["Balance"] = max(data["TotalAmt"] - paid, Decimal("0.00"))
    if "ExchangeRate" in data and Decimal(data["ExchangeRate"]) != 1:
        data["HomeBalance"] = _round(data["Balance"] * Decimal(data["ExchangeRate"]))
    return paid


def prepare_invoice(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    customer = refs.resolve(ctx, data.get("CustomerRef"), "Customer", "CustomerRef", required=True)
    assert customer is not None
    lines, line_sum, _ = _common(ctx, data, old, "sales", customer)
    term_ref = data.get("SalesTermRef") or customer.data.get("SalesTermRef") or (
        {"value": ctx.default_term_id()} if ctx.default_term_id() else None)
    if term_ref:
        term_ref = {"value": str(term_ref["value"])}
        refs.resolve(ctx, term_ref, "Term", "SalesTermRef")
        data["SalesTermRef"] = term_ref
    data.setdefault("DueDate", _due_date(ctx, data, term_ref))
    if not data.get("DocNumber") and old is not None and old.data.get("DocNumber"):
        data["DocNumber"] = old.data["DocNumber"]  # an update never drops the number
    elif not data.get("DocNumber") and old is None and data.get("AutoDocNumber") is not False:
        data["DocNumber"] = _next_doc_number(ctx, "Invoice")  # numbers are given on create only
    data.pop("AutoDocNumber", None)
    if customer.data.get("PrimaryEmailAddr") and not data.get("BillEmail"):
        data["BillEmail"] = {"Address": customer.data["PrimaryEmailAddr"].get("Address")}
    if customer.data.get("BillAddr") and not data.get("BillAddr"):
        data["BillAddr"] = dict(customer.data["BillAddr"])
    data.setdefault("PrintStatus", "NotSet")
    data.setdefault("EmailStatus", "NotSet")
    data["Line"] = lines + [{"Amount": line_sum, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}]
    return data


def prepare_bill(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    vendor = refs.resolve(ctx, data.get("VendorRef"), "Vendor", "VendorRef", required=True)
    assert vendor is not None
    lines, _, _ = _common(ctx, data, old, "purchases", vendor)
    data["Line"] = lines
    if not data.get("APAccountRef"):
        data["APAccountRef"] = dict(vendor.data.get("APAccountRef") or AP_ACCOUNT)
    refs.resolve(ctx, data["APAccountRef"], "Account", "APAccountRef")
    term_ref = data.get("SalesTermRef") or vendor.data.get("TermRef") or (
        {"value": ctx.default_term_id()} if ctx.default_term_id() else None)
    if term_ref:
        term_ref = {"value": str(term_ref["value"])}
        refs.resolve(ctx, term_ref, "Term", "SalesTermRef")
        data["SalesTermRef"] = term_ref
    data.setdefault("DueDate", _due_date(ctx, data, term_ref))
    return data


def void_invoice(ctx: Ctx, record: Record) -> dict[str, Any]:
    """Voiding keeps the invoice and its number but zeroes every amount and notes it (fact sheet §3)."""
    data = record.data
    for line in data.get("Line") or []:
        if "Amount" in line:
            line["Amount"] = Decimal("0")
        detail = line.get("SalesItemLineDetail")
        if detail and "Qty" in detail:
            detail["Qty"] = Decimal("0")
    tax = data.get("TxnTaxDetail") or {}
    tax["TotalTax"] = Decimal("0")
    for line in tax.get("TaxLine") or []:
        line["Amount"] = Decimal("0")
        line.get("TaxLineDetail", {})["NetAmountTaxable"] = Decimal("0")
    data["TotalAmt"] = Decimal("0")
    data["Balance"] = Decimal("0")
    for key in ("HomeBalance", "HomeTotalAmt"):
        if key in data:
            data[key] = Decimal("0")
    note = data.get("PrivateNote")
    data["PrivateNote"] = f"Voided - {note}" if note else "Voided"
    record.internal["voided"] = True
    return data
