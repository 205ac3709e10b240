"""Seeded books as QuickBooks holds them: the converter on a small hand-made SideBooks, and ``--seed/--size``
with the generator's truth file."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sandbox.common.clock import Clock
from sandbox.quickbooks import seed
from sandbox.quickbooks.entities import ENTITIES
from sandbox.quickbooks.operations import Company
from sandbox.quickbooks.routes import dumps
from sandbox.quickbooks.store import Books
from sandbox.seed import reference
from sandbox.seed.model import SeedContact, SeedInvoice, SeedLine, SeedPayment, SideBooks
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
