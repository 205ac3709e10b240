"""Injected faults: a response lost after the write was applied, a 503, a slow answer; and the call log."""

from __future__ import annotations

import time

import pytest
import requests

from tests.sandbox.xero.conftest import Factory


def test_a_dropped_response_was_applied_and_the_key_replays_it(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "faults", json=[{"action": "drop", "method": "PUT", "path": "/Contacts$"}])
    body = {"Contacts": [{"Name": "Ironbridge Farm Shop"}]}
    headers = {"Idempotency-Key": "lb-dropped-1"}
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        xero.put("Contacts", body, headers=headers, params={"summarizeErrors": "false"})

    # Xero applied it: the contact exists although the client never saw the answer
    found = xero.get("Contacts", params={"where": 'Name=="Ironbridge Farm Shop"'}).json()["Contacts"]
    assert len(found) == 1
    retried = xero.put("Contacts", body, headers=headers, params={"summarizeErrors": "false"})
    assert retried.status_code == 200
    assert retried.json()["Contacts"][0]["ContactID"] == found[0]["ContactID"]
    assert len(xero.get("Contacts", params={"where": 'Name=="Ironbridge Farm Shop"'}).json()["Contacts"]) == 1

    puts = [c for c in xero.box.calls() if c["method"] == "PUT"]
    assert [c["note"] for c in puts] == ["fault:drop", "replay"]
    assert all(c["company"] == xero.tenant_id and c["status"] == 200 for c in puts)


def test_503_then_recovery(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "faults", json={"action": "error", "status": 503, "path": "/Invoices", "times": 2})
    for _ in range(2):
        down = xero.get("Invoices")
        assert down.status_code == 503 and down.headers["content-type"].startswith("text/plain")
    assert xero.get("Invoices").status_code == 200
    statuses = [c["status"] for c in xero.box.calls() if c["path"].endswith("/Invoices")]
    assert statuses == [503, 503, 200]


def test_delay_and_clearing_the_log(xero_factory: Factory) -> None:
    xero = xero_factory()
    xero.control("POST", "faults", json={"action": "delay", "delay": 0.4, "method": "GET"})
    started = time.monotonic()
    assert xero.get("Organisation").status_code == 200
    assert time.monotonic() - started >= 0.4
    assert xero.box.calls()
    xero.control("DELETE", "calls")
    assert xero.box.calls() == []
