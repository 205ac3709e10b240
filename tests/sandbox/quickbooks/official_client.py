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
from quickbooks.objects.base import Address, EmailAddress, Ref
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.taxcode import TaxCode


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
    return seen


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1])), default=str))
