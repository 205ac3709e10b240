"""Attachments: raw uploads to invoices, bills, credit notes, bank transactions and manual journals, byte-equal
downloads by AttachmentID and by FileName, the list, HasAttachments, replacement, limits and replay."""

from __future__ import annotations

import hashlib
import os
import uuid

from sandbox.xero.attachments import MAX_BYTES, MAX_PER_DOCUMENT
from tests.sandbox.xero.conftest import XeroClient

PDF = b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n"


def _upload(xero: XeroClient, resource: str, key: str, name: str, data: bytes, method: str = "PUT",
            content_type: str = "application/octet-stream", **params: str) -> object:
    return xero.call(method, f"{resource}/{key}/Attachments/{name}", data=data, params=params,
                     headers={"Content-Type": content_type})


def _owners(xero: XeroClient) -> dict[str, tuple[str, str]]:
    cid = xero.create_contact(f"Paperwork Ltd {uuid.uuid4().hex[:6]}")["ContactID"]
    bill = xero.create_invoice(cid, kind="ACCPAY")
    note = xero.create_credit_note(cid)
    txn = xero.put("BankTransactions", {"BankTransactions": [{
        "Type": "SPEND", "Contact": {"ContactID": cid}, "BankAccount": {"Code": "090"},
        "LineItems": [{"Description": "Taxi", "UnitAmount": 18, "AccountCode": "493"}]}]}).json()
    journal = xero.put("ManualJournals", {"ManualJournals": [{"Narration": "Reclass", "JournalLines": [
        {"LineAmount": 10, "AccountCode": "429"}, {"LineAmount": -10, "AccountCode": "461"}]}]}).json()
    return {"Invoices": ("InvoiceID", bill["InvoiceID"]), "CreditNotes": ("CreditNoteID", note["CreditNoteID"]),
            "BankTransactions": ("BankTransactionID", txn["BankTransactions"][0]["BankTransactionID"]),
            "ManualJournals": ("ManualJournalID", journal["ManualJournals"][0]["ManualJournalID"])}


def test_upload_and_download_round_trip_on_every_document(xero: XeroClient) -> None:
    for resource, (id_field, key) in _owners(xero).items():
        before = xero.get(f"{resource}/{key}").json()[resource][0]
        assert before["HasAttachments"] is False
        made = _upload(xero, resource, key, "receipt 0042.pdf", PDF)
        assert made.status_code == 200, made.text
        attachment = made.json()["Attachments"][0]
        assert (attachment["FileName"], attachment["MimeType"], attachment["ContentLength"]) == (
            "receipt 0042.pdf", "application/pdf", len(PDF))
        assert attachment["Url"].endswith(f"/{resource}/{key}/Attachments/receipt 0042.pdf")

        by_id = xero.call("GET", f"{resource}/{key}/Attachments/{attachment['AttachmentID']}",
                          headers={"Accept": "application/octet-stream", "contentType": "application/pdf"})
        assert by_id.status_code == 200 and by_id.content == PDF
        assert by_id.headers["content-type"] == "application/pdf"
        by_name = xero.call("GET", f"{resource}/{key}/Attachments/receipt%200042.pdf",
                            headers={"Accept": "application/pdf"})
        assert hashlib.sha256(by_name.content).digest() == hashlib.sha256(PDF).digest()

        listed = xero.get(f"{resource}/{key}/Attachments").json()["Attachments"]
        assert [a["AttachmentID"] for a in listed] == [attachment["AttachmentID"]]
        assert xero.get(f"{resource}/{key}").json()[resource][0]["HasAttachments"] is True
        assert xero.call("GET", f"{resource}/{key}/Attachments/missing.pdf").status_code == 404


def test_replacing_limits_online_flag_and_mime_types(xero: XeroClient) -> None:
    cid = xero.create_contact(f"Quillon Print {uuid.uuid4().hex[:6]}")["ContactID"]
    sale = xero.create_invoice(cid)
    iid = sale["InvoiceID"]
    first = _upload(xero, "Invoices", iid, "terms.txt", b"v1", content_type="text/plain", IncludeOnline="true")
    assert first.json()["Attachments"][0]["IncludeOnline"] is True
    # the same name again (POST) replaces the file and keeps its AttachmentID
    second = _upload(xero, "Invoices", iid, "TERMS.txt", b"version two", method="POST")
    assert second.json()["Attachments"][0]["AttachmentID"] == first.json()["Attachments"][0]["AttachmentID"]
    assert second.json()["Attachments"][0]["MimeType"] == "text/plain"  # from the name: the body was octet-stream
    assert xero.call("GET", f"Invoices/{iid}/Attachments/terms.txt").content == b"version two"
    image = _upload(xero, "Invoices", iid, "logo", b"\x89PNG\r\n", content_type="image/png")
    assert image.json()["Attachments"][0]["MimeType"] == "image/png"

    for n in range(MAX_PER_DOCUMENT - 2):
        assert _upload(xero, "Invoices", iid, f"page-{n}.txt", b"x").status_code == 200
    over = _upload(xero, "Invoices", iid, "one-too-many.txt", b"x")
    assert over.status_code == 400
    assert over.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": f"A document can have at most {MAX_PER_DOCUMENT} attachments."}]
    assert len(xero.get(f"Invoices/{iid}/Attachments").json()["Attachments"]) == MAX_PER_DOCUMENT

    bill = xero.create_invoice(cid, kind="ACCPAY")
    big = _upload(xero, "Invoices", bill["InvoiceID"], "scan.tiff", b"\0" * (MAX_BYTES + 1))
    assert big.status_code == 413 and big.json()["Detail"] == "PayloadTooLarge"
    assert _upload(xero, "Invoices", str(uuid.uuid4()), "x.txt", b"x").status_code == 404
    assert _upload(xero, "Invoices", bill["InvoiceID"], "empty.txt", b"").status_code == 400
    # the online flag is for sales documents only
    assert "IncludeOnline" not in _upload(xero, "Invoices", bill["InvoiceID"], "a.txt", b"a",
                                          IncludeOnline="true").json()["Attachments"][0]
    # contacts and accounts take attachments too
    assert _upload(xero, "Contacts", cid, "w9.pdf", PDF).status_code == 200
    assert xero.get(f"Contacts/{cid}").json()["Contacts"][0]["HasAttachments"] is True
    assert xero.call("GET", f"Contacts/{cid}/Attachments/w9.pdf").content == PDF
    # items take none (the spec has no such path)
    assert xero.get(f"Items/{xero.get('Items').json()['Items'][0]['ItemID']}/Attachments").status_code == 404


def test_an_upload_replays_with_its_idempotency_key(xero: XeroClient) -> None:
    cid = xero.create_contact(f"Ledger Lane {uuid.uuid4().hex[:6]}")["ContactID"]
    bill = xero.create_invoice(cid, kind="ACCPAY")
    key = f"lb-att-{uuid.uuid4().hex}"
    path = f"Invoices/{bill['InvoiceID']}/Attachments/invoice.pdf"
    headers = {"Content-Type": "application/pdf", "Idempotency-Key": key}
    first = xero.call("PUT", path, data=PDF, headers=headers)
    again = xero.call("PUT", path, data=PDF, headers=headers)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    notes = [c["note"] for c in xero.box.calls() if c["idempotency_key"] == key]
    assert notes == [None, "replay"]
    other = xero.call("PUT", path, data=PDF + b"!", headers=headers)
    assert other.status_code == 400


def test_seeded_attachments(xero: XeroClient) -> None:
    from sandbox.seed.generate import generate

    seeded = generate(11, 40).xero
    owners = {**{("bill", i.key): ("Invoices", i.xero_id) for i in seeded.invoices},
              **{("invoice", i.key): ("Invoices", i.xero_id) for i in seeded.invoices},
              **{("credit_note", c.key): ("CreditNotes", c.xero_id) for c in seeded.credit_notes},
              **{("bank_transaction", b.key): ("BankTransactions", b.xero_id) for b in seeded.bank_transactions},
              **{("journal", j.key): ("ManualJournals", j.xero_id) for j in seeded.journals}}
    assert seeded.attachments
    for att in seeded.attachments:
        resource, key = owners[(att.owner_kind, att.owner_key)]
        listed = xero.get(f"{resource}/{key}/Attachments").json()["Attachments"]
        assert (att.xero_id, att.file_name, att.mime_type) in {(a["AttachmentID"], a["FileName"], a["MimeType"])
                                                              for a in listed}
        assert xero.call("GET", f"{resource}/{key}/Attachments/{att.xero_id}").content == att.content
