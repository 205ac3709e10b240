"""Seeded books: ``sandbox.seed.model.SideBooks`` (ledger-neutral) turned into Xero records.

The ids given by the generator are used as they are (SeedContact.xero_id, SeedInvoice.xero_id, SeedPayment.xero_id
as the PaymentID, ...), so the truth file names records by the ids the API returns; where an id is missing a stable
one is derived from the record's key. Without a seed the books hold the reference data only (chart of accounts, tax
rates, items, tracking categories, currencies) and the organisation. Credit notes, overpayments, bank transactions,
journals and attachments: ``sandbox.xero.seed_documents``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.seed import reference as ref
from sandbox.seed.model import HOME_CURRENCY, SeedContact, SeedInvoice, SeedPayment, SideBooks
from sandbox.xero import seed_documents, tracking
from sandbox.xero.books import Books
from sandbox.xero.documents import compute_totals, next_number
from sandbox.xero.entities import Ctx
from sandbox.xero.items import item_record
from sandbox.xero.reference import account_record, currency_record, organisation_record, tax_rate_record
from sandbox.xero.seed_documents import payment_record, seeded_lines
from sandbox.xero.wire import SIX, UTC, q

# when the reference data was set up: before any seeded document, fixed so seeded books are reproducible
REFERENCE_CREATED = dt.datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
STATUS = {"draft": "DRAFT", "authorised": "AUTHORISED", "paid": "PAID", "voided": "VOIDED", "deleted": "DELETED",
          "posted": "POSTED"}
_ZERO = Decimal("0")


def build_books(side: SideBooks | None, org_id: str, provider: str = "ledgerbridge",
                home_currency: str = HOME_CURRENCY) -> Books:
    """The organisation's books; ``home_currency`` is its base currency (seeded books are kept in GBP)."""
    if side is not None and home_currency != HOME_CURRENCY:
        raise ValueError(f"seeded books are kept in {HOME_CURRENCY}, not {home_currency}")
    books = Books()
    accounts = side.accounts if side else ref.ACCOUNTS
    tax_rates = (side.tax_rates + side.extra_tax_rates) if side else ref.TAX_RATES
    items = side.items if side else ref.ITEMS
    name = side.organisation_name if side else ref.ORGANISATION_NAME
    categories = side.tracking if side else ref.TRACKING
    books.put("Organisation", org_id, organisation_record(org_id, name, home_currency, "GB", REFERENCE_CREATED))
    for code in _currencies(side, accounts, home_currency):
        books.put("Currencies", code, currency_record(code))
    for acc in accounts:
        books.put("Accounts", acc.xero_id, account_record(acc, REFERENCE_CREATED))
    for rate in tax_rates:
        books.put("TaxRates", rate.xero_tax_type, tax_rate_record(rate))
    for item in items:
        if item.xero_id:  # None: an item QuickBooks has and Xero lacks
            books.put("Items", item.xero_id, item_record(item, REFERENCE_CREATED))
    for category in categories:
        books.put("TrackingCategories", category.xero_id, tracking.category_record(category))
    if side is None:
        return books

    ids: dict[str, str] = {}
    for contact in side.contacts:
        record = contact_record(contact)
        ids[contact.key] = record["ContactID"]
        books.put("Contacts", record["ContactID"], record)
    ctx = Ctx(books=books, now=REFERENCE_CREATED, provider=provider)
    credited = seed_documents.credited_by_invoice(side)
    invoice_ids: dict[str, str] = {}
    for invoice in side.invoices:
        if invoice.contact_key not in ids:
            raise ValueError(f"seeded invoice {invoice.key} names contact {invoice.contact_key}, which the Xero "
                             "side does not hold")
        record, payments = invoice_record(ctx, invoice, ids[invoice.contact_key], credited.get(invoice.key, _ZERO))
        invoice_ids[invoice.key] = record["InvoiceID"]
        books.put("Invoices", record["InvoiceID"], record)
        for payment in payments:
            books.put("Payments", payment["PaymentID"], payment)
        books.add_history(record["InvoiceID"], {"Changes": "Created", "DateUTC": record["UpdatedDateUTC"],
                                                "User": "System Generated",
                                                "Details": f"{record.get('InvoiceNumber') or 'Bill'} imported."})
    seed_documents.load(ctx, side, ids, invoice_ids)
    return books


def _currencies(side: SideBooks | None, accounts: list[Any], home_currency: str = HOME_CURRENCY) -> list[str]:
    """The enabled currencies: the side's own list (home first), then any an account or a record uses."""
    out = list(side.currencies) if side else [home_currency]
    if home_currency not in out:
        out.insert(0, home_currency)
    used = {a.currency for a in accounts}
    if side:
        used |= {c.currency for c in side.contacts} | {i.currency for i in side.invoices} | \
            {c.currency for c in side.credit_notes} | {b.currency for b in side.bank_transactions} | \
            {o.currency for o in side.overpayments}
    return out + sorted(used - set(out))


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


def invoice_record(ctx: Ctx, inv: SeedInvoice, contact_id: str, credited: Decimal = _ZERO
                   ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kind = "ACCREC" if inv.kind == "sales" else "ACCPAY"
    invoice_id = inv.xero_id or ref.stable_uuid("xero-invoice", inv.key)
    updated = inv.updated_at or dt.datetime.combine(inv.date, dt.time(17, 0), tzinfo=UTC)
    record: dict[str, Any] = {
        "InvoiceID": invoice_id, "Type": kind, "Contact": {"ContactID": contact_id}, "Date": inv.date,
        "DueDate": inv.due_date, "Status": STATUS[inv.status], "LineAmountTypes": "Exclusive",
        "LineItems": seeded_lines(ctx.books, inv.lines, inv.key), "CurrencyCode": inv.currency,
        "CurrencyRate": q(inv.currency_rate, SIX), "AmountPaid": _ZERO, "AmountCredited": _ZERO,
        "SentToContact": kind == "ACCREC" and inv.status != "draft", "HasAttachments": False,
        "UpdatedDateUTC": updated, "_by_app": False,
    }
    if inv.number:
        record["InvoiceNumber"] = inv.number
    elif kind == "ACCREC":
        record["InvoiceNumber"] = next_number(ctx)
    if kind == "ACCREC" and inv.reference:
        record["Reference"] = inv.reference

    seeded = list(inv.payments)
    compute_totals(record)
    live = [p for p in seeded if not p.deleted]
    if inv.status == "paid" and not live and record["Total"] - credited > 0:
        # a paid document without its payment described: paid in full on the due date into the main bank account
        seeded.append(SeedPayment(date=inv.due_date, amount=record["Total"] - credited,
                                  account_code=ref.ACCOUNTS[0].code))
    payments = []
    if record["Status"] not in ("VOIDED", "DELETED", "DRAFT"):
        payments = [payment_record(pay, "Invoice", "Invoices", record, f"{inv.key}/{n}")
                    for n, pay in enumerate(seeded)]
        record["AmountPaid"] = q(sum((p["Amount"] for p in payments if p["Status"] == "AUTHORISED"), _ZERO))
        compute_totals(record)
        live_payments = [p for p in payments if p["Status"] == "AUTHORISED"]
        # credit allocated later (seed_documents) may be what pays it off; the PAID status follows then
        if live_payments and record["AmountDue"] - credited <= 0:
            record["Status"] = "PAID"
            record["FullyPaidOnDate"] = max(p["Date"] for p in live_payments)
        elif record["Status"] == "PAID":
            record["Status"] = "AUTHORISED"  # settled by credit: seed_documents turns it PAID
    return record, payments
