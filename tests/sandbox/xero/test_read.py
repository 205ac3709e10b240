"""Reading: reference endpoints, paging, If-Modified-Since, where/order/filters, GET by id (fact sheet §1-§2)."""

from __future__ import annotations

import datetime as dt
import math
from email.utils import format_datetime

import pytest

from sandbox.seed import reference
from sandbox.seed.generate import generate
from tests.sandbox.xero.conftest import XeroClient
from xero.dates import parse_ms_date

SEEDED = generate(11, 40).xero


def _all(xero: XeroClient, resource: str, **params: str) -> list[dict]:
    response = xero.get(resource, params=params)
    assert response.status_code == 200, response.text
    return response.json()[resource]


def test_reference_data_is_the_seeded_organisation(xero: XeroClient) -> None:
    org = xero.get("Organisation").json()["Organisations"]
    assert len(org) == 1 and org[0]["Name"] == "Harbour & Finch Ltd"
    assert (org[0]["BaseCurrency"], org[0]["CountryCode"], org[0]["OrganisationID"]) == ("GBP", "GB", xero.tenant_id)

    accounts = _all(xero, "Accounts")
    assert {a["Code"]: a["AccountID"] for a in accounts} == {a.code: a.xero_id for a in reference.ACCOUNTS}
    sales = next(a for a in accounts if a["Code"] == "200")
    assert (sales["Type"], sales["Class"], sales["TaxType"]) == ("REVENUE", "REVENUE", "OUTPUT2")
    assert next(a for a in accounts if a["Code"] == "610")["SystemAccount"] == "DEBTORS"
    assert xero.get(f"Accounts/{sales['AccountID']}").json()["Accounts"] == [sales]

    rates = _all(xero, "TaxRates")
    seeded_rates = reference.TAX_RATES + reference.XERO_EXTRA_TAX_RATES  # the UK reverse-charge rate, unmapped
    assert {r["TaxType"] for r in rates} == {t.xero_tax_type for t in seeded_rates}
    output2 = xero.get("TaxRates/OUTPUT2").json()["TaxRates"][0]
    assert output2["EffectiveRate"] == 20 and output2["TaxComponents"][0]["Rate"] == 20
    assert output2["CanApplyToRevenue"] is True and output2["CanApplyToExpenses"] is False

    # Items are not paged: page is ignored and no pagination object comes back
    paged = xero.get("Items", params={"page": "1"}).json()
    assert "pagination" not in paged and len(paged["Items"]) == len([i for i in SEEDED.items if i.xero_id])
    by_code = xero.get("Items/CONSULT-HR").json()["Items"][0]
    assert by_code["ItemID"] == reference.item("CONSULT-HR").xero_id
    assert by_code["SalesDetails"] == {"UnitPrice": 95, "AccountCode": "200", "TaxType": "OUTPUT2"}

    currencies = [c["Code"] for c in _all(xero, "Currencies")]
    assert currencies[0] == "GBP" and "USD" in currencies


def test_seeded_books_match_the_generator(xero: XeroClient) -> None:
    invoices = {i["InvoiceID"]: i for i in _all(xero, "Invoices", page="1", pageSize="1000")}
    assert set(invoices) == {i.xero_id for i in SEEDED.invoices}
    for seed in SEEDED.invoices:
        got = invoices[seed.xero_id]
        assert got["Type"] == ("ACCREC" if seed.kind == "sales" else "ACCPAY")
        assert got["Total"] == pytest.approx(float(seed.total)) and got["TotalTax"] == pytest.approx(
            float(seed.total_tax))
        if seed.number:
            assert got["InvoiceNumber"] == seed.number
        assert got["AmountPaid"] == pytest.approx(float(seed.amount_paid))
        # a deleted payment stays in GET /Payments but no longer pays the invoice
        assert {p["PaymentID"] for p in got["Payments"]} == {p.xero_id for p in seed.payments if not p.deleted}
        assert got["Status"] == seed.status.upper()
    contacts = _all(xero, "Contacts", includeArchived="true")
    assert {c["ContactID"] for c in contacts} == {c.xero_id for c in SEEDED.contacts}
    archived = {c.xero_id for c in SEEDED.contacts if c.archived}
    assert archived and {c["ContactID"] for c in _all(xero, "Contacts")} == {c.xero_id for c in SEEDED.contacts} - \
        archived


def test_paging_and_page_sizes(xero: XeroClient) -> None:
    total = len(SEEDED.invoices)
    first = xero.get("Invoices", params={"page": 1, "pageSize": 10}).json()
    assert first["pagination"] == {"page": 1, "pageSize": 10, "pageCount": math.ceil(total / 10), "itemCount": total}
    seen: list[str] = []
    for page in range(1, first["pagination"]["pageCount"] + 1):
        rows = xero.get("Invoices", params={"page": page, "pageSize": 10}).json()["Invoices"]
        assert all(r["LineItems"] for r in rows if r["Status"] != "DELETED")  # paged: line items included
        seen += [r["InvoiceID"] for r in rows]
    assert len(seen) == len(set(seen)) == total
    assert xero.get("Invoices", params={"page": 99, "pageSize": 10}).json()["Invoices"] == []
    # default 100 a page; at most 1000
    assert xero.get("Invoices", params={"page": 1}).json()["pagination"]["pageSize"] == 100
    assert xero.get("Invoices", params={"page": 1, "pageSize": 5000}).json()["pagination"]["pageSize"] == 1000
    # without page: everything, no pagination object, invoices without their lines (fact sheet §2.2)
    unpaged = xero.get("Invoices").json()
    assert "pagination" not in unpaged and len(unpaged["Invoices"]) == total
    assert all(r["LineItems"] == [] for r in unpaged["Invoices"])


def test_order_is_stable_for_paging(xero: XeroClient) -> None:
    ordered = _all(xero, "Invoices", page="1", pageSize="1000", order="Status ASC")
    keys = [(r["Status"], r["InvoiceID"]) for r in ordered]
    assert keys == sorted(keys)  # ties fall back to the id, so pages never overlap
    by_total = _all(xero, "Invoices", page="1", pageSize="1000", order="Total DESC, InvoiceNumber ASC")
    assert [r["Total"] for r in by_total] == sorted((r["Total"] for r in by_total), reverse=True)
    names = [c["Name"] for c in _all(xero, "Contacts", order="Name ASC")]
    assert names == sorted(names, key=str.casefold)


def test_if_modified_since_in_the_formats_clients_send(xero: XeroClient) -> None:
    rows = _all(xero, "Invoices", page="1", pageSize="1000", order="UpdatedDateUTC ASC")
    stamps = [parse_ms_date(r["UpdatedDateUTC"]) for r in rows]
    assert stamps == sorted(stamps)
    boundary = stamps[len(stamps) // 2].replace(microsecond=0)
    expected = {r["InvoiceID"] for r, s in zip(rows, stamps) if s >= boundary}
    assert 0 < len(expected) < len(rows)
    forms = [
        boundary.strftime("%Y-%m-%dT%H:%M:%S"),  # no offset = UTC ([AB])
        boundary.astimezone(dt.timezone(dt.timedelta(hours=-8))).isoformat(),  # the spec's example form
        format_datetime(boundary, usegmt=True),  # RFC 1123 ([PYX])
    ]
    for form in forms:
        got = xero.get("Invoices", params={"page": 1, "pageSize": 1000},
                       headers={"If-Modified-Since": form}).json()["Invoices"]
        assert {r["InvoiceID"] for r in got} == expected, form
    # TaxRates have no UpdatedDateUTC: the header is ignored there
    late = format_datetime(dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc), usegmt=True)
    assert xero.get("TaxRates", headers={"If-Modified-Since": late}).json()["TaxRates"]
    assert xero.get("Accounts", headers={"If-Modified-Since": late}).json()["Accounts"] == []


def test_where_expressions(xero: XeroClient) -> None:
    everything = _all(xero, "Invoices", page="1", pageSize="1000")

    def where(expression: str, resource: str = "Invoices") -> list[dict]:
        return _all(xero, resource, page="1", pageSize="1000", where=expression)

    open_sales = where('Type=="ACCREC" AND Status=="AUTHORISED" && AmountDue > 0')
    assert {r["InvoiceID"] for r in open_sales} == {
        r["InvoiceID"] for r in everything if r["Type"] == "ACCREC" and r["Status"] == "AUTHORISED"
        and r["AmountDue"] > 0}
    contact_id = everything[0]["Contact"]["ContactID"]
    of_contact = where(f'Contact.ContactID==Guid("{contact_id.upper()}")')
    assert of_contact and all(r["Contact"]["ContactID"] == contact_id for r in of_contact)
    since = where("Date >= DateTime(2026, 09, 01) OR Status == \"DRAFT\"")
    assert {r["InvoiceID"] for r in since} == {
        r["InvoiceID"] for r in everything
        if parse_ms_date(r["Date"]).date() >= dt.date(2026, 9, 1) or r["Status"] == "DRAFT"}
    assert {r["Status"] for r in where('Status != "PAID" AND NOT (Status == "AUTHORISED")')} <= {
        "DRAFT", "VOIDED", "DELETED", "SUBMITTED"}

    contacts = _all(xero, "Contacts", includeArchived="true")
    limited = where('Name.Contains("limited") OR Name.EndsWith("LTD")', "Contacts")
    assert {c["ContactID"] for c in limited} == {
        c["ContactID"] for c in contacts if c["ContactStatus"] == "ACTIVE"
        and ("limited" in c["Name"].lower() or c["Name"].lower().endswith("ltd"))}
    suppliers = where("IsSupplier == true AND EmailAddress != null", "Contacts")
    assert suppliers and all(c["IsSupplier"] and c.get("EmailAddress") for c in suppliers)
    assert where('ContactStatus=="ARCHIVED"', "Contacts") == []  # archived ones need includeArchived

    bad = xero.get("Invoices", params={"where": 'Colour=="red"'})
    assert bad.status_code == 400
    assert bad.json() == {"ErrorNumber": 16, "Type": "QueryParseException",
                          "Message": "No property or field 'Colour' exists in type 'Invoice'"}
    assert xero.get("Invoices", params={"where": 'Status=="DRAFT" AND'}).status_code == 400
    assert xero.get("Invoices", params={"order": "Colour DESC"}).status_code == 400


def test_list_filters_archived_and_summaries(xero: XeroClient) -> None:
    everything = _all(xero, "Invoices", page="1", pageSize="1000")
    two = [everything[0]["InvoiceID"], everything[3]["InvoiceID"]]
    assert {r["InvoiceID"] for r in _all(xero, "Invoices", IDs=",".join(two))} == set(two)
    statuses = {r["Status"] for r in _all(xero, "Invoices", Statuses="VOIDED,DELETED")}
    assert statuses == {"VOIDED", "DELETED"}  # deleted and voided invoices keep coming back (fact sheet §8.8)
    numbers = [r["InvoiceNumber"] for r in everything if r["Type"] == "ACCREC"][:2]
    assert {r["InvoiceNumber"] for r in _all(xero, "Invoices", InvoiceNumbers=",".join(numbers))} == set(numbers)
    contact_id = everything[0]["Contact"]["ContactID"]
    assert {r["Contact"]["ContactID"] for r in _all(xero, "Invoices", ContactIDs=contact_id)} == {contact_id}

    summary = _all(xero, "Invoices", page="1", summaryOnly="true")
    assert summary and all("LineItems" not in r and "Payments" not in r for r in summary)
    contact_summary = _all(xero, "Contacts", summaryOnly="true")
    assert all("Addresses" not in c and "Phones" not in c for c in contact_summary)

    archived = next(c for c in SEEDED.contacts if c.archived)
    listed = {c["ContactID"] for c in _all(xero, "Contacts", includeArchived="true", IDs=archived.xero_id)}
    assert listed == {archived.xero_id}
    assert _all(xero, "Contacts", IDs=archived.xero_id) == []
    one = xero.get(f"Contacts/{archived.xero_id}").json()["Contacts"]
    assert one[0]["ContactStatus"] == "ARCHIVED" and "Balances" in one[0]


def test_get_by_id_number_and_not_found(xero: XeroClient) -> None:
    sale = next(i for i in SEEDED.invoices if i.kind == "sales" and i.number)
    by_id = xero.get(f"Invoices/{sale.xero_id}").json()["Invoices"]
    assert len(by_id) == 1 and by_id[0]["LineItems"]
    by_number = xero.get(f"Invoices/{sale.number}").json()["Invoices"]
    assert by_number[0]["InvoiceID"] == sale.xero_id
    assert by_number[0]["DateString"] == f"{sale.date.isoformat()}T00:00:00"
    missing = xero.get("Invoices/00000000-0000-0000-0000-000000000001")
    assert missing.status_code == 404 and missing.text == "The resource you're looking for cannot be found"
    assert xero.get("Widgets").status_code == 404
    assert xero.get("Organisation/anything").status_code == 404


def test_json_needs_accept_application_json(xero: XeroClient) -> None:
    answered = xero.get("Invoices", headers={"Accept": "*/*"})
    assert answered.status_code == 406 and "application/json" in answered.text


RESOURCES = {"CreditNotes": "CreditNoteID", "Payments": "PaymentID", "BankTransactions": "BankTransactionID",
             "Overpayments": "OverpaymentID", "ManualJournals": "ManualJournalID", "Items": "ItemID",
             "TrackingCategories": "TrackingCategoryID", "Accounts": "AccountID"}


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_seeded_resource_lists_and_reads_against_the_spec(xero: XeroClient, resource: str) -> None:
    """Each list (paged, unpaged, summary) and each record by id: the fixture checks every answer against the spec."""
    rows = _all(xero, resource)
    assert rows
    paged = xero.get(resource, params={"page": "1", "pageSize": "1000"}).json()
    assert len(paged[resource]) == len(rows)
    for row in rows:
        one = xero.get(f"{resource}/{row[RESOURCES[resource]]}").json()[resource]
        assert [r[RESOURCES[resource]] for r in one] == [row[RESOURCES[resource]]]


def test_seeded_balances_follow_payments_and_credit(xero: XeroClient) -> None:
    """AmountDue = Total - AmountPaid - AmountCredited on every seeded invoice, as the generator says it is."""
    invoices = {i["InvoiceID"]: i for i in _all(xero, "Invoices", page="1", pageSize="1000")}
    for seed in SEEDED.invoices:
        got = invoices[seed.xero_id]
        if got["Status"] in ("AUTHORISED", "PAID"):
            assert got["AmountDue"] == pytest.approx(float(seed.amount_due))
            assert got["AmountCredited"] == pytest.approx(float(seed.amount_credited))
            assert got["AmountDue"] == pytest.approx(got["Total"] - got["AmountPaid"] - got["AmountCredited"])
