"""The official client, xero-python 15.2.0, works against the sandbox unchanged apart from its URLs: it refreshes
tokens, reads and pages contacts and invoices, creates them and reads per-record errors without a deserialisation
error. Its responses go through the same spec checks (the client's HTTP pool is wrapped)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from xero_python.accounting import (Account, AccountingApi, Allocation, Allocations, BankTransaction,
                                    BankTransactions, Contact, Contacts, CreditNote, CreditNotes, HistoryRecord,
                                    HistoryRecords, Invoice, Invoices, Item, Items, LineItem, LineItemTracking,
                                    ManualJournal, ManualJournalLine, ManualJournals, Payment, PaymentDelete, Purchase)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.exceptions import AccountingBadRequestException, NotFoundException
from xero_python.identity import IdentityApi

from sandbox.seed import reference
from tests.sandbox.xero.conftest import Factory, XeroClient
from tests.sandbox.xero.spec import SpecChecker


def _client(xero: XeroClient, spec: SpecChecker, monkeypatch: pytest.MonkeyPatch) -> tuple[ApiClient, dict]:
    info = xero.info
    monkeypatch.setattr(TokenApi, "refresh_token_url", info["token_url"])
    monkeypatch.setattr(TokenApi, "client_credentials_token_url", info["token_url"])
    store: dict[str, Any] = {}

    def save(token: dict[str, Any]) -> None:
        store.clear()
        # keep the scope as a list: the client joins it with spaces on the next refresh (xero-python PR #165)
        store.update(token, scope=token["scope"].split() if isinstance(token.get("scope"), str) else token["scope"])

    configuration = Configuration()
    # Configuration() hands back a copy of the first one ever made (OpenAPI Generator's TypeWithDefault), so the
    # token holder is set on the copy rather than passed to the constructor
    configuration.oauth2_token = OAuth2Token(client_id=info["client_id"], client_secret=info["client_secret"])
    api_client = ApiClient(configuration, pool_threads=1, oauth2_token_getter=lambda: store,
                           oauth2_token_saver=save)
    pool = api_client.rest_client.pool_manager
    send = pool.request

    def checked(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        response = send(method, url, *args, **kwargs)
        fields = kwargs.get("fields")
        full = f"{url}?{urlencode(fields)}" if fields and method == "GET" else url
        spec.check(method, full, response.status, response.headers, response.data, info["base_url"],
                   info["token_url"])
        return response

    pool.request = checked
    return api_client, store


def test_xero_python_reads_pages_and_writes(xero_factory: Factory, spec: SpecChecker,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    xero = xero_factory("--seed", "4", "--size", "30", "--rate-limits", "off", login=False)
    api_client, store = _client(xero, spec, monkeypatch)
    store.update({"refresh_token": xero.info["refresh_token"], "scope": xero.info["scope"].split(),
                  "access_token": "none-yet", "expires_in": 0, "token_type": "Bearer", "expires_at": 0})
    token = dict(api_client.refresh_oauth2_token())  # the getter hands back the live store
    assert token["refresh_token"] != xero.info["refresh_token"] and token["expires_in"] == 1800
    assert api_client.refresh_oauth2_token()["refresh_token"] != token["refresh_token"]  # and again

    root = xero.info["base_url"].rsplit("/api.xro", 1)[0]
    [connection] = IdentityApi(api_client, base_url=root).get_connections()
    tenant = str(connection.tenant_id)
    assert tenant == xero.tenant_id

    accounting = AccountingApi(api_client, base_url=xero.info["base_url"])
    assert accounting.get_organisations(tenant).organisations[0].name == "Harbour & Finch Ltd"
    assert {a.code for a in accounting.get_accounts(tenant).accounts} >= {"200", "090", "610"}
    assert accounting.get_tax_rates(tenant).tax_rates[0].tax_type
    assert accounting.get_items(tenant).items and accounting.get_currencies(tenant).currencies

    contacts = accounting.get_contacts(tenant, page=1, include_archived=True)
    assert contacts.pagination.item_count == len(contacts.contacts) > 0
    assert isinstance(contacts.contacts[0].updated_date_utc, dt.datetime)

    pages, seen = 1, []
    while True:
        page = accounting.get_invoices(tenant, page=pages, page_size=10, order="UpdatedDateUTC ASC")
        seen += [i.invoice_id for i in page.invoices]
        if pages >= page.pagination.page_count:
            break
        pages += 1
    assert len(seen) == len(set(seen)) == page.pagination.item_count and pages >= 2
    first = accounting.get_invoices(tenant, page=1, page_size=5, statuses=["AUTHORISED", "PAID"],
                                    where='Type=="ACCREC"').invoices
    assert all(i.status in ("AUTHORISED", "PAID") and i.type == "ACCREC" for i in first)
    assert isinstance(first[0].total, Decimal) and isinstance(first[0].date, dt.date)
    since = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    assert all(i.updated_date_utc >= since for i in accounting.get_invoices(tenant, if_modified_since=since).invoices)

    created = accounting.create_contacts(tenant, contacts=Contacts(contacts=[
        Contact(name="Harbourside Cafe Limited", email_address="accounts@harbourside.example")]),
        summarize_errors=False).contacts[0]
    assert created.status_attribute_string == "OK" and created.contact_id

    invoice = Invoice(type="ACCREC", contact=Contact(contact_id=created.contact_id), date=dt.date(2026, 10, 3),
                      due_date=dt.date(2026, 11, 2), status="AUTHORISED", reference="PO-5521",
                      line_items=[LineItem(description="Design day rate", quantity=Decimal("2"),
                                           unit_amount=Decimal("640.00"), account_code="200", tax_type="OUTPUT2")])
    made = accounting.create_invoices(tenant, invoices=Invoices(invoices=[invoice]), summarize_errors=False)
    sale = made.invoices[0]
    assert sale.total == Decimal("1536.00") and sale.invoice_number.startswith("INV-")
    assert sale.line_items[0].line_amount == Decimal("1280.00")

    good = Invoice(invoice_id=sale.invoice_id, reference="PO-5521-A")
    bad = Invoice(type="ACCREC", contact=Contact(contact_id=created.contact_id),
                  line_items=[LineItem(description="x", unit_amount=Decimal("1"), account_code="999")])
    mixed = accounting.update_or_create_invoices(tenant, invoices=Invoices(invoices=[good, bad]),
                                                 summarize_errors=False).invoices
    assert mixed[0].status_attribute_string == "OK" and mixed[0].reference == "PO-5521-A"
    assert mixed[1].has_errors is True
    assert mixed[1].validation_errors[0].message == "Account code '999' is not a valid code for this document."

    assert accounting.get_invoice(tenant, sale.invoice_id).invoices[0].reference == "PO-5521-A"
    accounting.create_invoice_history(tenant, sale.invoice_id, history_records=HistoryRecords(
        history_records=[HistoryRecord(details="Sent to QuickBooks")]))
    notes = accounting.get_invoice_history(tenant, sale.invoice_id).history_records
    assert notes[0].details == "Sent to QuickBooks"

    with pytest.raises(NotFoundException):
        accounting.get_invoice(tenant, "0b0e1d5c-0000-4000-8000-000000000000")
    with pytest.raises(AccountingBadRequestException) as refused:
        accounting.create_contacts(tenant, contacts=Contacts(contacts=[Contact(name="Harbourside Cafe Limited")]))
    assert "already assigned to another contact" in refused.value.reason


def test_xero_python_client_credentials(xero_factory: Factory, spec: SpecChecker,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    xero = xero_factory(login=False)
    api_client, store = _client(xero, spec, monkeypatch)
    token = api_client.get_client_credentials_token()
    assert token["access_token"] and "refresh_token" not in token
    accounting = AccountingApi(api_client, base_url=xero.info["base_url"])
    assert accounting.get_contacts(xero.tenant_id).contacts == []


def test_xero_python_payments_credit_banking_journals_items_attachments(xero_factory: Factory, spec: SpecChecker,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue 4 entities through the official client: each call deserialises into its models."""
    xero = xero_factory("--seed", "4", "--size", "30", "--rate-limits", "off", login=False)
    api_client, store = _client(xero, spec, monkeypatch)
    store.update({"refresh_token": xero.info["refresh_token"], "scope": xero.info["scope"].split(),
                  "access_token": "none-yet", "expires_in": 0, "token_type": "Bearer", "expires_at": 0})
    api_client.refresh_oauth2_token()
    tenant = xero.tenant_id
    accounting = AccountingApi(api_client, base_url=xero.info["base_url"])

    item = accounting.create_items(tenant, items=Items(items=[Item(
        code="FRAME-A3", name="A3 frame", description="Oak frame, A3",
        sales_details=Purchase(unit_price=Decimal("45.00"), account_code="260", tax_type="OUTPUT2"))]),
        summarize_errors=False).items[0]
    assert item.item_id and item.sales_details.unit_price == Decimal("45.00")
    assert accounting.get_item(tenant, item.item_id).items[0].code == "FRAME-A3"

    customer = accounting.create_contacts(tenant, contacts=Contacts(contacts=[Contact(name="Gull Rock Gallery")])
                                          ).contacts[0].contact_id
    sale = accounting.create_invoices(tenant, invoices=Invoices(invoices=[Invoice(
        type="ACCREC", contact=Contact(contact_id=customer), date=dt.date(2026, 10, 3), due_date=dt.date(2026, 11, 2),
        status="AUTHORISED", line_items=[LineItem(item_code="FRAME-A3", quantity=Decimal("4"), tracking=[
            LineItemTracking(name="Region", option="South")])])])).invoices[0]
    assert sale.total == Decimal("216.00") and sale.line_items[0].tracking[0].option == "South"

    payment = accounting.create_payment(tenant, payment=Payment(
        invoice=Invoice(invoice_id=sale.invoice_id), account=Account(code="090"), date=dt.date(2026, 10, 9),
        amount=Decimal("100.00"), reference="BACS")).payments[0]
    assert payment.payment_type == "ACCRECPAYMENT" and payment.amount == Decimal("100.00")
    read = accounting.get_payment(tenant, payment.payment_id).payments[0]
    assert read.invoice.invoice_id == sale.invoice_id and isinstance(read.date, dt.date)

    note = accounting.create_credit_notes(tenant, credit_notes=CreditNotes(credit_notes=[CreditNote(
        type="ACCRECCREDIT", contact=Contact(contact_id=customer), date=dt.date(2026, 10, 10), status="AUTHORISED",
        line_items=[LineItem(description="Frame damaged", quantity=Decimal("1"), unit_amount=Decimal("45.00"),
                             account_code="260")])])).credit_notes[0]
    assert note.credit_note_number.startswith("CN-") and note.remaining_credit == Decimal("54.00")
    allocation = accounting.create_credit_note_allocation(tenant, note.credit_note_id, allocations=Allocations(
        allocations=[Allocation(invoice=Invoice(invoice_id=sale.invoice_id), amount=Decimal("54.00"),
                                date=dt.date(2026, 10, 11))])).allocations[0]
    assert allocation.amount == Decimal("54.00")
    credited = accounting.get_credit_note(tenant, note.credit_note_id).credit_notes[0]
    assert credited.status == "PAID" and credited.allocations[0].invoice.invoice_id == sale.invoice_id
    invoice = accounting.get_invoice(tenant, sale.invoice_id).invoices[0]
    assert (invoice.amount_paid, invoice.amount_credited, invoice.amount_due) == (
        Decimal("100.00"), Decimal("54.00"), Decimal("62.00"))
    undone = accounting.delete_credit_note_allocations(tenant, note.credit_note_id, credited.allocations[0]
                                                       .allocation_id)
    assert undone.is_deleted is True
    accounting.delete_payment(tenant, payment.payment_id, payment_delete=PaymentDelete(status="DELETED"))
    assert accounting.get_invoice(tenant, sale.invoice_id).invoices[0].amount_due == Decimal("216.00")

    spend = accounting.create_bank_transactions(tenant, bank_transactions=BankTransactions(bank_transactions=[
        BankTransaction(type="SPEND", contact=Contact(contact_id=customer), bank_account=Account(code="090"),
                        date=dt.date(2026, 10, 12), line_items=[LineItem(
                            description="Framing tape", quantity=Decimal("1"), unit_amount=Decimal("12.50"),
                            account_code="429")])])).bank_transactions[0]
    assert spend.total == Decimal("15.00")
    assert accounting.get_bank_transaction(tenant, spend.bank_transaction_id).bank_transactions[0].type == "SPEND"

    journal = accounting.create_manual_journals(tenant, manual_journals=ManualJournals(manual_journals=[
        ManualJournal(narration="Accrue rent", date=dt.date(2026, 10, 31), status="POSTED", journal_lines=[
            ManualJournalLine(line_amount=Decimal("900.00"), account_code="469"),
            ManualJournalLine(line_amount=Decimal("-900.00"), account_code="820")])])).manual_journals[0]
    assert journal.status == "POSTED"
    lines = accounting.get_manual_journal(tenant, journal.manual_journal_id).manual_journals[0].journal_lines
    assert [ln.line_amount for ln in lines] == [Decimal("900.00"), Decimal("-900.00")]

    content = b"%PDF-1.4\n" + bytes(range(256)) * 8
    uploaded = accounting.create_invoice_attachment_by_file_name(tenant, sale.invoice_id, "proof.pdf", content,
                                                                 include_online=True).attachments[0]
    assert (uploaded.mime_type, uploaded.content_length, uploaded.include_online) == ("application/pdf",
                                                                                      len(content), True)
    listed = accounting.get_invoice_attachments(tenant, sale.invoice_id).attachments
    assert [a.attachment_id for a in listed] == [uploaded.attachment_id]
    downloaded = accounting.get_invoice_attachment_by_id(tenant, sale.invoice_id, uploaded.attachment_id,
                                                         "application/pdf")
    try:
        with open(downloaded, "rb") as fh:
            assert fh.read() == content
    finally:
        os.remove(downloaded)  # the client saves downloads as temporary files
    categories = accounting.get_tracking_categories(tenant).tracking_categories
    assert [c.name for c in categories] == [c.name for c in reference.TRACKING] == ["Region", "Location"]
    assert [o.name for o in categories[1].options] == ["Bristol studio", "Cardiff studio"]
