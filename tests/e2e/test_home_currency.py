"""Two organisations that keep their books in different home currencies, through Airflow (dag.test).

A Xero organisation in GBP and a QuickBooks company created in USD (the sandbox's ``--home-currency``: neither API
can change a home currency once set). Contacts carry no amounts and are aligned; every document (a Xero sales invoice
bound for QuickBooks, a QuickBooks bill bound for Xero) waits in the exception queue with reason
``home_currency_mismatch``, naming the record, and nothing is written for it, on this night or the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest
import yaml
from psycopg.rows import dict_row

from ledgerbridge.migrate import migrate
from ledgerbridge.tokens import TokenStore
from quickbooks.hooks import QuickBooksHook
from reconcile.entities import STAGES
from sandbox import process
from sandbox.process import RunningSandbox
from tests.fixtures.airflow import run_in_process
from tests.fixtures.db import create_database, drop_database
from tests.fixtures.sandboxes import quickbooks_connection, xero_connection
from xero.hooks import WriteItem, XeroHook

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]
CHAIN = ["nightly_alignment", *[f"sync_{e}" for stage in STAGES for e in stage], "control_totals"]
PAIR = "overseas"
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
        pairs_file = tmp / "pairs.yaml"
        pairs_file.write_text(yaml.safe_dump({"pairs": [{
            "name": PAIR, "xero_conn_id": f"xero_{PAIR}", "quickbooks_conn_id": f"quickbooks_{PAIR}",
            "mappings": str(ROOT / "config" / "mappings.yaml"),
            "entities": {e: {"direction": d} for e, d in DIRECTIONS.items()}}]}, sort_keys=False))
        for key, value in {f"AIRFLOW_CONN_XERO_{PAIR.upper()}": xero_connection(xero_box.info),
                           f"AIRFLOW_CONN_QUICKBOOKS_{PAIR.upper()}": quickbooks_connection(qb_box.info),
                           "LEDGERBRIDGE_DB_URL": url, "AIRFLOW_CONN_LEDGER_DB": url,
                           "LEDGERBRIDGE_PAIRS_FILE": str(pairs_file), "LEDGERBRIDGE_RETRY_DELAY_SECONDS": "1"}.items():
            patch.setenv(key, value)
        store = TokenStore(url)
        xero, qb = XeroHook(f"xero_{PAIR}", token_store=store), QuickBooksHook(f"quickbooks_{PAIR}", token_store=store)
        invoice, bill = keep_books(xero, qb)
        yield Books(url, xero, qb, invoice, bill)
    finally:
        patch.undo()
        for box in boxes:
            box.stop()
        drop_database(name)


def run_chain() -> list[str]:
    run_ids = []
    for dag_id in CHAIN:
        result = run_in_process(dag_id, {})
        assert result.ok, result.summary()
        run_ids.append(result.run_id)
    return run_ids


def rows(db_url: str, statement: str, *params: Any) -> list[dict]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()


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
    runs = run_chain()
    check_night(books, runs)
    # the contacts, which carry no amounts, were aligned: the night ran, it held the documents back
    created = rows(books.db_url, "SELECT entity, ledger FROM ledgerbridge.outbox WHERE pair = %s AND "
                                 "status = 'applied' AND operation = 'create'", PAIR)
    assert {"entity": "contacts", "ledger": "quickbooks"} in created
    assert {"entity": "suppliers", "ledger": "xero"} in created


def test_the_next_night_still_holds_them_back(books):
    runs = run_chain()
    check_night(books, runs)
    assert rows(books.db_url, "SELECT count(*) AS n FROM ledgerbridge.exceptions WHERE pair = %s AND "
                              "reason = 'home_currency_mismatch'", PAIR) == [{"n": 2}]
