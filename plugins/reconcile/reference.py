"""Reference data, checked before any write: every code the pair's mapping file names must exist, and be active, in
the ledger it names (Xero accounts, tax rates, items and tracking options; QuickBooks accounts, tax codes and rates,
items, classes and departments). What each organisation is set up with (home currency, enabled currencies) is recorded in
``ledgerbridge.ledger_facts`` for the planners.

Errors name the mapping file, the line and the code, like the file's own validation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge import db
from reconcile.config import PairConfig
from reconcile.run import RunInfo

log = logging.getLogger(__name__)


class MappingCheckError(RuntimeError):
    pass


@dataclass
class LedgerReference:
    accounts: dict[str, bool] = field(default_factory=dict)  # code or id -> active
    tax: dict[str, bool] = field(default_factory=dict)  # Xero TaxType / QuickBooks TaxCode id -> active
    tax_rates: dict[str, bool] = field(default_factory=dict)  # QuickBooks TaxRate id -> active
    items: dict[str, bool] = field(default_factory=dict)  # Xero item code / QuickBooks Item id -> active
    tracking: dict[str, bool] = field(default_factory=dict)  # "Category:Option" / QuickBooks Class id -> active
    departments: dict[str, bool] = field(default_factory=dict)  # QuickBooks Department id -> active
    home_currency: str | None = None
    currencies: list[str] = field(default_factory=list)
    organisation: str | None = None


def read_xero(hook: Any) -> LedgerReference:
    ref = LedgerReference()
    for account in hook.iter_records("Accounts"):
        if account.get("Code"):
            ref.accounts[account["Code"]] = account.get("Status") == "ACTIVE"
    for rate in hook.request("GET", "TaxRates").json().get("TaxRates") or []:
        ref.tax[rate["TaxType"]] = rate.get("Status") == "ACTIVE"
    for item in hook.iter_records("Items"):
        ref.items[item["Code"]] = True
    for category in hook.request("GET", "TrackingCategories").json().get("TrackingCategories") or []:
        for option in category.get("Options") or []:
            active = category.get("Status", "ACTIVE") == "ACTIVE" and option.get("Status", "ACTIVE") == "ACTIVE"
            ref.tracking[f"{category['Name']}:{option['Name']}"] = active
    _xero_facts(hook, ref)
    return ref


def _xero_facts(hook: Any, ref: LedgerReference) -> None:
    organisation = (hook.request("GET", "Organisation").json().get("Organisations") or [{}])[0]
    ref.home_currency = organisation.get("BaseCurrency")
    ref.organisation = organisation.get("Name")
    currencies = [c["Code"] for c in hook.request("GET", "Currencies").json().get("Currencies") or []]
    ref.currencies = sorted(set(currencies) | ({ref.home_currency} if ref.home_currency else set()))


def read_quickbooks(hook: Any) -> LedgerReference:
    ref = LedgerReference()
    for account in hook.iter_records("Account"):
        ref.accounts[str(account["Id"])] = bool(account.get("Active", True))
    for code in hook.query("SELECT * FROM TaxCode WHERE Active IN (true, false) MAXRESULTS 1000").get("TaxCode") or []:
        ref.tax[str(code["Id"])] = bool(code.get("Active", True))
    for rate in hook.query("SELECT * FROM TaxRate WHERE Active IN (true, false) MAXRESULTS 1000").get("TaxRate") or []:
        ref.tax_rates[str(rate["Id"])] = bool(rate.get("Active", True))
    for item in hook.iter_records("Item"):
        ref.items[str(item["Id"])] = bool(item.get("Active", True))
    for qb_class in hook.iter_records("Class"):
        ref.tracking[str(qb_class["Id"])] = bool(qb_class.get("Active", True))
    for department in hook.iter_records("Department"):
        ref.departments[str(department["Id"])] = bool(department.get("Active", True))
    _quickbooks_facts(hook, ref)
    return ref


def _quickbooks_facts(hook: Any, ref: LedgerReference) -> None:
    preferences = (hook.query("SELECT * FROM Preferences").get("Preferences") or [{}])[0]
    currency_prefs = preferences.get("CurrencyPrefs") or {}
    ref.home_currency = (currency_prefs.get("HomeCurrency") or {}).get("value")
    enabled = [ref.home_currency] if ref.home_currency else []
    if currency_prefs.get("MultiCurrencyEnabled"):
        found = hook.query("SELECT * FROM CompanyCurrency WHERE Active IN (true, false) MAXRESULTS 1000")
        enabled += [c.get("Code") for c in found.get("CompanyCurrency") or [] if c.get("Active", True)]
    ref.currencies = sorted({c for c in enabled if c})
    info = hook.query("SELECT * FROM CompanyInfo").get("CompanyInfo") or [{}]
    ref.organisation = info[0].get("CompanyName")


def problems(pair: PairConfig, xero: LedgerReference, qb: LedgerReference) -> list[str]:
    """Every mapping entry naming a code one of the ledgers does not have, or has archived."""
    m = pair.mappings
    found: list[str] = []

    def check(kind: str, key: str, ledger: str, code: str, known: dict[str, bool], entry: str | None = None) -> None:
        line = m.lines.get((entry or kind, key))
        where = f"{m.path}:{line}" if line else str(m.path)
        if code not in known:
            found.append(f"{where}: {ledger} has no {kind} {code!r} (mapped for {key!r})")
        elif not known[code]:
            found.append(f"{where}: {ledger} {kind} {code!r} is archived or inactive (mapped for {key!r})")

    for code, qb_id in m.accounts.items():
        check("account", code, "xero", code, xero.accounts)
        check("account", code, "quickbooks", qb_id, qb.accounts)
    for tax in m.taxes:
        check("tax", tax.xero, "xero", tax.xero, xero.tax)
        check("tax", tax.xero, "quickbooks", tax.quickbooks, qb.tax)
        for rate in (tax.sales_rate, tax.purchase_rate):
            if rate:
                check("tax", tax.xero, "quickbooks", rate, qb.tax_rates)
    for code, qb_id in m.items.items():
        check("item", code, "xero", code, xero.items)
        check("item", code, "quickbooks", qb_id, qb.items)
    for code, qb_id in m.account_items.items():
        check("account", code, "xero", code, xero.accounts)
        check("item", code, "quickbooks", qb_id, qb.items)
    for option, qb_class in m.tracking.items():
        check("tracking", option, "xero", option, xero.tracking)
        check("tracking", option, "quickbooks", qb_class, qb.tracking)
    for option, department in m.departments.items():
        check("tracking", option, "xero", option, xero.tracking)
        check("department", option, "quickbooks", department, qb.departments, entry="tracking")
    return found


def save_facts(pair: PairConfig, refs: dict[str, LedgerReference], run: RunInfo, db_url: str | None = None) -> None:
    with db.connect(db_url) as conn:
        for ledger, ref in refs.items():
            conn.execute(db.sql("reference/save_facts"), {
                "pair": pair.name, "ledger": ledger, "home_currency": ref.home_currency,
                "currencies": ref.currencies, "organisation": ref.organisation, "run_id": run.run_id})
        conn.commit()


def ensure_facts(pair: PairConfig, hooks: dict[str, Any], run: RunInfo, db_url: str | None = None) -> None:
    """Record each organisation's currencies when no nightly check did yet (an entity run on its own)."""
    with db.connect(db_url) as conn:
        known = facts(conn, pair.name)
    if set(known) >= {"xero", "quickbooks"}:
        return
    xero, qb = LedgerReference(), LedgerReference()
    _xero_facts(hooks["xero"], xero)
    _quickbooks_facts(hooks["quickbooks"], qb)
    save_facts(pair, {"xero": xero, "quickbooks": qb}, run, db_url)


def check_pair(pair: PairConfig, xero_hook: Any, qb_hook: Any, run: RunInfo, db_url: str | None = None
               ) -> dict[str, Any]:
    xero, qb = read_xero(xero_hook), read_quickbooks(qb_hook)
    save_facts(pair, {"xero": xero, "quickbooks": qb}, run, db_url)
    found = problems(pair, xero, qb)
    summary = {"pair": pair.name, "xero_home": xero.home_currency, "quickbooks_home": qb.home_currency,
               "xero_currencies": xero.currencies, "quickbooks_currencies": qb.currencies, "problems": len(found)}
    if found:
        raise MappingCheckError(f"the mapping file of pair {pair.name!r} names codes the ledgers do not have; "
                                "nothing is written until it is corrected:\n- " + "\n- ".join(found))
    if xero.home_currency and qb.home_currency and xero.home_currency != qb.home_currency:
        log.warning("pair %s: Xero's home currency %s differs from QuickBooks' %s; documents will wait in the "
                    "exception queue", pair.name, xero.home_currency, qb.home_currency)
    log.info("mappings checked for pair %s: %s", pair.name, summary)
    return summary


def facts(conn: Any, pair: str) -> dict[str, dict[str, Any]]:
    """What check_pair recorded for the pair: ledger -> {home_currency, currencies}."""
    rows = conn.execute(db.sql("reference/facts"), {"pair": pair}).fetchall()
    return {r["ledger"]: {"home_currency": r["home_currency"], "currencies": list(r["currencies"] or [])}
            for r in rows}


def mappings_for(conn: Any, pair: PairConfig) -> Any:
    """The pair's mappings, with the items the items entity has linked."""
    linked = {r["code"]: r["quickbooks_id"] for r in conn.execute(db.sql("reference/linked_items"),
                                                                   {"pair": pair.name})}
    return pair.mappings.with_items(linked)
