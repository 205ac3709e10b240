"""Every reversible entity run against its default direction, through Airflow (dag.test), on divergent seeded books.

Invoices, credit notes and vendor credits flow QuickBooks -> Xero, bills and bill payments Xero -> QuickBooks;
items, contacts, suppliers, payments and bank transactions both ways; journals QuickBooks -> Xero (the only way they
can flow). The first night copies what only the new source side holds, with its lines, tax and totals to the penny,
and writes nothing the other way; every entity verifies aligned apart from the exception queue; the control totals
tie out apart from the queue; a second night writes nothing; an edit on the side that is now the source is carried
across; and an entity turned off is neither read nor written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from ledgerbridge.db import sql
from ledgerbridge.migrate import migrate
from quickbooks.hooks import QuickBooksHook
from reconcile import verify
from reconcile.entities import ENTITIES
from reconcile.run import RunInfo
from sandbox import process
from sandbox.process import RunningSandbox
from tests.e2e import chain
from tests.e2e.chain import ledger_env, pair_env, rows, run_chain, write_pairs
from tests.fixtures.airflow import run_in_process
from tests.fixtures.db import create_database, drop_database
from xero.hooks import XeroHook

pytestmark = pytest.mark.timeout(900)
PAIR = "reverse"
SEED = "13"  # no other test seeds these books
REVERSED = {"items": "both", "contacts": "both", "suppliers": "both", "invoices": "quickbooks_to_xero",
            "bills": "xero_to_quickbooks", "credit_notes": "quickbooks_to_xero",
            "vendor_credits": "quickbooks_to_xero", "payments": "both", "bill_payments": "xero_to_quickbooks",
            "bank_transactions": "both", "journals": "quickbooks_to_xero"}
ONE_WAY = {e: d.rsplit("_to_", 1)[1] for e, d in REVERSED.items() if "_to_" in d}  # entity -> ledger written
CENT = Decimal("0.01")


@dataclass
class Books:
    db_url: str
    xero: RunningSandbox
    quickbooks: RunningSandbox
    truth: dict[str, Any]
    pairs_file: Path
    by_hand: dict[str, str] | None = None  # entity -> id of a record keyed by hand in QuickBooks only

    def hooks(self) -> tuple[XeroHook, QuickBooksHook]:
        return chain.hooks(self.db_url, PAIR)

    def configure(self, directions: dict[str, str]) -> None:
        write_pairs(self.pairs_file, {PAIR: directions}, conflict={"prefer": "newest"})


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, airflow_db: str) -> Iterator[Books]:
    tmp = tmp_path_factory.mktemp("reversed")
    name, url = create_database("lb_reversed")
    migrate(url)
    truth = tmp / "truth.json"
    patch = pytest.MonkeyPatch()
    boxes: list[RunningSandbox] = []
    try:
        xero = process.start("xero", "--port", "0", "--seed", SEED, "--size", "40", "--rate-limits", "off",
                             "--truth", str(truth))
        boxes.append(xero)
        quickbooks = process.start("quickbooks", "--port", "0", "--seed", SEED, "--size", "40", "--rate-limits", "off")
        boxes.append(quickbooks)
        result = Books(url, xero, quickbooks, json.loads(truth.read_text()), tmp / "pairs.yaml")
        result.configure(REVERSED)
        for key, value in {**pair_env(PAIR, xero, quickbooks), **ledger_env(url, result.pairs_file)}.items():
            patch.setenv(key, value)
        result.by_hand = keep_by_hand(result)
        yield result
    finally:
        patch.undo()
        for box in boxes:
            box.stop()
        drop_database(name)


def keep_by_hand(books: Books) -> dict[str, str]:
    """The seeded books keep credit notes in Xero only; a bookkeeper raises a credit memo and a supplier credit in
    QuickBooks (which is now where they flow from), for contacts both ledgers hold."""
    _, qb = books.hooks()
    customer = next(c["qb_id"] for c in books.truth["contacts"] if c["entity"] == "customer"
                    and c["match"] == "pair" and c["qb_currency"] == "GBP"
                    and not any(d.startswith("archived") for d in c["differences"]))
    vendor = next(c["qb_id"] for c in books.truth["contacts"] if c["entity"] == "supplier"
                  and c["match"] == "pair" and c["qb_currency"] == "GBP"
                    and not any(d.startswith("archived") for d in c["differences"]))
    memo = qb.write_one("CreditMemo", {
        "CustomerRef": {"value": customer}, "DocNumber": "CM-HAND-1", "TxnDate": "2026-10-20",
        "GlobalTaxCalculation": "TaxExcluded",
        "Line": [{"Amount": "75.00", "Description": "Goodwill credit: late delivery", "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 2, "UnitPrice": "37.50",
                                          "TaxCodeRef": {"value": "2"}}},
                 {"Amount": "19.99", "Description": "Returned binder", "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": "9"}, "Qty": 1, "UnitPrice": "19.99",
                                          "TaxCodeRef": {"value": "2"}}}]}, key="reversed-credit-memo")
    credit = qb.write_one("VendorCredit", {
        "VendorRef": {"value": vendor}, "DocNumber": "VC-HAND-1", "TxnDate": "2026-10-21",
        "GlobalTaxCalculation": "TaxExcluded",
        "Line": [{"Amount": "41.67", "Description": "Refund of overcharged courier", "DetailType":
                  "AccountBasedExpenseLineDetail", "AccountBasedExpenseLineDetail": {
                      "AccountRef": {"value": "83"}, "TaxCodeRef": {"value": "2"}}}]}, key="reversed-vendor-credit")
    return {"credit_notes": str(memo["Id"]), "vendor_credits": str(credit["Id"])}


def queued(db_url: str) -> dict[tuple[str, str, str], set[str]]:
    return chain.queued(db_url, PAIR)


def xref(db_url: str, entity: str) -> list[dict]:
    return rows(db_url, "SELECT xero_id, quickbooks_id, method FROM ledgerbridge.xref WHERE pair = %s AND entity = %s",
                PAIR, entity)


def applied(db_url: str, run_ids: list[str]) -> list[dict]:
    return [w for w in chain.applied(db_url, run_ids) if w["pair"] == PAIR]


def money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(CENT)


def only_in(truth: dict[str, Any], key: str, ledger: str, kind: str) -> list[dict]:
    """The seeded records of one kind that only ``ledger`` holds, in a status that is carried across."""
    side, other = ("qb", "xero") if ledger == "quickbooks" else ("xero", "qb")
    return [r for r in truth[key] if r.get("kind") == kind and r["match"] == "single" and r[f"{side}_id"]
            and not r[f"{other}_id"] and r[f"{side}_status"] in ("authorised", "paid")]


FIRST: dict[str, list[str]] = {}


def test_the_first_night_writes_each_entity_in_its_reversed_direction(books):
    FIRST["runs"] = run_chain()
    written = applied(books.db_url, FIRST["runs"])
    by_entity: dict[str, set[tuple[str, str]]] = {}
    for w in written:
        by_entity.setdefault(w["entity"], set()).add((w["ledger"], w["operation"]))
    # the reversed documents were created where they now flow to
    missing = [entity for entity, ledger in (("invoices", "xero"), ("bills", "quickbooks"), ("credit_notes", "xero"),
                                             ("vendor_credits", "xero"), ("bill_payments", "quickbooks"))
               if (ledger, "create") not in by_entity.get(entity, set())]
    # and nothing of a one-way entity went the other way
    for w in written:
        if w["entity"] in ONE_WAY:
            assert w["ledger"] == ONE_WAY[w["entity"]], w
    misaligned = {}
    for entity in ENTITIES:
        result = verify.check(entity, PAIR, RunInfo(f"verify-{entity}", "verify"))
        if not result.aligned:
            misaligned[entity] = (result.would_write[:5], result.unexplained[:5])
    assert (missing, misaligned) == ([], {}), by_entity


def _xero_lines(invoice: dict) -> list[tuple]:
    return sorted((ln.get("Description") or "", money(ln.get("LineAmount")), money(ln.get("TaxAmount")))
                  for ln in invoice["LineItems"])


def test_quickbooks_only_invoices_are_created_in_xero_to_the_penny(books):
    xero, qb = books.hooks()
    queue = queued(books.db_url)
    links = {r["quickbooks_id"]: r for r in xref(books.db_url, "invoices")}
    checked = 0
    for seeded in only_in(books.truth, "invoices", "quickbooks", "sales"):
        link = links.get(seeded["qb_id"])
        if link is None:  # not copied: then the queue says why
            assert ("invoices", "quickbooks", seeded["qb_id"]) in queue, seeded
            continue
        assert link["method"] == "created", seeded
        source, copy = qb.get("Invoice", seeded["qb_id"]), xero.get("Invoices", link["xero_id"])
        assert copy["Type"] == "ACCREC"
        # a paid invoice's payment followed it (payments flow both ways), so the copy is paid too
        assert copy["Status"] == ("PAID" if seeded["qb_status"] == "paid" else "AUTHORISED"), seeded
        assert copy["InvoiceNumber"] == source["DocNumber"]
        assert copy["CurrencyCode"] == source["CurrencyRef"]["value"]
        assert money(copy["Total"]) == money(source["TotalAmt"])
        assert money(copy["TotalTax"]) == money(source["TxnTaxDetail"]["TotalTax"])
        qb_lines = sorted((ln.get("Description") or "", money(ln["Amount"]))
                          for ln in source["Line"] if ln.get("DetailType") == "SalesItemLineDetail")
        assert [(d, a) for d, a, _ in _xero_lines(copy)] == qb_lines
        assert money(copy["SubTotal"]) == sum((a for _, a in qb_lines), Decimal("0"))
        checked += 1
    assert checked >= 1


def test_xero_only_bills_are_created_in_quickbooks_to_the_penny(books):
    xero, qb = books.hooks()
    queue = queued(books.db_url)
    links = {r["xero_id"]: r for r in xref(books.db_url, "bills")}
    checked = 0
    for seeded in only_in(books.truth, "invoices", "xero", "bill"):
        link = links.get(seeded["xero_id"])
        if link is None:  # not copied: then the queue says why
            assert ("bills", "xero", seeded["xero_id"]) in queue, seeded
            continue
        assert link["method"] == "created", seeded
        source, copy = xero.get("Invoices", seeded["xero_id"]), qb.get("Bill", link["quickbooks_id"])
        assert copy["DocNumber"] == (source.get("InvoiceNumber") or "")[:21]
        assert copy["CurrencyRef"]["value"] == source["CurrencyCode"]
        assert money(copy["TotalAmt"]) == money(source["Total"])
        assert money(copy["TxnTaxDetail"]["TotalTax"]) == money(source["TotalTax"])
        qb_lines = sorted((ln.get("Description") or "", money(ln["Amount"])) for ln in copy["Line"]
                          if ln.get("DetailType") in ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"))
        assert qb_lines == [(d, a) for d, a, _ in _xero_lines(source)]
        checked += 1
    assert checked >= 1


def test_quickbooks_only_credits_are_created_in_xero(books):
    xero, qb = books.hooks()
    for entity, resource, kind in (("credit_notes", "CreditMemo", "ACCRECCREDIT"),
                                   ("vendor_credits", "VendorCredit", "ACCPAYCREDIT")):
        qb_id = books.by_hand[entity]
        link = next(r for r in xref(books.db_url, entity) if r["quickbooks_id"] == qb_id)
        assert link["method"] == "created"
        source, copy = qb.get(resource, qb_id), xero.get("CreditNotes", link["xero_id"])
        assert copy["Type"] == kind and copy["CreditNoteNumber"] == source["DocNumber"]
        assert money(copy["Total"]) == money(source["TotalAmt"]) and money(copy["TotalTax"]) == money(
            source["TxnTaxDetail"]["TotalTax"])
        assert [(d, a) for d, a, _ in _xero_lines(copy)] == sorted(
            (ln.get("Description") or "", money(ln["Amount"])) for ln in source["Line"]
            if ln.get("DetailType") in ("SalesItemLineDetail", "AccountBasedExpenseLineDetail"))
    # what only Xero holds of an entity flowing from QuickBooks waits in the queue, and is not copied
    queue = queued(books.db_url)
    xero_only = [c for c in books.truth["credit_notes"] if c["kind"] == "sales" and c["match"] == "single"
                 and c["xero_id"] and c["xero_status"] == "authorised"]
    assert xero_only
    linked = {r["xero_id"] for r in xref(books.db_url, "credit_notes")}
    for c in xero_only:
        assert "one_sided" in queue[("credit_notes", "xero", c["xero_id"])] and c["xero_id"] not in linked


def test_bill_payments_follow_the_bills_into_quickbooks(books):
    xero, qb = books.hooks()
    bills = {r["xero_id"]: r["quickbooks_id"] for r in xref(books.db_url, "bills")}
    created = [r for r in xref(books.db_url, "bill_payments") if r["method"] == "created"]
    assert created
    for link in created:
        payment = xero.get("Payments", link["xero_id"])
        bill_payment_id, bill_id = link["quickbooks_id"].split(":")
        copy = qb.get("BillPayment", bill_payment_id)
        assert bills[payment["Invoice"]["InvoiceID"]] == bill_id
        line = next(ln for ln in copy["Line"] if ln["LinkedTxn"][0]["TxnId"] == bill_id)
        assert money(line["Amount"]) == money(payment["Amount"])


def test_balances_and_control_totals_tie_out_apart_from_the_queue(books):
    run_id = rows(books.db_url, "SELECT run_id FROM ledgerbridge.control_totals WHERE pair = %s "
                                "ORDER BY checked_at DESC LIMIT 1", PAIR)[0]["run_id"]
    assert run_id in FIRST["runs"]
    with psycopg.connect(books.db_url, row_factory=dict_row) as conn:
        unexplained = conn.execute(sql("control/unexplained"), {"pair": PAIR, "run_id": run_id}).fetchall()
    assert unexplained == [], f"documents differ and nothing in the queue says why: {unexplained}"
    differences = rows(books.db_url, "SELECT * FROM ledgerbridge.control_differences WHERE run_id = %s AND pair = %s",
                       run_id, PAIR)
    assert differences, "the seeded books differ where only the queue can explain it (one-sided documents)"
    # a paid QuickBooks invoice copied to Xero without its payment: the payment followed in the same night, and the
    # control totals closed the difference the invoice stage had queued
    links = {r["quickbooks_id"] for r in xref(books.db_url, "invoices") if r["method"] == "created"}
    copied_paid = [i["qb_id"] for i in only_in(books.truth, "invoices", "quickbooks", "sales")
                   if i["qb_status"] == "paid" and i["qb_id"] in links]
    assert copied_paid
    queue = queued(books.db_url)
    for qb_id in copied_paid:
        assert "payment_mismatch" not in queue.get(("invoices", "quickbooks", qb_id), set()), qb_id


def test_a_second_night_writes_nothing(books):
    assert applied(books.db_url, run_chain()) == []
    # a paid invoice copied without its payment waited in the queue until the payment followed; now it is closed
    links = {r["quickbooks_id"] for r in xref(books.db_url, "invoices") if r["method"] == "created"}
    copied_paid = [i["qb_id"] for i in only_in(books.truth, "invoices", "quickbooks", "sales")
                   if i["qb_status"] == "paid" and i["qb_id"] in links]
    assert copied_paid
    queue = queued(books.db_url)
    for qb_id in copied_paid:
        assert "payment_mismatch" not in queue.get(("invoices", "quickbooks", qb_id), set()), qb_id


def test_an_edit_on_the_side_that_is_now_the_source_is_carried_across(books):
    xero, qb = books.hooks()
    queue = queued(books.db_url)
    links = {r["quickbooks_id"]: r["xero_id"] for r in xref(books.db_url, "invoices")}
    qb_id, xero_id = next((q, x) for q, x in sorted(links.items(), key=lambda kv: int(kv[0]))
                          if ("invoices", "xero", x) not in queue and ("invoices", "quickbooks", q) not in queue
                          and (inv := xero.get("Invoices", x))["Status"] == "AUTHORISED"
                          and not inv.get("AmountPaid") and not inv.get("AmountCredited"))
    for box in (books.xero, books.quickbooks):
        box.control("POST", "clock", json={"advance": 5})
    current = qb.get("Invoice", qb_id)
    lines = [dict(ln) for ln in current["Line"] if ln.get("DetailType") == "SalesItemLineDetail"]
    lines[0]["Description"] = "Revised scope: two extra review rounds"
    due = "2026-12-31"
    qb.write_one("Invoice", {"Id": qb_id, "SyncToken": current["SyncToken"], "sparse": True, "DueDate": due,
                             "Line": lines, "TxnTaxDetail": current["TxnTaxDetail"]},
                 operation="update", key="reversed-edit")
    runs = run_chain({"pair": PAIR})
    copy = xero.get("Invoices", xero_id)
    assert copy["DueDateString"][:10] == due
    assert "Revised scope: two extra review rounds" in [ln.get("Description") for ln in copy["LineItems"]]
    assert money(copy["Total"]) == money(current["TotalAmt"])
    written = applied(books.db_url, runs)
    assert {(w["entity"], w["ledger"], w["operation"], w["target_id"]) for w in written} == {
        ("invoices", "xero", "update", xero_id)}
    assert qb.get("Invoice", qb_id)["SyncToken"] != current["SyncToken"] and qb.get("Invoice", qb_id)["DueDate"] == due


def _journal_calls(box: RunningSandbox) -> list[dict]:
    return [c for c in box.calls() if "journal" in (c["path"] + " " + (c.get("query") or "")).lower()]


def test_an_entity_turned_off_is_neither_read_nor_written(books):
    xero, qb = books.hooks()
    books.configure({**REVERSED, "journals": "off"})
    try:
        for box in (books.xero, books.quickbooks):
            box.control("POST", "clock", json={"advance": 5})
        # a journal keyed in QuickBooks only: with journals on it would be copied to Xero
        entry = qb.write_one("JournalEntry", {
            "TxnDate": "2026-10-30", "DocNumber": "JNL-OFF-1", "PrivateNote": "Accrue October audit fee",
            "Line": [{"Amount": "480.00", "Description": "Audit fee accrual", "DetailType": "JournalEntryLineDetail",
                      "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "83"}}},
                     {"Amount": "480.00", "Description": "Audit fee accrual", "DetailType": "JournalEntryLineDetail",
                      "JournalEntryLineDetail": {"PostingType": "Credit", "AccountRef": {"value": "38"}}}]},
            key="reversed-journal-off")
        manual_journals = len(list(xero.iter_records("ManualJournals")))
        for box in (books.xero, books.quickbooks):
            box.control("DELETE", "calls")
        runs = run_chain({"pair": PAIR}, ["sync_invoices", "sync_journals"])
        assert _journal_calls(books.xero) == [] and _journal_calls(books.quickbooks) == []
        assert any("Invoice" in (c.get("query") or "") for c in books.quickbooks.calls())  # the log does see reads
        assert rows(books.db_url, "SELECT * FROM ledgerbridge.run_summary WHERE run_id = ANY(%s) AND entity = "
                                  "'journals'", runs) == []
        assert rows(books.db_url, "SELECT * FROM ledgerbridge.outbox WHERE entity = 'journals' AND "
                                  "(planned_run_id = ANY(%s) OR sent_run_id = ANY(%s))", runs, runs) == []
        assert len(list(xero.iter_records("ManualJournals"))) == manual_journals
    finally:
        books.configure(REVERSED)
    # turned on again, the journal kept meanwhile is carried across
    result = run_in_process("sync_journals", {"pair": PAIR})
    assert result.ok, result.summary()
    link = next(r for r in xref(books.db_url, "journals") if r["quickbooks_id"] == str(entry["Id"]))
    assert xero.get("ManualJournals", link["xero_id"])["Narration"] == "Accrue October audit fee"
