"""Webhooks: Xero-shaped events after changes, signed base64(HMAC-SHA256(key, raw body)) (fact sheet §6)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from tests.sandbox.xero.conftest import Factory
from tests.sandbox.xero.spec import SpecChecker


class Receiver:
    """A webhook endpoint that verifies signatures as Xero asks: 200 when right, 401 when not."""

    def __init__(self) -> None:
        self.key = ""
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signature = self.headers.get("x-xero-signature", "")
                expected = base64.b64encode(hmac.new(receiver.key.encode(), body, hashlib.sha256).digest()).decode()
                good = hmac.compare_digest(signature, expected)
                if good and json.loads(body)["events"]:
                    receiver.received.append((body, signature))
                self.send_response(200 if good else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xero/webhooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = [e for body, _ in self.received for e in json.loads(body)["events"]]
            if len(events) >= count:
                return events
            time.sleep(0.05)
        raise AssertionError(f"expected {count} events, got {self.received}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.server.shutdown()


def test_changes_are_announced_signed(xero_factory: Factory, receiver: Receiver, spec: SpecChecker) -> None:
    xero = xero_factory("--webhook-url", receiver.url)
    receiver.key = xero.info["webhook_key"]
    assert len(base64.b64decode(receiver.key)) == 64

    # Intent to Receive: the endpoint must accept the signed payload and refuse the badly signed one
    assert xero.control("POST", "webhooks/intent") == {"signed": 200, "badly_signed": 401, "ok": True}

    contact = xero.create_contact("Millstream Events")
    invoice = xero.create_invoice(contact["ContactID"], status="DRAFT")
    xero.post(f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Status": "AUTHORISED"}]})
    events = receiver.events(3)

    for body, _ in receiver.received:
        payload = json.loads(body)
        spec.webhook_payload(payload)
        assert payload["lastEventSequence"] - payload["firstEventSequence"] + 1 == len(payload["events"])
    seen = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in events]
    assert seen == [("CONTACT", "CREATE", contact["ContactID"]), ("INVOICE", "CREATE", invoice["InvoiceID"]),
                    ("INVOICE", "UPDATE", invoice["InvoiceID"])]
    assert all(e["tenantId"] == xero.tenant_id and e["tenantType"] == "ORGANISATION" for e in events)
    # events are thin: the resource URL reads the change
    fetched = xero.http.get(events[-1]["resourceUrl"], headers=xero.headers())
    assert fetched.json()["Invoices"][0]["Status"] == "AUTHORISED"
    # the receiver has each body before the sandbox has the answer: wait until the deliveries are recorded
    deadline = time.monotonic() + 10
    deliveries = xero.control("GET", "webhooks")
    while time.monotonic() < deadline and (len(deliveries) < len(receiver.received)
                                           or any(d["status"] is None for d in deliveries)):
        time.sleep(0.1)
        deliveries = xero.control("GET", "webhooks")
    assert [d["status"] for d in deliveries] == [200] * len(receiver.received)


def test_credit_notes_and_settlements_are_announced(xero_factory: Factory, receiver: Receiver,
                                                    spec: SpecChecker) -> None:
    """CREDITNOTE events carry data {Type, Status}; a payment or an allocation is an UPDATE of what it settles."""
    xero = xero_factory("--webhook-url", receiver.url)
    receiver.key = xero.info["webhook_key"]
    cid = xero.create_contact("Tidewell Hire")["ContactID"]
    invoice = xero.create_invoice(cid)
    note = xero.create_credit_note(cid)
    xero.put(f"CreditNotes/{note['CreditNoteID']}/Allocations",
             {"Allocations": [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 20, "Date": "2026-10-06"}]})
    xero.pay({"InvoiceID": invoice["InvoiceID"]}, 100)
    events = receiver.events(6)
    seen = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in events]
    assert seen == [("CONTACT", "CREATE", cid), ("INVOICE", "CREATE", invoice["InvoiceID"]),
                    ("CREDITNOTE", "CREATE", note["CreditNoteID"]), ("INVOICE", "UPDATE", invoice["InvoiceID"]),
                    ("CREDITNOTE", "UPDATE", note["CreditNoteID"]), ("INVOICE", "UPDATE", invoice["InvoiceID"])]
    assert events[2]["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}
    assert all("data" not in e for e in events if e["eventCategory"] != "CREDITNOTE")
    for body, _ in receiver.received:
        spec.webhook_payload(json.loads(body))
