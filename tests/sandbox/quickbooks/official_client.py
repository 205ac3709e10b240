"""Drives the QuickBooks sandbox with the official python-quickbooks client, unchanged but for its URLs.

Run by test_official_client.py with .venv-qbclient's python (``python -I official_client.py '<start-up line>'``);
prints one JSON object describing what it saw. Any client error propagates and fails the run.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings

from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.objects.account import Account
from quickbooks.objects.attachable import Attachable
from quickbooks.objects.base import Address, AttachableRef, EmailAddress, LinkedTxn, Ref
from quickbooks.objects.bill import Bill
from quickbooks.objects.billpayment import BillPayment, BillPaymentLine, CheckPayment
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import (AccountBasedExpenseLine, AccountBasedExpenseLineDetail, SalesItemLine,
                                           SalesItemLineDetail)
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.journalentry import Entity, JournalEntry, JournalEntryLine, JournalEntryLineDetail
from quickbooks.objects.payment import Payment, PaymentLine
from quickbooks.objects.purchase import Purchase
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.vendor import Vendor


def main(info: dict) -> dict:
    warnings.simplefilter("ignore")
    # the one change: where the API lives. AuthClient reads its token endpoint from the discovery document
    # whose URL is passed as the environment.
    QuickBooks.api_url_v3 = info["base_url"] + "/v3"
    auth = AuthClient(client_id=info["client_id"], client_secret=info["client_secret"],
                      redirect_uri="http://localhost/callback", environment=info["discovery_url"])
    client = QuickBooks(auth_client=auth, refresh_token=info["refresh_token"], company_id=info["realm_id"],
                        minorversion=75)
    seen: dict = {"token_endpoint": auth.token_endpoint, "refresh_token_kept": client.refresh_token}

    company = CompanyInfo.get(info["realm_id"], qb=client)
    seen["company"] = company.CompanyName
    seen["items"] = sorted(i.Name for i in Item.all(qb=client))
    seen["bank_accounts"] = [a.Name for a in Account.where("AccountType = 'Bank'", order_by="Name", qb=client)]
    seen["tax_codes"] = TaxCode.count(qb=client)

    customer = Customer()
    customer.DisplayName = info["customer_name"]
    customer.CompanyName = info["customer_name"]
    customer.PrimaryEmailAddr = EmailAddress()
    customer.PrimaryEmailAddr.Address = "official@client.test"
    customer.BillAddr = Address()
    customer.BillAddr.Line1 = "1 Client Street"
    customer.BillAddr.City = "Leeds"
    customer = customer.save(qb=client)
    seen["customer_id"] = customer.Id
    fetched = Customer.get(customer.Id, qb=client)
    fetched.Notes = "updated by python-quickbooks"
    fetched = fetched.save(qb=client)
    seen["customer_sync_token"] = fetched.SyncToken
    seen["customer_notes"] = Customer.get(customer.Id, qb=client).Notes
    seen["filter"] = [c.Id for c in Customer.filter(DisplayName=info["customer_name"], qb=client)]
    seen["customer_count"] = Customer.count(qb=client)

    invoice = Invoice()
    line = SalesItemLine()
    line.Amount = 190
    line.Description = "Two hours"
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = Ref()
    line.SalesItemLineDetail.ItemRef.value = "3"
    line.SalesItemLineDetail.Qty = 2
    line.SalesItemLineDetail.UnitPrice = 95
    line.SalesItemLineDetail.TaxCodeRef = Ref()
    line.SalesItemLineDetail.TaxCodeRef.value = "2"
    invoice.Line = [line]
    invoice.CustomerRef = customer.to_ref()
    invoice = invoice.save(qb=client, request_id=info["request_id"])
    again = Invoice.get(invoice.Id, qb=client)
    seen["invoice"] = {"id": again.Id, "total": again.TotalAmt, "balance": again.Balance,
                       "doc_number": again.DocNumber, "tax": again.TxnTaxDetail.TotalTax,
                       "lines": [ln.DetailType for ln in again.Line]}
    again.PrivateNote = "updated"
    again = again.save(qb=client)
    seen["invoice_sync_token"] = again.SyncToken
    seen["invoices_for_customer"] = [i.Id for i in Invoice.where(f"CustomerRef = '{customer.Id}'", qb=client)]
    voided = again.void(qb=client)
    seen["voided_total"] = voided["Invoice"]["TotalAmt"]

    other = Invoice()
    other.Line = [line]
    other.CustomerRef = customer.to_ref()
    other = other.save(qb=client)
    seen["deleted"] = other.delete(qb=client)["Invoice"]["status"]

    batch = []
    for n in range(3):
        c = Customer()
        c.DisplayName = f"{info['customer_name']} batch {n}"
        batch.append(c)
    result = batch_create(batch, qb=client)
    seen["batch"] = {"successes": len(result.successes), "faults": len(result.faults)}
    duplicate = Customer()
    duplicate.DisplayName = info["customer_name"]
    result = batch_create([duplicate], qb=client)
    seen["batch_fault_codes"] = [e.code for f in result.faults for e in f.Error]

    # a string with an explicit offset: given a datetime the client drops its offset (qb_datetime_format), and
    # how QuickBooks reads an offset-less time is unconfirmed (fact sheet §2.1); the sandbox reads it as Pacific
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    cdc = change_data_capture([Invoice, Customer], since, qb=client)
    seen["cdc_customers"] = len(cdc.Customer)
    seen["cdc_invoices"] = len(cdc.Invoice)
    seen.update(issue4(info, client, customer))
    return seen


def _ref(value: str) -> Ref:
    ref = Ref()
    ref.value = value
    return ref


def _expense_line(amount: float, account: str) -> AccountBasedExpenseLine:
    line = AccountBasedExpenseLine()
    line.Amount = amount
    line.AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail()
    line.AccountBasedExpenseLineDetail.AccountRef = _ref(account)
    line.AccountBasedExpenseLineDetail.TaxCodeRef = _ref("2")
    return line


def _journal_line(posting: str, amount: float, account: str) -> JournalEntryLine:
    line = JournalEntryLine()
    line.Amount = amount
    line.JournalEntryLineDetail = JournalEntryLineDetail()
    line.JournalEntryLineDetail.PostingType = posting
    line.JournalEntryLineDetail.AccountRef = _ref(account)
    return line


def issue4(info: dict, client: QuickBooks, customer: Customer) -> dict:
    """Item, a Payment on an invoice, a Bill with its BillPayment, a Purchase, a JournalEntry, an Attachable."""
    seen: dict = {}
    item = Item()
    item.Name = f"{info['customer_name']} retainer"
    item.Type = "Service"
    item.Sku = "OC-RET"
    item.UnitPrice = 500
    item.IncomeAccountRef = _ref("79")
    item = item.save(qb=client)
    fetched_item = Item.get(item.Id, qb=client)
    seen["item"] = {"name": fetched_item.Name, "sku": fetched_item.Sku, "price": fetched_item.UnitPrice,
                    "income": fetched_item.IncomeAccountRef.name}

    invoice = Invoice()
    line = SalesItemLine()
    line.Amount = 500
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = item.to_ref()
    line.SalesItemLineDetail.TaxCodeRef = _ref("2")
    invoice.Line = [line]
    invoice.CustomerRef = customer.to_ref()
    invoice = invoice.save(qb=client)
    payment = Payment()
    payment.CustomerRef = customer.to_ref()
    payment.TotalAmt = 200
    paid = PaymentLine()
    paid.Amount = 200
    paid.LinkedTxn = [invoice.to_linked_txn()]
    payment.Line = [paid]
    payment = payment.save(qb=client, request_id=info["request_id"] + "-payment")
    seen["payment"] = {"id": payment.Id, "unapplied": Payment.get(payment.Id, qb=client).UnappliedAmt,
                       "invoice_balance": Invoice.get(invoice.Id, qb=client).Balance,
                       "invoice_links": [(t.TxnId, t.TxnType) for t in Invoice.get(invoice.Id, qb=client).LinkedTxn]}

    vendor = Vendor()
    vendor.DisplayName = f"{info['customer_name']} supplier"
    vendor = vendor.save(qb=client)
    bill = Bill()
    bill.VendorRef = vendor.to_ref()
    bill.Line = [_expense_line(50, "84")]
    bill = bill.save(qb=client)
    bill_payment = BillPayment()
    bill_payment.VendorRef = vendor.to_ref()
    bill_payment.PayType = "Check"
    bill_payment.TotalAmt = 60
    bill_payment.CheckPayment = CheckPayment()
    bill_payment.CheckPayment.BankAccountRef = _ref("35")
    bill_line = BillPaymentLine()
    bill_line.Amount = 60
    link = LinkedTxn()
    link.TxnId = bill.Id
    link.TxnType = "Bill"
    bill_line.LinkedTxn = [link]
    bill_payment.Line = [bill_line]
    bill_payment = bill_payment.save(qb=client)
    seen["bill_payment"] = {"total": BillPayment.get(bill_payment.Id, qb=client).TotalAmt,
                            "bill_balance": Bill.get(bill.Id, qb=client).Balance}

    purchase = Purchase()
    purchase.PaymentType = "Cash"
    purchase.AccountRef = _ref("35")
    purchase.EntityRef = vendor.to_ref()
    purchase.Line = [_expense_line(25, "83")]
    purchase = purchase.save(qb=client)
    again = Purchase.get(purchase.Id, qb=client)
    seen["purchase"] = {"total": again.TotalAmt, "payee": again.EntityRef.name}

    journal = JournalEntry()
    journal.DocNumber = "OC-JNL-1"
    journal.Line = [_journal_line("Debit", 75, "85"), _journal_line("Credit", 75, "35")]
    credit_line = journal.Line[1].JournalEntryLineDetail
    credit_line.Entity = Entity()
    credit_line.Entity.Type = "Vendor"
    credit_line.Entity.EntityRef = vendor.to_ref()
    journal = journal.save(qb=client)
    seen["journal"] = {"doc": JournalEntry.get(journal.Id, qb=client).DocNumber,
                       "lines": len(JournalEntry.get(journal.Id, qb=client).Line)}

    attachable = Attachable()
    ref = AttachableRef()
    ref.EntityRef = bill.to_ref()
    attachable.AttachableRef = [ref]
    attachable.FileName = "supplier-invoice.pdf"
    attachable.ContentType = "application/pdf"
    attachable._FileBytes = info["file_bytes"].encode("latin-1")
    attachable = attachable.save(qb=client)
    stored = Attachable.get(attachable.Id, qb=client)
    seen["attachable"] = {"id": stored.Id, "size": stored.Size, "file": stored.FileName,
                          "on": [(r.EntityRef.type, r.EntityRef.value) for r in stored.AttachableRef],
                          "bill": bill.Id}
    return seen


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1])), default=str))
