"""Credit notes: written like invoices (numbering, totals, statuses), allocated to invoices of the same contact and
type (AmountDue, AmountCredited, CreditNotes[], RemainingCredit, PAID), allocations deleted, refunds, refusals."""

from __future__ import annotations

import uuid

from tests.sandbox.xero.conftest import XeroClient


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _get(xero: XeroClient, resource: str, key: str) -> dict:
    return xero.get(f"{resource}/{key}").json()[resource][0]


def test_credit_notes_are_numbered_totalled_and_listed(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Fernhill Bakery"))["ContactID"]
    first = xero.create_credit_note(cid)
    second = xero.create_credit_note(cid, lines=[
        {"Description": "Returned books", "Quantity": 2, "UnitAmount": 24.99, "AccountCode": "260",
         "TaxType": "ZERORATEDOUTPUT"}])
    assert first["CreditNoteNumber"].startswith("CN-") and second["CreditNoteNumber"].startswith("CN-")
    assert int(second["CreditNoteNumber"][3:]) == int(first["CreditNoteNumber"][3:]) + 1
    assert (first["SubTotal"], first["TotalTax"], first["Total"], first["RemainingCredit"]) == (100, 20, 120, 120)
    assert (first["Type"], first["Status"], first["Allocations"]) == ("ACCRECCREDIT", "AUTHORISED", [])
    assert second["Total"] == 49.98

    taken = xero.put("CreditNotes", {"CreditNotes": [{"Type": "ACCRECCREDIT", "Contact": {"ContactID": cid},
                                                      "CreditNoteNumber": first["CreditNoteNumber"],
                                                      "LineItems": [{"Description": "x", "UnitAmount": 1,
                                                                     "AccountCode": "200"}]}]},
                     params={"summarizeErrors": "false"}).json()["CreditNotes"][0]
    assert taken["ValidationErrors"] == [{"Message": "Credit Note # must be unique."}]
    supplier = xero.create_credit_note(cid, kind="ACCPAYCREDIT", status="DRAFT", Reference="RMA 7")
    assert (supplier["CreditNoteNumber"], supplier["Reference"], supplier["RemainingCredit"]) == ("", "RMA 7", 120)
    assert supplier["LineItems"][0]["TaxType"] == "INPUT2"  # purchase side

    # a DRAFT can be deleted, an AUTHORISED one voided
    deleted = xero.post(f"CreditNotes/{supplier['CreditNoteID']}", {"CreditNotes": [{"Status": "DELETED"}]})
    assert deleted.json()["CreditNotes"][0]["Status"] == "DELETED"
    voided = xero.post(f"CreditNotes/{second['CreditNoteID']}", {"CreditNotes": [{"Status": "VOIDED"}]}).json()
    assert (voided["CreditNotes"][0]["Status"], voided["CreditNotes"][0]["RemainingCredit"]) == ("VOIDED", 0)

    paged = xero.get("CreditNotes", params={"page": "1", "pageSize": "3"}).json()
    assert paged["pagination"]["pageSize"] == 3 and all("LineItems" in c for c in paged["CreditNotes"])
    unpaged = xero.get("CreditNotes", params={"where": f'Contact.ContactID==Guid("{cid}")'}).json()["CreditNotes"]
    assert {c["CreditNoteID"] for c in unpaged} == {first["CreditNoteID"], second["CreditNoteID"],
                                                    supplier["CreditNoteID"]}
    assert _get(xero, "CreditNotes", first["CreditNoteNumber"])["CreditNoteID"] == first["CreditNoteID"]


def test_allocation_reduces_the_invoice_and_the_credit(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Meadowsweet Florist"))["ContactID"]
    invoice = xero.create_invoice(cid, lines=[{"Description": "Wedding flowers", "Quantity": 1, "UnitAmount": 250,
                                               "AccountCode": "200"}])  # 300.00
    note = xero.create_credit_note(cid)  # 120.00
    path = f"CreditNotes/{note['CreditNoteID']}/Allocations"
    made = xero.put(path, {"Allocations": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 70,
                                            "Date": "2026-10-06"}]})
    assert made.status_code == 200, made.text
    allocation = made.json()["Allocations"][0]
    assert (allocation["Amount"], allocation["Invoice"]["InvoiceID"]) == (70, invoice["InvoiceID"])
    assert allocation["CreditNote"]["CreditNoteID"] == note["CreditNoteID"]

    owed = _get(xero, "Invoices", invoice["InvoiceID"])
    assert (owed["AmountCredited"], owed["AmountDue"], owed["Status"]) == (70, 230, "AUTHORISED")
    assert [(c["CreditNoteID"], c["AppliedAmount"]) for c in owed["CreditNotes"]] == [(note["CreditNoteID"], 70)]
    credit = _get(xero, "CreditNotes", note["CreditNoteID"])
    assert (credit["RemainingCredit"], credit["Status"]) == (50, "AUTHORISED")
    assert [a["AllocationID"] for a in credit["Allocations"]] == [allocation["AllocationID"]]

    # the rest of the credit: the credit note is used up and PAID
    xero.put(path, {"Allocations": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 50,
                                     "Date": "2026-10-07"}]})
    assert _get(xero, "CreditNotes", note["CreditNoteID"])["Status"] == "PAID"
    assert _get(xero, "Invoices", invoice["InvoiceID"])["AmountDue"] == 180

    # deleting an allocation gives both their balances back
    removed = xero.call("DELETE", f"{path}/{allocation['AllocationID']}")
    assert removed.status_code == 200 and removed.json()["IsDeleted"] is True
    credit = _get(xero, "CreditNotes", note["CreditNoteID"])
    assert (credit["RemainingCredit"], credit["Status"], len(credit["Allocations"])) == (70, "AUTHORISED", 1)
    assert _get(xero, "Invoices", invoice["InvoiceID"])["AmountCredited"] == 50
    assert xero.call("DELETE", f"{path}/{allocation['AllocationID']}").status_code == 404


def test_credit_that_pays_an_invoice_off_and_refusals(xero: XeroClient) -> None:
    cid = xero.create_contact(_name("Oakapple Toys"))["ContactID"]
    other = xero.create_contact(_name("Rowan Kites"))["ContactID"]
    small = xero.create_invoice(cid, lines=[{"Description": "Kite", "Quantity": 1, "UnitAmount": 50,
                                             "AccountCode": "200"}])  # 60.00
    note = xero.create_credit_note(cid)  # 120.00
    path = f"CreditNotes/{note['CreditNoteID']}/Allocations"

    def allocate(invoice_id: str, amount: float) -> dict:
        return xero.put(path, {"Allocations": [{"Invoice": {"InvoiceID": invoice_id}, "Amount": amount,
                                                "Date": "2026-10-08"}]}, params={"summarizeErrors": "false"}
                        ).json()["Allocations"][0]

    too_much = allocate(small["InvoiceID"], 61)
    assert too_much["ValidationErrors"] == [
        {"Message": "Credit Note cannot be allocated as amount is greater than amount outstanding"}]
    bill = xero.create_invoice(cid, kind="ACCPAY")
    assert allocate(bill["InvoiceID"], 10)["ValidationErrors"][0]["Message"] == \
        "Credit Note cannot be allocated to an incorrect invoice type"
    elsewhere = xero.create_invoice(other)
    assert "same contact" in allocate(elsewhere["InvoiceID"], 10)["ValidationErrors"][0]["Message"]

    assert allocate(small["InvoiceID"], 60)["StatusAttributeString"] == "OK"
    paid = _get(xero, "Invoices", small["InvoiceID"])
    assert (paid["Status"], paid["AmountDue"], paid["AmountCredited"]) == ("PAID", 0, 60)
    assert allocate(small["InvoiceID"], 1)["ValidationErrors"][0]["Message"] == \
        "The invoice you are trying to allocate to has already been paid off"
    # an invoice settled by credit cannot be voided; a summarised allocation failure is a 400
    void = xero.post(f"Invoices/{small['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]},
                     params={"summarizeErrors": "false"}).json()["Invoices"][0]
    assert void["ValidationErrors"][0]["Message"] == "Invoice not of valid status for modification"
    summarised = xero.put(path, {"Allocations": [{"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Amount": 1}]})
    assert summarised.status_code == 400 and summarised.json()["Type"] == "ValidationException"

    # what is left of the credit is refunded: a payment on the credit note
    refund = xero.pay({"CreditNoteID": note["CreditNoteID"]}, 60)
    assert refund["PaymentType"] == "ARCREDITPAYMENT" and refund["CreditNote"]["CreditNoteID"] == note["CreditNoteID"]
    assert refund["Invoice"]["Type"] == "ACCRECCREDIT"  # Xero shows the credit note under Invoice too
    done = _get(xero, "CreditNotes", note["CreditNoteID"])
    assert (done["RemainingCredit"], done["Status"], len(done["Payments"])) == (0, "PAID", 1)
    locked = xero.post(f"CreditNotes/{note['CreditNoteID']}", {"CreditNotes": [{"Reference": "x"}]},
                       params={"summarizeErrors": "false"}).json()["CreditNotes"][0]
    assert locked["ValidationErrors"] == [{"Message": "Credit Note not of valid status for modification"}]

    unknown = xero.put(f"CreditNotes/{uuid.uuid4()}/Allocations",
                       {"Allocations": [{"Invoice": {"InvoiceID": small["InvoiceID"]}, "Amount": 1}]})
    assert unknown.status_code == 404


def test_seeded_credit_notes_and_allocations(xero: XeroClient) -> None:
    from sandbox.seed.generate import generate

    seeded = generate(11, 40).xero
    listed = {c["CreditNoteID"]: c for c in xero.get("CreditNotes", params={"page": "1"}).json()["CreditNotes"]}
    invoices = {i.key: i.xero_id for i in seeded.invoices}
    for note in seeded.credit_notes:
        got = listed[note.xero_id]
        assert got["Total"] == float(note.total)
        if note.status in ("authorised", "paid"):
            # a paid credit note had what its allocations left refunded
            left = 0 if note.status == "paid" else note.total - note.amount_allocated
            assert (got["RemainingCredit"], got["Status"]) == (float(left), note.status.upper())
            assert {a["Invoice"]["InvoiceID"] for a in got["Allocations"]} == {invoices[k] for k, _, _ in
                                                                                note.allocations}
    for invoice in seeded.invoices:
        if invoice.amount_credited:
            got = _get(xero, "Invoices", invoice.xero_id)
            assert got["AmountCredited"] == float(invoice.amount_credited)
            assert got["AmountDue"] == float(invoice.amount_due) or got["Status"] in ("VOIDED", "DELETED")
