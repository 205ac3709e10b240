"""Bank transactions (RECEIVE/SPEND, bank account, lines with tax and tracking, delete by status, reconciled) and
the overpayments and prepayments they make (RemainingCredit, allocation to an invoice, refund) (fact sheet §1)."""

from __future__ import annotations

import uuid

from sandbox.seed import reference
from tests.sandbox.xero.conftest import XeroClient


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _txn(xero: XeroClient, cid: str, kind: str = "SPEND", account: str = "090", *, expect_ok: bool = True,
         **fields: object) -> dict:
    lines = fields.pop("lines", None) or [{"Description": "Card reader fees", "Quantity": 1, "UnitAmount": 25,
                                           "AccountCode": "429"}]
    body = {"BankTransactions": [{"Type": kind, "Contact": {"ContactID": cid}, "BankAccount": {"Code": account},
                                  "Date": "2026-10-12", "LineItems": lines, **fields}]}
    element = xero.put("BankTransactions", body, params={"summarizeErrors": "false"}).json()["BankTransactions"][0]
    assert (element["StatusAttributeString"] == "OK") is expect_ok, element
    return element


def test_spend_and_receive_money(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Harbour Bank plc"))["ContactID"]
    spend = _txn(xero, cid, Reference="Oct fees")
    assert (spend["Type"], spend["Status"], spend["Reference"], spend["IsReconciled"]) == ("SPEND", "AUTHORISED",
                                                                                           "Oct fees", False)
    assert (spend["SubTotal"], spend["TotalTax"], spend["Total"]) == (25, 5, 30)
    assert spend["LineItems"][0]["TaxType"] == "INPUT2" and spend["BankAccount"]["Code"] == "090"
    assert spend["BankAccount"]["Name"] == "Business Bank Account" and spend["CurrencyCode"] == "GBP"

    receive = _txn(xero, cid, "RECEIVE", LineAmountTypes="Inclusive", lines=[
        {"Description": "Books sold at the fair", "Quantity": 4, "UnitAmount": 24.99, "AccountCode": "260",
         "TaxType": "ZERORATEDOUTPUT", "Tracking": [{"Name": "Region", "Option": "London"}]}])
    assert receive["Total"] == 99.96 and receive["TotalTax"] == 0
    assert receive["LineItems"][0]["Tracking"][0]["Option"] == "London"
    assert receive["LineItems"][0]["Tracking"][0]["TrackingOptionID"] == reference.TRACKING[0].options[2].xero_id

    got = xero.get(f"BankTransactions/{spend['BankTransactionID']}").json()["BankTransactions"][0]
    assert got["LineItems"][0]["Description"] == "Card reader fees"
    listed = xero.get("BankTransactions", params={"where": 'Type=="RECEIVE"'}).json()["BankTransactions"]
    assert receive["BankTransactionID"] in {t["BankTransactionID"] for t in listed}
    assert all(t["LineItems"] == [] for t in listed)  # unpaged lists carry no lines
    page = xero.get("BankTransactions", params={"page": "1", "pageSize": "5"}).json()
    assert page["pagination"]["pageSize"] == 5 and page["BankTransactions"][0]["LineItems"]

    # edit, reconcile, then a reconciled transaction cannot be deleted; an unreconciled one can
    edited = xero.post(f"BankTransactions/{spend['BankTransactionID']}",
                       {"BankTransactions": [{"Reference": "Oct fees (card)", "IsReconciled": True}]}).json()
    assert edited["BankTransactions"][0]["IsReconciled"] is True
    refused = xero.post(f"BankTransactions/{spend['BankTransactionID']}", {"BankTransactions": [{"Status": "DELETED"}]},
                        params={"summarizeErrors": "false"}).json()["BankTransactions"][0]
    assert refused["ValidationErrors"] == [{"Message": "A reconciled bank transaction cannot be deleted."}]
    deleted = xero.post(f"BankTransactions/{receive['BankTransactionID']}",
                        {"BankTransactions": [{"Status": "DELETED"}]}).json()["BankTransactions"][0]
    assert deleted["Status"] == "DELETED"
    again = xero.post(f"BankTransactions/{receive['BankTransactionID']}", {"BankTransactions": [{"Reference": "x"}]},
                      params={"summarizeErrors": "false"}).json()["BankTransactions"][0]
    assert again["ValidationErrors"] == [{"Message": "Bank Transaction not of valid status for modification"}]


def test_bank_transaction_refusals(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Sandpiper Cafe"))["ContactID"]
    not_bank = _txn(xero, cid, account="200", expect_ok=False)
    assert not_bank["ValidationErrors"] == [{"Message": "Account code '200' is not a valid bank account."}]
    no_contact = xero.put("BankTransactions", {"BankTransactions": [{
        "Type": "SPEND", "BankAccount": {"Code": "090"},
        "LineItems": [{"Description": "x", "UnitAmount": 1, "AccountCode": "429"}]}]},
        params={"summarizeErrors": "false"}).json()["BankTransactions"][0]
    assert no_contact["ValidationErrors"] == [{"Message": "A Contact must be specified for this type of transaction."}]
    transfer = _txn(xero, cid, "SPEND-TRANSFER", expect_ok=False)
    assert "BankTransfers" in transfer["ValidationErrors"][0]["Message"]
    no_account = _txn(xero, cid, lines=[{"Description": "x", "UnitAmount": 1}], expect_ok=False)
    assert no_account["ValidationErrors"] == [{"Message": "Line item 1: an AccountCode is required."}]
    euro = _txn(xero, cid, CurrencyCode="EUR", expect_ok=False)
    assert euro["ValidationErrors"] == [{"Message": "The currency EUR is not the currency of the bank account (GBP)."}]
    # a USD bank account takes USD at a rate
    usd = _txn(xero, cid, account="092", CurrencyRate=1.3)
    assert (usd["CurrencyCode"], usd["CurrencyRate"], usd["Total"]) == ("USD", 1.3, 30)
    tracked = _txn(xero, cid, expect_ok=False, lines=[
        {"Description": "x", "UnitAmount": 1, "AccountCode": "429",
         "Tracking": [{"Name": "Region", "Option": "Atlantis"}]}])
    assert tracked["ValidationErrors"] == [{"Message": "Line item 1: the tracking option 'Atlantis' does not exist "
                                                       "in the tracking category 'Region'."}]


def test_overpayment_is_made_allocated_and_refunded(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Brightwater Swim School"))["ContactID"]
    made = _txn(xero, cid, "RECEIVE-OVERPAYMENT", lines=[{"Description": "Paid twice", "LineAmount": 200}])
    assert made["LineAmountTypes"] == "NoTax" and made["Total"] == 200 and made["OverpaymentID"]
    over_id = made["OverpaymentID"]
    overpayment = xero.get(f"Overpayments/{over_id}").json()["Overpayments"][0]
    assert (overpayment["Type"], overpayment["RemainingCredit"], overpayment["Status"], overpayment["Total"]) == (
        "RECEIVE-OVERPAYMENT", 200, "AUTHORISED", 200)
    assert overpayment["Contact"]["ContactID"] == cid

    invoice = xero.create_invoice(cid, lines=[{"Description": "Lessons", "Quantity": 1, "UnitAmount": 100,
                                               "AccountCode": "200"}])  # 120.00
    allocated = xero.put(f"Overpayments/{over_id}/Allocations", {"Allocations": [
        {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 120, "Date": "2026-10-13"}]})
    assert allocated.status_code == 200, allocated.text
    assert allocated.json()["Allocations"][0]["Overpayment"]["OverpaymentID"] == over_id
    paid = xero.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert (paid["Status"], paid["AmountDue"], paid["AmountCredited"]) == ("PAID", 0, 120)
    assert [o["OverpaymentID"] for o in paid["Overpayments"]] == [over_id]
    left = xero.get(f"Overpayments/{over_id}").json()["Overpayments"][0]
    assert left["RemainingCredit"] == 80 and len(left["Allocations"]) == 1

    # once allocated, the bank transaction that made it is locked
    locked = xero.post(f"BankTransactions/{made['BankTransactionID']}", {"BankTransactions": [{"Status": "DELETED"}]},
                       params={"summarizeErrors": "false"}).json()["BankTransactions"][0]
    assert locked["StatusAttributeString"] == "ERROR"

    refund = xero.pay({"OverpaymentID": over_id}, 80)
    assert refund["PaymentType"] == "AROVERPAYMENTPAYMENT"
    done = xero.get(f"Overpayments/{over_id}").json()["Overpayments"][0]
    assert (done["RemainingCredit"], done["Status"]) == (0, "PAID")
    listed = xero.get("Overpayments", params={"page": "1"}).json()
    assert over_id in {o["OverpaymentID"] for o in listed["Overpayments"]} and "pagination" in listed


def test_deleting_an_unused_overpayment_voids_it_and_prepayments(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Kestrel Joinery"))["ContactID"]
    made = _txn(xero, cid, "SPEND-OVERPAYMENT", lines=[{"Description": "Paid supplier twice", "LineAmount": 45}])
    xero.post(f"BankTransactions/{made['BankTransactionID']}", {"BankTransactions": [{"Status": "DELETED"}]})
    voided = xero.get(f"Overpayments/{made['OverpaymentID']}").json()["Overpayments"][0]
    assert (voided["Status"], voided["RemainingCredit"]) == ("VOIDED", 0)

    prepaid = _txn(xero, cid, "RECEIVE-PREPAYMENT", lines=[{"Description": "Deposit", "UnitAmount": 100,
                                                            "AccountCode": "200"}])
    prepayment = xero.get(f"Prepayments/{prepaid['PrepaymentID']}").json()["Prepayments"][0]
    assert (prepayment["Total"], prepayment["RemainingCredit"], prepayment["TotalTax"]) == (120, 120, 20)


def test_seeded_bank_transactions_and_overpayments(xero: XeroClient) -> None:
    from sandbox.seed.generate import generate

    seeded = generate(11, 40).xero
    listed = {t["BankTransactionID"]: t for t in xero.get("BankTransactions").json()["BankTransactions"]}
    for txn in seeded.bank_transactions:
        got = listed[txn.xero_id]
        assert (got["Type"], got["Total"]) == (txn.kind.upper(), float(txn.total))
        assert got["Status"] == {"authorised": "AUTHORISED", "voided": "VOIDED", "deleted": "DELETED"}[txn.status]
    overpayments = {o["OverpaymentID"]: o for o in xero.get("Overpayments").json()["Overpayments"]}
    for over in seeded.overpayments:
        assert overpayments[over.xero_id]["RemainingCredit"] == float(over.amount)
