"""``--state DIR`` keeps the books, the app's credentials and the replay memory across restarts; ``--webhook-url``
receives signed ``eventNotifications`` (fact sheet §6)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.sandbox.quickbooks.conftest import QBApi, unique


def test_books_and_credentials_survive_a_restart(qb_factory, tmp_path: Path) -> None:
    state = str(tmp_path / "qb")
    first: QBApi = qb_factory("--state", state, "--rate-limits", "off")
    customer = first.customer(unique("Durable Ltd"))
    invoice = first.invoice(customer["Id"], "42.00")
    replayed = first.post("customer", {"DisplayName": unique("Replayed")}, requestid="rq-survives")
    first.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, operation="delete")
    old_refresh = first.refresh_token
    first.box.stop()

    second: QBApi = qb_factory("--state", state, "--rate-limits", "off")
    assert second.info["client_id"] == first.info["client_id"]
    assert second.info["client_secret"] == first.info["client_secret"]
    assert second.info["realm_id"] == first.info["realm_id"]
    assert second.info["refresh_token"] != first.info["refresh_token"]  # a fresh one each start...
    assert second.token(old_refresh).status_code == 200  # ...while the one the app holds still works
    again = second.get(f"customer/{customer['Id']}").json()["Customer"]
    assert again["MetaData"] == customer["MetaData"] and again["DisplayName"] == customer["DisplayName"]
    assert second.post("customer", {"DisplayName": replayed.json()["Customer"]["DisplayName"]},
                       requestid="rq-survives").content == replayed.content
    since = (time.time() - 3600)
    changed = second.get("cdc", entities="Invoice",
                         changedSince=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since))).json()
    stubs = changed["CDCResponse"][0]["QueryResponse"][0]["Invoice"]
    assert stubs == [{"status": "Deleted", "domain": "QBO", "Id": invoice["Id"],
                      "MetaData": stubs[0]["MetaData"]}]
    fresh = second.customer()
    assert int(fresh["Id"]) > int(customer["Id"])


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list]]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()


def test_webhooks_are_signed_with_the_verifier_token(qb_factory, receiver) -> None:
    url, received = receiver
    qb: QBApi = qb_factory("--webhook-url", url, "--rate-limits", "off")
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"])
    qb.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, operation="void")
    deadline = time.monotonic() + 10
    events: list[dict] = []
    while time.monotonic() < deadline and len(events) < 3:
        time.sleep(0.1)
        events = [e for _, body in received
                  for n in json.loads(body)["eventNotifications"] for e in n["dataChangeEvent"]["entities"]]
    assert [(e["name"], e["operation"]) for e in events] == [
        ("Customer", "Create"), ("Invoice", "Create"), ("Invoice", "Void")]
    headers, body = received[0]
    expected = base64.b64encode(hmac.new(qb.info["webhook_verifier"].encode(), body, hashlib.sha256).digest())
    assert headers["intuit-signature"] == expected.decode()
    assert json.loads(body)["eventNotifications"][0]["realmId"] == qb.info["realm_id"]
    assert events[0]["id"] == customer["Id"] and events[0]["lastUpdated"][-5:] in ("-0700", "-0800")
    # the receiver has the body before the sandbox has the answer: wait until the delivery is recorded
    deliveries = qb.control("GET", "webhooks")
    while time.monotonic() < deadline + 10 and deliveries[0]["status"] is None:
        time.sleep(0.1)
        deliveries = qb.control("GET", "webhooks")
    assert deliveries[0]["status"] == 200
