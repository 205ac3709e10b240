"""Reference data clients read first: Accounts, TaxRates, Organisation, Currencies (items: ``sandbox.xero.items``).

Records are built from ``sandbox.seed.reference`` (the same chart of accounts, tax rates and items for every seed)
in the shapes of the spec's ``Account``, ``TaxRate``, ``Organisation`` and ``Currency`` schemas.
- ``PUT /Accounts`` creates one account (the body is a bare ``Account``, fact sheet §0): Code (at most 10) and Name
  (at most 150) unique, Type from the spec's AccountType, a BANK account needs a BankAccountNumber;
  ``POST /Accounts/{AccountID}`` changes Name, Description, TaxType, Status (ACTIVE | ARCHIVED) and the flags.
- ``PUT /Currencies`` with ``{"Code":"EUR"}`` enables a currency (xeroizer#411; the spec's description calls it
  unsupported, its 200 answer is the ``Currencies`` envelope); enabling one already enabled changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from sandbox.seed.model import SeedAccount, SeedTaxRate
from sandbox.xero import attachments
from sandbox.xero.entities import Ctx, Detail, Entity, Outcome, public
from sandbox.xero.wire import FOUR, ZERO_GUID, ms_date, q

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
               "EXEMPTOUTPUT": "EXEMPTOUTPUT", "EXEMPTINPUT": "EXEMPTINPUT", "NONE": "NONE",
               "REVERSECHARGES": "REVERSECHARGES"}
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


class AccountWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        rec: dict[str, Any] = copy.deepcopy(existing) if existing else {
            "AccountID": ZERO_GUID, "Status": "ACTIVE", "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": False, "BankAccountType": "", "ReportingCode": "", "HasAttachments": False,
            "AddToWatchlist": False}
        out = Outcome(rec)
        errors = out.errors
        for key, limit in (("Code", 10), ("Name", 150), ("Description", 4000), ("BankAccountNumber", 50)):
            value = payload.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or len(value.strip()) > limit:
                errors.append(f"{key} must be a string of at most {limit} characters.")
                continue
            if key in ("Code", "BankAccountNumber") and existing is not None and value != existing.get(key):
                errors.append(f"The {key} of an existing account cannot be changed here.")
                continue
            rec[key] = value.strip()
        kind = payload.get("Type")
        if existing is None:
            if kind not in _CLASS:
                errors.append(f"Account Type '{kind}' is not valid." if kind else "An account Type is required.")
            else:
                rec["Type"], rec["Class"] = kind, _CLASS[kind]
                rec.setdefault("TaxType", _DEFAULT_TAX.get(kind, "NONE"))
        elif kind is not None and kind != existing["Type"]:
            errors.append("The Type of an existing account cannot be changed here.")
        if not rec.get("Name"):
            errors.append("Please enter a name for the account.")
        for other in ctx.books.records("Accounts"):
            if other["AccountID"] == rec["AccountID"] or other["Status"] == "DELETED":
                continue
            if rec.get("Code") and other["Code"].casefold() == rec["Code"].casefold():
                errors.append("Please enter a unique Code.")
            if rec.get("Name") and other["Name"].casefold() == rec["Name"].casefold():
                errors.append("Please enter a unique Name.")
        if rec.get("Type") == "BANK":
            if not rec.get("BankAccountNumber"):
                errors.append("A Bank Account Number is required for a bank account.")
            rec["BankAccountType"] = rec.get("BankAccountType") or "BANK"
            code = payload.get("CurrencyCode") or rec.get("CurrencyCode") or ctx.base_currency
            if ctx.books.get("Currencies", str(code)) is None:
                errors.append(f"The currency {code} is not enabled for this organisation.")
            rec["CurrencyCode"] = str(code)
        elif not rec.get("Code"):
            errors.append("Please enter a Code for the account.")
        tax_type = payload.get("TaxType")
        if tax_type not in (None, ""):
            if ctx.books.get("TaxRates", str(tax_type)) is None:
                errors.append(f"The TaxType code {tax_type} does not exist or cannot be used for this type of "
                              "transaction.")
            rec["TaxType"] = tax_type
        status = payload.get("Status")
        if status is not None:
            if status not in ("ACTIVE", "ARCHIVED"):
                errors.append(f"Account Status '{status}' is not valid. Use ACTIVE or ARCHIVED.")
            elif status == "ARCHIVED" and rec.get("SystemAccount"):
                errors.append("A system account cannot be archived.")
            else:
                rec["Status"] = status
        for flag in ("EnablePaymentsToAccount", "ShowInExpenseClaims", "AddToWatchlist"):
            if isinstance(payload.get(flag), bool):
                rec[flag] = payload[flag]
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        if record["AccountID"] == ZERO_GUID:
            record["AccountID"] = str(uuid.uuid4())


_ISO_CODE = re.compile(r"^[A-Z]{3}$")


class CurrencyWriter:
    def match(self, ctx: Ctx, payload: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def build(self, ctx: Ctx, payload: dict[str, Any], existing: dict[str, Any] | None) -> Outcome:
        if existing is not None:
            return Outcome(copy.deepcopy(existing))
        code = str(payload.get("Code") or "").strip().upper()
        out = Outcome({"Code": code, "Description": CURRENCY_NAMES.get(code, code)})
        if not _ISO_CODE.match(code):
            out.errors.append(f"'{payload.get('Code')}' is not a valid ISO 4217 currency code.")
        return out

    def finalise(self, ctx: Ctx, record: dict[str, Any]) -> None:
        return None


def render_account(ctx: Ctx, record: dict[str, Any], detail: Detail) -> dict[str, Any]:
    return {**render_plain(ctx, record, detail),
            "HasAttachments": attachments.has_attachments(ctx, "Accounts", record["AccountID"])}


ACCOUNTS = Entity(
    name="Accounts", singular="Account", id_field="AccountID", render=render_account, attachments=True,
    fields=frozenset({"AccountID", "Code", "Name", "Type", "Status", "Class", "TaxType", "CurrencyCode",
                      "SystemAccount", "BankAccountType", "BankAccountNumber", "EnablePaymentsToAccount",
                      "ShowInExpenseClaims", "ReportingCode", "AddToWatchlist", "UpdatedDateUTC", "Description",
                      "HasAttachments"}),
    writer=AccountWriter(),
)
TAX_RATES = Entity(
    name="TaxRates", singular="TaxRate", id_field="TaxType", render=render_plain, modified_since=False,
    fields=frozenset({"Name", "TaxType", "Status", "ReportTaxType", "DisplayTaxRate", "EffectiveRate",
                      "CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses", "CanApplyToLiabilities",
                      "CanApplyToRevenue"}),
)
ORGANISATION = Entity(
    name="Organisation", singular="Organisation", id_field="OrganisationID", render=render_plain,
    envelope="Organisations", modified_since=False, by_key=False,
    fields=frozenset({"OrganisationID", "Name", "LegalName", "BaseCurrency", "CountryCode", "Version"}),
)
CURRENCIES = Entity(
    name="Currencies", singular="Currency", id_field="Code", modified_since=False, by_key=False,
    render=lambda ctx, rec, detail: {"Code": rec["Code"], "Description": rec["Description"]},
    fields=frozenset({"Code", "Description"}), writer=CurrencyWriter(), natural_key=True,
)
