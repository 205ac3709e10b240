"""Seeded books as QuickBooks holds them: the converter on a small hand-made SideBooks, and ``--seed/--size``
with the generator's truth file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import requests

from sandbox.common.clock import Clock
from sandbox.quickbooks import seed
from sandbox.quickbooks.entities import ENTITIES
from sandbox.quickbooks.operations import Company
from sandbox.quickbooks.routes import dumps
from sandbox.quickbooks.store import Books
from sandbox.seed import reference
from sandbox.seed.model import (SeedAttachment, SeedBankLine, SeedBankTransaction, SeedContact, SeedCreditNote,
                                SeedInvoice, SeedItem, SeedJournal, SeedJournalLine, SeedLine, SeedOverpayment,
                                SeedPayment, SeedTrackingCategory, SeedTrackingOption, SideBooks)
from tests.sandbox.quickbooks.conftest import QBApi
from tests.sandbox.quickbooks.xsd import XsdIndex

D = Decimal
WHEN = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.timezone.utc)


def _line(amount: str, tax: str, tax_type: str = "OUTPUT2", item: str | None = "CONSULT-HR",
          account: str = "200") -> SeedLine:
    return SeedLine(description="work", quantity=D("1"), unit_amount=D(amount), account_code=account,
                    tax_type=tax_type, tax_amount=D(tax), item_code=item)


def _books() -> SideBooks:
    contacts = [
        SeedContact(key="c1", xero_id=None, qb_id="7", name="Quay Books Ltd", email="hi@quay.test",
                    tax_number="GB111", phone="0117 000", address_line1="1 Quay", city="Bristol",
                    postal_code="BS1", payment_terms_days=14, updated_at=WHEN),
        SeedContact(key="c2", xero_id=None, qb_id="3", name="Old Mill", archived=True, updated_at=WHEN),
        SeedContact(key="s1", xero_id=None, qb_id="2", name="Paper & Ink", is_customer=False, is_supplier=True,
                    tax_number="GB222", updated_at=WHEN),
        SeedContact(key="x1", xero_id="only-xero", qb_id=None, name="Xero Only"),
    ]
    day = dt.date(2026, 9, 1)
    invoices = [
        # three lines of 0.03 at 20%: the VAT per line rounds to 0.01 each (0.03), on the total to 0.02
        SeedInvoice(key="i1", xero_id=None, qb_id="5", kind="sales", number="0100", contact_key="c1", date=day,
                    due_date=day + dt.timedelta(days=14),
                    lines=[_line("0.03", "0.01"), _line("0.03", "0.01"), _line("0.03", "0.01")], updated_at=WHEN),
        SeedInvoice(key="i2", xero_id=None, qb_id="9", kind="sales", number=None, contact_key="c1", date=day,
                    due_date=day, lines=[_line("100.00", "20.00")], status="paid",
                    payments=[SeedPayment(date=day, amount=D("50.00"), account_code="090", reference="BACS 1",
                                              qb_id="3")], updated_at=WHEN),
        SeedInvoice(key="i3", xero_id=None, qb_id="4", kind="sales", number="0101", contact_key="c2", date=day,
                    due_date=day, lines=[_line("10.00", "2.00")], status="voided", updated_at=WHEN),
        SeedInvoice(key="i4", xero_id=None, qb_id="12", kind="sales", number="0102", contact_key="c1", date=day,
                    due_date=day, lines=[_line("10.00", "2.00")], status="deleted", updated_at=WHEN),
        SeedInvoice(key="b1", xero_id=None, qb_id="6", kind="bill", number="PI-9", contact_key="s1", date=day,
                    due_date=day, lines=[_line("40.00", "8.00", "INPUT2", item=None, account="461")],
                    updated_at=WHEN),
        SeedInvoice(key="x2", xero_id="x", qb_id=None, kind="sales", number="INV-1", contact_key="x1", date=day,
                    due_date=day, lines=[_line("1.00", "0.20")]),
    ]
    return SideBooks("quickbooks", reference.ORGANISATION_NAME, reference.ACCOUNTS, reference.TAX_RATES,
                     reference.ITEMS, contacts, invoices)


def test_side_books_become_quickbooks_records(xsd: XsdIndex) -> None:
    books = Books(Clock())
    company = Company("4620816365", books, books.clock)
    seed.reference_data(company)
    seed.side_books(company, _books(), books.clock.time())

    rendered = {name: {r.id: company.render(d, r) for r in books.all(name)} for name, d in ENTITIES.items()}
    as_json = json.loads(dumps(rendered))  # what a client would receive
    problems = [p for name, rows in as_json.items() for row in rows.values() for p in xsd.entity_problems(name, row)]
    assert problems == []

    quay = rendered["Customer"]["7"]
    assert quay["DisplayName"] == "Quay Books Ltd" and quay["PrimaryTaxIdentifier"] == "GB111"
    assert quay["PrimaryEmailAddr"] == {"Address": "hi@quay.test"} and quay["BillAddr"]["City"] == "Bristol"
    term = books.get("Term", quay["SalesTermRef"]["value"])
    assert term is not None and term.data["DueDays"] == 14  # a Net 14 term made for it
    assert quay["MetaData"]["LastUpdatedTime"] == "2026-10-01T02:30:00-07:00"
    assert rendered["Customer"]["3"]["Active"] is False
    assert rendered["Vendor"]["2"]["TaxIdentifier"] == "GB222" and "2" not in rendered["Customer"]
    assert "Xero Only" not in {c["DisplayName"] for c in rendered["Customer"].values()}

    penny = rendered["Invoice"]["5"]
    assert penny["TxnTaxDetail"]["TotalTax"] == D("0.03")  # the VAT as this side holds it, not recomputed
    assert penny["TotalAmt"] == D("0.12") and penny["DueDate"] == "2026-09-15"
    part_paid = rendered["Invoice"]["9"]
    assert part_paid["TotalAmt"] == D("120.00") and part_paid["Balance"] == D("70.00")
    assert "DocNumber" not in part_paid
    assert part_paid["LinkedTxn"] == [{"TxnId": "3", "TxnType": "Payment"}]
    payment = rendered["Payment"]["3"]
    assert payment["TotalAmt"] == D("50.00") and payment["PaymentRefNum"] == "BACS 1"
    assert payment["Line"] == [{"Amount": D("50.00"), "LinkedTxn": [{"TxnId": "9", "TxnType": "Invoice"}]}]
    assert payment["DepositToAccountRef"]["value"] == "35" and payment["CustomerRef"]["value"] == "7"
    assert rendered["Invoice"]["4"]["TotalAmt"] == 0 and rendered["Invoice"]["4"]["PrivateNote"] == "Voided"
    assert "12" not in rendered["Invoice"]
    assert [(t.entity, t.id) for t in books.tombstones] == [("Invoice", "12")]
    bill = rendered["Bill"]["6"]
    assert bill["TotalAmt"] == D("48.00") and bill["DocNumber"] == "PI-9"
    assert bill["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"]["value"] == "84"
    assert quay["Balance"] == D("0.12") + D("70.00")

    # a full update of a part-paid invoice keeps what was paid and the payment link (the server owns them)
    updated = company.update(ENTITIES["Invoice"], {"Id": "9", "SyncToken": "0", "CustomerRef": {"value": "7"},
                                                   "Line": [{"Amount": 200, "DetailType": "SalesItemLineDetail",
                                                             "SalesItemLineDetail": {"ItemRef": {"value": "3"}}}]})
    assert updated["Invoice"]["Balance"] == D("190.00") and updated["Invoice"]["LinkedTxn"] == part_paid["LinkedTxn"]

    # new ids continue after the highest seeded id, deleted ones included
    created = company.create(ENTITIES["Invoice"], {"CustomerRef": {"value": "7"}, "Line": [
        {"Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": "3"}}}]})
    assert int(created["Invoice"]["Id"]) == 13
    assert created["Invoice"]["DocNumber"] == "0102"  # one more than the highest number held, as wide
    assert int(company.create(ENTITIES["Customer"], {"DisplayName": "New"})["Customer"]["Id"]) == 8


def test_seeded_server_writes_the_truth(qb_factory, tmp_path: Path) -> None:
    truth_file = tmp_path / "truth.json"
    qb: QBApi = qb_factory("--seed", "11", "--size", "20", "--truth", str(truth_file), "--rate-limits", "off")
    truth = json.loads(truth_file.read_text())
    assert truth["seed"] == 11
    invoices = {r["Id"]: r for r in qb.rows("SELECT * FROM Invoice MAXRESULTS 1000", "Invoice")}
    bills = {r["Id"]: r for r in qb.rows("SELECT * FROM Bill MAXRESULTS 1000", "Bill")}
    checked = 0
    for doc in truth["invoices"]:
        if doc["qb_id"] is None or doc["qb_status"] == "deleted":
            continue
        record = (invoices if doc["kind"] == "sales" else bills)[doc["qb_id"]]
        assert Decimal(str(record["TotalAmt"])) == (0 if doc["qb_status"] == "voided" else Decimal(doc["qb_total"]))
        assert record.get("DocNumber") == doc["qb_number"]
        checked += 1
    assert checked > 10
    payments = {("sales", r["Id"]): r for r in qb.rows("SELECT * FROM Payment MAXRESULTS 1000", "Payment")}
    payments |= {("bill", r["Id"]): r for r in qb.rows("SELECT * FROM BillPayment MAXRESULTS 1000", "BillPayment")}
    seeded = [p for p in truth["payments"] if p["qb_id"]]
    assert seeded and all(Decimal(str(payments[(p["kind"], p["qb_id"])]["TotalAmt"])) >= Decimal(p["amount"])
                          for p in seeded)
    customers = qb.rows("SELECT * FROM Customer WHERE Active IN (true, false) MAXRESULTS 1000", "Customer")
    names = {c["Id"]: c["DisplayName"] for c in customers}
    for contact in truth["contacts"]:
        if contact["qb_id"] and contact["entity"] == "customer":
            assert names[contact["qb_id"]] == contact["qb_name"]


def _more_books() -> SideBooks:
    """Contacts and documents, and every list issue 4 added to SideBooks."""
    day = dt.date(2026, 9, 1)
    contacts = [
        SeedContact(key="c1", xero_id=None, qb_id="1", name="Quay Books Ltd", updated_at=WHEN),
        SeedContact(key="c2", xero_id=None, qb_id="2", name="Dollar Co", currency="USD", updated_at=WHEN),
        SeedContact(key="s1", xero_id=None, qb_id="1", name="Paper & Ink", is_customer=False, is_supplier=True,
                    updated_at=WHEN),
    ]
    north = [("Region", "North")]
    paid_twice = [SeedPayment(date=day, amount=D("60.00"), account_code="090", qb_id="7", group="g1"),
                  SeedPayment(date=day, amount=D("1.00"), account_code="090", qb_id="8", deleted=True)]
    invoices = [
        SeedInvoice(key="i1", xero_id=None, qb_id="1", kind="sales", number="0100", contact_key="c1", date=day,
                    due_date=day, lines=[_line("100.00", "20.00")], payments=[paid_twice[0], paid_twice[1]],
                    updated_at=WHEN),
        SeedInvoice(key="i2", xero_id=None, qb_id="2", kind="sales", number="0101", contact_key="c1", date=day,
                    due_date=day, lines=[SeedLine("work", D("1"), D("50.00"), "200", "OUTPUT2", D("10.00"),
                                                  item_code="CONSULT-HR", tracking=north)],
                    payments=[SeedPayment(date=day, amount=D("60.00"), account_code="090", qb_id="7", group="g1")],
                    updated_at=WHEN),
        SeedInvoice(key="i3", xero_id=None, qb_id="3", kind="sales", number="0102", contact_key="c2", date=day,
                    due_date=day, lines=[_line("100.00", "20.00")], currency="USD", currency_rate=D("1.25"),
                    updated_at=WHEN),
        SeedInvoice(key="b1", xero_id=None, qb_id="4", kind="bill", number="PI-1", contact_key="s1", date=day,
                    due_date=day, lines=[SeedLine("ink", D("1"), D("40.00"), "461", "RCINPUT", D("0.00"))],
                    updated_at=WHEN),
    ]
    only_qb = SeedItem("RUSH-FEE", "Rush fee", "Rush fee", D("150.00"), "260", None, "OUTPUT2", "20", None)
    not_here = dataclasses.replace(reference.ITEMS[-1], qb_id=None)
    credit_notes = [
        SeedCreditNote(key="cn1", xero_id=None, qb_id="5", kind="sales", number="CN-1", contact_key="c1", date=day,
                       lines=[_line("10.00", "2.00")], allocations=[("i1", D("12.00"), day)], updated_at=WHEN),
        SeedCreditNote(key="vc1", xero_id=None, qb_id="6", kind="purchase", number="CR-9", contact_key="s1",
                       date=day, lines=[_line("5.00", "1.00", "INPUT2", item=None, account="461")],
                       allocations=[("b1", D("6.00"), day)], updated_at=WHEN),
    ]
    overpayments = [SeedOverpayment(key="o1", xero_id=None, qb_id="9", contact_key="c1", date=day,
                                    amount=D("15.00"), account_code="090", updated_at=WHEN)]
    bank = [
        SeedBankTransaction(key="r1", xero_id=None, qb_id="10", kind="receive", contact_key="c1",
                            bank_account_code="090", date=day, lines=[SeedBankLine("interest", D("3.00"), "260",
                                                                                   "NONE", D("0"), north)],
                            updated_at=WHEN),
        SeedBankTransaction(key="x1", xero_id=None, qb_id="11", kind="spend", contact_key="s1",
                            bank_account_code="090", date=day, lines=[SeedBankLine("fee", D("10.00"), "429",
                                                                                   "INPUT2", D("2.00"))],
                            reference="100123", payment_type="Check", updated_at=WHEN),
        SeedBankTransaction(key="x2", xero_id=None, qb_id="12", kind="spend", contact_key=None,
                            bank_account_code="090", date=day, lines=[SeedBankLine("lunch", D("1.00"), "429",
                                                                                   "NONE", D("0"))],
                            status="deleted", updated_at=WHEN),
    ]
    journals = [
        SeedJournal(key="j1", xero_id=None, qb_id="13", narration="Reclassify", date=day, number="JNL-0001",
                    lines=[SeedJournalLine("to rent", "469", D("25.00"), tracking=north),
                           SeedJournalLine("from general", "429", D("-25.00"))], updated_at=WHEN),
        SeedJournal(key="j2", xero_id=None, qb_id="14", narration="Oops", date=day, status="deleted",
                    lines=[SeedJournalLine("a", "469", D("1")), SeedJournalLine("b", "429", D("-1"))],
                    updated_at=WHEN),
    ]
    attachments = [SeedAttachment(key="a1", owner_kind="bill", owner_key="b1", file_name="ink.pdf",
                                  mime_type="application/pdf", content=b"%PDF-1.4 ink", qb_id="3")]
    tracking = [SeedTrackingCategory("Region", "x", (SeedTrackingOption("North", "x", "5000000000000010001"),
                                                     SeedTrackingOption("Wales", "y", "5000000000000010009")))]
    return SideBooks("quickbooks", reference.ORGANISATION_NAME, reference.ACCOUNTS, reference.TAX_RATES,
                     [*reference.ITEMS[:-1], not_here, only_qb], contacts, invoices, credit_notes=credit_notes,
                     overpayments=overpayments, bank_transactions=bank, journals=journals, attachments=attachments,
                     tracking=tracking, currencies=["GBP", "USD", "EUR"], extra_tax_rates=reference.QB_EXTRA_TAX_RATES)


def test_the_new_side_book_lists_become_quickbooks_records(xsd: XsdIndex) -> None:
    books = Books(Clock())
    company = Company("4620816365", books, books.clock)
    seed.reference_data(company)
    seed.side_books(company, _more_books(), books.clock.time())
    rendered = {name: {r.id: company.render(d, r) for r in books.all(name)} for name, d in ENTITIES.items()}
    as_json = json.loads(dumps(rendered))
    assert [p for name, rows in as_json.items() for row in rows.values() for p in xsd.entity_problems(name, row)] == []

    items = rendered["Item"]
    assert items["20"]["Name"] == "Rush fee" and reference.ITEMS[-1].qb_id not in items
    assert {c["Code"] for c in rendered["CompanyCurrency"].values()} == {"USD", "EUR"}
    assert rendered["Class"]["5000000000000010009"]["Name"] == "Wales"
    assert rendered["TaxCode"]["14"]["PurchaseTaxRateList"]["TaxRateDetail"][0]["TaxRateRef"]["value"] == "28"
    assert rendered["Bill"]["4"]["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["TaxRateRef"]["value"] == "28"

    # one Payment for the group, over two invoices; the deleted one only a tombstone
    group = rendered["Payment"]["7"]
    assert group["TotalAmt"] == D("120.00") and [ln["LinkedTxn"][0]["TxnId"] for ln in group["Line"]] == ["1", "2"]
    assert "8" not in rendered["Payment"] and ("Payment", "8") in {(t.entity, t.id) for t in books.tombstones}
    first = rendered["Invoice"]["1"]
    # 120 less the payment (60) less the credit note allocation (12): the deleted 1.00 paid nothing
    assert first["Balance"] == D("48.00")
    memo = rendered["CreditMemo"]["5"]
    assert memo["TotalAmt"] == D("12.00") and memo["Balance"] == 0 and memo["RemainingCredit"] == 0
    applied = next(p for p in rendered["Payment"].values() if p["TotalAmt"] == 0)
    assert {(ln["LinkedTxn"][0]["TxnType"], ln["Amount"]) for ln in applied["Line"]} == {
        ("Invoice", D("12.00")), ("CreditMemo", D("12.00"))}
    assert {"TxnId": applied["Id"], "TxnType": "Payment"} in first["LinkedTxn"]
    assert int(applied["Id"]) > 14  # after every id the generator gave
    assert rendered["Invoice"]["2"]["Line"][0]["SalesItemLineDetail"]["ClassRef"]["value"] == "5000000000000010001"
    foreign = rendered["Invoice"]["3"]
    assert foreign["ExchangeRate"] == D("0.8") and foreign["HomeTotalAmt"] == D("96.00")
    credit = rendered["VendorCredit"]["6"]
    assert credit["Balance"] == 0 and rendered["Bill"]["4"]["Balance"] == D("34.00")
    bill_payment = next(iter(rendered["BillPayment"].values()))
    assert bill_payment["TotalAmt"] == 0 and rendered["Bill"]["4"]["LinkedTxn"] == [
        {"TxnId": bill_payment["Id"], "TxnType": "BillPaymentCheck"}]
    assert rendered["Payment"]["9"]["UnappliedAmt"] == D("15.00") and "Line" not in rendered["Payment"]["9"]
    # Quay: 48 + 60 - 15 unapplied (the group's 60 all paid invoice 1 and 2)
    assert rendered["Customer"]["1"]["Balance"] == D("48.00") + D("0.00") - D("15.00")

    deposit = rendered["Deposit"]["10"]
    assert deposit["TotalAmt"] == D("3.00") and deposit["Line"][0]["DepositLineDetail"]["Entity"] == {
        "value": "1", "name": "Quay Books Ltd", "type": "Customer"}
    purchase = rendered["Purchase"]["11"]
    assert purchase["PaymentType"] == "Check" and purchase["DocNumber"] == "100123"
    assert purchase["TotalAmt"] == D("12.00") and purchase["EntityRef"]["type"] == "Vendor"
    assert "12" not in rendered["Purchase"]
    journal = rendered["JournalEntry"]["13"]
    assert journal["TotalAmt"] == D("25.00") and journal["DocNumber"] == "JNL-0001"
    assert [ln["JournalEntryLineDetail"]["PostingType"] for ln in journal["Line"]] == ["Debit", "Credit"]
    assert ("JournalEntry", "14") in {(t.entity, t.id) for t in books.tombstones}
    attachable = rendered["Attachable"]["3"]
    assert attachable["Size"] == len(b"%PDF-1.4 ink") and attachable["AttachableRef"][0]["EntityRef"] == {
        "type": "Bill", "value": "4"}


def test_seeded_balances_agree_with_the_truth_file(qb_factory, tmp_path: Path) -> None:
    truth_file = tmp_path / "truth.json"
    qb: QBApi = qb_factory("--seed", "1", "--size", "40", "--truth", str(truth_file), "--rate-limits", "off")
    truth = json.loads(truth_file.read_text())

    def rows(entity: str) -> dict[str, dict]:
        found = qb.rows(f"SELECT * FROM {entity} MAXRESULTS 1000", entity)
        return {r["Id"]: r for r in found}

    invoices, bills = rows("Invoice"), rows("Bill")
    for doc in truth["invoices"]:
        if doc["qb_id"] and doc["qb_status"] not in ("deleted", "voided"):
            record = (invoices if doc["kind"] == "sales" else bills)[doc["qb_id"]]
            assert Decimal(str(record["Balance"])) == Decimal(doc["qb_due"]), doc["key"]
    memos, credits = rows("CreditMemo"), rows("VendorCredit")
    for note in truth["credit_notes"]:
        if note["qb_id"] and note["qb_status"] not in ("deleted", "voided"):
            record = (memos if note["kind"] == "sales" else credits)[note["qb_id"]]
            assert Decimal(str(record["Balance"])) == Decimal(note["qb_remaining"]), note["key"]
    for transaction in truth["bank_transactions"]:
        if transaction["qb_id"] and transaction["qb_status"] not in ("deleted", "voided"):
            record = qb.read(transaction["qb_entity"], transaction["qb_id"])
            assert Decimal(str(record["TotalAmt"])) == Decimal(transaction["qb_total"]), transaction["key"]
    for journal in truth["journals"]:
        if journal["qb_id"] and journal["qb_status"] == "posted":
            assert Decimal(str(qb.read("JournalEntry", journal["qb_id"])["TotalAmt"])) == Decimal(journal["total"])
    for attachment in truth["attachments"]:
        if attachment["qb_id"]:
            content = requests.get(qb.get(f"download/{attachment['qb_id']}").text, timeout=30).content
            assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
    # the customer and vendor balances are the control totals, contact by contact
    totals = truth["control_totals"]["quickbooks"]
    ids = {c["key"]: c for c in truth["contacts"] if c["qb_id"]}
    for kind, entity, side in (("receivables", "Customer", "customer"), ("payables", "Vendor", "supplier")):
        listed = totals[kind]["contacts"]
        for key, contact in ids.items():
            if contact["entity"] != side:
                continue
            record = qb.read(entity, contact["qb_id"])
            expected = Decimal(listed[key]["amount"]) if key in listed else Decimal("0")
            assert Decimal(str(record["Balance"])) == expected, (entity, key)
    currencies = qb.rows("SELECT * FROM CompanyCurrency", "CompanyCurrency")
    assert sorted({"GBP"} | {c["Code"] for c in currencies}) == sorted(truth["currencies"]["quickbooks"])
