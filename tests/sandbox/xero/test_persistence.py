"""``--state DIR``: the books and the app's OAuth state outlive a restart; the seed's truth is written there."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sandbox.xero.conftest import Factory


def test_books_and_credentials_survive_a_restart(xero_factory: Factory, tmp_path: Path) -> None:
    state = str(tmp_path / "xero-state")
    first = xero_factory("--state", state, "--seed", "5", "--size", "12")
    contact = first.create_contact("Kestrel Outdoor Ltd")
    invoice = first.create_invoice(contact["ContactID"])
    payment = first.pay({"InvoiceID": invoice["InvoiceID"]}, 36)
    note = first.create_credit_note(contact["ContactID"])
    first.put(f"CreditNotes/{note['CreditNoteID']}/Allocations",
              {"Allocations": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 100}]})
    scan = bytes(range(256)) * 4
    first.call("PUT", f"Invoices/{invoice['InvoiceID']}/Attachments/scan.bin", data=scan,
               headers={"Content-Type": "application/octet-stream"})
    key_body = {"Contacts": [{"Name": "Replay After Restart"}]}
    replayed = first.put("Contacts", key_body, headers={"Idempotency-Key": "lb-restart"}).json()
    rotated_refresh, old_access = first.refresh_token, first.access_token
    first.box.stop()
    assert first.box.proc.returncode == 0

    truth = json.loads((Path(state) / "truth.json").read_text())
    assert truth["seed"] == 5 and truth["size"] == 12

    second = xero_factory("--state", state, "--truth", str(tmp_path / "again.json"), login=False)
    for key in ("client_id", "client_secret", "tenant_id", "seed", "size"):
        assert second.info[key] == first.info[key]
    assert json.loads((tmp_path / "again.json").read_text()) == truth
    assert second.info["refresh_token"] != first.info["refresh_token"]  # a fresh one printed at each start

    # the refresh token rotated before the restart still works, and so does the access token issued then
    second.access_token = old_access
    assert second.get(f"Contacts/{contact['ContactID']}").json()["Contacts"][0]["Name"] == "Kestrel Outdoor Ltd"
    second.refresh_token = rotated_refresh
    second.login()
    kept = second.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert kept["InvoiceNumber"] == invoice["InvoiceNumber"] and kept["Total"] == invoice["Total"]
    # payments, allocations and attachments (their bytes) are kept with the books
    assert (kept["AmountPaid"], kept["AmountCredited"], kept["HasAttachments"]) == (36, 100, True)
    assert [p["PaymentID"] for p in kept["Payments"]] == [payment["PaymentID"]]
    assert second.call("GET", f"Invoices/{invoice['InvoiceID']}/Attachments/scan.bin").content == scan
    # the idempotency cache persists too: a retry across the restart replays
    assert second.put("Contacts", key_body, headers={"Idempotency-Key": "lb-restart"}).json() == replayed
    # the printed refresh token of this start is also good
    assert second.token(second.info["refresh_token"]).status_code == 200
