"""Reference data clients read first: Accounts, TaxRates, Items, Organisation, Currencies (read-only for now).

Records are built from ``sandbox.seed.reference`` (the same chart of accounts, tax rates and items for every seed)
in the shapes of the spec's ``Account``, ``TaxRate``, ``Item``, ``Organisation`` and ``Currency`` schemas.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.seed.model import SeedAccount, SeedItem, SeedTaxRate
from sandbox.xero.entities import Ctx, Detail, Entity, public
from sandbox.xero.wire import FOUR, ms_date, q

# neutral account kind -> (Xero Type, SystemAccount)
_ACCOUNT_TYPES: dict[str, tuple[str, str | None]] = {
    "bank": ("BANK", None),
    "receivable": ("CURRENT", "DEBTORS"),
    "payable": ("CURRLIAB", "CREDITORS"),
    "revenue": ("REVENUE", None),
    "expense": ("OVERHEADS", None),
    "direct_costs": ("DIRECTCOSTS", None),
    "current_asset": ("CURRENT", None),
    "current_liability": ("CURRLIAB", None),
    "equity": ("EQUITY", None),
}
_CLASS = {
    "BANK": "ASSET", "CURRENT": "ASSET", "FIXED": "ASSET", "INVENTORY": "ASSET", "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET", "CURRLIAB": "LIABILITY", "LIABILITY": "LIABILITY", "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY", "EQUITY": "EQUITY", "DEPRECIATN": "EXPENSE", "DIRECTCOSTS": "EXPENSE", "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE", "OTHERINCOME": "REVENUE", "REVENUE": "REVENUE", "SALES": "REVENUE",
}
_DEFAULT_TAX = {"REVENUE": "OUTPUT2", "SALES": "OUTPUT2", "OTHERINCOME": "OUTPUT2", "OVERHEADS": "INPUT2",
                "EXPENSE": "INPUT2", "DIRECTCOSTS": "INPUT2"}
# TaxType -> ReportTaxType of a UK organisation
_REPORT_TAX = {"OUTPUT2": "OUTPUT", "RROUTPUT": "OUTPUT", "INPUT2": "INPUT", "RRINPUT": "INPUT",
               "ZERORATEDOUTPUT": "ZERORATEDOUTPUT", "ZERORATEDINPUT": "ZERORATEDINPUT",
               "EXEMPTOUTPUT": "EXEMPTOUTPUT", "EXEMPTINPUT": "EXEMPTINPUT", "NONE": "NONE"}
CURRENCY_NAMES = {"GBP": "British Pound", "USD": "United States Dollar", "EUR": "Euro", "AUD": "Australian Dollar",
                  "NZD": "New Zealand Dollar", "CAD": "Canadian Dollar", "CHF": "Swiss Franc", "JPY": "Japanese Yen",
                  "SEK": "Swedish Krona", "NOK": "Norwegian Krone", "DKK": "Danish Krone"}
# Rates Xero would fetch from its FX provider when a foreign document gives none: one unit of base per currency.
DEFAULT_RATES = {"USD": Decimal("1.270000"), "EUR": Decimal("1.170000"), "AUD": Decimal("1.930000"),
                 "NZD": Decimal("2.100000"), "CAD": Decimal("1.720000"), "CHF": Decimal("1.120000")}
# system accounts and bank accounts cannot be coded on invoice lines
NOT_FOR_DOCUMENTS = {"DEBTORS", "CREDITORS", "GST"}


def account_record(acc: SeedAccount, created: dt.datetime) -> dict[str, Any]:
    kind, system = _ACCOUNT_TYPES[acc.kind]
    if acc.kind == "current_liability" and "VAT" in acc.name.upper():
        system = "GST"
    record: dict[str, Any] = {
        "AccountID": acc.xero_id, "Code": acc.code, "Name": acc.name, "Status": "ACTIVE", "Type": kind,
        "TaxType": _DEFAULT_TAX.get(kind, "NONE"), "Class": _CLASS[kind], "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": kind in ("OVERHEADS", "EXPENSE"), "BankAccountType": "", "ReportingCode": "",
        "HasAttachments": False, "AddToWatchlist": False, "UpdatedDateUTC": created,
    }
    if system:
        record["SystemAccount"] = system
    if kind == "BANK":
        record.update({"BankAccountType": "BANK", "CurrencyCode": acc.currency,
                       "BankAccountNumber": f"20320{acc.code}{int(acc.code) * 7919 % 100000:05d}"})
    return record


def tax_rate_record(rate: SeedTaxRate) -> dict[str, Any]:
    sales = rate.applies_to in ("sales", "both")
    purchases = rate.applies_to in ("purchases", "both")
    percent = q(rate.rate, FOUR)
    return {
        "Name": rate.name, "TaxType": rate.xero_tax_type, "ReportTaxType": _REPORT_TAX.get(rate.xero_tax_type, "NONE"),
        "CanApplyToAssets": purchases, "CanApplyToEquity": purchases, "CanApplyToExpenses": purchases,
        "CanApplyToLiabilities": True, "CanApplyToRevenue": sales, "DisplayTaxRate": percent,
        "EffectiveRate": percent, "Status": "ACTIVE",
        "TaxComponents": [{"Name": "VAT", "Rate": percent, "IsCompound": False, "IsNonRecoverable": False}],
    }


def item_record(item: SeedItem, created: dt.datetime) -> dict[str, Any]:
    purchase: dict[str, Any] = {}
    if item.purchase_account_code:
        purchase = {"UnitPrice": q(item.unit_price * Decimal("0.6"), FOUR), "AccountCode": item.purchase_account_code,
                    "TaxType": "INPUT2" if item.tax_type == "OUTPUT2" else
                    {"ZERORATEDOUTPUT": "ZERORATEDINPUT", "RROUTPUT": "RRINPUT"}.get(item.tax_type, "NONE")}
    return {
        "ItemID": item.xero_id, "Code": item.code, "Name": item.name, "Description": item.description,
        "PurchaseDescription": item.description if purchase else "", "IsSold": True, "IsPurchased": bool(purchase),
        "IsTrackedAsInventory": False,
        "SalesDetails": {"UnitPrice": q(item.unit_price, FOUR), "AccountCode": item.sales_account_code,
                         "TaxType": item.tax_type},
        "PurchaseDetails": purchase, "UpdatedDateUTC": created,
    }


def organisation_record(org_id: str, name: str, base_currency: str, country: str,
                        created: dt.datetime) -> dict[str, Any]:
    return {
        "OrganisationID": org_id, "APIKey": org_id.replace("-", "")[:30].upper(), "Name": name, "LegalName": name,
        "PaysTax": True, "Version": "UK" if country == "GB" else "GLOBAL", "OrganisationType": "COMPANY",
        "BaseCurrency": base_currency, "CountryCode": country, "IsDemoCompany": False, "OrganisationStatus": "ACTIVE",
        "RegistrationNumber": "09876543", "TaxNumber": "GB 284 5163 07", "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3, "SalesTaxBasis": "ACCRUALS", "SalesTaxPeriod": "QUARTERLY1",
        "DefaultSalesTax": "Tax Exclusive", "DefaultPurchasesTax": "Tax Exclusive", "CreatedDateUTC": created,
        "OrganisationEntityType": "COMPANY", "Timezone": "GMTSTANDARDTIME", "ShortCode": "!hF7k2",
        "Edition": "BUSINESS", "Class": "STANDARD", "LineOfBusiness": "Design and consulting",
        "Addresses": [], "Phones": [], "ExternalLinks": [], "PaymentTerms": {},
    }


def currency_record(code: str) -> dict[str, Any]:
    return {"Code": code, "Description": CURRENCY_NAMES.get(code, code)}


def render_plain(ctx: Ctx, record: dict[str, Any], detail: Detail) -> dict[str, Any]:
    """Reference records are kept in their wire shape; only timestamps need formatting."""
    out = public(record)
    for key, value in out.items():
        if isinstance(value, (dt.datetime, dt.date)):
            out[key] = ms_date(value, offset=key != "CreatedDateUTC")
    return out


ACCOUNTS = Entity(
    name="Accounts", singular="Account", id_field="AccountID", render=render_plain,
    fields=frozenset({"AccountID", "Code", "Name", "Type", "Status", "Class", "TaxType", "CurrencyCode",
                      "SystemAccount", "BankAccountType", "BankAccountNumber", "EnablePaymentsToAccount",
                      "ShowInExpenseClaims", "ReportingCode", "AddToWatchlist", "UpdatedDateUTC", "Description",
                      "HasAttachments"}),
)
TAX_RATES = Entity(
    name="TaxRates", singular="TaxRate", id_field="TaxType", render=render_plain, modified_since=False,
    fields=frozenset({"Name", "TaxType", "Status", "ReportTaxType", "DisplayTaxRate", "EffectiveRate",
                      "CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses", "CanApplyToLiabilities",
                      "CanApplyToRevenue"}),
)
ITEMS = Entity(
    name="Items", singular="Item", id_field="ItemID", render=render_plain, alt_keys=("Code",),
    fields=frozenset({"ItemID", "Code", "Name", "Description", "PurchaseDescription", "IsSold", "IsPurchased",
                      "IsTrackedAsInventory", "UpdatedDateUTC", "SalesDetails", "PurchaseDetails"}),
)
ORGANISATION = Entity(
    name="Organisation", singular="Organisation", id_field="OrganisationID", render=render_plain,
    envelope="Organisations", modified_since=False, by_key=False,
    fields=frozenset({"OrganisationID", "Name", "LegalName", "BaseCurrency", "CountryCode", "Version"}),
)
CURRENCIES = Entity(
    name="Currencies", singular="Currency", id_field="Code", render=render_plain, modified_since=False, by_key=False,
    fields=frozenset({"Code", "Description"}),
)
