"""The nightly alignment of every entity, through Airflow (dag.test), for two company pairs in one run.

On divergent seeded books: every entity ends aligned apart from the exception queue, the truth is honoured (pairs
linked, a QuickBooks payment over two invoices carried as two Xero payments, credit allocations, a foreign-currency
invoice copied with its rate, a currency QuickBooks has not enabled and an unmapped tax code queued), the control
totals tie out except for documents waiting in the queue, a second night writes nothing, and a void and a
QuickBooks hard delete are carried across as what they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from ledgerbridge.migrate import migrate
from quickbooks.hooks import QuickBooksHook
from reconcile import verify
from reconcile.entities import ENTITIES
from reconcile.run import RunInfo
from sandbox import process
from sandbox.process import RunningSandbox
from tests.e2e.chain import applied, hooks, ledger_env, links, pair_env, queued, rows, run_chain, write_pairs
from tests.fixtures.db import create_database, drop_database
from xero.hooks import WriteItem, XeroHook

pytestmark = pytest.mark.timeout(900)
PAIRS = {"harbour": "5", "north": "9"}  # pair -> seed
DEFAULTS = {"items": "both", "contacts": "both", "suppliers": "both", "invoices": "xero_to_quickbooks",
            "bills": "quickbooks_to_xero", "credit_notes": "xero_to_quickbooks", "vendor_credits": "xero_to_quickbooks",
            "payments": "both", "bill_payments": "quickbooks_to_xero", "bank_transactions": "both",
            "journals": "quickbooks_to_xero"}


@dataclass
class Pair:
    name: str
    xero: RunningSandbox
    quickbooks: RunningSandbox
    truth: dict[str, Any]

    def hooks(self, db_url: str) -> tuple[XeroHook, QuickBooksHook]:
        return hooks(db_url, self.name)


@dataclass
class Night:
    db_url: str
    pairs: dict[str, Pair]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory, airflow_db: str) -> Iterator[Night]:
    tmp = tmp_path_factory.mktemp("nightly")
    name, url = create_database("lb_nightly")
    migrate(url)
    pairs: dict[str, Pair] = {}
    patch = pytest.MonkeyPatch()
    try:
        for pair, seed in PAIRS.items():
            truth = tmp / f"{pair}.json"
            xero = process.start("xero", "--port", "0", "--seed", seed, "--size", "40", "--rate-limits", "off",
                                 "--truth", str(truth))
            quickbooks = process.start("quickbooks", "--port", "0", "--seed", seed, "--size", "40",
                                       "--rate-limits", "off")
            pairs[pair] = Pair(pair, xero, quickbooks, json.loads(truth.read_text()))
            for key, value in pair_env(pair, xero, quickbooks).items():
                patch.setenv(key, value)
        pairs_file = write_pairs(tmp / "pairs.yaml", {pair: DEFAULTS for pair in PAIRS}, conflict={"prefer": "newest"})
        for key, value in ledger_env(url, pairs_file).items():
            patch.setenv(key, value)
        yield Night(url, pairs)
    finally:
        patch.undo()
        for pair in pairs.values():
            pair.xero.stop()
            pair.quickbooks.stop()
        drop_database(name)


def test_the_first_night_aligns_every_entity_of_both_pairs(night):
    run_ids = run_chain()
    summaries = rows(night.db_url, "SELECT pair, entity, ledger, created, updated, voided, failed "
                                   "FROM ledgerbridge.run_summary WHERE run_id = ANY(%s)", run_ids)
    written = {(r["pair"], r["entity"]) for r in summaries if r["created"] + r["updated"] + r["voided"]}
    for pair in PAIRS:
        for entity in ("items", "contacts", "invoices", "bills", "payments", "bank_transactions", "journals"):
            assert (pair, entity) in written, f"nothing written for {pair} {entity}"
    for pair in PAIRS:
        for entity in ENTITIES:
            result = verify.check(entity, pair, RunInfo(f"verify-{pair}-{entity}", "verify"))
            assert result.aligned, (pair, entity, result.would_write[:5], result.unexplained[:5])


def test_the_truth_of_the_seeded_books_is_honoured(night):
    pair = night.pairs["harbour"]
    truth, queue = pair.truth, queued(night.db_url, "harbour")
    for entity, key in (("items", "items"), ("credit_notes", "credit_notes"), ("journals", "journals"),
                        ("bank_transactions", "bank_transactions")):
        linked = links(night.db_url, "harbour", entity)
        for record in truth[key]:
            if record["match"] != "pair" or (key == "credit_notes" and record["kind"] != "sales"):
                continue
            qb_id = record["qb_id"]
            if key == "bank_transactions":
                qb_id = f"{record['qb_entity']}:{qb_id}"
            assert linked.get(record["xero_id"]) == qb_id, (entity, record)
    # a QuickBooks payment over two invoices is two Xero payments, each linked to its part of it
    payments = links(night.db_url, "harbour", "payments")
    grouped = [p for p in truth["payments"] if p.get("group") and p["kind"] == "sales" and p["match"] == "pair"]
    assert len(grouped) >= 2
    for p in grouped:
        part = payments.get(p["xero_id"])
        assert part is not None and part.split(":")[0] == p["qb_id"], p
    assert len({payments[p["xero_id"]] for p in grouped}) == len(grouped)  # each payment carried once
    # a currency QuickBooks has not enabled, and a tax code the mapping lacks, wait in the queue naming why
    eur = next(i for i in truth["invoices"] if "currency_not_enabled:quickbooks" in i["differences"])
    assert "currency_not_enabled" in queue[("invoices", "xero", eur["xero_id"])]
    unmapped = next(i for i in truth["invoices"] if "unmapped_tax_code:quickbooks" in i["differences"])
    assert "unmapped_code" in queue[("bills", "quickbooks", unmapped["qb_id"])]
    message = rows(night.db_url, "SELECT message FROM ledgerbridge.exceptions WHERE entity = 'bills' AND "
                                 "record_id = %s AND reason = 'unmapped_code'", unmapped["qb_id"])[0]["message"]
    assert "'14'" in message
    # a foreign-currency invoice only in Xero was copied with its currency and rate
    usd = next(i for i in truth["invoices"] if i.get("currency") == "USD" and i["match"] == "single"
               and i["xero_status"] in ("authorised", "paid"))
    xero, qb = pair.hooks(night.db_url)
    copied = qb.get("Invoice", links(night.db_url, "harbour", "invoices")[usd["xero_id"]])
    assert copied["CurrencyRef"]["value"] == "USD"
    assert abs(Decimal(str(copied["ExchangeRate"])) - 1 / Decimal(usd["currency_rate"])) < Decimal("0.000001")
    # the supporting files of bills were copied to Xero, each once
    bills = links(night.db_url, "harbour", "bills")
    for attachment in truth["attachments"]:
        bill = next(b for b in truth["invoices"] if b["key"] == attachment["owner_key"])
        if bill["qb_id"] is None or bill.get("xero_id") not in bills and bill["qb_id"] not in bills.values():
            continue
        xero_bill = bill["xero_id"] or next(x for x, q in bills.items() if q == bill["qb_id"])
        names = [a["FileName"] for a in xero.request("GET", f"Invoices/{xero_bill}/Attachments").json()
                 ["Attachments"]]
        assert names.count(attachment["file_name"]) == 1, names


def test_balances_and_control_totals_tie_out_apart_from_the_queue(night):
    for pair in PAIRS:
        run_id = rows(night.db_url, "SELECT run_id FROM ledgerbridge.control_totals WHERE pair = %s "
                                    "ORDER BY checked_at DESC LIMIT 1", pair)[0]["run_id"]
        differences = rows(night.db_url, "SELECT * FROM ledgerbridge.control_differences WHERE run_id = %s AND "
                                         "pair = %s", run_id, pair)
        from ledgerbridge.db import sql  # noqa: PLC0415

        with psycopg.connect(night.db_url, row_factory=dict_row) as conn:
            unexplained = conn.execute(sql("control/unexplained"), {"pair": pair, "run_id": run_id}).fetchall()
        assert unexplained == [], f"{pair}: documents differ and nothing in the queue says why: {unexplained}"
        totals = rows(night.db_url, "SELECT kind, bucket, xero_amount, quickbooks_amount FROM "
                                    "ledgerbridge.control_totals WHERE run_id = %s AND pair = %s AND contact = 'total'",
                      run_id, pair)
        buckets = {t["bucket"] for t in totals}
        assert "all" in buckets and buckets <= {"all", "current", "1-30", "31-60", "61-90", "90+"}
        if not differences:
            assert all(t["xero_amount"] == t["quickbooks_amount"] for t in totals)


def test_a_second_night_writes_nothing(night):
    assert applied(night.db_url, run_chain()) == []


def test_a_void_and_a_hard_delete_are_carried_across_as_such(night):
    pair = night.pairs["north"]
    xero, qb = pair.hooks(night.db_url)
    invoices = links(night.db_url, "north", "invoices")
    queue = queued(night.db_url, "north")
    target = next(x for x in invoices if ("invoices", "xero", x) not in queue
                  and (inv := xero.get("Invoices", x))["Status"] == "AUTHORISED" and not inv.get("AmountPaid")
                  and not inv.get("AmountCredited"))
    voided = xero.write("Invoices", [WriteItem("v", {"InvoiceID": target, "Status": "VOIDED"})])
    assert voided[0].ok, voided[0].errors
    payments = links(night.db_url, "north", "payments")
    cash = [(x, q) for x, q in payments.items() if not q.endswith(":unapplied")
            and qb.get("Payment", q.split(":")[0]) and len(qb.get("Payment", q.split(":")[0])["Line"]) == 1
            and xero.get("Payments", x)]
    xero_payment, qb_part = cash[0]
    pair.quickbooks.control("POST", "hard-delete", json={"entity": "Payment", "id": qb_part.split(":")[0]})
    for box in (pair.xero, pair.quickbooks):
        box.control("POST", "clock", json={"advance": 5})
    run_ids = run_chain({"pair": "north"})
    assert (qb.get("Invoice", invoices[target])["PrivateNote"] or "").startswith("Voided")
    assert xero.get("Payments", xero_payment)["Status"] == "DELETED"
    trail = rows(night.db_url, "SELECT entity, ledger, operation FROM ledgerbridge.audit_log WHERE run_id = ANY(%s) "
                               "AND outcome = 'applied'", run_ids)
    assert {"entity": "invoices", "ledger": "quickbooks", "operation": "void"} in trail
    assert {"entity": "payments", "ledger": "xero", "operation": "delete"} in trail


def test_locations_travel_as_quickbooks_departments_and_regions_as_classes(night):
    """Xero's second tracking category (Location) is a QuickBooks Department, kept per transaction; Region is a Class,
    kept per line. Both are carried each way; a Xero invoice in two locations waits in the queue naming the line; a
    second night re-sends nothing."""
    pair = night.pairs["harbour"]
    xero, qb = pair.hooks(night.db_url)
    queue = queued(night.db_url, "harbour")

    def usable(entity: str, xero_id: str, qb_id: str, qb_entity: str) -> bool:
        """A linked contact both ledgers keep active, in the home currency, with nothing waiting in the queue."""
        contact, partner = xero.get("Contacts", xero_id), qb.get(qb_entity, qb_id)
        return ((entity, "xero", xero_id) not in queue and (entity, "quickbooks", qb_id) not in queue
                and contact["ContactStatus"] == "ACTIVE" and contact.get("DefaultCurrency", "GBP") == "GBP"
                and partner["Active"] and (partner.get("CurrencyRef") or {}).get("value", "GBP") == "GBP")

    customer = next(x for x, q in sorted(links(night.db_url, "harbour", "contacts").items())
                    if usable("contacts", x, q, "Customer"))
    supplier = next(q for x, q in sorted(links(night.db_url, "harbour", "suppliers").items())
                    if usable("suppliers", x, q, "Vendor"))
    today = xero.get("Contacts", customer)["UpdatedDateUTC"]  # the sandbox's clock, as a Xero date
    from xero.dates import parse_ms_date  # noqa: PLC0415

    day = parse_ms_date(today).date().isoformat()

    def line(amount: str, *tracking: tuple[str, str]) -> dict:
        return {"Description": f"Studio day at {amount}", "Quantity": "1", "UnitAmount": amount, "AccountCode": "200",
                "TaxType": "OUTPUT2", "Tracking": [{"Name": n, "Option": o} for n, o in tracking]}

    def invoice(number: str, *lines: dict) -> WriteItem:
        return WriteItem(number, {"Type": "ACCREC", "Contact": {"ContactID": customer}, "InvoiceNumber": number,
                                  "Date": day, "DueDate": day, "Status": "AUTHORISED", "LineItems": list(lines)})

    made = xero.write("Invoices", [
        invoice("LOC-1", line("400.00", ("Region", "North"), ("Location", "Bristol studio")), line("150.00")),
        invoice("LOC-2", line("90.00", ("Location", "Bristol studio")), line("60.00", ("Location", "Cardiff studio")))])
    assert all(m.ok for m in made), [m.errors for m in made]
    one_place, two_places = (m.ledger_id for m in made)
    expense_line = {"AccountRef": {"value": "83"}, "TaxCodeRef": {"value": "10"}}
    bill = qb.write_one("Bill", {
        "VendorRef": {"value": supplier}, "DocNumber": "LOC-B1", "TxnDate": day, "DueDate": day,
        "DepartmentRef": {"value": "2"}, "Line": [
            {"Amount": "80.00", "Description": "Cardiff rent share", "DetailType": "AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail": {**expense_line, "ClassRef": {"value": "5000000000000010002"}}},
            {"Amount": "20.00", "Description": "Cardiff cleaning", "DetailType": "AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail": expense_line}]}, key="loc-bill")
    spent = qb.write_one("Purchase", {
        "AccountRef": {"value": "35"}, "PaymentType": "Cash", "TxnDate": day, "PrivateNote": "LOC-E1",
        "EntityRef": {"value": supplier, "type": "Vendor"}, "DepartmentRef": {"value": "1"}, "Line": [
            {"Amount": "45.00", "Description": "Studio supplies", "DetailType": "AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail": expense_line}]}, key="loc-expense")
    for box in (pair.xero, pair.quickbooks):
        box.control("POST", "clock", json={"advance": 5})
    tracked = ["sync_invoices", "sync_bills", "sync_bank_transactions"]  # what carries tracking; contacts are linked
    run_chain({"pair": "harbour"}, tracked)

    copied = qb.get("Invoice", links(night.db_url, "harbour", "invoices")[one_place])
    assert copied["DepartmentRef"]["value"] == "1"
    assert [(ln["SalesItemLineDetail"].get("ClassRef") or {}).get("value") for ln in copied["Line"]
            if ln.get("DetailType") == "SalesItemLineDetail"] == ["5000000000000010001", None]
    assert two_places not in links(night.db_url, "harbour", "invoices")
    assert queued(night.db_url, "harbour")[("invoices", "xero", two_places)] == {"department_conflict"}
    message = rows(night.db_url, "SELECT message FROM ledgerbridge.exceptions WHERE entity = 'invoices' AND "
                                 "record_id = %s AND status = 'open'", two_places)[0]["message"]
    assert "LineItems[2].Tracking" in message and "one Department per transaction" in message
    xero_bill = next(x for x, q in links(night.db_url, "harbour", "bills").items() if q == bill["Id"])
    assert [sorted((t["Name"], t["Option"]) for t in ln["Tracking"]) for ln in xero.get("Invoices", xero_bill)[
        "LineItems"]] == [[("Location", "Cardiff studio"), ("Region", "South")], [("Location", "Cardiff studio")]]
    xero_expense = next(x for x, q in links(night.db_url, "harbour", "bank_transactions").items()
                        if q == f"Purchase:{spent['Id']}")
    assert [[(t["Name"], t["Option"]) for t in ln["Tracking"]] for ln in xero.get(
        "BankTransactions", xero_expense)["LineItems"]] == [[("Location", "Bristol studio")]]

    assert applied(night.db_url, run_chain({"pair": "harbour"}, tracked)) == []
