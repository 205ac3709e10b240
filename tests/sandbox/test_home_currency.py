"""``--home-currency CODE``: the currency an organisation keeps its books in, chosen when its books are created.

Neither API lets an app set or change it (Xero's Organisation.BaseCurrency is read-only; QuickBooks keeps
Preferences.CurrencyPrefs.HomeCurrency fixed once the company exists), so it is a start option of fresh, unseeded
books, and a restart from ``--state`` keeps it and refuses another.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import process
from tests.sandbox.quickbooks.conftest import QBApi, qb_factory, xsd  # noqa: F401 - fixtures of those folders
from tests.sandbox.xero.conftest import Factory, spec, xero_factory  # noqa: F401


def test_a_quickbooks_company_kept_in_another_home_currency(qb_factory, tmp_path: Path) -> None:
    state = str(tmp_path / "qb")
    qb: QBApi = qb_factory("--home-currency", "USD", "--state", state, "--rate-limits", "off")
    prefs = qb.query("SELECT * FROM Preferences").json()["QueryResponse"]["Preferences"][0]
    assert prefs["CurrencyPrefs"]["HomeCurrency"]["value"] == "USD"
    enabled = {c["Code"] for c in qb.query("SELECT * FROM CompanyCurrency").json()["QueryResponse"]["CompanyCurrency"]}
    assert "GBP" in enabled and "USD" not in enabled  # the home currency is not a foreign one
    customer = qb.customer("Bay Area Studio Inc")
    assert customer["CurrencyRef"]["value"] == "USD"
    qb.box.stop()
    again: QBApi = qb_factory("--state", state, "--rate-limits", "off")
    prefs = again.query("SELECT * FROM Preferences").json()["QueryResponse"]["Preferences"][0]
    assert prefs["CurrencyPrefs"]["HomeCurrency"]["value"] == "USD"
    assert again.post("customer", {"DisplayName": "Second Street LLC"}).json()["Customer"]["CurrencyRef"][
        "value"] == "USD"
    again.box.stop()
    with pytest.raises(RuntimeError, match="before printing"):
        process.start("quickbooks", "--port", "0", "--state", state, "--home-currency", "GBP")


def test_a_xero_organisation_kept_in_another_base_currency(xero_factory: Factory, tmp_path: Path) -> None:
    state = str(tmp_path / "xero")
    xero = xero_factory("--home-currency", "NZD", "--state", state, "--rate-limits", "off")
    organisation = xero.get("Organisation").json()["Organisations"][0]
    assert organisation["BaseCurrency"] == "NZD"
    assert "NZD" in {c["Code"] for c in xero.get("Currencies").json()["Currencies"]}
    xero.box.stop()
    with pytest.raises(RuntimeError, match="before printing"):
        process.start("xero", "--port", "0", "--state", state, "--home-currency", "GBP")


@pytest.mark.parametrize("ledger", ["xero", "quickbooks"])
def test_seeded_books_are_kept_in_gbp_so_another_home_currency_is_refused(ledger: str) -> None:
    done = subprocess.run([sys.executable, "-m", "sandbox", ledger, "--seed", "3", "--home-currency", "USD"],
                          cwd=process.ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "seeded books are kept in GBP" in done.stderr
    done = subprocess.run([sys.executable, "-m", "sandbox", ledger, "--home-currency", "usd"],
                          cwd=process.ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "ISO 4217" in done.stderr
