"""Reference data of the seeded business, the same for every seed.

Harbour & Finch Ltd, a UK design and consulting studio (home currency GBP, VAT registered). ``config/mappings.yaml``
maps these codes between the two ledgers, so changing an id here means changing it there.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sandbox.seed.model import (SeedAccount, SeedItem, SeedTaxRate, SeedTrackingCategory,
                                SeedTrackingOption)

ORGANISATION_NAME = "Harbour & Finch Ltd"
_NS = uuid.UUID("6f1c4a52-3b1e-4d8e-9a57-0c2f9e1d7b10")


def stable_uuid(*parts: object) -> str:
    """A UUID that depends only on its parts (Xero ids for seeded records)."""
    return str(uuid.uuid5(_NS, "/".join(str(p) for p in parts)))


def _acc(code: str, name: str, kind: str, qb_id: str, currency: str = "GBP") -> SeedAccount:
    return SeedAccount(code=code, name=name, kind=kind, qb_id=qb_id, xero_id=stable_uuid("account", code),
                       currency=currency)


ACCOUNTS: list[SeedAccount] = [
    _acc("090", "Business Bank Account", "bank", "35"),
    _acc("091", "Business Savings Account", "bank", "36"),
    _acc("092", "USD Bank Account", "bank", "37", currency="USD"),
    _acc("200", "Sales", "revenue", "79"),
    _acc("260", "Other Revenue", "revenue", "80"),
    _acc("310", "Cost of Goods Sold", "direct_costs", "81"),
    _acc("400", "Advertising", "expense", "82"),
    _acc("429", "General Expenses", "expense", "83"),
    _acc("461", "Printing & Stationery", "expense", "84"),
    _acc("469", "Rent", "expense", "85"),
    _acc("489", "Telephone & Internet", "expense", "86"),
    _acc("493", "Travel - National", "expense", "87"),
    _acc("610", "Accounts Receivable", "receivable", "32"),
    _acc("800", "Accounts Payable", "payable", "33"),
    _acc("820", "VAT", "current_liability", "34"),
    _acc("970", "Owner's Capital", "equity", "38"),
]

TAX_RATES: list[SeedTaxRate] = [
    SeedTaxRate("20% (VAT on Income)", Decimal("20"), "OUTPUT2", "2", "4", None, "sales"),
    SeedTaxRate("20% (VAT on Expenses)", Decimal("20"), "INPUT2", "2", None, "5", "purchases"),
    SeedTaxRate("5% (VAT on Income)", Decimal("5"), "RROUTPUT", "4", "8", None, "sales"),
    SeedTaxRate("5% (VAT on Expenses)", Decimal("5"), "RRINPUT", "4", None, "9", "purchases"),
    SeedTaxRate("Zero Rated Income", Decimal("0"), "ZERORATEDOUTPUT", "6", "12", None, "sales"),
    SeedTaxRate("Zero Rated Expenses", Decimal("0"), "ZERORATEDINPUT", "6", None, "13", "purchases"),
    SeedTaxRate("Exempt Income", Decimal("0"), "EXEMPTOUTPUT", "8", "16", None, "sales"),
    SeedTaxRate("Exempt Expenses", Decimal("0"), "EXEMPTINPUT", "8", None, "17", "purchases"),
    SeedTaxRate("No VAT", Decimal("0"), "NONE", "10", "20", "21", "both"),
]


def _item(code: str, name: str, price: str, account: str, qb_id: str, purchase_account: str | None = None,
          tax: str = "OUTPUT2") -> SeedItem:
    return SeedItem(code=code, name=name, description=name, unit_price=Decimal(price), sales_account_code=account,
                    purchase_account_code=purchase_account, tax_type=tax, qb_id=qb_id,
                    xero_id=stable_uuid("item", code))


ITEMS: list[SeedItem] = [
    _item("CONSULT-HR", "Consulting (per hour)", "95.00", "200", "3"),
    _item("DESIGN-DAY", "Design day rate", "640.00", "200", "4"),
    _item("WORKSHOP", "Discovery workshop", "1200.00", "200", "5"),
    _item("BRAND-PKG", "Brand identity package", "4500.00", "200", "6"),
    _item("SUPPORT-M", "Website support (monthly)", "250.00", "200", "7"),
    _item("PRINT-RUN", "Print run (per 100)", "38.50", "260", "8", purchase_account="310"),
    _item("BOOKS", "Style guide book", "24.99", "260", "9", purchase_account="310", tax="ZERORATEDOUTPUT"),
    _item("TRAVEL", "Travel recharge", "1.00", "260", "10", tax="NONE"),
]


# QuickBooks takes a sales line's income account from its item, so a Xero line coded to an account without an item
# needs a QuickBooks item per income account (config/mappings.yaml: quickbooks_account_items). "Services" (Id 1,
# income account Sales) is QuickBooks' own; these are set up in QuickBooks only: (Id, name, Xero account code).
QB_ACCOUNT_ITEMS: list[tuple[str, str, str]] = [
    ("11", "Other income", "260"),
]


# Xero tracking category "Region" <-> QuickBooks Classes, one per option, and "Location" <-> QuickBooks Departments
# (config/mappings.yaml: tracking). Seeded documents carry Regions only.
TRACKING: list[SeedTrackingCategory] = [
    SeedTrackingCategory("Region", stable_uuid("tracking", "Region"), (
        SeedTrackingOption("North", stable_uuid("tracking", "Region", "North"), "5000000000000010001"),
        SeedTrackingOption("South", stable_uuid("tracking", "Region", "South"), "5000000000000010002"),
        SeedTrackingOption("London", stable_uuid("tracking", "Region", "London"), "5000000000000010003"),
    )),
    SeedTrackingCategory("Location", stable_uuid("tracking", "Location"), (
        SeedTrackingOption("Bristol studio", stable_uuid("tracking", "Location", "Bristol studio"), None, "1"),
        SeedTrackingOption("Cardiff studio", stable_uuid("tracking", "Location", "Cardiff studio"), None, "2"),
    )),
]

# Currencies each ledger can record documents in (home currency first). EUR is enabled in Xero only: a EUR
# document cannot be copied to QuickBooks until someone enables it there, so it waits in the exception queue.
XERO_CURRENCIES = ["GBP", "USD", "EUR"]
QUICKBOOKS_CURRENCIES = ["GBP", "USD"]
# fixed rates (units of the currency per GBP) for seeded foreign documents
RATES = {"USD": Decimal("1.270000"), "EUR": Decimal("1.170000")}

# A QuickBooks-only tax code the shipped mapping file does not map (a supplier bill uses it in the seeded books, so
# that bill waits in the exception queue naming the code).
QB_EXTRA_TAX_RATES: list[SeedTaxRate] = [
    SeedTaxRate("20.0% RC (reverse charge)", Decimal("20"), "RCINPUT", "14", None, "28", "purchases"),
]
# A rate every UK Xero organisation has that the shipped mapping file does not map either: the one a bookkeeper maps
# QuickBooks' reverse-charge code to (README, "Resolving exceptions"). Like the QuickBooks code, the sandbox books it
# as a plain 20% purchase tax, so a bill carried across keeps its total.
XERO_EXTRA_TAX_RATES: list[SeedTaxRate] = [
    SeedTaxRate("Reverse Charge Expenses (20%)", Decimal("20"), "REVERSECHARGES", "", None, None, "purchases"),
]


def account(code: str) -> SeedAccount:
    return next(a for a in ACCOUNTS if a.code == code)


def tax_rate(tax_type: str) -> SeedTaxRate:
    return next(t for t in TAX_RATES if t.xero_tax_type == tax_type)


def item(code: str) -> SeedItem:
    return next(i for i in ITEMS if i.code == code)
