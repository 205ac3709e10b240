"""Purchase (expenses), Deposit, JournalEntry; Class and Department references on lines; cdc of hard-deleted
journals and payments (fact sheet §1.2, §2.2)."""

from __future__ import annotations

import datetime as dt
import json

from tests.sandbox.quickbooks.conftest import QBApi, unique

NORTH = "5000000000000010001"  # the seeded Class of tracking option Region: North


def _expense_line(amount: object, account: str = "84", tax: str = "2", **detail: object) -> dict:
    return {"Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
            "AccountBasedExpenseLineDetail": {"AccountRef": {"value": account}, "TaxCodeRef": {"value": tax},
                                              **detail}}


def _journal_line(posting: str, amount: object, account: str, **detail: object) -> dict:
    return {"Amount": amount, "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": posting, "AccountRef": {"value": account}, **detail}}


def test_purchase_totals_payee_and_account_rules(qb: QBApi) -> None:
    vendor = qb.vendor()
    purchase = qb.create("Purchase", {
        "PaymentType": "Check", "AccountRef": {"value": "35"}, "DocNumber": "100234", "TotalAmt": 1,
        "EntityRef": {"value": vendor["Id"]},
        "Line": [_expense_line("40.00", ClassRef={"value": NORTH}), _expense_line("10.00", tax="6")]})
    assert purchase["TotalAmt"] == 58.0 and purchase["TxnTaxDetail"]["TotalTax"] == 8.0  # TotalAmt sent: ignored
    assert purchase["EntityRef"] == {"value": vendor["Id"], "name": vendor["DisplayName"], "type": "Vendor"}
    assert purchase["PrintStatus"] == "NotSet" and purchase["AccountRef"]["name"] == "Business Bank Account"
    assert purchase["Line"][0]["AccountBasedExpenseLineDetail"]["ClassRef"] == {"value": NORTH, "name": "North"}
    refund = qb.create("Purchase", {"PaymentType": "CreditCard", "AccountRef": {"value": "40"}, "Credit": True,
                                    "Line": [_expense_line(5)]})
    assert refund["Credit"] is True and refund["TotalAmt"] == 6.0
    cases = [
        ({"PaymentType": "CreditCard", "AccountRef": {"value": "35"}, "Line": [_expense_line(1)]}, "6000"),
        ({"PaymentType": "Check", "AccountRef": {"value": "40"}, "Line": [_expense_line(1)]}, "6000"),
        ({"PaymentType": "Cash", "AccountRef": {"value": "35"}, "Credit": True, "Line": [_expense_line(1)]}, "6000"),
        ({"AccountRef": {"value": "35"}, "Line": [_expense_line(1)]}, "2020"),
        ({"PaymentType": "Cash", "AccountRef": {"value": "35"}, "Line": [_expense_line(1)],
          "EntityRef": {"value": vendor["Id"], "type": "Employee"}}, "2500"),
        ({"PaymentType": "Cash", "AccountRef": {"value": "35"},
          "Line": [_expense_line(1, ClassRef={"value": "123"})]}, "2500"),
        ({"PaymentType": "Cash", "AccountRef": {"value": "37"}, "CurrencyRef": {"value": "GBP"},  # a USD bank
          "Line": [_expense_line(1)]}, "6000"),
    ]
    for body, code in cases:
        qb.refused(qb.post("purchase", body), code)
    usd = qb.create("Purchase", {"PaymentType": "Cash", "AccountRef": {"value": "37"}, "ExchangeRate": 0.79,
                                 "Line": [_expense_line(10)]})  # in the bank account's currency by default
    assert usd["CurrencyRef"]["value"] == "USD" and "HomeTotalAmt" not in usd  # Purchase has none in the XSD
    deleted = qb.post("purchase", {"Id": purchase["Id"], "SyncToken": "0"}, operation="delete")
    assert deleted.json()["Purchase"]["status"] == "Deleted"


def test_deposit_of_income_lines_and_of_undeposited_payments(qb: QBApi) -> None:
    customer = qb.customer()
    income = qb.create("Deposit", {"DepositToAccountRef": {"value": "35"}, "Line": [
        {"Amount": 100, "DetailType": "DepositLineDetail",
         "DepositLineDetail": {"AccountRef": {"value": "80"}, "Entity": {"value": customer["Id"]},
                               "TaxCodeRef": {"value": "2"}, "ClassRef": {"value": NORTH}}}]})
    assert income["TotalAmt"] == 120.0
    assert income["Line"][0]["DepositLineDetail"]["Entity"]["type"] == "Customer"
    invoice = qb.invoice(customer["Id"], "50.00")
    payment = qb.create("Payment", {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": 60, "Line": [
        {"Amount": 60, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    banked = qb.create("Deposit", {"DepositToAccountRef": {"value": "35"}, "Line": [
        {"Amount": 60, "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment"}]}],
        "CashBack": {"AccountRef": {"value": "83"}, "Amount": 5}})
    assert banked["TotalAmt"] == 55.0
    assert banked["Line"][0]["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment", "TxnLineId": "0"}]
    # a deposited payment is held by its deposit
    fault = qb.refused(qb.post("payment", {"Id": payment["Id"], "SyncToken": "0"}, operation="delete"), "6540")
    assert "deposited" in fault["Detail"]
    again = {"DepositToAccountRef": {"value": "35"},
             "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment"}]}]}
    qb.refused(qb.post("deposit", again), "620")
    partial = {"DepositToAccountRef": {"value": "36"},
               "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment"}]}]}
    qb.refused(qb.post("deposit", partial), "620")
    qb.refused(qb.post("deposit", {"DepositToAccountRef": {"value": "83"}, "Line": income["Line"]}), "6000")
    qb.post("deposit", {"Id": banked["Id"], "SyncToken": "0"}, operation="delete")
    assert qb.post("payment", {"Id": payment["Id"], "SyncToken": "0"}, operation="delete").status_code == 200
    direct = qb.create("Payment", {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": 1,
                                   "DepositToAccountRef": {"value": "35"}})
    qb.refused(qb.post("deposit", {"DepositToAccountRef": {"value": "35"}, "Line": [
        {"Amount": 1, "LinkedTxn": [{"TxnId": direct["Id"], "TxnType": "Payment"}]}]}), "620")


def test_journal_entries_balance_name_their_parties_and_delete(qb: QBApi) -> None:
    customer = qb.customer()
    entry = qb.create("JournalEntry", {"DocNumber": "JNL-9001", "TxnDate": "2026-03-31", "PrivateNote": "Accrual",
                                       "TotalAmt": 0, "Line": [
        _journal_line("Debit", "250.00", "85", ClassRef={"value": NORTH}, DepartmentRef={"value": "1"}),
        _journal_line("Credit", "200.00", "35"),
        _journal_line("Credit", "50.00", "32", Entity={"Type": "Customer", "EntityRef": {"value": customer["Id"]}}),
        {"DetailType": "DescriptionOnly", "Description": "for March"}]})
    assert entry["TotalAmt"] == 250.0 and entry["Adjustment"] is False and entry["DocNumber"] == "JNL-9001"
    detail = entry["Line"][2]["JournalEntryLineDetail"]
    assert detail["Entity"]["EntityRef"]["name"] == customer["DisplayName"]
    assert entry["Line"][0]["JournalEntryLineDetail"]["DepartmentRef"]["name"] == "Bristol studio"
    unbalanced = qb.refused(qb.post("journalentry", {"Line": [_journal_line("Debit", 10, "85"),
                                                              _journal_line("Credit", 9, "35")]}), "6000")
    assert "isn't balanced" in unbalanced["Detail"] and unbalanced["element"] == "Line"
    cases = [
        ({"Line": [_journal_line("Debit", 10, "85"), _journal_line("Credit", 10, "32")]}, "6000"),  # AR: no name
        ({"Line": [_journal_line("Debit", 10, "85")]}, "6000"),
        ({"Line": [_journal_line("Debit", 10, "85", ClassRef={"value": "77"}),
                   _journal_line("Credit", 10, "35")]}, "2500"),
        ({"Line": [{"Amount": 10, "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {"AccountRef": {"value": "85"}}}]}, "2020"),
        ({"Line": [_journal_line("Debit", 10, "85", TaxCodeRef={"value": "2"}),
                   _journal_line("Credit", 10, "35")]}, "2020"),
        ({"Line": [_journal_line("Sideways", 10, "85")]}, "2170"),
    ]
    for body, code in cases:
        qb.refused(qb.post("journalentry", body), code)
    sparse = qb.post("journalentry", {"Id": entry["Id"], "SyncToken": "0", "sparse": True,
                                      "PrivateNote": "Accrual (reviewed)"}).json()["JournalEntry"]
    assert sparse["TotalAmt"] == 250.0 and len(sparse["Line"]) == 4
    found = qb.rows("SELECT * FROM JournalEntry WHERE DocNumber = 'JNL-9001'", "JournalEntry")
    assert [f["Id"] for f in found] == [entry["Id"]]
    assert qb.post("journalentry", {"Id": entry["Id"], "SyncToken": "1"}, operation="delete").status_code == 200


def test_class_and_department_references_on_every_kind_of_line(qb: QBApi) -> None:
    customer = qb.customer()
    klass = qb.create("Class", {"Name": unique("Events")})
    qb.post("class", {"Id": klass["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    lines = {
        "invoice": {"CustomerRef": {"value": customer["Id"]}, "Line": [
            {"Amount": 1, "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "ClassRef": {"value": "{class}"}}}]},
        "deposit": {"DepositToAccountRef": {"value": "35"}, "Line": [
            {"Amount": 1, "DetailType": "DepositLineDetail", "DepositLineDetail": {
                "AccountRef": {"value": "80"}, "TaxCodeRef": {"value": "10"}, "ClassRef": {"value": "{class}"}}}]},
        "journalentry": {"Line": [_journal_line("Debit", 1, "85", ClassRef={"value": "{class}"}),
                                  _journal_line("Credit", 1, "35")]},
    }
    for path, template in lines.items():
        for class_id, code in (("424242", "2500"), (klass["Id"], "610")):
            body = json.loads(json.dumps(template).replace("{class}", class_id))
            qb.refused(qb.post(path, body), code)
    invoice = qb.post("invoice", {"CustomerRef": {"value": customer["Id"]}, "DepartmentRef": {"value": "99"},
                                  "Line": lines["invoice"]["Line"]})
    qb.refused(invoice, "2500")


def test_cdc_shows_hard_deleted_journal_entries_and_payments(qb: QBApi) -> None:
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat(timespec="seconds")
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "10.00")
    payment = qb.create("Payment", {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": 12, "Line": [
        {"Amount": 12, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    entry = qb.create("JournalEntry", {"Line": [_journal_line("Debit", 5, "85"), _journal_line("Credit", 5, "35")]})
    # deleted in the QuickBooks UI: gone from reads and queries; the payment's invoice owes again
    qb.control("POST", "hard-delete", json={"entity": "JournalEntry", "id": entry["Id"]})
    qb.control("POST", "hard-delete", json={"entity": "Payment", "id": payment["Id"]})
    assert qb.fault(qb.get(f"journalentry/{entry['Id']}"))["code"] == "610"
    assert qb.read("Invoice", invoice["Id"])["Balance"] == 12.0
    body = qb.get("cdc", entities="JournalEntry,Payment,Invoice", changedSince=since).json()
    groups = body["CDCResponse"][0]["QueryResponse"]
    journals, payments, invoices = (g.get(name, []) for g, name in zip(groups, ("JournalEntry", "Payment",
                                                                                    "Invoice")))
    assert {"status": "Deleted", "domain": "QBO", "Id": entry["Id"]} in [
        {k: v for k, v in j.items() if k != "MetaData"} for j in journals]
    assert [p["status"] for p in payments if p["Id"] == payment["Id"]] == ["Deleted"]
    assert any(i["Id"] == invoice["Id"] and i["Balance"] == 12.0 for i in invoices)
