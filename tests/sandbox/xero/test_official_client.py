"""The official client, xero-python 15.2.0, works against the sandbox unchanged apart from its URLs: it refreshes
tokens, reads and pages contacts and invoices, creates them and reads per-record errors without a deserialisation
error. Its responses go through the same spec checks (the client's HTTP pool is wrapped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from xero_python.accounting import (AccountingApi, Contact, Contacts, HistoryRecord, HistoryRecords, Invoice,
                                    Invoices, LineItem)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.exceptions import AccountingBadRequestException, NotFoundException
from xero_python.identity import IdentityApi

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
