"""Writing: PUT vs POST, batches with per-record results, summarised 400s that still save, totals, numbering,
validation messages, status rules, Idempotency-Key replay and History (fact sheet §1.2, §3)."""

from __future__ import annotations

import uuid

from tests.sandbox.xero.conftest import XeroClient
from xero.dates import parse_ms_date


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_batch_with_one_bad_record_reports_per_record(xero: XeroClient) -> None:
    taken = _name("Lantern Works")
    xero.create_contact(taken)
    fresh = _name("Orchard Lane")
    response = xero.put("Contacts", {"Contacts": [{"Name": fresh, "EmailAddress": "ap@orchard.example"},
                                                  {"Name": taken.upper()},
                                                  {"EmailAddress": "no-name@example.com"}]},
                        params={"summarizeErrors": "false"})
    assert response.status_code == 200
    ok, duplicate, anonymous = response.json()["Contacts"]
    assert ok["StatusAttributeString"] == "OK" and ok["HasValidationErrors"] is False
    assert duplicate["StatusAttributeString"] == "ERROR" and duplicate["HasValidationErrors"] is True
    assert duplicate["ContactID"] == "00000000-0000-0000-0000-000000000000"
    assert duplicate["ValidationErrors"] == [{"Message": (
        f"The contact name {taken.upper()} is already assigned to another contact. The contact name must be unique "
        "across all active contacts.")}]
    assert anonymous["ValidationErrors"][0]["Message"].startswith("The Contact must contain at least 1 of")
    saved = xero.get(f"Contacts/{ok['ContactID']}").json()["Contacts"][0]
    assert saved["Name"] == fresh and saved["EmailAddress"] == "ap@orchard.example"


def test_summarised_errors_answer_400_but_save_the_valid_rows(xero: XeroClient) -> None:
    good, clash = _name("Meridian Studio"), _name("Copperfield")
    xero.create_contact(clash)
    response = xero.put("Contacts", {"Contacts": [{"Name": good}, {"Name": clash}]})
    assert response.status_code == 400
    body = response.json()
    assert (body["ErrorNumber"], body["Type"], body["Message"]) == (10, "ValidationException",
                                                                     "A validation exception occurred")
    assert [e["Name"] for e in body["Elements"]] == [clash]
    # not transactional: the valid contact exists all the same (fact sheet §3, StackOverflow q/52706101)
    found = xero.get("Contacts", params={"where": f'Name=="{good}"'}).json()["Contacts"]
    assert len(found) == 1


def test_put_creates_only_post_creates_or_updates(xero: XeroClient) -> None:
    contact = xero.create_contact(_name("Harrow Joinery"), ContactNumber=f"HJ-{uuid.uuid4().hex[:6]}")
    cid, before = contact["ContactID"], parse_ms_date(contact["UpdatedDateUTC"])

    again = xero.put("Contacts", {"Contacts": [{"ContactID": cid, "Name": contact["Name"]}]},
                     params={"summarizeErrors": "false"}).json()["Contacts"][0]
    assert again["StatusAttributeString"] == "ERROR" and "use POST" in again["ValidationErrors"][0]["Message"]

    updated = xero.post("Contacts", {"Contacts": [{"ContactID": cid, "EmailAddress": "office@harrow.example"}]})
    assert updated.status_code == 200
    row = updated.json()["Contacts"][0]
    assert row["EmailAddress"] == "office@harrow.example" and row["Name"] == contact["Name"]
    assert parse_ms_date(row["UpdatedDateUTC"]) >= before

    # POST without an id finds the contact by its ContactNumber; POST /Contacts/{id} names it in the path
    by_number = xero.post("Contacts", {"Contacts": [{"ContactNumber": contact["ContactNumber"],
                                                     "TaxNumber": "GB 123 4567 89"}]}).json()["Contacts"][0]
    assert by_number["ContactID"] == cid and by_number["TaxNumber"] == "GB 123 4567 89"
    by_path = xero.post(f"Contacts/{cid}", {"Contacts": [{"FirstName": "Ada"}]}).json()["Contacts"][0]
    assert by_path["ContactID"] == cid and by_path["FirstName"] == "Ada"

    unknown = xero.post("Contacts", {"Contacts": [{"ContactID": str(uuid.uuid4()), "Name": "Ghost"}]},
                        params={"summarizeErrors": "false"}).json()["Contacts"][0]
    assert unknown["StatusAttributeString"] == "ERROR"
    assert xero.post(f"Contacts/{uuid.uuid4()}", {"Contacts": [{"Name": "Ghost"}]}).status_code == 404

    archived = xero.post(f"Contacts/{cid}", {"Contacts": [{"ContactStatus": "ARCHIVED"}]}).json()["Contacts"][0]
    assert archived["ContactStatus"] == "ARCHIVED"
    # the name is free again among active contacts
    assert xero.create_contact(contact["Name"])["ContactID"] != cid


def test_invoice_totals_come_from_the_lines(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Tidewater Gallery"))["ContactID"]
    exclusive = xero.create_invoice(cid, lines=[
        {"Description": "Consulting", "Quantity": 3, "UnitAmount": 95, "AccountCode": "200", "TaxType": "OUTPUT2"},
        {"Description": "Books", "Quantity": 1, "UnitAmount": 24.99, "AccountCode": "260",
         "TaxType": "ZERORATEDOUTPUT"},
        {"Description": "Workshop", "Quantity": 1, "UnitAmount": 10.05, "AccountCode": "200", "TaxType": "RROUTPUT"},
    ], Total=1)
    assert [ln["TaxAmount"] for ln in exclusive["LineItems"]] == [57.0, 0.0, 0.5]  # 0.5025 rounds to 0.50
    assert (exclusive["SubTotal"], exclusive["TotalTax"], exclusive["Total"]) == (320.04, 57.5, 377.54)
    assert exclusive["AmountDue"] == 377.54 and exclusive["AmountPaid"] == 0 and exclusive["LineAmountTypes"] == \
        "Exclusive"

    inclusive = xero.create_invoice(cid, LineAmountTypes="Inclusive", lines=[
        {"Description": "Design day", "Quantity": 1, "UnitAmount": 120, "AccountCode": "200"}])
    assert (inclusive["SubTotal"], inclusive["TotalTax"], inclusive["Total"]) == (100, 20, 120)

    notax = xero.create_invoice(cid, LineAmountTypes="NoTax", lines=[
        {"Description": "Travel", "Quantity": 2, "UnitAmount": 15.5, "AccountCode": "260"}])
    assert notax["LineItems"][0]["TaxType"] == "NONE" and notax["Total"] == 31

    override = xero.create_invoice(cid, lines=[
        {"Description": "Print", "Quantity": 1, "UnitAmount": 10.03, "AccountCode": "200", "TaxAmount": 2.02}])
    assert override["TotalTax"] == 2.02 and override["Total"] == 12.05

    # the seeded Xero books price the item their own way: the line takes the price the item has there
    price = xero.get("Items/WORKSHOP").json()["Items"][0]["SalesDetails"]["UnitPrice"]
    from_item = xero.create_invoice(cid, lines=[{"ItemCode": "WORKSHOP", "Quantity": 2, "DiscountRate": 10}])
    line = from_item["LineItems"][0]
    assert (line["Description"], line["UnitAmount"], line["AccountCode"], line["TaxType"]) == (
        "Discovery workshop", price, "200", "OUTPUT2")
    assert line["LineAmount"] == round(price * 1.8, 2) and from_item["TotalDiscount"] == round(price * 0.2, 2)
    assert from_item["Total"] == round(price * 1.8 * 1.2, 2)
    assert line["Item"]["Code"] == "WORKSHOP"


def test_sales_invoice_numbers_are_generated_and_unique(xero: XeroClient) -> None:
    existing = [r["InvoiceNumber"] for r in xero.get("Invoices", params={"where": 'Type=="ACCREC"'}).json()
                ["Invoices"] if r["InvoiceNumber"].startswith("INV-") and r["InvoiceNumber"][4:].isdigit()]
    highest = max(int(n[4:]) for n in existing)
    cid = xero.create_contact(_name("Beacon Florists"))["ContactID"]
    first = xero.create_invoice(cid)
    assert first["InvoiceNumber"] == f"INV-{highest + 1:04d}"
    dup = xero.put("Invoices", {"Invoices": [{"Type": "ACCREC", "Contact": {"ContactID": cid},
                                              "InvoiceNumber": first["InvoiceNumber"],
                                              "LineItems": [{"Description": "x", "UnitAmount": 1}]}]},
                   params={"summarizeErrors": "false"}).json()["Invoices"][0]
    assert dup["HasErrors"] is True and dup["ValidationErrors"] == [{"Message": "Invoice # must be unique."}]
    # bills may share a supplier's number
    bills = [xero.create_invoice(cid, kind="ACCPAY", InvoiceNumber="SUP-77") for _ in range(2)]
    assert [b["InvoiceNumber"] for b in bills] == ["SUP-77", "SUP-77"] and "Reference" not in bills[0]


def test_validation_messages_name_the_problem(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Fenwick Bakery"))["ContactID"]
    cases = {
        "Account code '999' is not a valid code for this document.":
            {"LineItems": [{"Description": "x", "UnitAmount": 5, "AccountCode": "999"}]},
        "Account code '090' is not a valid code for this document.":  # a bank account
            {"LineItems": [{"Description": "x", "UnitAmount": 5, "AccountCode": "090"}]},
        "The TaxType code INPUT2 does not exist or cannot be used for this type of transaction.":
            {"LineItems": [{"Description": "x", "UnitAmount": 5, "AccountCode": "200", "TaxType": "INPUT2"}]},
        "Item code 'NOPE' is not valid.": {"LineItems": [{"ItemCode": "NOPE", "UnitAmount": 5}]},
        "The description field is mandatory for each line item.":
            {"LineItems": [{"UnitAmount": 5, "AccountCode": "200"}]},
    }
    body = {"Invoices": [{"Type": "ACCREC", "Contact": {"ContactID": cid}, "Status": "DRAFT", **extra}
                         for extra in cases.values()]}
    body["Invoices"].append({"Type": "ACCREC", "Contact": {"EmailAddress": "who@example.com"},
                             "LineItems": [{"Description": "x"}]})
    body["Invoices"].append({"Type": "ACCREC", "Contact": {"ContactID": str(uuid.uuid4())},
                             "LineItems": [{"Description": "x"}]})
    results = xero.put("Invoices", body, params={"summarizeErrors": "false"}).json()["Invoices"]
    messages = [r["ValidationErrors"][0]["Message"] for r in results]
    assert messages[:5] == list(cases)
    assert messages[5].startswith("The Contact must contain at least 1 of the following elements")
    assert "could not be found" in messages[6]
    assert all(r["StatusAttributeString"] == "ERROR" and r["InvoiceID"] == "00000000-0000-0000-0000-000000000000"
               for r in results)


def test_contacts_inside_invoices(xero: XeroClient) -> None:
    name = _name("Saltmarsh Cycles")
    lines = [{"Description": "Tune-up", "UnitAmount": 40, "AccountCode": "200"}]
    invoice = xero.put("Invoices", {"Invoices": [{"Type": "ACCREC", "Contact": {"Name": name},
                                                  "LineItems": lines}]}).json()["Invoices"][0]
    # an unknown Name creates the contact
    contact = xero.get(f"Contacts/{invoice['Contact']['ContactID']}").json()["Contacts"][0]
    assert contact["Name"] == name and contact["IsCustomer"] is True and contact["IsSupplier"] is False
    assert invoice["Status"] == "DRAFT"
    # a known Name finds it; a full contact object updates it (fact sheet §8.11)
    again = xero.put("Invoices", {"Invoices": [{"Type": "ACCREC", "LineItems": lines, "Contact": {
        "Name": name.upper(), "EmailAddress": "hello@saltmarsh.example"}}]}).json()["Invoices"][0]
    assert again["Contact"]["ContactID"] == contact["ContactID"]
    updated = xero.get(f"Contacts/{contact['ContactID']}").json()["Contacts"][0]
    assert updated["EmailAddress"] == "hello@saltmarsh.example" and updated["Name"] == name


def test_status_rules(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Northgate Dental"))["ContactID"]

    def move(invoice_id: str, status: str) -> dict:
        return xero.post(f"Invoices/{invoice_id}", {"Invoices": [{"Status": status}]},
                         params={"summarizeErrors": "false"}).json()["Invoices"][0]

    draft = xero.create_invoice(cid, status="DRAFT")
    assert move(draft["InvoiceID"], "DELETED")["Status"] == "DELETED"
    assert move(draft["InvoiceID"], "DRAFT")["ValidationErrors"] == [
        {"Message": "Invoice not of valid status for modification"}]

    approved = xero.create_invoice(cid)
    refused = move(approved["InvoiceID"], "DELETED")
    assert refused["ValidationErrors"] == [{"Message": "Invoice not of valid status for modification"}]
    voided = move(approved["InvoiceID"], "VOIDED")
    assert voided["Status"] == "VOIDED" and voided["AmountDue"] == 0 and voided["Total"] == approved["Total"]
    assert move(approved["InvoiceID"], "AUTHORISED")["StatusAttributeString"] == "ERROR"

    # seeded invoices with payments: PAID, or part-paid AUTHORISED, cannot be voided
    paid = xero.get("Invoices", params={"where": 'Status=="PAID"'}).json()["Invoices"][0]
    assert move(paid["InvoiceID"], "VOIDED")["StatusAttributeString"] == "ERROR"
    part = [r for r in xero.get("Invoices", params={"where": 'Status=="AUTHORISED" AND AmountPaid > 0'}).json()
            ["Invoices"]]
    if part:  # the seed holds part-paid invoices from size 40 on
        assert move(part[0]["InvoiceID"], "VOIDED")["ValidationErrors"][0]["Message"] == \
            "Invoice not of valid status for modification"


def test_updated_date_moves_on_every_change(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Pebble Press"))["ContactID"]
    invoice = xero.create_invoice(cid, status="DRAFT")
    before = parse_ms_date(invoice["UpdatedDateUTC"])
    xero.control("POST", "clock", json={"advance": 2})
    edited = xero.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Reference": "PO-991"}]}).json()
    after = parse_ms_date(edited["Invoices"][0]["UpdatedDateUTC"])
    assert after > before and edited["Invoices"][0]["UpdatedDateUTCString"].endswith("Z")
    since = xero.get("Invoices", params={"IDs": invoice["InvoiceID"]},
                     headers={"If-Modified-Since": after.strftime("%Y-%m-%dT%H:%M:%S")}).json()["Invoices"]
    assert [r["InvoiceID"] for r in since] == [invoice["InvoiceID"]]
    # the same content again changes nothing, so UpdatedDateUTC stays
    same = xero.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Reference": "PO-991"}]}).json()
    assert parse_ms_date(same["Invoices"][0]["UpdatedDateUTC"]) == after


def test_idempotency_key_replays_and_refuses_a_different_request(xero: XeroClient) -> None:
    name = _name("Wrenfield Yoga")
    key = f"lb-{uuid.uuid4().hex}"
    body = {"Contacts": [{"Name": name}]}
    first = xero.put("Contacts", body, headers={"Idempotency-Key": key}, params={"summarizeErrors": "false"})
    replay = xero.put("Contacts", body, headers={"Idempotency-Key": key}, params={"summarizeErrors": "false"})
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()  # the stored response, envelope Id included
    assert len(xero.get("Contacts", params={"where": f'Name=="{name}"'}).json()["Contacts"]) == 1

    other = xero.put("Contacts", {"Contacts": [{"Name": name + " 2"}]}, headers={"Idempotency-Key": key},
                     params={"summarizeErrors": "false"})
    assert other.status_code == 400
    assert other.json()["Message"] == f"Idempotency Key: {key} is used with a different request."
    notes = [c["note"] for c in xero.box.calls() if c["idempotency_key"] == key]
    assert notes == [None, "replay", "idempotency-mismatch"]


def test_history_records_and_notes(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Quayside Books"))["ContactID"]
    invoice = xero.create_invoice(cid)
    history = xero.get(f"Invoices/{invoice['InvoiceID']}/History").json()["HistoryRecords"]
    assert [h["Changes"] for h in history] == ["Approved", "Created"]
    assert invoice["InvoiceNumber"] in history[-1]["Details"]

    added = xero.put(f"Invoices/{invoice['InvoiceID']}/History",
                     {"HistoryRecords": [{"Details": "Copied to QuickBooks as invoice 1043"}]})
    assert added.status_code == 200
    assert added.json()["HistoryRecords"][0]["Details"] == "Copied to QuickBooks as invoice 1043"
    newest = xero.get(f"Invoices/{invoice['InvoiceID']}/History").json()["HistoryRecords"][0]
    assert (newest["Changes"], newest["Details"]) == ("Note", "Copied to QuickBooks as invoice 1043")

    unknown = xero.put(f"Invoices/{uuid.uuid4()}/History", {"HistoryRecords": [{"Details": "x"}]})
    assert unknown.status_code == 400
    assert unknown.json()["Elements"][0]["ValidationErrors"][0]["Message"] == \
        "The document with the supplied id was not found for this endpoint."
    contact_history = xero.get(f"Contacts/{cid}/History").json()["HistoryRecords"]
    assert contact_history[-1]["Changes"] == "Created"
