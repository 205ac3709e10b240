"""Name lists clients can write: Item, Account, Term, Class, Department, CompanyCurrency (fact sheet §1.2).

They are never deleted, only made inactive (``Active: false``); names are unique within each list (6240, checked
by ``operations``). Items need the accounts their type uses: an income account for a Service or NonInventory item
(and optionally an expense account), and for an Inventory item also a cost of sales and an inventory asset account
with the quantity on hand and its start date. Group, Category and the other special types are not offered here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.quickbooks import errors, refs

if TYPE_CHECKING:
    from sandbox.quickbooks.entities import Ctx
    from sandbox.quickbooks.store import Record

ITEM_TYPES = ("Service", "NonInventory", "Inventory")
INCOME = ("Income", "Other Income")
EXPENSE = ("Expense", "Other Expense", "Cost of Goods Sold")
ASSET = ("Other Current Asset",)
CLASSIFICATION = {
    "Bank": "Asset", "Accounts Receivable": "Asset", "Other Current Asset": "Asset", "Fixed Asset": "Asset",
    "Other Asset": "Asset", "Accounts Payable": "Liability", "Credit Card": "Liability",
    "Other Current Liability": "Liability", "Long Term Liability": "Liability", "Equity": "Equity",
    "Income": "Revenue", "Other Income": "Revenue", "Cost of Goods Sold": "Expense", "Expense": "Expense",
    "Other Expense": "Expense", "Non-Posting": "Asset",
}
# the account type a detail type belongs to, for the sub types these books use (an AccountSubType alone is enough)
SUB_TYPES = {
    "Checking": "Bank", "Savings": "Bank", "CashOnHand": "Bank", "AccountsReceivable": "Accounts Receivable",
    "AccountsPayable": "Accounts Payable", "CreditCard": "Credit Card", "UndepositedFunds": "Other Current Asset",
    "Inventory": "Other Current Asset", "OtherCurrentAssets": "Other Current Asset",
    "SalesOfProductIncome": "Income", "ServiceFeeIncome": "Income", "OtherPrimaryIncome": "Income",
    "OtherMiscellaneousServiceCost": "Expense", "AdvertisingPromotional": "Expense",
    "OfficeGeneralAdministrativeExpenses": "Expense",
    "SuppliesMaterialsCogs": "Cost of Goods Sold", "GlobalTaxPayable": "Other Current Liability",
    "OwnersEquity": "Equity",
}


def _name(data: dict[str, Any], limit: int = 100) -> str:
    name = " ".join(str(data.get("Name") or "").split())
    if not name:
        raise errors.required("Name")
    if len(name) > limit:
        raise errors.too_long("Name", limit)
    if ":" in name:
        raise errors.business("The name cannot contain a colon (:).", "Name")
    data["Name"] = name
    data.setdefault("Active", True)
    return name


def _no_parent(data: dict[str, Any], kind: str) -> None:
    if data.get("ParentRef"):
        raise errors.business(f"Sub-{kind} (ParentRef) are not supported by this sandbox.", "ParentRef")


def prepare_item(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data["FullyQualifiedName"] = _name(data)
    _no_parent(data, "items")
    data["SubItem"] = False
    item_type = data.get("Type")
    if not item_type:
        raise errors.required("Type")
    if item_type not in ITEM_TYPES:
        raise errors.business(f"Items of Type {item_type} are not supported by this sandbox; use Service, "
                              "NonInventory or Inventory.", "Type")
    if old is not None and old.data.get("Type") == "Inventory" and item_type != "Inventory":
        raise errors.business("An inventory item can't be changed to another type.", "Type")
    refs.account(ctx, data.get("IncomeAccountRef"), "IncomeAccountRef", INCOME, required=True)
    refs.account(ctx, data.get("ExpenseAccountRef"), "ExpenseAccountRef", EXPENSE,
                 required=item_type == "Inventory")
    if item_type == "Inventory":
        refs.account(ctx, data.get("AssetAccountRef"), "AssetAccountRef", ASSET, required=True)
        if data.get("TrackQtyOnHand") is not True:
            raise errors.business("An inventory item tracks its quantity on hand (TrackQtyOnHand true).",
                                  "TrackQtyOnHand")
        for required in ("QtyOnHand", "InvStartDate"):
            if data.get(required) is None:
                raise errors.required(required)
    else:
        if data.get("TrackQtyOnHand"):
            raise errors.business(f"A {item_type} item can't track its quantity on hand.", "TrackQtyOnHand")
        data["TrackQtyOnHand"] = False
        for key in ("AssetAccountRef", "QtyOnHand", "InvStartDate"):
            data.pop(key, None)
    refs.resolve(ctx, data.get("SalesTaxCodeRef"), "TaxCode", "SalesTaxCodeRef")
    refs.resolve(ctx, data.get("PurchaseTaxCodeRef"), "TaxCode", "PurchaseTaxCodeRef")
    refs.resolve(ctx, data.get("ClassRef"), "Class", "ClassRef")
    if len(str(data.get("Sku") or "")) > 100:
        raise errors.too_long("Sku", 100)
    if data.get("UnitPrice") is not None and data["UnitPrice"] < 0:
        raise errors.business("UnitPrice can't be negative.", "UnitPrice")
    data.setdefault("Taxable", False)
    return data


def prepare_account(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data["FullyQualifiedName"] = _name(data)
    _no_parent(data, "accounts")
    data["SubAccount"] = False
    account_type, sub_type = data.get("AccountType"), data.get("AccountSubType")
    if not account_type:
        account_type = SUB_TYPES.get(str(sub_type)) if sub_type else None
        if account_type is None:
            raise errors.account_type_missing()
        data["AccountType"] = account_type
    if sub_type and SUB_TYPES.get(str(sub_type), account_type) != account_type:
        raise errors.business(f"AccountSubType {sub_type} does not belong to AccountType {account_type}.",
                              "AccountSubType")
    data["Classification"] = CLASSIFICATION[account_type]
    data["CurrencyRef"] = refs.enabled_currency(ctx, data.get("CurrencyRef"), ctx.home_currency)
    if old is not None and old.data.get("CurrencyRef", {}).get("value") != data["CurrencyRef"]["value"]:
        raise errors.business("The currency of an account can't be changed.", "CurrencyRef")
    data.setdefault("CurrentBalance", 0)
    data.setdefault("CurrentBalanceWithSubAccounts", 0)
    return data


def prepare_term(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    _name(data, 31)
    if data.get("DueDays") is None and data.get("DayOfMonthDue") is None:
        raise errors.required("DueDays")
    data["Type"] = "STANDARD" if data.get("DueDays") is not None else "DATE_DRIVEN"
    data.setdefault("DiscountPercent", 0)
    return data


def prepare_class(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data["FullyQualifiedName"] = _name(data)
    _no_parent(data, "classes")
    data["SubClass"] = False
    return data


def prepare_department(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    data["FullyQualifiedName"] = _name(data)
    _no_parent(data, "locations")
    data["SubDepartment"] = False
    return data


def prepare_company_currency(ctx: Ctx, data: dict[str, Any], old: Record | None) -> dict[str, Any]:
    """A foreign currency the company records in (its home currency is not one of these)."""
    code = str(data.get("Code") or "").upper()
    if not code:
        raise errors.required("Code")
    if code not in refs.CURRENCIES:
        raise errors.invalid_reference("Code", "Currency", code)
    if code == ctx.home_currency:
        raise errors.business(f"{code} is the home currency of this company.", "Code")
    if old is not None and old.data.get("Code") != code:
        raise errors.business("The code of a currency can't be changed.", "Code")
    data["Code"] = code
    data["Name"] = refs.CURRENCIES[code]
    data.setdefault("Active", True)
    return data
