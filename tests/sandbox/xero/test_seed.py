"""The seed converter (``sandbox.xero.seed``): ledger-neutral SideBooks become Xero records with the ids given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sandbox.seed import reference as ref
from sandbox.seed.generate import generate
from sandbox.seed.model import (SeedAttachment, SeedBankLine, SeedBankTransaction, SeedContact, SeedCreditNote,
                                SeedInvoice, SeedItem, SeedJournal, SeedJournalLine, SeedLine, SeedOverpayment,
                                SeedPayment, SideBooks)
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


def _full_side() -> SideBooks:
    """Every list SideBooks has, small: the converter must take each (issue 4)."""
    side = _side()
    side.contacts[1].archived = False
    photo = SeedItem(code="PHOTO", name="Photography day", description="Photography day",
                     unit_price=Decimal("450.00"), sales_account_code="200", purchase_account_code=None,
                     tax_type="OUTPUT2", qb_id=None, xero_id=ref.stable_uuid("t", "photo"))
    qb_only = SeedItem(code="QB-ONLY", name="QuickBooks only", description="x", unit_price=Decimal("1"),
                       sales_account_code="200", purchase_account_code=None, tax_type="OUTPUT2", qb_id="30",
                       xero_id=None)
    side.items = [*ref.ITEMS, photo, qb_only]
    side.tracking = list(ref.TRACKING)
    side.currencies = ["GBP", "USD", "EUR"]
    tracked = SeedLine("Workshop", Decimal("1"), Decimal("100.00"), "200", "OUTPUT2", Decimal("20.00"),
                       tracking=[("Region", "North")])
    side.invoices.append(SeedInvoice(
        key="s3", xero_id=ref.stable_uuid("t", "i4"), qb_id=None, kind="sales", number="INV-0010",
        contact_key="cust-1", date=dt.date(2026, 9, 5), due_date=dt.date(2026, 10, 5), lines=[tracked],
        payments=[SeedPayment(dt.date(2026, 9, 9), Decimal("30.00"), "090", key="p-a",
                              xero_id=ref.stable_uuid("t", "pa"), group="group-1"),
                  SeedPayment(dt.date(2026, 9, 10), Decimal("10.00"), "090", key="p-b",
                              xero_id=ref.stable_uuid("t", "pb"), deleted=True)],
        amount_credited=Decimal("50.00")))
    side.credit_notes = [
        SeedCreditNote(key="cn-1", xero_id=ref.stable_uuid("t", "cn1"), qb_id=None, kind="sales", number=None,
                       contact_key="cust-1", date=dt.date(2026, 9, 12),
                       lines=[SeedLine("Refund", Decimal("1"), Decimal("50.00"), "200", "OUTPUT2", Decimal("10.00"))],
                       allocations=[("s3", Decimal("50.00"), dt.date(2026, 9, 13))]),
        SeedCreditNote(key="cn-2", xero_id=ref.stable_uuid("t", "cn2"), qb_id=None, kind="purchase", number="SC-9",
                       contact_key="supp-1", date=dt.date(2026, 9, 14), status="paid",
                       lines=[SeedLine("Returned paper", Decimal("1"), Decimal("10.00"), "429", "INPUT2",
                                       Decimal("2.00"))])]
    side.overpayments = [SeedOverpayment(key="over-1", xero_id=ref.stable_uuid("t", "o1"), qb_id="40",
                                         contact_key="cust-1", date=dt.date(2026, 9, 15), amount=Decimal("75.00"),
                                         account_code="090")]
    side.bank_transactions = [SeedBankTransaction(
        key="bank-1", xero_id=ref.stable_uuid("t", "b1"), qb_id=None, kind="spend", contact_key="supp-1",
        bank_account_code="090", date=dt.date(2026, 9, 16), reference="Card",
        lines=[SeedBankLine("Taxi", Decimal("15.00"), "493", "INPUT2", Decimal("3.00"),
                            tracking=[("Region", "London")])])]
    side.journals = [SeedJournal(key="journal-1", xero_id=ref.stable_uuid("t", "j1"), qb_id="1",
                                 narration="Accrual", date=dt.date(2026, 9, 30),
                                 lines=[SeedJournalLine("Rent", "469", Decimal("900.00")),
                                        SeedJournalLine("Accrual", "820", Decimal("-900.00"))])]
    side.attachments = [SeedAttachment(key="att-1", owner_kind="journal", owner_key="journal-1",
                                       file_name="rent.pdf", mime_type="application/pdf", content=b"%PDF-1.4 rent",
                                       xero_id=ref.stable_uuid("t", "a1"))]
    return side


def test_every_seeded_list_is_loaded() -> None:
    books = build_books(_full_side(), ORG)
    assert [r["Code"] for r in books.records("Currencies")] == ["GBP", "USD", "EUR"]
    assert books.get("Items", ref.stable_uuid("t", "photo"))["Code"] == "PHOTO"
    assert not [i for i in books.records("Items") if i["Code"] == "QB-ONLY"]  # QuickBooks holds it, Xero does not
    assert books.get("TrackingCategories", ref.TRACKING[0].xero_id)["Name"] == "Region"

    invoice = books.get("Invoices", ref.stable_uuid("t", "i4"))
    assert invoice["LineItems"][0]["Tracking"] == [{"Name": "Region", "Option": "North",
                                                    "TrackingCategoryID": ref.TRACKING[0].xero_id,
                                                    "TrackingOptionID": ref.TRACKING[0].options[0].xero_id}]
    # 120.00 less 30.00 paid (the deleted 10.00 pays nothing) less 50.00 credited
    assert (invoice["AmountPaid"], invoice["AmountCredited"], invoice["AmountDue"], invoice["Status"]) == (
        Decimal("30.00"), Decimal("50.00"), Decimal("40.00"), "AUTHORISED")
    deleted = books.get("Payments", ref.stable_uuid("t", "pb"))
    assert deleted["Status"] == "DELETED" and books.get("Payments", ref.stable_uuid("t", "pa"))["Status"] == \
        "AUTHORISED"

    note = books.get("CreditNotes", ref.stable_uuid("t", "cn1"))
    assert (note["CreditNoteNumber"], note["Total"], note["RemainingCredit"], note["Status"]) == (
        "CN-0001", Decimal("60.00"), Decimal("10.00"), "AUTHORISED")
    [allocation] = list(books.records("Allocations"))
    assert allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"] and allocation["Amount"] == Decimal("50.00")
    refunded = books.get("CreditNotes", ref.stable_uuid("t", "cn2"))
    assert (refunded["Status"], refunded["RemainingCredit"], refunded["CreditNoteNumber"]) == (
        "PAID", Decimal("0.00"), "SC-9")
    [refund] = [p for p in books.records("Payments") if p.get("CreditNote")]
    assert (refund["PaymentType"], refund["Amount"]) == ("APCREDITPAYMENT", Decimal("12.00"))

    over = books.get("Overpayments", ref.stable_uuid("t", "o1"))
    assert (over["Type"], over["RemainingCredit"], over["Status"]) == ("RECEIVE-OVERPAYMENT", Decimal("75.00"),
                                                                       "AUTHORISED")
    made_by = books.get("BankTransactions", over["_BankTransactionID"])
    assert made_by["OverpaymentID"] == over["OverpaymentID"] and made_by["Type"] == "RECEIVE-OVERPAYMENT"

    spend = books.get("BankTransactions", ref.stable_uuid("t", "b1"))
    assert (spend["Type"], spend["Total"], spend["Reference"]) == ("SPEND", Decimal("18.00"), "Card")
    assert spend["LineItems"][0]["Tracking"][0]["Option"] == "London"

    journal = books.get("ManualJournals", ref.stable_uuid("t", "j1"))
    assert (journal["Status"], [ln["LineAmount"] for ln in journal["JournalLines"]]) == (
        "POSTED", [Decimal("900.00"), Decimal("-900.00")])
    attachment = books.get("Attachments", ref.stable_uuid("t", "a1"))
    assert (attachment["_Owner"], attachment["_OwnerID"], attachment["ContentLength"]) == (
        "ManualJournals", journal["ManualJournalID"], len(b"%PDF-1.4 rent"))


def test_broken_seeds_are_named() -> None:
    side = _full_side()
    side.credit_notes[0].allocations = [("no-such-invoice", Decimal("1"), dt.date(2026, 9, 13))]
    with pytest.raises(ValueError, match="no-such-invoice"):
        build_books(side, ORG)
    side = _full_side()
    side.journals[0].lines[0].amount = Decimal("901.00")
    with pytest.raises(ValueError, match="does not balance"):
        build_books(side, ORG)
    side = _full_side()
    side.bank_transactions[0].lines[0].tracking = [("Region", "Mars")]
    with pytest.raises(ValueError, match="Region/Mars"):
        build_books(side, ORG)
