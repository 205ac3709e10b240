"""What every transaction shares: the header (currency and rate, date, location, number) and the lines with their
UK VAT (``TxnTaxDetail``) and totals (fact sheet §1.1, §1.2).

Tax is worked out per tax rate on the sum of the lines carrying it, rounded half-up to the penny, as QuickBooks'
non-US tax engine does. A client may override a rate's VAT amount (a UK user can edit it on the form) by sending
that ``TaxLine`` with its ``NetAmountTaxable`` equal to the computed one; a ``TaxLine`` whose net no longer
matches the lines (a stale copy sent back after the lines changed) is recomputed instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, refs
from sandbox.quickbooks.store import money

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

CENT = Decimal("0.01")
DEFAULT_ITEM = {"value": "1", "name": "Services"}
VAT_MISSING = "Make sure all your transactions have a VAT rate before you save."
ITEM_LINES = ("SalesItemLineDetail", "ItemBasedExpenseLineDetail")
SALES_LINES = frozenset({"SalesItemLineDetail", "DescriptionOnly"})
EXPENSE_LINES = frozenset({"AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"})
DEPOSIT_LINES = frozenset({"DepositLineDetail"})


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_of(line: dict[str, Any], element: str, *, negative: bool = False) -> Decimal:
    if line.get("Amount") is None:
        raise errors.required(f"{element}.Amount")
    value = money(line["Amount"])
    if value < 0 and not negative:
        raise errors.business("The amount of a line can't be negative.", f"{element}.Amount")
    return value


def header(ctx: Ctx, data: dict[str, Any], old: Record | None, party_currency: str | None, party_noun: str, *,
           tax_mode: bool = True) -> str:
    """Currency, rate, date, tax mode, number length and location of a transaction; returns its currency."""
    if old is not None and old.internal.get("voided"):
        raise errors.business("A voided transaction can't be changed.")
    data["CurrencyRef"] = refs.enabled_currency(ctx, data.get("CurrencyRef"), party_currency or ctx.home_currency)
    code = data["CurrencyRef"]["value"]
    if party_currency and code != party_currency:
        raise errors.business(f"The currency of the transaction must match the currency of the {party_noun}.",
                              "CurrencyRef")
    if code == ctx.home_currency:
        data["ExchangeRate"] = Decimal("1")
    else:
        data.setdefault("ExchangeRate", Decimal("1"))
        if Decimal(data["ExchangeRate"]) <= 0:
            raise errors.business("ExchangeRate must be more than zero.", "ExchangeRate")
    data.setdefault("TxnDate", ctx.today().isoformat())
    if tax_mode:
        data.setdefault("GlobalTaxCalculation", "TaxExcluded")
    if len(str(data.get("DocNumber", ""))) > 21:
        raise errors.too_long("DocNumber", 21)
    refs.resolve(ctx, data.get("DepartmentRef"), "Department", "DepartmentRef")
    return code


def home_amount(data: dict[str, Any], amount: Decimal) -> Decimal:
    return round_money(amount * Decimal(data.get("ExchangeRate", 1)))


def _check_qty_price(detail: dict[str, Any], amount: Decimal, element: str) -> None:
    """6070 when Qty x UnitPrice is not the Amount; a zero Qty or UnitPrice counts as not given, since
    python-quickbooks sends 0 for both unless told (its own README's invoice sets neither) and that works."""
    qty, price = detail.get("Qty"), detail.get("UnitPrice")
    if qty and price and round_money(Decimal(qty) * Decimal(price)) != amount:
        raise errors.amount_mismatch(f"{element}.Amount", amount)


def rate_for(ctx: Ctx, tax_code: dict[str, Any], side: str, element: str) -> tuple[str, Decimal] | None:
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


@dataclass
class Lines:
    """Validated lines: the lines to keep, the net per tax rate with its percent, and the sum of the amounts."""

    lines: list[dict[str, Any]]
    nets: dict[str, Decimal] = field(default_factory=dict)
    percents: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal("0.00")


def number_lines(lines: list[dict[str, Any]]) -> None:
    """Ids kept when sent, else the next free ones; LineNum is the position."""
    next_id = max((int(ln["Id"]) for ln in lines if str(ln.get("Id", "")).isdigit()), default=0)
    for index, line in enumerate(lines, start=1):
        if not str(line.get("Id", "")).isdigit():
            next_id += 1
            line["Id"] = str(next_id)
        line["LineNum"] = index


def read_lines(ctx: Ctx, data: dict[str, Any], side: str, allowed: frozenset[str], *,
               lines: list[dict[str, Any]] | None = None, required: bool = True) -> Lines:
    """Validate the detail lines of a transaction (``side``: the VAT side, sales or purchases)."""
    raw = lines if lines is not None else [ln for ln in data.get("Line") or []
                                           if ln.get("DetailType") != "SubTotalLineDetail"]
    if required and not any(ln.get("DetailType") != "DescriptionOnly" for ln in raw):
        raise errors.required("Line")
    out = Lines(raw)
    number_lines(raw)
    for index, line in enumerate(raw):
        element = f"Line[{index}]"
        kind = line.get("DetailType")
        if kind not in allowed:
            if kind is None:
                raise errors.required(f"{element}.DetailType")
            raise errors.business(f"Line DetailType {kind} is not supported on this transaction.", element)
        if kind == "DescriptionOnly":
            line.setdefault("DescriptionLineDetail", {})
            line.pop("Amount", None)
            continue
        amount = amount_of(line, element)
        line["Amount"] = amount
        detail = line.setdefault(kind, {})
        where = f"{element}.{kind}"
        line_side = side
        if kind in ITEM_LINES:
            if kind == "SalesItemLineDetail" and not (detail.get("ItemRef") or {}).get("value"):
                detail["ItemRef"] = dict(DEFAULT_ITEM)
            item = refs.resolve(ctx, detail.get("ItemRef"), "Item", f"{where}.ItemRef", required=True)
            assert item is not None
            _check_qty_price(detail, amount, element)
            default_code = item.data.get("SalesTaxCodeRef" if side == "sales" else "PurchaseTaxCodeRef")
            if kind == "SalesItemLineDetail" and item.data.get("IncomeAccountRef"):
                detail["ItemAccountRef"] = dict(item.data["IncomeAccountRef"])
        else:
            refs.account(ctx, detail.get("AccountRef"), f"{where}.AccountRef", required=True)
            if kind == "DepositLineDetail":
                entity = detail.get("Entity")
                _, found = refs.name_ref(ctx, entity, (entity or {}).get("type"), f"{where}.Entity",
                                         prefer=("Customer", "Vendor"))
                if found:
                    detail["Entity"]["type"] = found
                line_side = "purchases" if detail.get("TaxApplicableOn") == "Purchase" else "sales"
            else:
                refs.resolve(ctx, detail.get("CustomerRef"), "Customer", f"{where}.CustomerRef")
            default_code = None
        refs.resolve(ctx, detail.get("ClassRef"), "Class", f"{where}.ClassRef")
        if data.get("GlobalTaxCalculation") != "NotApplicable":
            if not (detail.get("TaxCodeRef") or {}).get("value"):
                if not default_code:
                    raise errors.business(VAT_MISSING, f"{where}.TaxCodeRef")
                detail["TaxCodeRef"] = {"value": default_code["value"]}
            rate = rate_for(ctx, detail["TaxCodeRef"], line_side, f"{where}.TaxCodeRef")
            detail["TaxCodeRef"].pop("name", None)  # line tax codes show as a bare value
            if rate is not None:
                out.nets[rate[0]] = out.nets.get(rate[0], Decimal("0.00")) + amount
                out.percents[rate[0]] = rate[1]
        out.total += amount
    return out


def tax_detail(found: Lines, mode: str, sent: dict[str, Any] | None) -> tuple[dict[str, Any], Decimal]:
    """TxnTaxDetail for the nets per rate; returns (detail, what the tax adds to the line sum for the total)."""
    overrides: dict[str, tuple[Decimal, Decimal]] = {}
    for line in (sent or {}).get("TaxLine") or []:
        info = line.get("TaxLineDetail") or {}
        rate_id = (info.get("TaxRateRef") or {}).get("value")
        if rate_id and line.get("Amount") is not None and info.get("NetAmountTaxable") is not None:
            overrides[rate_id] = (money(info["NetAmountTaxable"]), money(line["Amount"]))
    tax_lines, total_tax = [], Decimal("0.00")
    for rate_id, amount in found.nets.items():
        percent = found.percents[rate_id]
        if mode == "TaxInclusive":
            tax = round_money(amount * percent / (Decimal(100) + percent))
            net = amount - tax
        else:
            net, tax = amount, round_money(amount * percent / Decimal(100))
        if rate_id in overrides and overrides[rate_id][0] == net:
            tax = overrides[rate_id][1]
        total_tax += tax
        tax_lines.append({"Amount": tax, "DetailType": "TaxLineDetail", "TaxLineDetail": {
            "TaxRateRef": {"value": rate_id}, "PercentBased": True, "TaxPercent": percent,
            "NetAmountTaxable": net}})
    detail: dict[str, Any] = {"TotalTax": total_tax}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail, (Decimal("0") if mode == "TaxInclusive" else total_tax)


def taxed_total(data: dict[str, Any], found: Lines) -> Decimal:
    """Set TxnTaxDetail from the lines; returns the total (lines plus VAT unless the amounts include it)."""
    detail, added = tax_detail(found, data.get("GlobalTaxCalculation", "TaxExcluded"), data.get("TxnTaxDetail"))
    data["TxnTaxDetail"] = detail
    return found.total + added


def zero_out(data: dict[str, Any], detail_kinds: tuple[str, ...] = ("SalesItemLineDetail",)) -> dict[str, Any]:
    """What voiding does to a document: every amount and quantity zeroed, "Voided" put before the note
    (fact sheet §3)."""
    for line in data.get("Line") or []:
        if "Amount" in line:
            line["Amount"] = Decimal("0")
        for kind in detail_kinds:
            detail = line.get(kind)
            if detail and "Qty" in detail:
                detail["Qty"] = Decimal("0")
    tax = data.get("TxnTaxDetail") or {}
    if tax:
        tax["TotalTax"] = Decimal("0")
    for line in tax.get("TaxLine") or []:
        line["Amount"] = Decimal("0")
        line.get("TaxLineDetail", {})["NetAmountTaxable"] = Decimal("0")
    for key in ("TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "RemainingCredit", "UnappliedAmt"):
        if key in data:
            data[key] = Decimal("0")
    note = data.get("PrivateNote")
    data["PrivateNote"] = f"Voided - {note}" if note else "Voided"
    return data
