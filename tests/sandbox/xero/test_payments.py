"""Payments: PUT batches and POST of one bare Payment, what they do to the invoice (AmountPaid, AmountDue, PAID and
back), the only update (PaymentDelete), Xero's refusals, foreign-currency rates, paging and replay (fact sheet §1)."""

from __future__ import annotations

import uuid

import pytest

from tests.sandbox.xero.conftest import XeroClient
from xero.dates import parse_ms_date


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _invoice(xero: XeroClient, invoice_id: str) -> dict:
    return xero.get(f"Invoices/{invoice_id}").json()["Invoices"][0]


def test_payments_settle_the_invoice_and_a_delete_gives_the_balance_back(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Larkspur Interiors"))["ContactID"]
    invoice = xero.create_invoice(cid)  # 2 x 640 + 20% = 1536.00
    iid, before = invoice["InvoiceID"], parse_ms_date(invoice["UpdatedDateUTC"])
    xero.control("POST", "clock", json={"advance": 2})

    part = xero.pay({"InvoiceID": iid}, 500, Reference="BACS 881")
    assert part["StatusAttributeString"] == "OK" and part["PaymentType"] == "ACCRECPAYMENT"
    assert (part["Amount"], part["BankAmount"], part["Status"], part["Reference"]) == (500, 500, "AUTHORISED",
                                                                                       "BACS 881")
    assert part["Account"]["Code"] == "090" and part["Invoice"]["InvoiceID"] == iid
    halfway = _invoice(xero, iid)
    assert (halfway["AmountPaid"], halfway["AmountDue"], halfway["Status"]) == (500, 1036, "AUTHORISED")
    assert parse_ms_date(halfway["UpdatedDateUTC"]) > before  # a payment is a change of the invoice
    assert [p["PaymentID"] for p in halfway["Payments"]] == [part["PaymentID"]]

    # POST /Payments takes ONE bare Payment object (fact sheet §0)
    rest = xero.post("Payments", {"Invoice": {"InvoiceNumber": invoice["InvoiceNumber"]}, "Account": {"Code": "091"},
                                  "Date": "2026-10-20", "Amount": 1036})
    assert rest.status_code == 200, rest.text
    paid = _invoice(xero, iid)
    assert (paid["AmountPaid"], paid["AmountDue"], paid["Status"]) == (1536, 0, "PAID")
    assert parse_ms_date(paid["FullyPaidOnDate"]).date().isoformat() == "2026-10-20"

    # a PAID invoice takes no more, and cannot be voided
    refused = xero.pay({"InvoiceID": iid}, 1)
    assert refused["ValidationErrors"] == [{"Message": "Payments can only be made against Authorised documents"}]
    void = xero.post(f"Invoices/{iid}", {"Invoices": [{"Status": "VOIDED"}]}, params={"summarizeErrors": "false"})
    assert void.json()["Invoices"][0]["ValidationErrors"][0]["Message"] == \
        "Invoice not of valid status for modification"

    # PaymentDelete is the only update; the invoice is owed again, and the payment stays listed as DELETED
    gone = xero.post(f"Payments/{part['PaymentID']}", {"Status": "DELETED"})
    assert gone.status_code == 200 and gone.json()["Payments"][0]["Status"] == "DELETED"
    reopened = _invoice(xero, iid)
    assert (reopened["AmountPaid"], reopened["AmountDue"], reopened["Status"]) == (1036, 500, "AUTHORISED")
    assert "FullyPaidOnDate" not in reopened and len(reopened["Payments"]) == 1
    listed = xero.get(f"Payments/{part['PaymentID']}").json()["Payments"][0]
    assert listed["Status"] == "DELETED"
    assert part["PaymentID"] in {p["PaymentID"] for p in xero.get(
        "Payments", params={"where": 'Status=="DELETED"'}).json()["Payments"]}

    other = xero.post(f"Payments/{rest.json()['Payments'][0]['PaymentID']}", {"Payments": [{"Amount": 10,
                                                                                          "Status": "DELETED"}]})
    assert other.status_code == 400
    assert other.json()["Elements"][0]["ValidationErrors"] == [{"Message": "Only Status accepted for updates."}]


def test_payment_refusals_use_xeros_wording(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Ashcombe Cycles"))["ContactID"]
    invoice = xero.create_invoice(cid)
    draft = xero.create_invoice(cid, status="DRAFT")
    too_much = xero.pay({"InvoiceID": invoice["InvoiceID"]}, 1536.01)
    assert too_much["ValidationErrors"] == [{"Message": "Payment amount exceeds the amount outstanding on this "
                                                        "document"}]
    assert too_much["HasValidationErrors"] is True and too_much["StatusAttributeString"] == "ERROR"
    assert xero.pay({"InvoiceID": draft["InvoiceID"]}, 5)["ValidationErrors"][0]["Message"] == \
        "Payments can only be made against Authorised documents"
    not_bank = xero.pay({"InvoiceID": invoice["InvoiceID"]}, 5, account="200")
    assert "not a bank account" in not_bank["ValidationErrors"][0]["Message"]
    # an account that is not a bank account takes payments once EnablePaymentsToAccount is set
    code = str(800 + uuid.uuid4().int % 99)
    clearing = xero.put("Accounts", {"Code": code, "Name": f"Card clearing {code}", "Type": "CURRENT",
                                     "EnablePaymentsToAccount": True}).json()["Accounts"][0]
    assert xero.pay({"InvoiceID": invoice["InvoiceID"]}, 5, account=clearing["Code"])["StatusAttributeString"] == "OK"
    unknown = xero.pay({"InvoiceID": str(uuid.uuid4())}, 5)
    assert unknown["ValidationErrors"][0]["Message"].endswith("could not be found.")
    zero = xero.pay({"InvoiceID": invoice["InvoiceID"]}, 0)
    assert "greater than zero" in zero["ValidationErrors"][0]["Message"]
    # a summarised batch answers 400 and still saves the good payment (fact sheet §3)
    batch = xero.put("Payments", {"Payments": [
        {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 36},
        {"Invoice": {"InvoiceID": draft["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 1}]})
    assert batch.status_code == 400 and batch.json()["Type"] == "ValidationException"
    assert _invoice(xero, invoice["InvoiceID"])["AmountDue"] == 1495


def test_bill_payments_and_foreign_currency(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Halyard Print Supplies"))["ContactID"]
    bill = xero.create_invoice(cid, kind="ACCPAY", InvoiceNumber="HPS-1")
    paid = xero.pay({"InvoiceID": bill["InvoiceID"]}, bill["Total"])
    assert paid["PaymentType"] == "ACCPAYPAYMENT" and _invoice(xero, bill["InvoiceID"])["Status"] == "PAID"

    usd = xero.create_invoice(cid, CurrencyCode="USD", CurrencyRate=1.25)
    assert (usd["CurrencyCode"], usd["CurrencyRate"], usd["Total"]) == ("USD", 1.25, 1536)
    # paid into the GBP account at the day's rate given: Amount in dollars, BankAmount in pounds
    pounds = xero.pay({"InvoiceID": usd["InvoiceID"]}, 1000, CurrencyRate=1.28)
    assert (pounds["Amount"], pounds["CurrencyRate"], pounds["BankAmount"]) == (1000, 1.28, 781.25)
    # paid into the USD account: no conversion
    dollars = xero.pay({"InvoiceID": usd["InvoiceID"]}, 536, account="092")
    assert dollars["BankAmount"] == 536 and _invoice(xero, usd["InvoiceID"])["Status"] == "PAID"

    eur = xero.create_invoice(cid, CurrencyCode="EUR")
    wrong = xero.pay({"InvoiceID": eur["InvoiceID"]}, 10, account="092")
    assert "must be the currency of the document" in wrong["ValidationErrors"][0]["Message"]


def test_listing_paging_filters_and_replay(xero: XeroClient) -> None:
    everything = xero.get("Payments").json()
    assert "pagination" not in everything and len(everything["Payments"]) > 3
    page = xero.get("Payments", params={"page": "1", "pageSize": "2"}).json()
    assert page["pagination"]["pageSize"] == 2 and len(page["Payments"]) == 2
    assert page["pagination"]["itemCount"] == len(everything["Payments"])
    rec = xero.get("Payments", params={"where": 'PaymentType=="ACCRECPAYMENT"', "order": "Date DESC"}).json()
    dates = [parse_ms_date(p["Date"]) for p in rec["Payments"]]
    assert dates == sorted(dates, reverse=True) and all(p["PaymentType"] == "ACCRECPAYMENT" for p in rec["Payments"])

    cid = xero.create_contact(_name("Tern Studio"))["ContactID"]
    invoice = xero.create_invoice(cid)
    paid = xero.pay({"InvoiceID": invoice["InvoiceID"]}, 36)
    by_invoice = xero.get("Payments", params={"where": f'Invoice.InvoiceID==Guid("{invoice["InvoiceID"]}")'})
    assert [p["PaymentID"] for p in by_invoice.json()["Payments"]] == [paid["PaymentID"]]
    by_contact = xero.get("Payments", params={"where": f'Invoice.Contact.ContactID==Guid("{cid}")'})
    assert [p["PaymentID"] for p in by_contact.json()["Payments"]] == [paid["PaymentID"]]
    key = f"lb-pay-{uuid.uuid4().hex}"
    body = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 100}
    first = xero.post("Payments", body, headers={"Idempotency-Key": key})
    again = xero.post("Payments", body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert _invoice(xero, invoice["InvoiceID"])["AmountPaid"] == 136  # the replayed payment was made once


def test_seeded_payments_are_listed_with_their_ids(xero: XeroClient) -> None:
    from sandbox.seed.generate import generate

    seeded = generate(11, 40).xero
    expected = {p.xero_id: p for inv in seeded.invoices for p in inv.payments if p.xero_id}
    listed = {p["PaymentID"]: p for p in xero.get("Payments").json()["Payments"]}
    assert set(expected) <= set(listed)
    for pid, seed in expected.items():
        assert listed[pid]["Status"] == ("DELETED" if seed.deleted else "AUTHORISED")
        assert listed[pid]["Amount"] == pytest.approx(float(seed.amount))
