"""Two organisations that keep their books in different home currencies, through Airflow (dag.test).

A Xero organisation in GBP and a QuickBooks company created in USD (the sandbox's ``--home-currency``: neither API
can change a home currency once set). Contacts carry no amounts and are aligned; every document (a Xero sales invoice
bound for QuickBooks, a QuickBooks bill bound for Xero) waits in the exception queue with reason
``home_currency_mismatch``, naming the record, and nothing is written for it, on this night or the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from ledgerbridge.migrate import migrate
from quickbooks.hooks import QuickBooksHook
from sandbox import process
from sandbox.process import RunningSandbox
from tests.e2e.chain import hooks, ledger_env, pair_env, rows, run_chain, write_pairs
from tests.fixtures.db import create_database, drop_database
from xero.hooks import WriteItem, XeroHook

pytestmark = pytest.mark.timeout(600)
PAIR = "overseas"
# the head of the chain (it records each organisation's home currency) and the DAGs of the entities this pair syncs
NIGHT = ["nightly_alignment", "sync_contacts", "sync_suppliers", "sync_invoices", "sync_bills", "sync_payments",
         "sync_bill_payments"]
DIRECTIONS = {"items": "both", "contacts": "both", "suppliers": "both", "invoices": "xero_to_quickbooks",
              "bills": "quickbooks_to_xero", "payments": "both", "bill_payments": "quickbooks_to_xero"}


@dataclass
class Books:
    db_url: str
    xero: XeroHook
    qb: QuickBooksHook
    invoice: dict[str, Any]  # the Xero sales invoice
    bill: dict[str, Any]  # the QuickBooks bill


def keep_books(xero: XeroHook, qb: QuickBooksHook) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a bookkeeper keeps in each ledger: a customer and its invoice in Xero, a vendor and its bill in
    QuickBooks."""
    customer = xero.write("Contacts", [WriteItem("c", {"Name": "Pacific Lantern Studio", "IsCustomer": True})])[0]
    assert customer.ok, customer.errors
    invoice = xero.write("Invoices", [WriteItem("i", {
        "Type": "ACCREC", "Contact": {"ContactID": customer.ledger_id}, "InvoiceNumber": "INV-HC-1",
        "Date": "2026-10-01", "DueDate": "2026-10-31", "Status": "AUTHORISED", "LineAmountTypes": "Exclusive",
        "LineItems": [{"Description": "Brand workshop", "Quantity": 1, "UnitAmount": "400.00", "AccountCode": "200",
                       "TaxType": "OUTPUT2"}]})])[0]
    assert invoice.ok, invoice.errors
    vendor = qb.write_one("Vendor", {"DisplayName": "Golden Gate Paper Co"}, key="home-vendor")
    bill = qb.write_one("Bill", {
        "VendorRef": {"value": vendor["Id"]}, "DocNumber": "GG-7781", "TxnDate": "2026-10-02",
        "GlobalTaxCalculation": "TaxExcluded",
        "Line": [{"Amount": "90.00", "Description": "Paper stock", "DetailType": "AccountBasedExpenseLineDetail",
                  "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "84"}, "TaxCodeRef": {"value": "2"}}}]},
        key="home-bill")
    return invoice.record or xero.get("Invoices", invoice.ledger_id), bill


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, airflow_db: str) -> Iterator[Books]:
    tmp = tmp_path_factory.mktemp("home_currency")
    name, url = create_database("lb_home_currency")
    migrate(url)
    patch = pytest.MonkeyPatch()
    boxes: list[RunningSandbox] = []
    try:
        boxes.append(xero_box := process.start("xero", "--port", "0", "--rate-limits", "off"))
        boxes.append(qb_box := process.start("quickbooks", "--port", "0", "--rate-limits", "off",
                                             "--home-currency", "USD"))
        pairs_file = write_pairs(tmp / "pairs.yaml", {PAIR: DIRECTIONS})
        for key, value in {**pair_env(PAIR, xero_box, qb_box), **ledger_env(url, pairs_file)}.items():
            patch.setenv(key, value)
        xero, qb = hooks(url, PAIR)
        invoice, bill = keep_books(xero, qb)
        yield Books(url, xero, qb, invoice, bill)
    finally:
        patch.undo()
        for box in boxes:
            box.stop()
        drop_database(name)


def check_night(books: Books, runs: list[str]) -> None:
    facts = {r["ledger"]: r["home_currency"] for r in rows(
        books.db_url, "SELECT ledger, home_currency FROM ledgerbridge.ledger_facts WHERE pair = %s", PAIR)}
    assert facts == {"xero": "GBP", "quickbooks": "USD"}
    queue = {(r["entity"], r["ledger"], r["record_id"]): r for r in rows(
        books.db_url, "SELECT entity, ledger, record_id, record_label AS label, message FROM ledgerbridge.exceptions "
                      "WHERE pair = %s AND status = 'open' AND reason = 'home_currency_mismatch'", PAIR)}
    invoice = queue.pop(("invoices", "xero", books.invoice["InvoiceID"]))
    bill = queue.pop(("bills", "quickbooks", str(books.bill["Id"])))
    assert queue == {}  # only the two documents: contacts carry no amounts
    assert invoice["label"] == "INV-HC-1" and "INV-HC-1" in invoice["message"]
    assert bill["label"] == "GG-7781" and "GG-7781" in bill["message"]
    for message in (invoice["message"], bill["message"]):
        assert "Xero GBP" in message and "QuickBooks USD" in message
    # nothing was planned or written for the documents, and neither ledger holds a copy
    assert rows(books.db_url, "SELECT entity, ledger, operation FROM ledgerbridge.outbox WHERE pair = %s AND "
                              "entity IN ('invoices', 'bills', 'payments', 'bill_payments')", PAIR) == []
    assert books.qb.count("Invoice") == 0
    assert [i["InvoiceID"] for i in books.xero.iter_records("Invoices")] == [books.invoice["InvoiceID"]]
    assert rows(books.db_url, "SELECT entity, ledger FROM ledgerbridge.audit_log WHERE run_id = ANY(%s) AND "
                              "entity IN ('invoices', 'bills')", runs) == []


def test_documents_wait_in_the_queue_when_the_home_currencies_differ(books):
    runs = run_chain(dags=NIGHT)
    check_night(books, runs)
    # the contacts, which carry no amounts, were aligned: the night ran, it held the documents back
    created = rows(books.db_url, "SELECT entity, ledger FROM ledgerbridge.outbox WHERE pair = %s AND "
                                 "status = 'applied' AND operation = 'create'", PAIR)
    assert {"entity": "contacts", "ledger": "quickbooks"} in created
    assert {"entity": "suppliers", "ledger": "xero"} in created


def test_the_next_night_still_holds_them_back(books):
    runs = run_chain(dags=["sync_invoices", "sync_bills"])
    check_night(books, runs)
    assert rows(books.db_url, "SELECT count(*) AS n FROM ledgerbridge.exceptions WHERE pair = %s AND "
                              "reason = 'home_currency_mismatch'", PAIR) == [{"n": 2}]
