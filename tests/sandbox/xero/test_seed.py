"""The seed converter (``sandbox.xero.seed``): ledger-neutral SideBooks become Xero records with the ids given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sandbox.seed import reference as ref
from sandbox.seed.generate import generate
from sandbox.seed.model import SeedContact, SeedInvoice, SeedLine, SeedPayment, SideBooks
from sandbox.xero.seed import build_books

ORG = "7d7b0d5e-3f59-4c2b-9d7e-0c6a1b2f9e01"


def _side() -> SideBooks:
    customer = SeedContact(key="cust-1", xero_id=ref.stable_uuid("t", "c1"), qb_id="1", name="Bayside Club Ltd",
                           email="ap@bayside.example", is_customer=True, payment_terms_days=30)
    supplier = SeedContact(key="supp-1", xero_id=ref.stable_uuid("t", "s1"), qb_id="2", name="Leith Print",
                           is_customer=False, is_supplier=True, archived=True)
    line = SeedLine("Design day rate", Decimal("2"), Decimal("640.00"), "200", "OUTPUT2", Decimal("256.00"),
                    "DESIGN-DAY")
    odd = SeedLine("Print run", Decimal("3"), Decimal("38.55"), "200", "OUTPUT2", Decimal("23.14"))  # 23.13 +1p
    return SideBooks(
        ledger="xero", organisation_name=ref.ORGANISATION_NAME, accounts=ref.ACCOUNTS, tax_rates=ref.TAX_RATES,
        items=ref.ITEMS, contacts=[customer, supplier],
        invoices=[
            SeedInvoice(key="s1", xero_id=ref.stable_uuid("t", "i1"), qb_id=None, kind="sales", number="INV-0007",
                        contact_key="cust-1", date=dt.date(2026, 9, 1), due_date=dt.date(2026, 10, 1),
                        lines=[line], status="paid",
                        payments=[SeedPayment(dt.date(2026, 9, 20), Decimal("1536.00"), "090", "BACS 1",
                                              key="s1-p1", xero_id=ref.stable_uuid("t", "p1"))]),
            SeedInvoice(key="s2", xero_id=ref.stable_uuid("t", "i2"), qb_id=None, kind="sales", number=None,
                        contact_key="cust-1", date=dt.date(2026, 9, 2), due_date=dt.date(2026, 10, 2),
                        lines=[odd], status="voided"),
            SeedInvoice(key="b1", xero_id=ref.stable_uuid("t", "i3"), qb_id=None, kind="bill", number="SUP-1",
                        contact_key="supp-1", date=dt.date(2026, 9, 3), due_date=dt.date(2026, 9, 17),
                        lines=[SeedLine("Paper", Decimal("1"), Decimal("100.00"), "429", "INPUT2",
                                        Decimal("20.00"))],
                        payments=[SeedPayment(dt.date(2026, 9, 10), Decimal("50.00"), "090")]),
        ])


def test_reference_only_books() -> None:
    books = build_books(None, ORG)
    assert [r["Name"] for r in books.records("Organisation")] == ["Harbour & Finch Ltd"]
    assert [r["Code"] for r in books.records("Currencies")] == ["GBP", "USD"]
    assert len(list(books.records("Accounts"))) == len(ref.ACCOUNTS)
    assert books.get("TaxRates", "OUTPUT2")["EffectiveRate"] == Decimal("20.0000")
    assert books.get("Items", ref.item("BOOKS").xero_id)["SalesDetails"]["TaxType"] == "ZERORATEDOUTPUT"
    assert list(books.records("Contacts")) == [] and list(books.records("Invoices")) == []


def test_side_books_become_xero_records() -> None:
    books = build_books(_side(), ORG)
    bayside = books.get("Contacts", ref.stable_uuid("t", "c1"))
    assert bayside["PaymentTerms"] == {"Sales": {"Day": 30, "Type": "DAYSAFTERBILLDATE"}}
    assert books.get("Contacts", ref.stable_uuid("t", "s1"))["ContactStatus"] == "ARCHIVED"

    paid = books.get("Invoices", ref.stable_uuid("t", "i1"))
    assert (paid["Status"], paid["Total"], paid["AmountDue"], paid["FullyPaidOnDate"]) == (
        "PAID", Decimal("1536.00"), Decimal("0.00"), dt.date(2026, 9, 20))
    assert paid["LineItems"][0]["ItemCode"] == "DESIGN-DAY"
    [payment] = [p for p in books.records("Payments") if p["Invoice"]["InvoiceID"] == paid["InvoiceID"]]
    assert payment["PaymentID"] == ref.stable_uuid("t", "p1") and payment["PaymentType"] == "ACCRECPAYMENT"

    voided = books.get("Invoices", ref.stable_uuid("t", "i2"))
    assert voided["InvoiceNumber"] == "INV-0008"  # numbered after the highest seeded one
    assert voided["TotalTax"] == Decimal("23.14") and voided["Total"] == Decimal("138.79")  # the seeded cent stays
    assert (voided["Status"], voided["AmountDue"]) == ("VOIDED", Decimal("0"))

    bill = books.get("Invoices", ref.stable_uuid("t", "i3"))
    assert (bill["Type"], bill["Status"], bill["AmountPaid"], bill["AmountDue"]) == (
        "ACCPAY", "AUTHORISED", Decimal("50.00"), Decimal("70.00"))
    assert "Reference" not in bill


def test_generated_books_convert_whole() -> None:
    seeded = generate(3, 12)
    books = build_books(seeded.xero, ORG)
    invoices = list(books.records("Invoices"))
    assert len(invoices) == len(seeded.xero.invoices)
    by_id = {i["InvoiceID"]: i for i in invoices}
    for seed in seeded.xero.invoices:
        assert by_id[seed.xero_id]["Total"] == seed.total
        assert by_id[seed.xero_id]["AmountPaid"] == seed.amount_paid
