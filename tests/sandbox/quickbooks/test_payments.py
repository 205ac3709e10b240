"""Payment and BillPayment: what they apply to and what that does to balances; credit memos and vendor credits
applied through them; void (both spellings, and in a batch), delete, requestid (fact sheet §1.2, §3)."""

from __future__ import annotations

from decimal import Decimal

from tests.sandbox.quickbooks.conftest import QBApi

D = Decimal


def _pay(customer_id: str, total: str, *links: tuple[str, str, str], **fields: object) -> dict:
    """A Payment body: ``links`` are (TxnType, TxnId, amount)."""
    return {"CustomerRef": {"value": customer_id}, "TotalAmt": total,
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": txn_id, "TxnType": txn_type}]}
                     for txn_type, txn_id, amount in links], **fields}


def _balance(qb: QBApi, entity: str, record_id: str) -> Decimal:
    return D(str(qb.read(entity, record_id)["Balance"]))


def test_partial_payment_moves_balances_and_links_both_ways(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")  # 120.00 with VAT
    payment = qb.create("Payment", _pay(customer["Id"], "50.00", ("Invoice", invoice["Id"], "50.00"),
                                        PaymentRefNum="BACS 77"))
    assert payment["UnappliedAmt"] == 0 and payment["TotalAmt"] == 50.0 and payment["ProcessPayment"] is False
    assert payment["DepositToAccountRef"]["name"] == "Undeposited Funds"  # QuickBooks' default
    assert payment["Line"] == [{"Amount": 50.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]
    assert payment["CustomerRef"]["name"] == customer["DisplayName"]
    after = qb.read("Invoice", invoice["Id"])
    assert after["Balance"] == 70.0 and after["TotalAmt"] == 120.0
    assert after["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment"}]
    assert after["SyncToken"] == "1"  # the invoice changed with it
    assert qb.read("Customer", customer["Id"])["Balance"] == 70.0
    rows = qb.rows(f"SELECT * FROM Payment WHERE CustomerRef = '{customer['Id']}'", "Payment")
    assert [r["Id"] for r in rows] == [payment["Id"]]


def test_one_payment_over_several_invoices_and_an_overpayment(qb: QBApi) -> None:
    customer = qb.customer()
    first, second = qb.invoice(customer["Id"], "10.00"), qb.invoice(customer["Id"], "20.00")  # 12.00, 24.00
    payment = qb.create("Payment", _pay(customer["Id"], "40.00", ("Invoice", first["Id"], "12.00"),
                                        ("Invoice", second["Id"], "24.00")))
    assert payment["UnappliedAmt"] == 4.0
    assert _balance(qb, "Invoice", first["Id"]) == 0 and _balance(qb, "Invoice", second["Id"]) == 0
    assert qb.read("Customer", customer["Id"])["Balance"] == -4.0  # the unapplied money is the customer's credit
    credit = qb.create("Payment", {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": 15})
    assert credit["UnappliedAmt"] == 15.0 and "Line" not in credit
    assert qb.read("Customer", customer["Id"])["Balance"] == -19.0


def test_amounts_above_the_open_balance_and_foreign_links_are_refused(qb: QBApi) -> None:
    customer, other = qb.customer(), qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")
    fault = qb.refused(qb.post("payment", _pay(customer["Id"], "130.00", ("Invoice", invoice["Id"], "130.00"))),
                       "6000")
    assert "open balance" in fault["Detail"] and fault["Detail"].startswith("Business Validation Error")
    qb.refused(qb.post("payment", _pay(other["Id"], "10", ("Invoice", invoice["Id"], "10"))), "620")
    qb.refused(qb.post("payment", _pay(customer["Id"], "5", ("Invoice", invoice["Id"], "10"))), "6000")
    qb.refused(qb.post("payment", _pay(customer["Id"], "10", ("Invoice", "999999", "10"))), "2500")
    qb.refused(qb.post("payment", _pay(customer["Id"], "10", ("Bill", invoice["Id"], "10"))), "620")
    qb.refused(qb.post("payment", {"CustomerRef": {"value": customer["Id"]}}), "2020")
    assert _balance(qb, "Invoice", invoice["Id"]) == 120  # nothing refused changed anything


def test_update_void_and_delete_give_the_money_back(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")
    payment = qb.create("Payment", _pay(customer["Id"], "60", ("Invoice", invoice["Id"], "60")))
    # a sparse update may raise the amount up to what the invoice owes, counting what this payment already paid
    raised = qb.post("payment", {"Id": payment["Id"], "SyncToken": "0", "sparse": True, "TotalAmt": 120,
                                 "Line": [{"Amount": 120, "LinkedTxn": [{"TxnId": invoice["Id"],
                                                                         "TxnType": "Invoice"}]}]})
    assert raised.status_code == 200 and _balance(qb, "Invoice", invoice["Id"]) == 0
    voided = qb.post("payment", {"Id": payment["Id"], "SyncToken": "1", "sparse": True},
                     operation="update", include="void").json()["Payment"]
    assert voided["TotalAmt"] == 0 and voided["UnappliedAmt"] == 0 and voided["Line"] == []
    assert voided["PrivateNote"] == "Voided" and voided["SyncToken"] == "2"
    after = qb.read("Invoice", invoice["Id"])
    assert after["Balance"] == 120.0 and "LinkedTxn" not in after
    qb.refused(qb.post("payment", {"Id": payment["Id"], "SyncToken": "2", "sparse": True, "TotalAmt": 1}), "6000")

    other = qb.create("Payment", _pay(customer["Id"], "20", ("Invoice", invoice["Id"], "20")))
    assert _balance(qb, "Invoice", invoice["Id"]) == 100
    # DCOPY's spelling of a void works too
    assert qb.post("payment", {"Id": other["Id"], "SyncToken": "0"}, operation="void").status_code == 200
    third = qb.create("Payment", _pay(customer["Id"], "30", ("Invoice", invoice["Id"], "30")))
    deleted = qb.post("payment", {"Id": third["Id"], "SyncToken": "0"}, operation="delete")
    assert deleted.json()["Payment"] == {"status": "Deleted", "domain": "QBO", "Id": third["Id"]}
    assert _balance(qb, "Invoice", invoice["Id"]) == 120
    assert qb.fault(qb.get(f"payment/{third['Id']}"))["code"] == "610"


def test_a_linked_invoice_is_unlinked_before_it_is_deleted_or_voided(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "10.00")
    payment = qb.create("Payment", _pay(customer["Id"], "12", ("Invoice", invoice["Id"], "12")))
    current = qb.read("Invoice", invoice["Id"])
    for operation in ("delete", "void"):
        fault = qb.refused(qb.post("invoice", {"Id": invoice["Id"], "SyncToken": current["SyncToken"]},
                                   operation=operation), "6000")
        assert f"Payment {payment['Id']}" in fault["Detail"]
    qb.post("payment", {"Id": payment["Id"], "SyncToken": "0"}, operation="delete")
    current = qb.read("Invoice", invoice["Id"])
    assert qb.post("invoice", {"Id": invoice["Id"], "SyncToken": current["SyncToken"]},
                   operation="delete").status_code == 200


def test_deleting_a_paid_invoice_in_the_ui_leaves_the_money_unapplied(qb: QBApi) -> None:
    customer = qb.customer()
    paid, other = qb.invoice(customer["Id"], "10.00"), qb.invoice(customer["Id"], "5.00")
    payment = qb.create("Payment", _pay(customer["Id"], "18", ("Invoice", paid["Id"], "12"),
                                        ("Invoice", other["Id"], "6")))
    qb.control("POST", "hard-delete", json={"entity": "Invoice", "id": paid["Id"]})
    after = qb.read("Payment", payment["Id"])
    assert after["UnappliedAmt"] == 12.0 and after["SyncToken"] == "1"
    assert [ln["LinkedTxn"][0]["TxnId"] for ln in after["Line"]] == [other["Id"]]
    assert _balance(qb, "Invoice", other["Id"]) == 0
    assert qb.read("Customer", customer["Id"])["Balance"] == -12.0


def test_batch_void_with_options_data(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "10.00")
    payment = qb.create("Payment", _pay(customer["Id"], "12", ("Invoice", invoice["Id"], "12")))
    body = {"BatchItemRequest": [
        {"bId": "v1", "operation": "update", "optionsData": "void",
         "Payment": {"Id": payment["Id"], "SyncToken": "0", "sparse": True}},
        {"bId": "q1", "Query": f"SELECT * FROM Invoice WHERE Id = '{invoice['Id']}'"}]}
    items = {i["bId"]: i for i in qb.post("batch", body).json()["BatchItemResponse"]}
    assert items["v1"]["Payment"]["TotalAmt"] == 0 and items["v1"]["Payment"]["PrivateNote"] == "Voided"
    assert items["q1"]["QueryResponse"]["Invoice"][0]["Balance"] == 12.0


def test_requestid_replays_a_payment_without_paying_twice(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")
    body = _pay(customer["Id"], "25", ("Invoice", invoice["Id"], "25"))
    first = qb.post("payment", body, requestid="rq-payment-1")
    again = qb.post("payment", body, requestid="rq-payment-1")
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert _balance(qb, "Invoice", invoice["Id"]) == 95
    assert len(qb.rows(f"SELECT * FROM Payment WHERE CustomerRef = '{customer['Id']}'", "Payment")) == 1


def test_credit_memo_totals_and_its_application_to_an_invoice(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")
    memo = qb.create("CreditMemo", {"CustomerRef": {"value": customer["Id"]}, "Line": [
        {"Amount": 25, "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "TaxCodeRef": {"value": "2"}}}]})
    assert memo["TotalAmt"] == 30.0 and memo["Balance"] == 30.0 and memo["RemainingCredit"] == 30.0
    assert memo["TxnTaxDetail"]["TotalTax"] == 5.0 and memo["DocNumber"]
    assert memo["Line"][-1]["DetailType"] == "SubTotalLineDetail" and "DueDate" not in memo
    assert qb.read("Customer", customer["Id"])["Balance"] == 90.0  # 120 owed less 30 of credit
    # QuickBooks applies a credit with a payment: the invoice line less the credit memo line (0 changes hands)
    applied = qb.create("Payment", _pay(customer["Id"], "0", ("Invoice", invoice["Id"], "20"),
                                        ("CreditMemo", memo["Id"], "20")))
    assert applied["UnappliedAmt"] == 0
    memo_after = qb.read("CreditMemo", memo["Id"])
    assert memo_after["Balance"] == 10.0 and memo_after["RemainingCredit"] == 10.0
    assert memo_after["LinkedTxn"] == [{"TxnId": applied["Id"], "TxnType": "Payment"}]
    assert _balance(qb, "Invoice", invoice["Id"]) == 100
    assert qb.read("Customer", customer["Id"])["Balance"] == 90.0
    over = _pay(customer["Id"], "0", ("Invoice", invoice["Id"], "15"), ("CreditMemo", memo["Id"], "15"))
    assert "credit left" in qb.refused(qb.post("payment", over), "6000")["Detail"]
    qb.refused(qb.post("creditmemo", {"Id": memo["Id"], "SyncToken": memo_after["SyncToken"]},
                       operation="delete"), "6000")
    qb.post("payment", {"Id": applied["Id"], "SyncToken": "0"}, operation="delete")
    assert _balance(qb, "CreditMemo", memo["Id"]) == 30


def test_bill_payments_by_check_and_card_and_a_vendor_credit(qb: QBApi) -> None:
    vendor = qb.vendor()
    bill, other = qb.bill(vendor["Id"], "50.00"), qb.bill(vendor["Id"], "10.00")  # 60.00, 12.00
    check = qb.create("BillPayment", {
        "VendorRef": {"value": vendor["Id"]}, "TotalAmt": 40, "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": "35"}},
        "Line": [{"Amount": 40, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]})
    assert check["CheckPayment"] == {"BankAccountRef": {"value": "35", "name": "Business Bank Account"},
                                     "PrintStatus": "NotSet"}
    assert check["APAccountRef"]["value"] == "33"
    after = qb.read("Bill", bill["Id"])
    assert after["Balance"] == 20.0 and after["LinkedTxn"] == [{"TxnId": check["Id"], "TxnType": "BillPaymentCheck"}]
    card = qb.create("BillPayment", {
        "VendorRef": {"value": vendor["Id"]}, "TotalAmt": 15, "PayType": "CreditCard",
        "CreditCardPayment": {"CCAccountRef": {"value": "40"}},
        "Line": [{"Amount": 12, "LinkedTxn": [{"TxnId": other["Id"], "TxnType": "Bill"}]}]})
    assert qb.read("Bill", other["Id"])["LinkedTxn"] == [{"TxnId": card["Id"], "TxnType": "BillPaymentCreditCard"}]
    assert qb.read("Vendor", vendor["Id"])["Balance"] == 17.0  # 20 still owed, 3 paid over
    qb.refused(qb.post("billpayment", {"VendorRef": {"value": vendor["Id"]}, "TotalAmt": 1, "PayType": "Check",
                                       "CheckPayment": {"BankAccountRef": {"value": "40"}}}), "6000")
    qb.refused(qb.post("billpayment", {"VendorRef": {"value": vendor["Id"]}, "TotalAmt": 1,
                                       "PayType": "CreditCard"}), "2020")

    credit = qb.create("VendorCredit", {"VendorRef": {"value": vendor["Id"]}, "Line": [
        {"Amount": 10, "DetailType": "AccountBasedExpenseLineDetail",
         "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "84"}, "TaxCodeRef": {"value": "2"}}}]})
    assert credit["TotalAmt"] == 12.0 and credit["Balance"] == 12.0
    used = qb.create("BillPayment", {
        "VendorRef": {"value": vendor["Id"]}, "TotalAmt": 8, "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": "35"}},
        "Line": [{"Amount": 20, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]},
                 {"Amount": 12, "LinkedTxn": [{"TxnId": credit["Id"], "TxnType": "VendorCredit"}]}]})
    assert _balance(qb, "Bill", bill["Id"]) == 0 and _balance(qb, "VendorCredit", credit["Id"]) == 0
    voided = qb.post("billpayment", {"Id": used["Id"], "SyncToken": "0", "sparse": True},
                     operation="update", include="void").json()["BillPayment"]
    assert voided["TotalAmt"] == 0 and voided["Line"] == [] and voided["PrivateNote"] == "Voided"
    assert _balance(qb, "Bill", bill["Id"]) == 20 and _balance(qb, "VendorCredit", credit["Id"]) == 12
    bill_now = qb.read("Bill", bill["Id"])
    qb.refused(qb.post("bill", {"Id": bill["Id"], "SyncToken": bill_now["SyncToken"]}, operation="delete"), "6000")
    assert qb.post("billpayment", {"Id": check["Id"], "SyncToken": "0"}, operation="delete").status_code == 200
    assert _balance(qb, "Bill", bill["Id"]) == 60


def test_foreign_currency_payment_and_a_currency_not_enabled(qb: QBApi) -> None:
    customer = qb.customer(CurrencyRef={"value": "USD"})
    invoice = qb.invoice(customer["Id"], "100.00", CurrencyRef={"value": "USD"}, ExchangeRate=0.8)
    assert invoice["HomeTotalAmt"] == 96.0 and invoice["ExchangeRate"] == 0.8
    payment = qb.create("Payment", _pay(customer["Id"], "120", ("Invoice", invoice["Id"], "120"),
                                        CurrencyRef={"value": "USD"}, DepositToAccountRef={"value": "37"}))
    assert payment["CurrencyRef"]["value"] == "USD" and payment["ExchangeRate"] == 0.8  # the invoice's rate
    after = qb.read("Invoice", invoice["Id"])
    assert after["Balance"] == 0 and after["HomeBalance"] == 0
    # a GBP bank account can't take USD
    qb.refused(qb.post("payment", {"CustomerRef": {"value": customer["Id"]}, "TotalAmt": 1,
                                   "CurrencyRef": {"value": "USD"}, "DepositToAccountRef": {"value": "35"}}), "6000")
    fault = qb.refused(qb.post("customer", {"DisplayName": "Euro Client", "CurrencyRef": {"value": "EUR"}}), "6000")
    assert "EUR" in fault["Detail"] and "not active" in fault["Detail"]
