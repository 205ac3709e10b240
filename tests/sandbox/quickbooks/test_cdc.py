"""Change data capture (fact sheet §2.2): the 30-day window, deleted stubs after the active objects, hard deletes
seen only here, the 1000-object cap, and the entities it does not cover."""

from __future__ import annotations

import datetime as dt

from tests.sandbox.quickbooks.conftest import QBApi


def _since(qb: QBApi, minutes_ago: int) -> str:
    now = dt.datetime.fromisoformat(qb.get("preferences").json()["time"])
    return (now - dt.timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def _groups(body: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for response in body["CDCResponse"][0]["QueryResponse"]:
        for key, value in response.items():
            if isinstance(value, list):
                out[key] = value
    return out


def test_changes_and_deleted_stubs(qb: QBApi) -> None:
    since = _since(qb, 1)
    customer = qb.customer()
    kept = qb.invoice(customer["Id"])
    deleted = qb.invoice(customer["Id"])
    hard = qb.invoice(customer["Id"])
    qb.post("invoice", {"Id": deleted["Id"], "SyncToken": "0"}, operation="delete")
    assert qb.control("POST", "hard-delete", json={"entity": "Invoice", "id": hard["Id"]}) == {"deleted": True}
    assert qb.get(f"invoice/{hard['Id']}").status_code == 400  # gone from reads...

    response = qb.get("cdc", entities="Invoice,Customer", changedSince=since)
    assert response.status_code == 200
    groups = _groups(response.json())
    invoices = groups["Invoice"]
    assert [r["Id"] for r in invoices if "status" not in r] == [kept["Id"]]
    stubs = [r for r in invoices if r.get("status") == "Deleted"]
    assert {r["Id"] for r in stubs} == {deleted["Id"], hard["Id"]}  # ...but cdc tells
    assert invoices[-len(stubs):] == stubs  # deleted objects come after the active ones
    assert set(stubs[0]) == {"status", "domain", "Id", "MetaData"} and stubs[0]["domain"] == "QBO"
    assert customer["Id"] in {r["Id"] for r in groups["Customer"]}

    block = response.json()["CDCResponse"][0]["QueryResponse"][0]
    assert block["startPosition"] == 1 and block["maxResults"] == len(invoices)


def test_window_and_unsupported_entities(qb: QBApi) -> None:
    old = qb.get("cdc", entities="Customer", changedSince=_since(qb, 31 * 24 * 60))
    assert old.status_code == 400
    assert "older than fixed days is not supported" in qb.fault(old)["Message"]
    assert qb.get("cdc", entities="Customer", changedSince=_since(qb, 29 * 24 * 60)).status_code == 200
    assert qb.get("cdc", entities="TaxCode", changedSince=_since(qb, 60)).status_code == 400
    assert qb.fault(qb.get("cdc", changedSince=_since(qb, 60)))["code"] == "2020"


def test_at_most_1000_objects(qb: QBApi) -> None:
    since = _since(qb, 1)
    for start in range(0, 1020, 30):
        body = {"BatchItemRequest": [{"bId": f"b{i}", "operation": "create",
                                      "Customer": {"DisplayName": f"CDC bulk {start + i}"}} for i in range(30)]}
        assert qb.post("batch", body).status_code == 200
    groups = _groups(qb.get("cdc", entities="Customer,Invoice", changedSince=since).json())
    assert sum(len(v) for v in groups.values()) == 1000
