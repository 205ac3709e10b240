"""Seeded books: ``sandbox.seed.model.SideBooks`` (ledger-neutral) turned into Xero records.

The ids given by the generator are used as they are (SeedContact.xero_id, SeedInvoice.xero_id, ...), so the truth
file names records by the ids the API returns. Without a seed the books hold the reference data only (chart of
accounts, tax rates, items, currencies) and the organisation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.seed import reference as ref
from sandbox.seed.model import HOME_CURRENCY, SeedContact, SeedInvoice, SeedPayment, SideBooks
from sandbox.xero.books import Books
from sandbox.xero.entities import Ctx
from sandbox.xero.invoices import compute_totals, next_number
from sandbox.xero.reference import (account_record, currency_record, item_record, organisation_record,
                                    tax_rate_record)
from sandbox.xero.wire import CENT, FOUR, SIX, UTC, q

# when the reference data was set up: before any seeded document, fixed so seeded books are reproducible
REFERENCE_CREATED = dt.datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
_STATUS = {"draft": "DRAFT", "authorised": "AUTHORISED", "paid": "PAID", "voided": "VOIDED", "deleted": "DELETED"}


def build_books(side: SideBooks | None, org_id: str, provider: str = "ledgerbridge") -> Books:
    books = Books()
    accounts = side.accounts if side else ref.ACCOUNTS
    tax_rates = side.tax_rates if side else ref.TAX_RATES
    items = side.items if side else ref.ITEMS
    name = side.organisation_name if side else ref.ORGANISATION_NAME
    books.put("Organisation", org_id, organisation_record(org_id, name, HOME_CURRENCY, "GB", REFERENCE_CREATED))
    currencies = [HOME_CURRENCY] + sorted({a.currency for a in accounts} - {HOME_CURRENCY})
    if side:
        extra = {c.currency for c in side.contacts} | {i.currency for i in side.invoices}
        currencies += sorted(extra - set(currencies))
    for code in currencies:
        books.put("Currencies", code, currency_record(code))
    for acc in accounts:
        books.put("Accounts", acc.xero_id, account_record(acc, REFERENCE_CREATED))
    for rate in tax_rates:
        books.put("TaxRates", rate.xero_tax_type, tax_rate_record(rate))
    for item in items:
        books.put("Items", item.xero_id, item_record(item, REFERENCE_CREATED))
    if side is None:
        return books

    ids: dict[str, str] = {}
    for contact in side.contacts:
        record = contact_record(contact)
        ids[contact.key] = record["ContactID"]
        books.put("Contacts", record["ContactID"], record)
    ctx = Ctx(books=books, now=REFERENCE_CREATED, provider=provider)
    for invoice in side.invoices:
        if invoice.contact_key not in ids:
            raise ValueError(f"seeded invoice {invoice.key} names contact {invoice.contact_key}, which the Xero "
                             "side does not hold")
        record, payments = invoice_record(ctx, invoice, ids[invoice.contact_key])
        books.put("Invoices", record["InvoiceID"], record)
        for payment in payments:
            books.put("Payments", payment["PaymentID"], payment)
        books.add_history(record["InvoiceID"], {"Changes": "Created", "DateUTC": record["UpdatedDateUTC"],
                                                "User": "System Generated",
                                                "Details": f"{record.get('InvoiceNumber') or 'Bill'} imported."})
    return books


def contact_record(contact: SeedContact) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ContactID": contact.xero_id or ref.stable_uuid("xero-contact", contact.key),
        "ContactStatus": "ARCHIVED" if contact.archived else "ACTIVE", "Name": contact.name,
        "Addresses": [], "Phones": [], "ContactPersons": [], "ContactGroups": [],
        "UpdatedDateUTC": contact.updated_at or REFERENCE_CREATED,
        "_roles": {"customer": contact.is_customer, "supplier": contact.is_supplier}, "_by_app": False,
    }
    for key, value in (("FirstName", contact.first_name), ("LastName", contact.last_name),
                       ("EmailAddress", contact.email), ("TaxNumber", contact.tax_number)):
        if value:
            record[key] = value
    if contact.address_line1 or contact.city or contact.postal_code:
        address = {"AddressType": "STREET", "AddressLine1": contact.address_line1 or "", "City": contact.city or "",
                   "PostalCode": contact.postal_code or "", "Country": contact.country}
        record["Addresses"] = [address, {**address, "AddressType": "POBOX"}]
    if contact.phone:
        record["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": contact.phone, "PhoneAreaCode": "",
                             "PhoneCountryCode": ""}]
    if contact.currency != HOME_CURRENCY:
        record["DefaultCurrency"] = contact.currency
    if contact.payment_terms_days is not None:
        term = {"Day": contact.payment_terms_days, "Type": "DAYSAFTERBILLDATE"}
        record["PaymentTerms"] = {**({"Sales": term} if contact.is_customer else {}),
                                  **({"Bills": dict(term)} if contact.is_supplier else {})}
    return record


def invoice_record(ctx: Ctx, inv: SeedInvoice, contact_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kind = "ACCREC" if inv.kind == "sales" else "ACCPAY"
    invoice_id = inv.xero_id or ref.stable_uuid("xero-invoice", inv.key)
    lines = []
    for n, ln in enumerate(inv.lines):
        account = ref.account(ln.account_code)
        line: dict[str, Any] = {
            "LineItemID": ref.stable_uuid("xero-line", inv.key, n), "Description": ln.description,
            "Quantity": q(ln.quantity, FOUR), "UnitAmount": q(ln.unit_amount, CENT), "AccountCode": account.code,
            "AccountID": account.xero_id, "TaxType": ln.tax_type, "TaxAmount": q(ln.tax_amount),
            "LineAmount": ln.line_amount, "Tracking": [],
        }
        if ln.item_code:
            item = ref.item(ln.item_code)
            line["ItemCode"] = item.code
            line["_Item"] = {"ItemID": item.xero_id, "Name": item.name, "Code": item.code}
        lines.append(line)
    updated = inv.updated_at or dt.datetime.combine(inv.date, dt.time(17, 0), tzinfo=UTC)
    record: dict[str, Any] = {
        "InvoiceID": invoice_id, "Type": kind, "Contact": {"ContactID": contact_id}, "Date": inv.date,
        "DueDate": inv.due_date, "Status": _STATUS[inv.status], "LineAmountTypes": "Exclusive", "LineItems": lines,
        "CurrencyCode": inv.currency, "CurrencyRate": q(inv.currency_rate, SIX), "AmountPaid": Decimal(0),
        "AmountCredited": Decimal(0), "SentToContact": kind == "ACCREC" and inv.status != "draft",
        "HasAttachments": False, "UpdatedDateUTC": updated, "_by_app": False,
    }
    if inv.number:
        record["InvoiceNumber"] = inv.number
    elif kind == "ACCREC":
        record["InvoiceNumber"] = next_number(ctx)
    if kind == "ACCREC" and inv.reference:
        record["Reference"] = inv.reference

    seeded = list(inv.payments)
    compute_totals(record)
    if inv.status == "paid" and not seeded:
        # a paid document without its payment described: paid in full on the due date into the main bank account
        seeded = [SeedPayment(date=inv.due_date, amount=record["Total"], account_code=ref.ACCOUNTS[0].code)]
    payments = []
    if record["Status"] not in ("VOIDED", "DELETED", "DRAFT"):
        for n, pay in enumerate(seeded):
            account = ref.account(pay.account_code)
            payments.append({
                "PaymentID": pay.xero_id or ref.stable_uuid("xero-payment", inv.key, n),
                "Invoice": {"InvoiceID": invoice_id},
                "Account": {"AccountID": account.xero_id, "Code": account.code}, "Date": pay.date,
                "Amount": q(pay.amount), "CurrencyRate": q(inv.currency_rate, SIX), "Reference": pay.reference or "",
                "Status": "AUTHORISED", "PaymentType": "ACCRECPAYMENT" if kind == "ACCREC" else "ACCPAYPAYMENT",
                "IsReconciled": False, "UpdatedDateUTC": updated,
            })
        record["AmountPaid"] = q(sum((p["Amount"] for p in payments), Decimal(0)))
        compute_totals(record)
        if payments and record["AmountDue"] <= 0:
            record["Status"] = "PAID"
            record["AmountDue"] = Decimal("0.00")
            record["FullyPaidOnDate"] = max(p["Date"] for p in payments)
    return record, payments
