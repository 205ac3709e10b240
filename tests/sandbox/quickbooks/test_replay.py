"""``requestid`` (fact sheet §3, §8.6): a repeated write gets the original response and changes nothing; the
classic case is a response lost after the write was applied."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox.quickbooks.conftest import QBApi, unique


def _count(qb: QBApi, name: str) -> int:
    return qb.query(f"SELECT COUNT(*) FROM Customer WHERE DisplayName = '{name}'").json()["QueryResponse"][
        "totalCount"]


def test_repeat_gets_the_original_response(qb: QBApi) -> None:
    name = unique("Replay Ltd")
    first = qb.post("customer", {"DisplayName": name}, requestid="rq-customer-1")
    second = qb.post("customer", {"DisplayName": name}, requestid="rq-customer-1")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert _count(qb, name) == 1
    assert [c["note"] for c in qb.box.calls() if c["idempotency_key"] == "rq-customer-1"] == [None, "replay"]


def test_replayed_fault_and_a_different_request_under_a_used_id(qb: QBApi) -> None:
    taken = qb.customer()["DisplayName"]
    first = qb.post("customer", {"DisplayName": taken}, requestid="rq-dup")
    assert qb.fault(first)["code"] == "6240"
    assert qb.post("customer", {"DisplayName": taken}, requestid="rq-dup").content == first.content
    other = qb.post("customer", {"DisplayName": unique("Other")}, requestid="rq-dup")
    assert other.status_code == 400 and qb.fault(other)["code"] == "600"


def test_request_id_length(qb: QBApi) -> None:
    assert qb.fault(qb.post("customer", {"DisplayName": unique("Long")}, requestid="x" * 51))["code"] == "2050"
    assert qb.post("customer", {"DisplayName": unique("Fifty")}, requestid="y" * 50).status_code == 200
    batch = {"BatchItemRequest": [{"bId": "b0", "operation": "create", "Customer": {"DisplayName": unique("B")}}]}
    assert qb.fault(qb.post("batch", batch, requestid="z" * 37))["code"] == "2050"


def test_dropped_response_then_retry_with_the_same_request_id(qb: QBApi) -> None:
    customer = qb.customer()
    qb.control("POST", "faults", json={"action": "drop", "method": "POST", "path": "/invoice$"})
    body = {"CustomerRef": {"value": customer["Id"]}, "Line": [
        {"Amount": 10, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": "3"}}}]}
    with pytest.raises(requests.exceptions.RequestException):
        qb.post("invoice", body, requestid="rq-invoice-drop")
    retried = qb.post("invoice", body, requestid="rq-invoice-drop")
    assert retried.status_code == 200
    invoices = qb.rows(f"SELECT * FROM Invoice WHERE CustomerRef = '{customer['Id']}'", "Invoice")
    assert [i["Id"] for i in invoices] == [retried.json()["Invoice"]["Id"]]
    notes = [c["note"] for c in qb.box.calls() if c["idempotency_key"] == "rq-invoice-drop"]
    assert notes == ["fault:drop", "replay"]


def test_batch_replay(qb: QBApi) -> None:
    name = unique("Batch Replay")
    body = {"BatchItemRequest": [{"bId": "b0", "operation": "create", "Customer": {"DisplayName": name}}]}
    first = qb.post("batch", body, requestid="rq-batch-1")
    again = qb.post("batch", body, requestid="rq-batch-1")
    assert again.content == first.content and _count(qb, name) == 1
